"""The phone visit form: starting, autosave, submission (idempotent by client id), errors that keep
what was typed, read-only once submitted, refusal escalation, discarding a draft."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.notifications.models import Notification
from dudao.people.models import Role
from dudao.people.services import role_grant_add
from dudao.regions.models import Office
from dudao.visits.models import Visit, VisitStatus
from tests.visits.field_support import category_code, draft_visit, method_codes


def _start(client, school, **extra):
    body = {"school": school.pk, "client_id": str(uuid.uuid4()), "location_status": "none", **extra}
    return client.post(reverse("visits:field_start"), body), body["client_id"]


def _post_json(client, name, visit, body):
    return client.post(reverse(name, args=[visit.client_id]), json.dumps(body), content_type="application/json")


def _complete(**extra) -> dict:
    body = {
        "mode": "unannounced", "methods": method_codes(), "topics": ["supervision_item:2", "visit_focus:safety"],
        "narrative": "推门听课两节，查阅作业公示。", "opinions": "建议完善作业公示制度。",
        "problems": [{"category": category_code(), "description": "作业量超标", "requirement": "两周内整改",
                      "deadline": (timezone.localdate() + timedelta(days=14)).isoformat()}],
    }
    body.update(extra)
    return body


def test_start_records_server_time_device_time_and_distance(cast, client, field):
    client.force_login(cast.supervisor)
    before = timezone.now()
    response, client_id = _start(client, cast.A1, device_started_at="2026-03-05T01:02:03Z", latitude="28.252000",
                                 longitude="112.550000", accuracy="15", location_status="ok")
    visit = Visit.objects.get(client_id=client_id)
    assert response["Location"] == reverse("visits:field_form", args=[visit.client_id])
    assert before <= visit.started_at <= timezone.now() and visit.visit_date == timezone.localdate()
    assert visit.device_started_at.isoformat() == "2026-03-05T01:02:03+00:00"
    assert visit.location_status == "ok" and visit.location_accuracy_m == 15
    assert visit.latitude == Decimal("28.252000") and 215 <= visit.distance_m <= 230  # 0.002° of latitude ≈ 222 m
    page = client.get(response["Location"]).content.decode()
    assert f"距学校约 {visit.distance_m} 米" in page


def test_start_without_location_is_allowed_and_marked(cast, client, field):
    client.force_login(cast.supervisor)
    _response, client_id = _start(client, cast.A2, location_status="denied")
    visit = Visit.objects.get(client_id=client_id)
    assert visit.location_status == "denied" and visit.latitude is None and visit.distance_m is None
    page = client.get(reverse("visits:field_form", args=[visit.client_id])).content.decode()
    assert "未授权定位" in page and "记录将标注为未定位" in page


def test_double_tap_on_start_makes_one_draft(cast, client, field):
    client.force_login(cast.supervisor)
    body = {"school": cast.A1.pk, "client_id": str(uuid.uuid4())}
    first = client.post(reverse("visits:field_start"), body)
    second = client.post(reverse("visits:field_start"), body)
    assert first["Location"] == second["Location"] and Visit.objects.count() == 1


def test_autosave_is_idempotent_and_keeps_the_start_location(cast, client, field):
    client.force_login(cast.supervisor)
    _response, client_id = _start(client, cast.A1, latitude="28.25", longitude="112.55", location_status="ok")
    visit = Visit.objects.get(client_id=client_id)
    body = _complete(latitude=30.0, longitude=120.0)  # a later position does not replace the one at the start
    first = _post_json(client, "visits:field_autosave", visit, body)
    second = _post_json(client, "visits:field_autosave", visit, body)
    assert first.status_code == second.status_code == 200 and first.json()["problems_saved"] == 1
    visit.refresh_from_db()
    assert Visit.objects.count() == 1 and visit.status == VisitStatus.DRAFT and visit.problems.count() == 1
    assert visit.mode == "unannounced" and visit.narrative == "推门听课两节，查阅作业公示。"
    assert visit.latitude == Decimal("28.250000") and visit.distance_m == 0


def test_autosave_keeps_a_half_written_draft(cast, client, field):
    """A problem without its deadline and a refusal without its note are work in progress."""
    client.force_login(cast.supervisor)
    visit = draft_visit(cast.supervisor, cast.A1, photo=False)
    body = {"narrative": "写到一半", "refused": True, "refusal_note": "",
            "problems": [{"category": category_code(), "description": "还没写完", "requirement": "", "deadline": ""}]}
    response = _post_json(client, "visits:field_autosave", visit, body)
    assert response.status_code == 200 and response.json()["problems_saved"] == 0
    visit.refresh_from_db()
    assert visit.narrative == "写到一半" and visit.refused


def test_autosave_refuses_unknown_codes_in_chinese(cast, client, field):
    client.force_login(cast.supervisor)
    visit = draft_visit(cast.supervisor, cast.A1, photo=False)
    response = _post_json(client, "visits:field_autosave", visit, {"methods": ["no_such_method"]})
    assert response.status_code == 400 and response.json()["errors"]["methods"] == ["未知的督导方法：no_such_method"]


def test_submit_twice_makes_one_visit(cast, client, field):
    client.force_login(cast.supervisor)
    _response, client_id = _start(client, cast.A1)
    visit = Visit.objects.get(client_id=client_id)
    first = _post_json(client, "visits:field_submit", visit, _complete())
    second = _post_json(client, "visits:field_submit", visit, _complete(narrative="第二次点击"))
    assert first.status_code == second.status_code == 200
    assert first.json()["url"] == second.json()["url"] == reverse("visits:detail", args=[visit.pk])
    visit = Visit.objects.get()
    assert visit.status == VisitStatus.SUBMITTED and visit.narrative == "推门听课两节，查阅作业公示。"
    assert visit.submitted_at is not None and visit.ended_at is not None


def test_submit_errors_are_chinese_and_keep_the_input_json(cast, client, field):
    client.force_login(cast.supervisor)
    visit = draft_visit(cast.supervisor, cast.A1, photo=False, methods=[], narrative="")
    body = _complete(methods=[], narrative="", opinions="意见要保留",
                     problems=[{"category": "", "description": "缺少期限", "requirement": "", "deadline": ""}])
    response = _post_json(client, "visits:field_submit", visit, body)
    errors = response.json()["errors"]
    assert response.status_code == 400
    assert errors["methods"] == ["请至少选择一种督导方法。"] and errors["narrative"] == ["请填写督导情况。"]
    assert "第 1 个问题：请填写整改要求。" in errors["problems"] and "第 1 个问题：请填写整改期限。" in errors["problems"]
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DRAFT and visit.opinions == "意见要保留"  # the draft kept what was sent


def test_submit_errors_keep_the_input_without_script(cast, client, field):
    client.force_login(cast.supervisor)
    visit = draft_visit(cast.supervisor, cast.A1, photo=False)
    response = client.post(reverse("visits:field_submit", args=[visit.client_id]), {
        "mode": "announced", "methods": method_codes()[:1], "topics": ["supervision_item:1"], "narrative": "保留的叙述",
        "opinions": "保留的意见", "refused": "1", "refusal_note": "",
        "problem_category": [category_code()], "problem_description": ["操场围栏破损"], "problem_requirement": ["立即修复"],
        "problem_deadline": [(timezone.localdate() - timedelta(days=1)).isoformat()],
    })
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="form-errors"' in page
    assert "请说明拒绝、阻挠或提供虚假材料的情况。" in page and "第 1 个问题：整改期限不能早于今天。" in page
    assert "保留的叙述</textarea>" in page and "保留的意见</textarea>" in page and "操场围栏破损</textarea>" in page
    assert Visit.objects.get().status == VisitStatus.DRAFT


def test_submit_without_script_redirects_to_the_detail(cast, client, field):
    client.force_login(cast.supervisor)
    visit = draft_visit(cast.supervisor, cast.A1, photo=False)
    response = client.post(reverse("visits:field_submit", args=[visit.client_id]), {
        "mode": "announced", "methods": method_codes()[:1], "topics": ["supervision_item:1"], "narrative": "无脚本提交",
    })
    assert response.status_code == 302 and response["Location"] == reverse("visits:detail", args=[visit.pk])
    assert Visit.objects.get().status == VisitStatus.SUBMITTED


def test_submitted_visit_is_read_only(cast, client, field):
    client.force_login(cast.supervisor)
    visit = draft_visit(cast.supervisor, cast.A1, photo=False)
    _post_json(client, "visits:field_submit", visit, _complete())
    form = client.get(reverse("visits:field_form", args=[visit.client_id]))
    assert form.status_code == 302 and form["Location"] == reverse("visits:detail", args=[visit.pk])
    saved = _post_json(client, "visits:field_autosave", visit, _complete(narrative="事后修改"))
    assert saved.status_code == 200 and saved.json()["status"] == "submitted"
    assert Visit.objects.get().narrative == "推门听课两节，查阅作业公示。"
    discard = client.post(reverse("visits:draft_discard", args=[visit.client_id]))
    assert discard.status_code == 403 and Visit.objects.exists()
    detail = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert "推门听课两节" in detail and "继续填写" not in detail


@pytest.fixture
def ningxiang_staff(cast):
    """宁乡's office staff and leader are told; other offices are not."""
    return [cast.county_staff, cast.county_leader]


def test_refusal_is_escalated_to_the_office(cast, client, field, ningxiang_staff, django_capture_on_commit_callbacks):
    client.force_login(cast.supervisor)
    visit = draft_visit(cast.supervisor, cast.A1, photo=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_json(client, "visits:field_submit", visit, _complete(refused=True, refusal_note="校长拒绝提供收费台账"))
        _post_json(client, "visits:field_submit", visit, _complete(refused=True, refusal_note="校长拒绝提供收费台账"))
    assert response.status_code == 200
    told = Notification.objects.filter(dedupe_key=f"refusal:{visit.pk}")
    assert {n.recipient for n in told} == set(ningxiang_staff)
    note = told.first()
    assert note.level == "urgent" and "测试宁乡一小" in note.title and note.body == "校长拒绝提供收费台账"
    assert note.url == reverse("visits:detail", args=[visit.pk])
    assert not Notification.objects.filter(recipient__in=[cast.city_staff, cast.multi]).exists()


def test_refusal_is_not_sent_to_a_deactivated_account(cast, client, field, ningxiang_staff,
                                                      django_capture_on_commit_callbacks):
    """The alert went to every grant of the office, deactivated accounts included (people.selectors.office_staff)."""
    cast.county_leader.is_active = False
    cast.county_leader.save(update_fields=["is_active"])
    client.force_login(cast.supervisor)
    visit = draft_visit(cast.supervisor, cast.A1, photo=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_json(client, "visits:field_submit", visit, _complete(refused=True, refusal_note="拒绝提供台账"))
    assert response.status_code == 200
    told = {n.recipient for n in Notification.objects.filter(dedupe_key=f"refusal:{visit.pk}")}
    assert told == {cast.county_staff}


def test_discard_removes_the_draft_and_its_photos(cast, client, field, django_capture_on_commit_callbacks):
    client.force_login(cast.supervisor)
    visit = draft_visit(cast.supervisor, cast.A1)
    photo = visit.photos.get()
    storage, name = photo.image.storage, photo.image.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("visits:draft_discard", args=[visit.client_id]))
    assert response.status_code == 302 and response["Location"] == reverse("visits:field_home")
    assert not Visit.objects.exists() and not storage.exists(name)


def test_an_inactive_supervisor_cannot_record(cast, client, field):
    field.me.status = "suspended"
    field.me.save()
    client.force_login(cast.supervisor)
    assert client.get(reverse("visits:field_home")).status_code == 403
    assert _start(client, cast.A1)[0].status_code == 403


def test_a_supervisor_role_without_a_record_is_refused(cast, client, field):
    """An office user also granted the supervisor role, but with no supervisor record, gets 403."""
    role_grant_add(user=cast.county_staff, role=Role.SUPERVISOR, office=Office.objects.get(region__code="430182"), schools=[])
    client.force_login(cast.county_staff)
    assert client.get(reverse("visits:field_home")).status_code == 403
