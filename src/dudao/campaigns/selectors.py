"""Reads of campaigns for the pages and the API. Every read starts from
`Campaign.objects.visible_to(user)`; one campaign is fetched with `access_campaign` (404 outside)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from dudao.access import get_visible_or_404
from dudao.campaigns import workflow
from dudao.campaigns.access import result_school_ids_q, sees_whole_campaign
from dudao.campaigns.models import Campaign, CampaignKind, CampaignSchool, CampaignState, state_label

if TYPE_CHECKING:
    from dudao.frameworks.models import FrameworkVersion
    from dudao.people.models import User
    from dudao.regions.models import Office


def access_campaign(user: User, pk) -> Campaign:
    """A campaign the user may read; outside the scope 404 (existence is not disclosed)."""
    qs = Campaign.objects.visible_to(user).select_related("office__region", "framework_version__framework",
                                                         "scope_region", "approved_by", "created_by")
    return get_visible_or_404(qs, pk=pk)


@dataclass(frozen=True)
class CampaignFilters:
    q: str = ""
    kind: str = ""
    year: str = ""
    state: str = ""

    @classmethod
    def from_params(cls, params) -> CampaignFilters:
        def clean(name: str, allowed: set[str] | None = None) -> str:
            value = str(params.get(name) or "").strip()[:100]
            return value if allowed is None or value in allowed else ""

        year = clean("year")
        return cls(q=clean("q"), kind=clean("kind", set(CampaignKind.values)),
                   year=year if year.isdigit() and len(year) == 4 else "",
                   state=clean("state", set(CampaignState.values)))

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


def campaign_list(*, user: User, filters: CampaignFilters | None = None) -> QuerySet[Campaign]:
    filters = filters or CampaignFilters()
    qs = (Campaign.objects.visible_to(user).select_related("office__region", "framework_version__framework")
          .annotate(school_count=Count("schools", distinct=True)))
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(office__name__icontains=filters.q))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.year:
        qs = qs.filter(year=int(filters.year))
    if filters.state:
        qs = qs.filter(state=filters.state)
    return qs.order_by("-year", "-id")


def campaign_years(user: User) -> list[int]:
    return sorted(set(Campaign.objects.visible_to(user).values_list("year", flat=True)), reverse=True)


def campaign_schools(user: User, campaign: Campaign) -> QuerySet[CampaignSchool]:
    """The campaign's schools the user reads: the office sees all of them; anyone else (a school, a
    team member, an evaluator in its window) only those in their school scope."""
    qs = campaign.schools.select_related("school", "team").order_by("school__region_code", "school__code")
    if sees_whole_campaign(user, campaign):
        return qs
    from dudao.schools.models import School

    return qs.filter(school__in=School.objects.visible_to(user))


def result_schools(user: User, campaign: Campaign) -> QuerySet[CampaignSchool]:
    """The campaign's schools whose results the user reads (`access.result_school_ids_q`): all for the
    office; its own for a school account once published; the team's for a team member. The caller
    fetched `campaign` with `access_campaign` (the "told" and window rules)."""
    return CampaignSchool.objects.filter(campaign=campaign).filter(result_school_ids_q(user, campaign)).distinct()


def creatable_offices(user: User) -> list[Office]:
    """Offices the user may create a campaign for (widest first)."""
    from dudao.access import can_manage_office
    from dudao.regions.models import Office

    if not getattr(user, "is_authenticated", False):
        return []
    offices = Office.objects.visible_to(user).select_related("region")
    return sorted((o for o in offices if can_manage_office(user, o)), key=lambda o: (len(o.region.code), o.region.code))


def usable_versions(office: Office | None = None) -> QuerySet[FrameworkVersion]:
    """Published framework versions a campaign of `office` may pin: built-ins and the frameworks of
    the office or an office above it (without an office: every published version)."""
    from dudao.frameworks.models import FrameworkVersion, VersionState

    qs = FrameworkVersion.objects.filter(state=VersionState.PUBLISHED).select_related("framework__owner__region")
    if office is not None:
        codes = [office.region.code[:n] for n in range(2, len(office.region.code) + 1)]
        qs = qs.filter(Q(framework__owner__isnull=True) | Q(framework__owner__region__code__in=codes))
    return qs.order_by("framework__name", "-number")


def phases(campaign: Campaign) -> list[dict]:
    """The timeline: each phase with its planned date, done / current / to come."""
    order = [s for s, _f in workflow.PHASES]
    skip_self = not campaign.has_self_inspection
    current = order.index(campaign.state) if campaign.state in order else -1
    rows = []
    for index, (state, date_field) in enumerate(workflow.PHASES):
        if state == CampaignState.SELF_INSPECTION and skip_self:
            continue
        status = "done" if current > index else "current" if current == index else "todo"
        if campaign.state == CampaignState.CANCELLED:
            status = "todo"
        rows.append({"state": state, "label": state_label(campaign.kind, state), "status": status,
                     "date": getattr(campaign, date_field) if date_field else None,
                     "date_label": getattr(Campaign._meta.get_field(date_field), "verbose_name", date_field) if date_field else ""})
    return rows


OTHER_EVENTS = {"create": _("创建"), "update": _("修改实施方案"), "scope": _("确定督导范围"),
                "schools_notified": _("通知学校")}


def events(campaign: Campaign) -> list[dict]:
    """The event log with readable step and state names (other parts log their own actions: shown as stored)."""
    def state(value: str) -> str:
        return state_label(campaign.kind, value)

    rows = []
    for event in campaign.events.select_related("actor").order_by("created_at", "id"):
        step = workflow.ACTIONS.get(event.action)
        label = step.label if step else OTHER_EVENTS.get(event.action, event.action)
        rows.append({"event": event, "label": str(label), "from": state(event.from_state),
                     "to": state(event.to_state) if event.to_state != event.from_state else ""})
    return rows
