"""Reminders of the 督政 self-assessment (自评), the daily job `governance.self_reminders`.

The government users of the units in scope that have not submitted are told on the same days as the
schools of a school campaign (campaigns/self_inspection.py: 7, 3 and 1 days before the deadline and on
the day; after it on days 1, 3 and 7), while the campaign is in its 自评 phase (a unit can submit only
then, late or not); the office receives the list of late units on day 1. Each notification has a
dedupe key per campaign, unit (or office) and day, so a second run the same day sends nothing.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.campaigns.models import Campaign, CampaignKind, CampaignState
from dudao.campaigns.self_inspection import REMIND_AFTER, reminder_phase
from dudao.governance.models import CampaignUnit, SelfState


def self_reminders(today: date | None = None) -> dict[str, int]:
    """The daily job: answers how many reminders went out before and after the deadline, and how many
    office staff got the late list."""
    from dudao.notifications.services import notify, notify_office_staff
    from dudao.people.models import Role, User

    today = today or timezone.localdate()
    sent = {"before": 0, "after": 0, "office": 0}
    campaigns = (Campaign.objects.filter(kind=CampaignKind.GOVERNMENT, state=CampaignState.SELF_INSPECTION,
                                         self_deadline__isnull=False).select_related("office").order_by("pk"))
    for campaign in campaigns:
        deadline = campaign.self_deadline
        assert deadline is not None
        days = (deadline - today).days
        phase = reminder_phase(days)
        if phase is None:
            continue
        waiting = list(CampaignUnit.objects.filter(campaign=campaign).exclude(self_state=SelfState.SUBMITTED)
                       .select_related("unit").order_by("unit__region__code", "pk"))
        for entry in waiting:
            url = reverse("governance:self_form", args=[campaign.pk, entry.pk])
            if phase == "before":
                title = _("自评截止提醒：%(campaign)s") % {"campaign": campaign.name}
                body = (_("今天是自评报告提交截止日（%(day)s），请尽快提交。") if days == 0
                        else _("距自评报告提交截止（%(day)s）还有 %(n)s 天，请按时提交。")) % {
                    "day": deadline.isoformat(), "n": days}
                level = "info"
            else:
                title = _("自评已逾期：%(campaign)s") % {"campaign": campaign.name}
                body = _("自评报告已于 %(day)s 截止，已逾期 %(n)s 天，请立即提交。") % {
                    "day": deadline.isoformat(), "n": -days}
                level = "warning"
            users = User.objects.filter(is_active=True, role_grants__role=Role.GOVERNMENT_USER,
                                        role_grants__government_unit=entry.unit_id).distinct().order_by("pk")
            for user in users:
                if notify(recipient=user, title=title, body=body, url=url, level=level,
                          dedupe_key=f"governance:{campaign.pk}:self:{entry.unit_id}:{today.isoformat()}"):
                    sent[phase] += 1
        if phase == "after" and -days == REMIND_AFTER[0] and waiting:
            sent["office"] += notify_office_staff(
                office=campaign.office,
                title=_("自评逾期单位 %(n)s 个：%(campaign)s") % {"n": len(waiting), "campaign": campaign.name},
                body=_("自评报告已于 %(day)s 截止：%(units)s。") % {
                    "day": deadline.isoformat(), "units": "、".join(e.unit.name for e in waiting)},
                url=reverse("governance:late", args=[campaign.pk]), level="warning",
                dedupe_key=f"governance:{campaign.pk}:self_late:{today.isoformat()}")
    return sent
