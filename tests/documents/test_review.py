"""Draft review (documents/review.py): the deadline in working days, who may comment and until when,
every comment answered before 送审, read receipts counted once and only by the unit's own accounts,
the inbox and the daily reminder."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dudao.documents import review, services
from dudao.documents.models import AnswerKind, CommentKind, DocumentStatus, ReviewSettings
from dudao.notifications.models import Notification
from dudao.regions.models import Office, Region

pytestmark = pytest.mark.django_db

SENT = dt.date(2026, 9, 28)  # a Monday; 1–7 Oct 2026 is the National Day holiday, 10 Oct a Saturday worked


@pytest.fixture
def office(cast):
    return Office.objects.get(region__code="430182")


def _draft(cast, office, recipients=None):
    return services.create_draft(
        by=cast.county_staff, office=office, kind="opinion", title="关于测试宁乡一小的督导意见书（征求意见稿）",
        body=[{"type": "h1", "text": "一、基本情况"}, {"type": "p", "text": "学校办学规范。"},
              {"type": "p", "text": "食堂台账不全。"}],
        recipients=recipients if recipients is not None else [{"school": cast.A1, "name": cast.A1.name},
                                                              {"school": cast.A2, "name": cast.A2.name}])


def _sent(cast, office, **kw):
    doc = _draft(cast, office)
    review.send_for_review(doc, by=cast.county_staff, today=SENT, **kw)
    return doc


def _key(doc, n):
    return doc.body[n]["key"]


def test_the_deadline_counts_working_days_across_the_national_day_holiday(cast, office):
    # 5 working days after Mon 28 Sep 2026: 29, 30 Sep, then 1–7 Oct are the holiday (not counted),
    # 8 Oct (Thu), 9 Oct (Fri), 10 Oct (Sat, worked in lieu) -> the 5th is 10 Oct.
    doc = _sent(cast, office)
    current = review.current_review(doc)
    assert (current.days, current.deadline, current.round) == (5, dt.date(2026, 10, 10), 1)
    # An ordinary week: five working days after Mon 2 Nov end on Mon 9 Nov (the weekend not counted);
    # after Mon 14 Sep on Sun 20 Sep, a Sunday worked in lieu of the holiday.
    assert review.deadline_for(dt.date(2026, 11, 2), 5) == dt.date(2026, 11, 9)
    assert review.deadline_for(dt.date(2026, 9, 14), 5) == dt.date(2026, 9, 20)


def test_the_office_default_period_is_configurable(cast, office):
    assert review.review_days(office) == 5
    review.set_review_days(office, by=cast.county_staff, days=3)
    assert ReviewSettings.objects.get(office=office).days == 3
    doc = _sent(cast, office)
    assert review.current_review(doc).deadline == dt.date(2026, 10, 8)  # 29, 30 Sep, 8 Oct
    with pytest.raises(PermissionDenied):
        review.set_review_days(office, by=cast.county_leader, days=4)
    with pytest.raises(ValidationError):
        review.set_review_days(office, by=cast.county_staff, days=0)


def test_sending_needs_recipients_and_staff(cast, office):
    with pytest.raises(ValidationError):
        review.send_for_review(_draft(cast, office, recipients=[]), by=cast.county_staff)
    with pytest.raises(PermissionDenied):
        review.send_for_review(_draft(cast, office), by=cast.county_leader)
    with pytest.raises(PermissionDenied):
        review.send_for_review(_draft(cast, office), by=cast.school_user)


def test_sending_shares_the_draft_and_tells_the_school_accounts(cast, office):
    doc = _draft(cast, office)
    assert not doc.__class__.objects.visible_to(cast.school_user).exists()
    review.send_for_review(doc, by=cast.county_staff)
    assert list(doc.__class__.objects.visible_to(cast.school_user)) == [doc]
    told = Notification.objects.filter(title__startswith="征求意见：")
    assert set(told.values_list("recipient__username", flat=True)) == {"t_school"}  # A2 has no account


def test_a_school_comments_on_a_paragraph_and_the_office_is_told(cast, office):
    doc = _sent(cast, office)
    before = Notification.objects.filter(recipient=cast.county_staff).count()
    comment = review.add_comment(doc, by=cast.school_user, text="台账已补齐，请删除此条。", kind=CommentKind.OBJECTION,
                                 block_key=_key(doc, 2), today=SENT + dt.timedelta(days=1))
    assert (comment.unit_name, comment.block_text, comment.recipient.school_id) == (cast.A1.name, "食堂台账不全。", cast.A1.pk)
    assert Notification.objects.filter(recipient=cast.county_staff).count() == before + 1
    whole = review.add_comment(doc, by=cast.school_user, text="总体同意。", today=SENT)
    assert whole.block_key == "" and whole.block_text == ""


def test_comments_are_refused_after_the_deadline_with_the_date(cast, office):
    doc = _sent(cast, office)
    review.add_comment(doc, by=cast.school_user, text="最后一天仍可提出。", today=dt.date(2026, 10, 10))
    with pytest.raises(ValidationError) as refused:
        review.add_comment(doc, by=cast.school_user, text="晚了。", today=dt.date(2026, 10, 11))
    assert "征求意见已于 2026年10月10日 截止" in refused.value.messages[0]


def test_comments_are_refused_outside_the_units(cast, office):
    doc = _sent(cast, office)
    for persona in ("supervisor", "county_staff", "county_leader", "outsider", "evaluator", "nobody", "admin"):
        with pytest.raises(PermissionDenied):
            review.add_comment(doc, by=getattr(cast, persona), text="意见", today=SENT)
    with pytest.raises(ValidationError):
        review.add_comment(doc, by=cast.school_user, text="  ", today=SENT)
    with pytest.raises(ValidationError):
        review.add_comment(doc, by=cast.school_user, text="意见", block_key="nosuchkey", today=SENT)
    undraft = _draft(cast, office)  # never sent
    with pytest.raises(ValidationError):
        review.add_comment(undraft, by=cast.school_user, text="意见", today=SENT)


def test_every_comment_is_answered_before_submit(cast, office):
    doc = _sent(cast, office)
    first = review.add_comment(doc, by=cast.school_user, text="第一条", block_key=_key(doc, 1), today=SENT)
    second = review.add_comment(doc, by=cast.school_user, text="第二条", today=SENT)
    with pytest.raises(ValidationError) as refused:
        services.submit(doc, by=cast.county_staff)
    assert "还有 2 条征求意见未答复" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        review.answer_comment(first, by=cast.county_staff, answer=AnswerKind.REJECTED, explanation=" ")
    with pytest.raises(PermissionDenied):
        review.answer_comment(first, by=cast.county_leader, answer=AnswerKind.ADOPTED)
    with pytest.raises(PermissionDenied):
        review.answer_comment(first, by=cast.school_user, answer=AnswerKind.ADOPTED)
    review.answer_comment(first, by=cast.county_staff, answer=AnswerKind.ADOPTED)
    assert review.open_comments(doc).count() == 1
    with pytest.raises(ValidationError):
        services.submit(doc, by=cast.county_staff)
    review.answer_comment(second, by=cast.county_staff, answer=AnswerKind.PARTLY, explanation="第二段已改写。")
    services.edit_draft(doc, by=cast.county_staff, body=[*doc.body[:2], {"type": "p", "text": "食堂台账已补齐。"}])
    services.submit(doc, by=cast.county_staff)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.CHECKING
    # Once submitted, the review is over: no new comment, no change of answer.
    with pytest.raises(ValidationError):
        review.add_comment(doc, by=cast.school_user, text="补充", today=SENT)
    with pytest.raises(ValidationError):
        review.answer_comment(second, by=cast.county_staff, answer=AnswerKind.ADOPTED)
    rounds = review.history(doc)
    assert [[c.text for c in r["comments"]] for r in rounds] == [["第一条", "第二条"]]
    assert rounds[0]["comments"][0].block_text == "学校办学规范。"  # as commented, though the draft changed


def test_a_government_unit_user_comments_for_the_unit(cast, office):
    from tests.governance.conftest import build_gov

    gov = build_gov(cast)
    doc = _draft(cast, office, recipients=[{"government_unit_id": gov.unit_a.pk, "name": gov.unit_a.name}])
    review.send_for_review(doc, by=cast.county_staff, today=SENT)
    comment = review.add_comment(doc, by=gov.gov_a, text="数据有误", today=SENT)
    assert comment.unit_name == gov.unit_a.name
    with pytest.raises(PermissionDenied):
        review.add_comment(doc, by=gov.gov_b, text="不是我们单位", today=SENT)


def test_a_region_recipient_comments_as_its_office_not_the_sender(cast):
    city = Office.objects.get(region__code="4301")
    doc = services.create_draft(by=cast.city_staff, office=city, kind="report", title="全市督导报告（征求意见稿）",
                                body=[{"type": "p", "text": "宁乡市……"}],
                                recipients=[{"region": Region.objects.get(code="430182"), "name": "宁乡市"}])
    review.send_for_review(doc, by=cast.city_staff, today=SENT)
    assert review.add_comment(doc, by=cast.county_staff, text="宁乡意见", today=SENT).unit_name == "宁乡市"
    for persona in ("city_staff", "province_staff", "county_leader"):  # sender, above it, a read-only leader
        with pytest.raises(PermissionDenied):
            review.add_comment(doc, by=getattr(cast, persona), text="x", today=SENT)


def _issued(cast, office):
    doc = _draft(cast, office)
    services.submit(doc, by=cast.county_staff)
    services.check(doc, by=cast.admin)
    return services.issue(doc, by=cast.county_leader, code="宁教督")


def test_receipts_count_once_and_only_the_units_own_accounts(cast, office):
    doc = _issued(cast, office)
    for persona in ("supervisor", "county_staff", "county_leader", "admin"):
        assert services.mark_read(doc, by=getattr(cast, persona)) == 0, persona
    assert services.mark_read(doc, by=cast.school_user) == 1
    assert services.mark_read(doc, by=cast.school_user) == 0
    counted = review.receipts(doc)
    assert (counted.total, counted.read, counted.unread) == (2, 1, 1)
    assert [r.name for r in review.receipts(doc, unread_only=True).rows] == [cast.A2.name]
    first = doc.recipients.get(school=cast.A1)
    assert first.read_by == cast.school_user


def test_a_region_receipt_is_not_marked_by_the_sending_office(cast):
    city = Office.objects.get(region__code="4301")
    doc = services.create_draft(by=cast.city_staff, office=city, kind="notice", title="通知",
                                recipients=[{"region": Region.objects.get(code="430182"), "name": "宁乡市"}])
    services.share(doc, by=cast.city_staff)
    assert services.mark_read(doc, by=cast.city_staff) == 0
    assert services.mark_read(doc, by=cast.province_staff) == 0
    assert services.mark_read(doc, by=cast.county_leader) == 1


def test_the_inbox_lists_drafts_under_review_then_unread_with_counts(cast, office):
    reviewing = _sent(cast, office)
    issued = _issued(cast, office)
    older = _issued(cast, office)
    services.mark_read(older, by=cast.school_user)
    _draft(cast, office)  # not sent: not in the inbox
    inbox = review.inbox(cast.school_user)
    assert [d.pk for d in inbox] == [reviewing.pk, issued.pk, older.pk]  # the draft first although older
    assert (inbox.filter(unread=True).count(), inbox.filter(reviewing=True).count()) == (1, 1)
    assert not review.inbox(cast.supervisor).exists()  # reads the school, is not its account
    assert not review.inbox(cast.outsider).exists()


def test_the_reminder_goes_to_unread_units_once_a_day(cast, office):
    from dudao.people.models import Role, User
    from dudao.people.services import role_grant_add

    a2 = User.objects.create_user(username="t_a2", password="x", full_name="二中用户")
    role_grant_add(user=a2, role=Role.SCHOOL_USER, schools=[cast.A2])
    doc = _issued(cast, office)
    services.mark_read(doc, by=cast.school_user)
    with pytest.raises(PermissionDenied):
        review.remind_unread(doc, by=cast.county_leader)
    assert not review.reminded_today(doc)
    assert review.remind_unread(doc, by=cast.county_staff) == 1
    assert review.reminded_today(doc)
    assert review.remind_unread(doc, by=cast.county_staff) == 0  # the same day: nobody again
    assert Notification.objects.filter(recipient=a2, title__startswith="请阅读").count() == 1
    assert not Notification.objects.filter(recipient=cast.school_user, title__startswith="请阅读").exists()


def test_the_day_before_the_deadline_units_without_comment_are_reminded_once(cast, office):
    from dudao.people.models import Role, User
    from dudao.people.services import role_grant_add

    a2 = User.objects.create_user(username="t_a2", password="x", full_name="二中用户")
    role_grant_add(user=a2, role=Role.SCHOOL_USER, schools=[cast.A2])
    doc = _sent(cast, office)  # deadline Sat 10 Oct 2026 (worked in lieu); the working day before: Fri 9 Oct
    review.add_comment(doc, by=cast.school_user, text="已反馈", today=SENT)
    assert review.remind_before_deadline(dt.date(2026, 10, 8)) == {"reviews": 0, "told": 0}
    assert review.remind_before_deadline(dt.date(2026, 10, 9)) == {"reviews": 1, "told": 1}
    assert review.remind_before_deadline(dt.date(2026, 10, 9)) == {"reviews": 1, "told": 0}  # run again: nobody twice
    reminded = Notification.objects.filter(title__startswith="征求意见即将截止")
    assert list(reminded.values_list("recipient__username", flat=True)) == ["t_a2"]
