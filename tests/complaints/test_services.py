"""Receiving, routing and handling complaints (complaints/services.py)."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from PIL import Image

from dudao.complaints import rules
from dudao.complaints.models import (
    Complaint,
    ComplaintAction,
    ComplaintOutcome,
    ComplaintPolicy,
    ComplaintState,
)
from dudao.complaints.services import (
    FindingIn,
    add_days,
    complaint_assign,
    complaint_close,
    complaint_note_add,
    complaint_policy_set,
    complaint_triage,
    complaints_daily,
    normalise_code,
)
from dudao.findings.models import FindingSource, FindingState
from dudao.notifications.models import Notification
from tests.complaints.conftest import PHONE, jpeg_bytes, submit


def _triage(by, complaint, outcome=ComplaintOutcome.QUESTION, **extra):
    values = {"public_answer": "您好，教辅资料由家长自愿选购，学校不得统一收费。"}
    values.update(extra)
    return complaint_triage(by=by, complaint=complaint, outcome=outcome, **values)


def _investigate(by, complaint, **extra):
    finding = FindingIn(category="fees", description="学校统一收取教辅资料费", requirement="立即停止统一收费并退还已收费用",
                        deadline=timezone.localdate() + timedelta(days=15))
    return _triage(by, complaint, ComplaintOutcome.INVESTIGATED, verification_note="查阅收费台账，属实。",
                   finding=finding, **extra)


# --- receiving ---------------------------------------------------------------------------------------------
def test_routes_to_the_responsible_supervisor_and_the_county_office(cast, team):
    complaint = submit(cast.A1)

    assert complaint.supervisor == team.wang
    assert complaint.office == team.ningxiang
    assert complaint.state == ComplaintState.RECEIVED
    assert complaint.events.get().action == ComplaintAction.RECEIVED


def test_a_school_without_a_supervisor_goes_to_its_office_only(cast, team):
    complaint = submit(cast.B1)

    assert complaint.supervisor is None
    assert complaint.office == team.wangcheng


def test_a_school_with_no_office_up_the_chain_reaches_the_admins(cast, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submit(cast.D1)

    assert complaint.office is None
    assert Notification.objects.filter(recipient=cast.admin, url__endswith=f"/complaints/{complaint.pk}/").exists()


def test_handlers_are_notified_but_not_leaders_or_schools(cast, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submit(cast.A1)

    told = set(Notification.objects.filter(url=f"/complaints/{complaint.pk}/").values_list("recipient__username", flat=True))
    assert told == {cast.supervisor.username, cast.county_staff.username}
    note = Notification.objects.get(recipient=cast.supervisor)
    assert cast.A1.name in note.title and "收费问题" in note.title
    assert PHONE not in note.body


def test_tracking_codes_are_ten_unambiguous_characters_and_unique(cast, team):
    codes = {submit(cast.A1, ip_hash=f"h{n}").tracking_code for n in range(20)}

    assert len(codes) == 20
    for code in codes:
        assert len(code) == 10 and set(code) <= set(rules.CODE_ALPHABET)
        assert not set(code) & set("0O1IL")


def test_typed_codes_are_normalised():
    assert normalise_code(" abcde-fghjk ") == "ABCDEFGHJK"
    assert normalise_code("ABCDE FGHJK") == "ABCDEFGHJK"


def test_response_due_counts_working_days_from_the_office_policy(cast, team):
    friday = timezone.make_aware(datetime(2026, 3, 6, 10, 0))

    assert submit(cast.A1, received_at=friday).response_due == date(2026, 3, 13)  # 5 working days
    complaint_policy_set(by=cast.county_staff, office=team.ningxiang, response_days=3, working_days=False, source="宁乡规定")
    assert submit(cast.A2, received_at=friday).response_due == date(2026, 3, 9)
    assert submit(cast.B1, received_at=friday).response_due == date(2026, 3, 13)  # 望城 keeps the default


def test_add_days_skips_weekends():
    assert add_days(date(2026, 3, 6), 1, working=True) == date(2026, 3, 9)
    assert add_days(date(2026, 3, 7), 5, working=True) == date(2026, 3, 13)
    assert add_days(date(2026, 3, 6), 1, working=False) == date(2026, 3, 7)


def test_add_days_skips_public_holidays_and_counts_days_worked_in_lieu():
    # 国庆、中秋 2025: 10月1日至8日放假，10月11日（周六）上班 — 15 working days from 30 September
    assert add_days(date(2025, 9, 30), 15, working=True) == date(2025, 10, 28)
    assert add_days(date(2025, 9, 30), 15, working=False) == date(2025, 10, 15)


def test_policy_only_for_the_office_staff(cast, team):
    for user in (cast.county_leader, cast.supervisor, cast.school_user):
        with pytest.raises(PermissionDenied):
            complaint_policy_set(by=user, office=team.ningxiang, response_days=3, working_days=True)
    with pytest.raises(ValidationError):
        complaint_policy_set(by=cast.county_staff, office=team.ningxiang, response_days=0, working_days=True)
    assert not ComplaintPolicy.objects.exists()


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"category": "nonsense"}, "category", "请选择反映类别"),
    ({"text": "太差"}, "text", "至少 5 个字"),
    ({"text": "很" * 2001}, "text", "不超过 2000 字"),
    ({"phone": "12345"}, "phone", "正确的手机号"),
    ({"anonymous": True}, "anonymous", "匿名反映时请不要填写"),
])
def test_refuses_bad_input_with_chinese_messages(cast, team, fields, field, message):
    with pytest.raises(ValidationError) as caught:
        submit(cast.A1, **fields)

    assert message in "".join(caught.value.message_dict[field])
    assert not Complaint.objects.exists()


def test_anonymous_without_contact_is_accepted(cast, team):
    complaint = submit(cast.A1, anonymous=True, phone="", contact_name="")

    assert complaint.anonymous and not complaint.phone and not complaint.contact_name


def test_landline_numbers_are_accepted(cast, team):
    assert submit(cast.A1, phone="0731-87654321").phone == "0731-87654321"


def test_closed_school_cannot_receive_complaints(cast, team):
    cast.A1.is_active = False
    cast.A1.save()
    with pytest.raises(ValidationError):
        submit(cast.A1)


# --- photos ------------------------------------------------------------------------------------------------
def test_photos_are_re_encoded_without_their_location(cast, team):
    complaint = submit(cast.A1, photos=[jpeg_bytes(gps=True), jpeg_bytes((400, 300))])

    photos = list(complaint.photos.all())
    assert len(photos) == 2
    with photos[0].image.open("rb") as fh, Image.open(fh) as image:
        assert image.format == "JPEG"
        assert not image.getexif().get_ifd(0x8825)
    assert "complaints/photos/" in photos[0].image.name


def test_refuses_files_that_are_not_images_and_oversized_photos(cast, team, settings):
    with pytest.raises(ValidationError) as caught:
        submit(cast.A1, photos=[b"%PDF-1.4 not a photo"])
    assert "第 1 张照片" in "".join(caught.value.message_dict["photos"])

    settings.DUDAO_COMPLAINT_MAX_PHOTO_BYTES = 1000
    with pytest.raises(ValidationError) as caught:
        submit(cast.A1, photos=[jpeg_bytes()])
    assert "过大" in "".join(caught.value.message_dict["photos"])


def test_at_most_three_photos(cast, team):
    with pytest.raises(ValidationError) as caught:
        submit(cast.A1, photos=[jpeg_bytes((10 + n, 10)) for n in range(4)])
    assert "最多上传 3 张" in "".join(caught.value.message_dict["photos"])


def test_a_png_renamed_jpg_is_read_by_content(cast, team):
    out = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(out, "PNG")
    complaint = submit(cast.A1, photos=[out.getvalue()])
    assert complaint.photos.get().width == 300


# --- triage ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("outcome", "state", "extra"), [
    (ComplaintOutcome.QUESTION, ComplaintState.ANSWERED, {}),
    (ComplaintOutcome.REFERRED, ComplaintState.REFERRED, {"referred_to": "宁乡市市场监督管理局"}),
    (ComplaintOutcome.KEPT_FOR_VISIT, ComplaintState.KEPT_FOR_VISIT, {}),
    (ComplaintOutcome.UNFOUNDED, ComplaintState.UNFOUNDED, {"verification_note": "到校核实，未发现统一收费。"}),
])
def test_each_outcome_answers_and_moves_the_state(cast, team, outcome, state, extra):
    complaint = submit(cast.A1)

    done = _triage(cast.supervisor, complaint, outcome, **extra)

    assert (done.state, done.outcome) == (state, outcome)
    assert done.answered_at is not None and done.public_answer
    assert done.handled_by == cast.supervisor
    event = done.events.get(action=ComplaintAction.TRIAGED)
    assert (event.from_state, event.to_state) == (ComplaintState.RECEIVED, state)


def test_investigated_creates_a_finding_and_links_it(cast, team):
    complaint = submit(cast.A1)

    done = _investigate(cast.supervisor, complaint)

    finding = done.finding
    assert done.state == ComplaintState.INVESTIGATING
    assert finding.source == FindingSource.COMPLAINT
    assert (finding.school, finding.office, finding.supervisor) == (cast.A1, team.ningxiang, team.wang)
    assert finding.source_url == f"/complaints/{complaint.pk}/"
    assert finding.source_data["complaint_id"] == complaint.pk
    # the school reads its findings: nothing that identifies the complainant or opens their tracking page
    leaked = f"{finding.description}{finding.source_label}{finding.source_data}"
    assert complaint.tracking_code not in leaked and PHONE not in leaked and "王女士" not in leaked


def test_investigated_needs_a_requirement_and_a_future_deadline(cast, team):
    complaint = submit(cast.A1)
    bad = FindingIn(category="fees", description="统一收费", requirement="", deadline=timezone.localdate() - timedelta(days=1))

    with pytest.raises(ValidationError) as caught:
        _triage(cast.supervisor, complaint, ComplaintOutcome.INVESTIGATED, verification_note="属实", finding=bad)

    assert set(caught.value.message_dict) >= {"requirement", "deadline"}
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.RECEIVED and complaint.finding is None


@pytest.mark.parametrize(("outcome", "extra", "field"), [
    (ComplaintOutcome.QUESTION, {"public_answer": "  "}, "public_answer"),
    (ComplaintOutcome.REFERRED, {"referred_to": ""}, "referred_to"),
    (ComplaintOutcome.UNFOUNDED, {"verification_note": ""}, "verification_note"),
])
def test_triage_requires_what_the_outcome_needs(cast, team, outcome, extra, field):
    complaint = submit(cast.A1)
    with pytest.raises(ValidationError) as caught:
        _triage(cast.supervisor, complaint, outcome, **extra)
    assert field in caught.value.message_dict


@pytest.mark.parametrize("persona", ["county_leader", "school_user", "multi", "outsider", "evaluator", "nobody"])
def test_only_handlers_may_triage(cast, team, persona):
    complaint = submit(cast.A1)  # 王 (supervisor) and 宁乡's staff handle A1; zhao (multi) handles A3 only
    with pytest.raises(PermissionDenied):
        _triage(getattr(cast, persona), complaint)


@pytest.mark.parametrize("persona", ["supervisor", "county_staff", "city_staff", "province_staff", "admin"])
def test_handlers_may_triage(cast, team, persona):
    complaint = submit(cast.A1)
    assert _triage(getattr(cast, persona), complaint).state == ComplaintState.ANSWERED


def test_cannot_triage_twice_but_kept_for_visit_comes_back(cast, team):
    answered = _triage(cast.supervisor, submit(cast.A1))
    with pytest.raises(ValidationError):
        _triage(cast.supervisor, answered)

    kept = _triage(cast.supervisor, submit(cast.A2), ComplaintOutcome.KEPT_FOR_VISIT)
    first_answer = kept.answered_at
    after_visit = _triage(cast.supervisor, kept, ComplaintOutcome.UNFOUNDED, verification_note="督导时查看食堂，情况正常。")
    assert after_visit.state == ComplaintState.UNFOUNDED
    assert after_visit.answered_at == first_answer  # the response time counts the first reply


# --- closing -----------------------------------------------------------------------------------------------
def test_close_replaces_the_answer_when_a_new_one_is_given(cast, team):
    complaint = _triage(cast.supervisor, submit(cast.A1))

    closed = complaint_close(by=cast.county_staff, complaint=complaint, public_answer="最终答复：已督促学校公示收费项目。")

    assert closed.state == ComplaintState.CLOSED and closed.closed_at
    assert closed.public_answer == "最终答复：已督促学校公示收费项目。"
    assert closed.events.get(action=ComplaintAction.CLOSED).data["previous_answer"].startswith("您好")


def test_an_investigated_complaint_closes_only_after_its_finding(cast, team):
    complaint = _investigate(cast.supervisor, submit(cast.A1))

    with pytest.raises(ValidationError) as caught:
        complaint_close(by=cast.supervisor, complaint=complaint)
    assert "尚未销号" in caught.value.messages[0]

    complaint.finding.state = FindingState.CLOSED
    complaint.finding.save()
    result = complaints_daily()
    complaint.refresh_from_db()
    assert result["closed"] == 1 and complaint.state == ComplaintState.CLOSED
    assert "已完成整改" in complaint.public_answer


def test_cannot_close_a_new_complaint_or_twice(cast, team):
    complaint = submit(cast.A1)
    with pytest.raises(ValidationError):
        complaint_close(by=cast.supervisor, complaint=complaint)
    closed = complaint_close(by=cast.supervisor, complaint=_triage(cast.supervisor, complaint))
    with pytest.raises(ValidationError):
        complaint_close(by=cast.supervisor, complaint=closed)


# --- notes, assignment, reminders ----------------------------------------------------------------------------
def test_notes_are_internal_events(cast, team):
    complaint = submit(cast.A1)
    complaint_note_add(by=cast.supervisor, complaint=complaint, note="已电话联系家长，约定周三到校。")
    assert complaint.events.get(action=ComplaintAction.NOTE).note.startswith("已电话联系")
    with pytest.raises(PermissionDenied):
        complaint_note_add(by=cast.school_user, complaint=complaint, note="学校说明")
    with pytest.raises(ValidationError):
        complaint_note_add(by=cast.supervisor, complaint=complaint, note=" ")


def test_the_office_reassigns_and_the_new_supervisor_may_handle(cast, team, django_capture_on_commit_callbacks):
    complaint = submit(cast.A1)
    with pytest.raises(PermissionDenied):
        complaint_assign(by=cast.supervisor, complaint=complaint, supervisor=team.zhao)
    with pytest.raises(ValidationError):
        complaint_assign(by=cast.county_staff, complaint=complaint, supervisor=team.gao)  # 浏阳's

    with django_capture_on_commit_callbacks(execute=True):
        complaint_assign(by=cast.county_staff, complaint=complaint, supervisor=team.zhao)

    complaint.refresh_from_db()
    assert complaint.supervisor == team.zhao
    assert Notification.objects.filter(recipient=cast.multi, title__contains="改派").exists()
    assert _triage(cast.multi, complaint).state == ComplaintState.ANSWERED


def test_overdue_complaints_are_reminded_once(cast, team):
    old = timezone.now() - timedelta(days=20)
    late = submit(cast.A1, received_at=old)
    answered = _triage(cast.supervisor, submit(cast.A2, received_at=old))
    fresh = submit(cast.A1)

    assert set(Complaint.objects.overdue()) == {late}
    assert late.is_overdue() and not answered.is_overdue() and not fresh.is_overdue()
    assert complaints_daily()["reminded"] == 1
    assert complaints_daily()["reminded"] == 0
    assert Notification.objects.filter(title__contains="逾期未答复").count() == 2  # supervisor and county staff
