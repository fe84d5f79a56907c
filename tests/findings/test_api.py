"""The findings API end to end: create, read with history, take steps, upload evidence, filter."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dudao.findings.models import Finding
from tests.findings.conftest import photo


def _post(client, url, payload):
    return client.post(url, payload, content_type="application/json")


def test_the_whole_road_through_the_api(ledger, client):
    cast = ledger.cast
    due = timezone.localdate() + timedelta(days=15)
    client.force_login(cast.supervisor)
    created = _post(client, reverse("api-1:create_finding"), {
        "school_id": cast.A1.pk, "source": "visit", "category": "hygiene", "severity": "serious",
        "description": "饮水机滤芯超期未换", "requirement": "立即更换并建立更换记录", "deadline": due.isoformat()})
    assert created.status_code == 201, created.content
    body = created.json()
    pk = body["id"]
    assert (body["office"], body["unit_name"], body["supervisor"], body["state"]) == (
        ledger.ningxiang.name, cast.A1.name, "王督学", "open")
    assert [e["action"] for e in body["events"]] == ["created"]
    assert [a["name"] for a in body["actions"]] == ["notify"]

    # a typed 文号 is ignored: the notice takes the next number of the office's series
    notified = _post(client, reverse("api-1:finding_action", args=[pk, "notify"]), {"number": "宁督整〔2026〕9号"})
    assert notified.status_code == 200 and notified.json()["state"] == "notified"
    notice = notified.json()["events"][-1]["data"]["notice"]
    assert notice["number"] != "宁督整〔2026〕9号" and notice["number"].endswith(f"〔{notice['issued_on'][:4]}〕1号")

    client.force_login(cast.school_user)
    detail = client.get(reverse("api-1:get_finding", args=[pk])).json()
    assert {a["name"] for a in detail["actions"]} == {"start", "report", "dispute"}
    missing = _post(client, reverse("api-1:finding_action", args=[pk, "report"]), {"note": "已更换"})
    assert missing.status_code == 400 and missing.json()["errors"]["files"] == ["请上传整改佐证材料（照片或文件）。"]
    uploaded = client.post(reverse("api-1:upload_evidence", args=[pk]), {"file": photo("更换后.png")})
    assert uploaded.status_code == 201 and uploaded.json()["content_type"] == "image/png"
    assert len(uploaded.json()["sha256"]) == 64
    reported = _post(client, reverse("api-1:finding_action", args=[pk, "report"]), {"note": "已更换"})
    assert reported.status_code == 200 and reported.json()["state"] == "reported"
    assert reported.json()["evidence"][0]["name"] == "更换后.png"
    refused = _post(client, reverse("api-1:finding_action", args=[pk, "verify"]), {})
    assert refused.status_code == 403

    client.force_login(cast.supervisor)
    closed = _post(client, reverse("api-1:finding_action", args=[pk, "verify"]), {"note": "复查属实"})
    assert closed.status_code == 200 and closed.json()["state"] == "closed" and closed.json()["actions"] == []
    assert [e["action"] for e in closed.json()["events"]] == ["created", "notify", "report", "verify"]
    again = _post(client, reverse("api-1:finding_action", args=[pk, "verify"]), {})
    assert again.status_code == 400 and "不能核查销号" in again.json()["detail"]


def test_create_errors_are_chinese_and_per_field(ledger, client):
    cast = ledger.cast
    client.force_login(cast.county_staff)
    response = _post(client, reverse("api-1:create_finding"), {
        "school_id": cast.A1.pk, "category": "nope", "description": "", "requirement": "要求",
        "deadline": (timezone.localdate() - timedelta(days=1)).isoformat()})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["category"] == ["请选择问题类别。"] and errors["description"] == ["请填写问题描述。"]
    assert "deadline" in errors
    no_unit = _post(client, reverse("api-1:create_finding"), {"category": "safety", "description": "x", "requirement": "y",
                                                             "deadline": timezone.localdate().isoformat()})
    assert no_unit.status_code == 400 and "请指定学校" in no_unit.json()["detail"]
    assert not Finding.objects.exists()


def test_create_for_a_government_unit(ledger, client):
    client.force_login(ledger.cast.city_staff)
    response = _post(client, reverse("api-1:create_finding"), {
        "region_code": "430182", "unit_name": "宁乡市教育局", "source": "evaluation", "category": "facilities",
        "description": "县域内学校生均体育运动场馆面积差异系数超标", "requirement": "制定达标计划",
        "deadline": (timezone.localdate() + timedelta(days=90)).isoformat()})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["school_id"] is None and body["unit_name"] == "宁乡市教育局" and body["office"] == ledger.ningxiang.name
    # A school never sees a government unit's finding.
    client.force_login(ledger.cast.school_user)
    assert client.get(reverse("api-1:get_finding", args=[body["id"]])).status_code == 404


def test_extend_and_bad_steps(ledger, client):
    cast = ledger.cast
    finding = ledger.make()
    client.force_login(cast.county_staff)
    new = finding.deadline + timedelta(days=30)
    extended = _post(client, reverse("api-1:finding_action", args=[finding.pk, "extend"]),
                     {"note": "工程量大", "deadline": new.isoformat()})
    assert extended.status_code == 200 and extended.json()["deadline"] == new.isoformat()
    unknown = _post(client, reverse("api-1:finding_action", args=[finding.pk, "explode"]), {})
    assert unknown.status_code == 400 and unknown.json()["detail"] == "未知的操作。"
    no_reason = _post(client, reverse("api-1:finding_action", args=[finding.pk, "cancel"]), {})
    assert no_reason.status_code == 400 and no_reason.json()["errors"]["note"] == ["请填写撤销原因。"]


def test_evidence_upload_checks_the_content(ledger, client):
    finding = ledger.make()
    client.force_login(ledger.cast.school_user)
    fake = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00not an image at all", content_type="image/jpeg")
    response = client.post(reverse("api-1:upload_evidence", args=[finding.pk]), {"file": fake})
    assert response.status_code == 400 and "只支持" in response.json()["detail"]
    client.force_login(ledger.cast.county_leader)  # a leader reads, does not upload
    assert client.post(reverse("api-1:upload_evidence", args=[finding.pk]), {"file": photo()}).status_code == 403


def test_list_filters_and_pages(ledger, client):
    cast = ledger.cast
    today = timezone.localdate()
    late = ledger.make(found_on=today - timedelta(days=40), deadline=today - timedelta(days=2), description="逾期的问题")
    for i in range(31):
        ledger.make(cast.A2, description=f"二中问题{i}", category="conduct")
    client.force_login(cast.county_staff)
    first = client.get(reverse("api-1:list_findings")).json()
    assert first["count"] == 32 and len(first["items"]) == 30
    assert first["items"][0]["id"] == late.pk and first["items"][0]["overdue"] is True  # the most urgent first
    second = client.get(reverse("api-1:list_findings"), {"page": 2}).json()
    assert len(second["items"]) == 2
    overdue = client.get(reverse("api-1:list_findings"), {"due": "overdue"}).json()
    assert [i["id"] for i in overdue["items"]] == [late.pk]
    by_category = client.get(reverse("api-1:list_findings"), {"category": "conduct"}).json()
    assert by_category["count"] == 31 and by_category["items"][0]["category_label"] == "办学行为不规范"
    by_school = client.get(reverse("api-1:list_findings"), {"school_id": cast.A1.pk}).json()
    assert [i["id"] for i in by_school["items"]] == [late.pk]
