"""The daily reminders of the 督政 self-assessment: the government users of units that have not
submitted, before and after the deadline (2026-09-15 in the test world), once per reminder day; the
office gets the late units on the first day after; nothing outside the 自评 phase."""

from __future__ import annotations

import datetime as dt

from dudao.campaigns.models import CampaignState
from dudao.governance.models import CampaignUnit, SelfState
from dudao.governance.reminders import self_reminders
from dudao.notifications.models import Notification
from tests.governance.conftest import move


def _titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("title", flat=True))


def test_before_and_after_the_deadline_once_per_day(cast, gov):
    move(gov, CampaignState.SELF_INSPECTION)
    name = gov.campaign.name
    assert self_reminders(dt.date(2026, 9, 8)) == {"before": 2, "after": 0, "office": 0}  # 7 days left: A and B
    assert self_reminders(dt.date(2026, 9, 8)) == {"before": 0, "after": 0, "office": 0}  # the same day again
    assert self_reminders(dt.date(2026, 9, 10)) == {"before": 0, "after": 0, "office": 0}  # 5 days: no reminder day
    note = Notification.objects.get(recipient=gov.gov_a)
    assert note.title == f"自评截止提醒：{name}"
    assert note.body == "距自评报告提交截止（2026-09-15）还有 7 天，请按时提交。"
    assert note.url == f"/governance/campaigns/{gov.campaign.pk}/u/{gov.entry_a.pk}/self/"

    CampaignUnit.objects.filter(pk=gov.entry_a.pk).update(self_state=SelfState.SUBMITTED)  # A submits
    assert self_reminders(dt.date(2026, 9, 15)) == {"before": 1, "after": 0, "office": 0}  # the day itself: B only
    assert Notification.objects.filter(recipient=gov.gov_b).order_by("-id")[0].body == \
        "今天是自评报告提交截止日（2026-09-15），请尽快提交。"
    after = self_reminders(dt.date(2026, 9, 16))
    assert after["before"] == 0 and after["after"] == 1 and after["office"] >= 1
    assert self_reminders(dt.date(2026, 9, 16)) == {"before": 0, "after": 0, "office": 0}
    assert self_reminders(dt.date(2026, 9, 18))["after"] == 1  # day 3
    assert _titles(gov.gov_a) == [f"自评截止提醒：{name}"]
    assert _titles(gov.gov_b) == [f"自评截止提醒：{name}", f"自评截止提醒：{name}", f"自评已逾期：{name}",
                                  f"自评已逾期：{name}"]
    late = Notification.objects.get(recipient=cast.county_staff, title=f"自评逾期单位 1 个：{name}")
    assert late.body == f"自评报告已于 2026-09-15 截止：{gov.unit_b.name}。"
    assert late.url == f"/governance/campaigns/{gov.campaign.pk}/late/"
    # school accounts get nothing from a 督政 campaign
    assert not Notification.objects.filter(recipient=cast.school_user).exists()


def test_nothing_outside_the_self_assessment_phase(cast, gov):
    for state in (CampaignState.APPROVED, CampaignState.ONSITE, CampaignState.CANCELLED):
        move(gov, state)
        assert self_reminders(dt.date(2026, 9, 14)) == {"before": 0, "after": 0, "office": 0}
        assert self_reminders(dt.date(2026, 9, 16)) == {"before": 0, "after": 0, "office": 0}
    assert not Notification.objects.exists()


def test_an_inactive_account_is_not_reminded(cast, gov):
    move(gov, CampaignState.SELF_INSPECTION)
    gov.gov_b.is_active = False
    gov.gov_b.save(update_fields=["is_active"])
    assert self_reminders(dt.date(2026, 9, 14)) == {"before": 1, "after": 0, "office": 0}
    assert _titles(gov.gov_b) == []


def test_the_job_is_registered():
    from dudao.core.schedule import get_job
    from dudao.governance import reminders

    job = get_job("governance.self_reminders")
    assert job is not None and job.load() is reminders.self_reminders
