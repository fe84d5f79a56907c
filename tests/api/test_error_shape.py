"""Every API error has one shape: {"code", "detail" (Chinese), "field", "errors"} (api/errors.py).

Parametrised over several endpoints per status, so a new endpoint that answers its own way, or a
handler that falls back to django-ninja's English default, fails here.
"""

from __future__ import annotations

import json
import re

import pytest
from django.db import IntegrityError

from dudao.people.models import ApiToken

CHINESE = re.compile(r"[\u4e00-\u9fff]")
SHAPE = {"code", "detail", "field", "errors"}


def _call(client, cast, who, method, path, body):
    if who == "anonymous":
        pass
    elif who == "bad token":
        return getattr(client, method)(path, HTTP_AUTHORIZATION="Bearer nope")
    else:
        client.force_login(getattr(cast, who))
    if method == "post":
        return client.post(path, json.dumps(body or {}), content_type="application/json")
    return client.get(path)


CASES = [
    # status, code, who, method, path (callable on cast), body, field
    (400, "invalid", "county_staff", "post", lambda c: "/api/v1/plaques/batches", {}, None),
    (400, "invalid", "county_staff", "post", lambda c: "/api/v1/plaques/batches", {"school_ids": list(range(1, 2100))}, "school_ids"),
    (400, "invalid", "county_staff", "post", lambda c: "/api/v1/findings/", {
        "region_code": "999999", "source": "visit", "category": "hygiene", "description": "x", "requirement": "y",
        "deadline": "2030-01-01"}, "region_code"),
    (401, "unauthenticated", "anonymous", "get", lambda c: "/api/v1/notifications/", None, None),
    (401, "unauthenticated", "bad token", "get", lambda c: "/api/v1/schools/", None, None),
    (403, "forbidden", "school_user", "post", lambda c: "/api/v1/findings/", lambda c: {
        "school_id": c.A1.pk, "region_code": "", "source": "visit", "category": "hygiene", "description": "x",
        "requirement": "y", "deadline": "2030-01-01"}, None),
    (403, "forbidden", "supervisor", "get", lambda c: "/api/v1/visits/compliance", None, None),
    (404, "not_found", "supervisor", "get", lambda c: f"/api/v1/schools/{c.A3.pk}", None, None),
    (404, "not_found", "county_staff", "get", lambda c: "/api/v1/plaques/batches/999999", None, None),
    (404, "not_found", "county_staff", "get", lambda c: "/api/v1/findings/999999", None, None),
    (404, "not_found", "anonymous", "get", lambda c: "/api/v1/public/complaints/NOSUCHCODE", None, "code"),
    (422, "unprocessable", "county_staff", "post", lambda c: "/api/v1/findings/", {"school_id": "not a number"}, None),
    (422, "unprocessable", "county_staff", "post", lambda c: f"/api/v1/schools/{c.A1.pk}/assignments", {"supervisor_id": "x"},
     "supervisor_id"),
]


@pytest.mark.parametrize(("status", "code", "who", "method", "path", "body", "field"), CASES,
                         ids=[f"{c[0]}-{c[2]}-{c[3]}-{i}" for i, c in enumerate(CASES)])
def test_every_error_has_the_one_shape_with_a_chinese_message(cast, client, status, code, who, method, path, body, field):
    response = _call(client, cast, who, method, path(cast), body(cast) if callable(body) else body)
    assert response.status_code == status, response.content
    data = response.json()
    assert set(data) == SHAPE
    assert data["code"] == code
    assert CHINESE.search(data["detail"]), data["detail"]
    assert all(CHINESE.search(m) for messages in data["errors"].values() for m in messages)
    if field is not None:
        assert data["field"] == field and data["errors"][field]


def test_a_schema_error_names_each_wrong_field(cast, client):
    client.force_login(cast.county_staff)
    response = client.post("/api/v1/findings/", json.dumps({"school_id": "x"}), content_type="application/json")
    data = response.json()
    assert response.status_code == 422
    assert data["errors"]["school_id"] == ["格式不正确。"]
    assert data["errors"]["description"] == ["必填。"]
    assert data["field"] in data["errors"] and data["detail"].startswith("请求数据格式不正确：")


def test_a_token_with_the_initial_password_is_refused_in_the_shape(cast, client):
    _token, key = ApiToken.issue(user=cast.county_staff, name="测试")
    cast.county_staff.must_change_password = True
    cast.county_staff.save()
    response = client.get("/api/v1/schools/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required" and CHINESE.search(response.json()["detail"])


def test_conflicts_and_uncaught_service_errors_share_the_shape():
    """409 and a ValidationError no endpoint caught: no endpoint raises them on purpose today, so a
    small API with the same handlers proves them."""
    from django.core.exceptions import ValidationError
    from ninja import NinjaAPI
    from ninja.testing import TestClient

    from dudao.api import errors

    api = NinjaAPI(urls_namespace="error-shape-test")
    errors.install(api)

    @api.get("/conflict")
    def conflict(request):
        raise IntegrityError("duplicate key value violates unique constraint")

    @api.get("/invalid")
    def invalid(request):
        raise ValidationError({"deadline": ["整改期限不能早于今天。"]})

    client = TestClient(api)
    response = client.get("/conflict")
    assert response.status_code == 409
    assert response.json() == {"code": "conflict", "detail": errors.CONFLICT, "field": None, "errors": {}}
    response = client.get("/invalid")
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "detail": "整改期限不能早于今天。", "field": "deadline",
                               "errors": {"deadline": ["整改期限不能早于今天。"]}}


@pytest.mark.parametrize(("method", "path"), [("put", "/api/v1/schools/"), ("delete", "/api/v1/findings/"),
                                              ("patch", "/api/v1/notifications/")])
def test_a_method_the_path_does_not_take_answers_405_in_the_shape(cast, client, method, path):
    """django-ninja's router answers 405 itself, in plain English text, before any handler runs."""
    client.force_login(cast.county_staff)
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert response.json() == {"code": "method_not_allowed", "detail": "不支持该请求方法。", "field": None, "errors": {}}
    assert "GET" in response["Allow"]


def test_an_address_matching_no_endpoint_answers_404_in_the_shape(cast, client):
    client.force_login(cast.county_staff)
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "未找到，或不在您的权限范围内。", "field": None, "errors": {}}
    # pages outside /api/ keep their HTML error pages
    assert client.get("/no-such-page/").status_code == 404
    assert not client.get("/no-such-page/")["Content-Type"].startswith("application/json")


def test_an_unexpected_exception_and_a_bare_error_page_answer_in_the_shape(rf):
    """An exception no handler expects (500) through the handlers; a non-JSON error page under /api/
    (here a 500 page made by Django) through the middleware, which leaves pages elsewhere alone."""
    from django.http import HttpResponseServerError
    from ninja import NinjaAPI
    from ninja.testing import TestClient

    from dudao.api import errors

    api = NinjaAPI(urls_namespace="error-shape-500-test")
    errors.install(api)

    @api.get("/boom")
    def boom(request):
        raise RuntimeError("boom")

    response = TestClient(api).get("/boom")
    expected = {"code": "server_error", "detail": "服务器内部错误，请稍后重试。", "field": None, "errors": {}}
    assert response.status_code == 500 and response.json() == expected

    middleware = errors.ApiErrorShapeMiddleware(lambda request: HttpResponseServerError("<h1>Server Error</h1>"))
    response = middleware(rf.get("/api/v1/schools/"))
    assert response.status_code == 500 and json.loads(response.content) == expected
    assert middleware(rf.get("/schools/")).content == b"<h1>Server Error</h1>"
