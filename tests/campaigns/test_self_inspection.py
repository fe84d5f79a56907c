"""自查自纠: the school's own account answers, saves, submits (then read-only); the office reopens
with a reason; evidence is checked and hashed; the late list and the reminders."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dudao.campaigns import self_inspection as si
from dudao.campaigns.models import CampaignEvent, CampaignEvidence, CampaignState, Score, SelfInspection
from dudao.notifications.models import Notification
from tests.campaigns.scoring_support import items
from tests.campaigns.states import move_to
from tests.findings.conftest import png_bytes


@pytest.fixture
def campaign(county_campaign):
    move_to(county_campaign, CampaignState.SELF_INSPECTION)
    return county_campaign


def full(campaign, **changes):
    codes = items(campaign)
    answers = {"B1": si.AnswerIn(value="5"), "B2": si.AnswerIn(choice="yes"), "B3": si.AnswerIn(choice="中", note="音乐课缺教师")}
    answers.update(changes)
    return {codes[code].pk: answer for code, answer in answers.items()}


def test_school_saves_a_draft_then_submits(campaign, cast):
    inspection = si.self_answers_save(by=cast.school_user, campaign=campaign, school_id=cast.A1.pk,
                                      answers=full(campaign), report="")
    assert inspection.state == "draft" and inspection.self_total == Decimal("15.00")  # 5 + 4 + 6
    with pytest.raises(ValidationError) as exc:
        si.self_inspection_submit(by=cast.school_user, campaign=campaign, school_id=cast.A1.pk)
    assert exc.value.message_dict == {"report": ["请填写自查报告。"]}
    si.self_answers_save(by=cast.school_user, campaign=campaign, school_id=cast.A1.pk, answers={}, report="已自查整改")
    inspection = si.self_inspection_submit(by=cast.school_user, campaign=campaign, school_id=cast.A1.pk)
    assert inspection.state == "submitted" and inspection.submitted_by == cast.school_user
    assert Score.objects.get(indicator=items(campaign)["B3"], kind="self").note == "音乐课缺教师"
    # read-only now
    with pytest.raises(ValidationError) as exc:
        si.self_answers_save(by=cast.school_user, campaign=campaign, school_id=cast.A1.pk, answers=full(campaign))
    assert exc.value.messages == ["自查已提交，不能再修改；如需修改，请联系督导室退回。"]


def test_submit_names_the_items_left_unanswered(campaign, cast):
    codes = items(campaign)
    si.self_answers_save(by=cast.school_user, campaign=campaign, school_id=cast.A1.pk,
                         answers={codes["B1"].pk: si.AnswerIn(value="6")}, report="报告")
    with pytest.raises(ValidationError) as exc:
        si.self_inspection_submit(by=cast.school_user, campaign=campaign, school_id=cast.A1.pk)
    assert exc.value.messages == ["还有 2 项未填写：B2、B3。"]


def test_one_wrong_answer_saves_nothing(campaign, cast):
    with pytest.raises(ValidationError) as exc:
        si.self_answers_save(by=cast.school_user, campaign=campaign, school_id=cast.A1.pk,
                             answers=full(campaign, B1=si.AnswerIn(value="9")))
    assert exc.value.message_dict == {"B1": ["B1：得分应在 0 到 6 之间。"]}
    assert not Score.objects.exists()


def test_a_retried_answer_is_not_applied_twice(campaign, cast):
    codes = items(campaign)
    client = uuid.uuid4()
    si.self_answers_save(by=cast.school_user, campaign=campaign, school_id=cast.A1.pk,
                         answers={codes["B1"].pk: si.AnswerIn(value="5", client_id=client)})
    si.self_answers_save(by=cast.school_user, campaign=campaign, school_id=cast.A1.pk,
                         answers={codes["B1"].pk: si.AnswerIn(value="3")})
    # the phone resends its first answer: it must not undo the later change
    si.self_answers_save(by=cast.school_user, campaign=campaign, school_id=cast.A1.pk,
                         answers={codes["B1"].pk: si.AnswerIn(value="5", client_id=client)})
    assert Score.objects.get().value == Decimal("3.00")


@pytest.mark.parametrize("persona", ["county_staff", "supervisor", "admin", "county_leader", "evaluator"])
def test_only_the_school_account_fills_it(campaign, cast, persona):
    with pytest.raises(PermissionDenied):
        si.self_answers_save(by=getattr(cast, persona), campaign=campaign, school_id=cast.A1.pk, answers=full(campaign))


def test_a_school_never_fills_another_school(campaign, cast):
    with pytest.raises(PermissionDenied):
        si.self_answers_save(by=cast.school_user, campaign=campaign, school_id=cast.A2.pk, answers=full(campaign))


def test_outside_the_self_inspection_phase_nothing_is_saved(campaign, cast):
    move_to(campaign, CampaignState.FINAL)
    with pytest.raises(ValidationError) as exc:
        si.self_answers_save(by=cast.school_user, campaign=campaign, school_id=cast.A1.pk, answers=full(campaign))
    assert exc.value.messages == ["本次督导当前不在学校自查阶段（最终意见），不能填报。"]


def test_office_reopens_with_a_reason_and_the_school_is_told(campaign, cast):
    si.self_answers_save(by=cast.school_user, campaign=campaign, school_id=cast.A1.pk, answers=full(campaign), report="r")
    si.self_inspection_submit(by=cast.school_user, campaign=campaign, school_id=cast.A1.pk)
    with pytest.raises(ValidationError):
        si.self_inspection_reopen(by=cast.county_staff, campaign=campaign, school_id=cast.A1.pk, reason=" ")
    with pytest.raises(PermissionDenied):
        si.self_inspection_reopen(by=cast.county_leader, campaign=campaign, school_id=cast.A1.pk, reason="补充材料")
    inspection = si.self_inspection_reopen(by=cast.county_staff, campaign=campaign, school_id=cast.A1.pk,
                                           reason="请补充消防台账")
    assert inspection.state == "draft"
    assert CampaignEvent.objects.get(action="self_reopened").note.endswith("请补充消防台账")
    told = Notification.objects.get(recipient=cast.school_user)
    assert told.body == "退回原因：请补充消防台账"


def test_evidence_is_checked_and_hashed(campaign, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("台账.png", png_bytes(), content_type="image/png")
    evidence = si.self_evidence_add(by=cast.school_user, campaign=campaign, school_id=cast.A1.pk, upload=upload,
                                    indicator_id=items(campaign)["B1"].pk)
    assert evidence.content_type == "image/png" and len(evidence.sha256) == 64 and evidence.original_name == "台账.png"
    again = si.self_evidence_add(by=cast.school_user, campaign=campaign, school_id=cast.A1.pk,
                                 upload=SimpleUploadedFile("again.png", png_bytes()), indicator_id=items(campaign)["B1"].pk)
    assert again.pk == evidence.pk  # the same file for the same item is kept once
    with pytest.raises(ValidationError) as exc:
        si.self_evidence_add(by=cast.school_user, campaign=campaign, school_id=cast.A1.pk,
                             upload=SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf"))
    assert exc.value.messages == ["只支持 JPG、PNG、WebP 图片和 PDF、Word（docx）、Excel（xlsx）文件，且文件须完好。"]
    assert CampaignEvidence.objects.count() == 1


def _submit(campaign, cast, when):
    inspection = SelfInspection.objects.create(campaign=campaign, school=cast.A1, state="submitted", submitted_at=when,
                                               submitted_by=cast.school_user)
    return inspection


def test_late_list_names_the_schools_that_missed_the_deadline(campaign, cast):
    # deadline 2026-09-15: A1 submitted on the 14th, A2 is a draft, A3 never started
    _submit(campaign, cast, timezone.make_aware(dt.datetime(2026, 9, 14, 10)))
    SelfInspection.objects.create(campaign=campaign, school=cast.A2)
    assert si.late_list(campaign, dt.date(2026, 9, 15)) == []  # not passed yet
    rows = si.late_list(campaign, dt.date(2026, 9, 20))
    assert [(r.school.name, r.state, r.days_late) for r in rows] == sorted(
        [(cast.A2.name, "draft", 5), (cast.A3.name, "", 5)])


def test_a_late_submission_stays_on_the_list_with_its_delay(campaign, cast):
    _submit(campaign, cast, timezone.make_aware(dt.datetime(2026, 9, 17, 9)))
    rows = {r.school.name: r for r in si.late_list(campaign, dt.date(2026, 9, 20))}
    assert rows[cast.A1.name].days_late == 2 and rows[cast.A1.name].submitted_at is not None


def test_reminders_before_and_after_the_deadline_once_a_day(campaign, cast):
    assert si.self_inspection_reminders(dt.date(2026, 9, 12)) == {"before": 1, "after": 0, "office": 0}  # 3 days left
    assert si.self_inspection_reminders(dt.date(2026, 9, 12))["before"] == 0  # run again the same day
    assert si.self_inspection_reminders(dt.date(2026, 9, 13)) == {"before": 0, "after": 0, "office": 0}  # 2: no reminder
    after = si.self_inspection_reminders(dt.date(2026, 9, 16))
    assert after["after"] == 1 and after["office"] >= 1
    assert Notification.objects.filter(recipient=cast.county_staff, title__startswith="自查逾期学校 3 所").exists()
    titles = list(Notification.objects.filter(recipient=cast.school_user).order_by("id").values_list("title", flat=True))
    assert titles == ["自查截止提醒：测试宁乡综合督导", "自查已逾期：测试宁乡综合督导"]


def test_a_submitted_school_gets_no_reminder(campaign, cast):
    _submit(campaign, cast, timezone.now())
    assert si.self_inspection_reminders(dt.date(2026, 9, 14))["before"] == 0


def test_the_reminder_job_is_registered():
    from dudao.core.schedule import get_job

    job = get_job("campaigns.self_reminders")
    assert job is not None and job.load() is si.self_inspection_reminders


# --- the pages ------------------------------------------------------------------------------------------
def test_the_form_saves_and_submits_then_shows_read_only(campaign, cast, client):
    client.force_login(cast.school_user)
    url = reverse("campaigns:self_form", args=[campaign.pk])
    codes = items(campaign)
    page = client.get(url)
    assert page.status_code == 200 and "B1" in page.content.decode()
    response = client.post(url, {f"value_{codes['B1'].pk}": "9", f"choice_{codes['B2'].pk}": "yes", "report": "报告"})
    assert response.status_code == 200 and "B1：得分应在 0 到 6 之间。" in response.content.decode()
    assert 'value="9"' in response.content.decode()  # the typed value is kept
    posted = {f"value_{codes['B1'].pk}": "6", f"choice_{codes['B2'].pk}": "yes", f"choice_{codes['B3'].pk}": "好",
              "report": "全部落实", "action": "submit"}
    assert client.post(url, posted).status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="read-only"' in page and "已提交" in page
    assert 'data-testid="self-submit"' not in page
    refused = client.post(url, {**posted, f"value_{codes['B1'].pk}": "1"})
    assert "自查已提交，不能再修改" in refused.content.decode()
    assert Score.objects.get(indicator=codes["B1"]).value == Decimal("6.00")


def test_the_office_does_not_fill_the_form(campaign, cast, client):
    client.force_login(cast.county_staff)
    assert client.get(reverse("campaigns:self_form", args=[campaign.pk])).status_code == 403


def test_a_school_asking_for_another_school_gets_404(campaign, cast, client):
    client.force_login(cast.school_user)
    assert client.get(reverse("campaigns:self_form", args=[campaign.pk]) + f"?school={cast.A2.pk}").status_code == 404


def test_an_unannounced_campaign_has_no_self_inspection_nor_reminders(campaign, cast):
    campaign.unannounced = True
    campaign.save()
    with pytest.raises(PermissionDenied):
        si.self_answers_save(by=cast.school_user, campaign=campaign, school_id=cast.A1.pk, answers=full(campaign))
    assert si.self_inspection_reminders(dt.date(2026, 9, 12)) == {"before": 0, "after": 0, "office": 0}


def test_an_account_of_two_schools_picks_the_school(campaign, cast, client):
    from dudao.people.models import Role, User
    from dudao.people.services import role_grant_add

    both = User.objects.create(username="t_two_schools", full_name="两校账号")
    role_grant_add(user=both, role=Role.SCHOOL_USER, schools=[cast.A1])
    role_grant_add(user=both, role=Role.SCHOOL_USER, schools=[cast.A2])
    client.force_login(both)
    url = reverse("campaigns:self_form", args=[campaign.pk])
    page = client.get(url + f"?school={cast.A2.pk}").content.decode()
    assert f'<option value="{cast.A2.pk}" selected>{cast.A2.name}</option>' in page
    assert f'<option value="{cast.A1.pk}">{cast.A1.name}</option>' in page
    assert client.get(url + f"?school={cast.A3.pk}").status_code == 404
