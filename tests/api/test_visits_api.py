"""The visits API: create idempotently by client_id (201, then 200 with the same visit), list (paginated,
scoped), detail (the school reads the feedback only), photos — over the same services as the pages."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dudao.people.models import ApiToken
from dudao.visits.models import Visit, VisitStatus
from tests.visits.field_support import category_code, jpeg, method_codes, submitted_visit


def _body(school, **extra) -> dict:
    body = {
        "client_id": str(uuid.uuid4()), "school_id": school.pk, "mode": "announced", "methods": method_codes()[:1],
        "topics": ["supervision_item:3"], "narrative": "听课一节", "opinions": "加强教研",
        "device_started_at": "2026-03-05T08:00:00+08:00", "latitude": 28.25, "longitude": 112.55, "accuracy": 20,
        "location_status": "ok",
        "problems": [{"category": category_code(), "description": "课表与实际不符", "requirement": "按课表开课",
                      "deadline": (timezone.localdate() + timedelta(days=7)).isoformat()}],
    }
    body.update(extra)
    return body


def _create(client, body, **headers):
    return client.post(reverse("api-1:create_visit"), json.dumps(body), content_type="application/json", **headers)


def test_create_is_idempotent_by_client_id(cast, client, field):
    client.force_login(cast.supervisor)
    body = _body(cast.A1)
    first = _create(client, body)
    second = _create(client, {**body, "narrative": "重复提交"})
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"] and Visit.objects.count() == 1
    data = second.json()
    assert data["status"] == "submitted" and data["narrative"] == "听课一节" and data["distance_m"] == 0
    assert data["problems"][0]["requirement"] == "按课表开课" and data["method_labels"] == ["随机听课/推门听课"]


def test_create_with_a_token(cast, client, field):
    _token, key = ApiToken.issue(user=cast.supervisor, name="手机")
    response = _create(client, _body(cast.A2, submit=False), HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 201 and Visit.objects.get().status == VisitStatus.DRAFT


def test_create_errors_are_chinese(cast, client, field):
    client.force_login(cast.supervisor)
    response = _create(client, _body(cast.A1, methods=[], narrative=""))
    assert response.status_code == 400
    data = response.json()
    assert data["errors"]["methods"] == ["请至少选择一种督导方法。"] and "请填写督导情况。" in data["detail"]
    assert not Visit.objects.filter(status=VisitStatus.SUBMITTED).exists()


def test_create_refuses_a_school_not_assigned_on_the_day(cast, client, field):
    """A2 is in the supervisor's scope but the assignment ended: the rule is the visit day's 挂牌."""
    field.me.assignments.filter(school=cast.A2).update(ends_on=timezone.localdate() - timedelta(days=1))
    cast.supervisor.role_grants.get().schools.add(cast.A2)  # still visible through the grant
    client.force_login(cast.supervisor)
    response = _create(client, _body(cast.A2))
    assert response.status_code == 400 and "不是您当天的挂牌学校" in response.json()["detail"]


def test_list_is_paginated_and_scoped(cast, client, field):
    for _ in range(3):
        submitted_visit(cast.supervisor, cast.A1, photo=False)
    submitted_visit(cast.outsider, cast.C1, photo=False)
    client.force_login(cast.county_staff)
    data = client.get(reverse("api-1:list_visits"), {"page_size": 2}).json()
    assert data["count"] == 3 and len(data["items"]) == 2
    assert {v["school_name"] for v in data["items"]} == {cast.A1.name} and data["items"][0]["problem_count"] == 1
    client.force_login(cast.city_staff)
    assert client.get(reverse("api-1:list_visits")).json()["count"] == 4
    assert client.get(reverse("api-1:list_visits"), {"school_id": cast.C1.pk}).json()["count"] == 1


def test_school_reads_the_feedback_only(cast, client, field):
    visit = submitted_visit(cast.supervisor, cast.A1, refused=True, refusal_note="拒绝")
    client.force_login(cast.school_user)
    data = client.get(reverse("api-1:get_visit", kwargs={"visit_id": visit.pk})).json()
    assert data["full"] is False and data["opinions"] == visit.opinions and len(data["problems"]) == 1
    assert data["narrative"] is None and data["latitude"] is None and data["refused"] is None and data["photos"] == []
    assert data["started_at"] is None
    listed = client.get(reverse("api-1:list_visits")).json()["items"][0]
    assert listed["narrative"] is None and listed["refusal_note"] is None


def test_token_writes_need_no_csrf_but_session_writes_do(cast, field):
    """As on a production server: the test client skips CSRF unless told; a phone has no CSRF cookie."""
    from django.test import Client

    _token, key = ApiToken.issue(user=cast.supervisor, name="手机")
    phone = Client(enforce_csrf_checks=True)
    created = _create(phone, _body(cast.A2, submit=False), HTTP_AUTHORIZATION=f"Bearer {key}")
    assert created.status_code == 201
    url = reverse("api-1:add_visit_photo", kwargs={"client_id": created.json()["client_id"]})
    photo = phone.post(url, {"photo_client_id": str(uuid.uuid4()),
                             "file": SimpleUploadedFile("a.jpg", jpeg(800, 600), content_type="image/jpeg")},
                       HTTP_AUTHORIZATION=f"Bearer {key}")
    assert photo.status_code == 201
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.supervisor)
    assert _create(browser, _body(cast.A2, submit=False)).status_code == 403
    assert Visit.objects.count() == 1


def test_photo_upload_is_idempotent(cast, client, field):
    client.force_login(cast.supervisor)
    created = _create(client, _body(cast.A1, submit=False)).json()
    url = reverse("api-1:add_visit_photo", kwargs={"client_id": created["client_id"]})
    photo_id = str(uuid.uuid4())
    raw = jpeg(2000, 1000)
    first = client.post(url, {"photo_client_id": photo_id, "file": SimpleUploadedFile("a.jpg", raw, content_type="image/jpeg")})
    again = client.post(url, {"photo_client_id": photo_id, "file": SimpleUploadedFile("a.jpg", raw, content_type="image/jpeg")})
    assert first.status_code == 201 and again.status_code == 200 and first.json()["id"] == again.json()["id"]
    assert first.json()["width"] == 1600
    bad = client.post(url, {"photo_client_id": str(uuid.uuid4()), "file": SimpleUploadedFile("a.jpg", b"nope", content_type="image/jpeg")})
    assert bad.status_code == 400 and bad.json()["detail"] == "文件不是有效的图片。"


def test_a_problem_names_its_photos_and_they_become_the_findings_evidence(cast, client, field):
    """Issue [6] item 6 over the API: draft, photo upload, then the submission naming the photo."""
    from dudao.findings.models import Finding

    client.force_login(cast.supervisor)
    body = _body(cast.A1, submit=False)
    created = _create(client, body).json()
    url = reverse("api-1:add_visit_photo", kwargs={"client_id": created["client_id"]})
    photo_id = str(uuid.uuid4())
    client.post(url, {"photo_client_id": photo_id, "file": SimpleUploadedFile("a.jpg", jpeg(800, 600), content_type="image/jpeg")})
    body["problems"][0]["photos"] = [photo_id, str(uuid.uuid4())]  # an unknown id is ignored
    data = _create(client, {**body, "submit": True}).json()
    assert data["status"] == "submitted"
    assert data["problems"][0]["photo_client_ids"] == [photo_id]
    finding = Finding.objects.get(pk=data["problems"][0]["finding_id"])
    assert finding.evidence.filter(event__action="created").count() == 1
    client.force_login(cast.school_user)  # the school does not read the visit's photos, nor their ids
    school_view = client.get(reverse("api-1:get_visit", kwargs={"visit_id": data["id"]})).json()
    assert school_view["problems"][0]["photo_client_ids"] == []
