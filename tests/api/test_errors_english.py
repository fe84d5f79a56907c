"""API errors answer in the request's language: Chinese by default (tests/api/test_error_shape.py),
English for a user who chose English — the shared messages and an endpoint's own problem() text."""

from __future__ import annotations

import json

from django.conf import settings

NOT_FOUND = {"code": "not_found", "detail": "Not found, or outside what you may see.", "field": None, "errors": {}}


def test_errors_in_english(cast, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast.supervisor)
    assert client.get(f"/api/v1/schools/{cast.A3.pk}").json() == NOT_FOUND
    assert client.get("/api/v1/visits/compliance").json()["detail"] == "You are not allowed to do this."
    client.force_login(cast.county_staff)
    bad = client.post(f"/api/v1/schools/{cast.A1.pk}/assignments", json.dumps({"supervisor_id": "x"}),
                      content_type="application/json").json()
    assert (bad["detail"], bad["errors"]) == ("Malformed request data: supervisor_id.", {"supervisor_id": ["Malformed."]})
    batch = client.post("/api/v1/plaques/batches", "{}", content_type="application/json").json()
    assert batch["detail"] == "Please give exactly one of zone_id, office_id, school_ids."
    client.logout()  # clears every cookie: the public page is asked in English again
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get("/api/v1/public/complaints/NOSUCHCODE").json()["detail"] == "This tracking code was not found."


def test_errors_stay_chinese_by_default(cast, client):
    client.force_login(cast.supervisor)
    assert client.get(f"/api/v1/schools/{cast.A3.pk}").json()["detail"] == "未找到，或不在您的权限范围内。"
    client.force_login(cast.county_staff)
    bad = client.post(f"/api/v1/schools/{cast.A1.pk}/assignments", json.dumps({"supervisor_id": "x"}),
                      content_type="application/json").json()
    assert (bad["detail"], bad["errors"]) == ("请求数据格式不正确：supervisor_id。", {"supervisor_id": ["格式不正确。"]})
