"""Reads of 督政 for pages (and the workbench): every one starts from the one scope.

- units: `GovernmentUnit.objects.visible_to(user)` (`dudao.access.government_unit_q`);
- a 督政 campaign: what `Campaign.objects.visible_to` gives (its office and the offices above, team
  members), plus, for a 政府单位用户, the campaigns its unit is in from the notice on;
- a campaign's units: the office all; a team member the units of their team; a unit its own entry.
Outside: 404 (existence is not disclosed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dudao.access import get_scope, get_visible_or_404
from dudao.campaigns.access import sees_whole_campaign
from dudao.campaigns.models import Campaign, CampaignKind
from dudao.governance.access import UNIT_STATES
from dudao.governance.models import CampaignUnit, GovernmentUnit, SelfState, UnitEvidence, UnitFinding

if TYPE_CHECKING:
    from dudao.people.models import User


def visible_units(user: User) -> QuerySet[GovernmentUnit]:
    return GovernmentUnit.objects.visible_to(user).select_related("region", "parent")


def access_unit(user: User, pk, *, write: bool = False) -> GovernmentUnit:
    return get_visible_or_404(GovernmentUnit.objects.visible_to(user, write=write).select_related("region"), pk=pk)


def government_campaigns(user: User) -> QuerySet[Campaign]:
    """督政 campaigns the user reads (see the module docstring)."""
    office_or_team = Campaign.objects.visible_to(user).filter(kind=CampaignKind.GOVERNMENT).values("pk")
    q = Q(pk__in=office_or_team)
    units = get_scope(user).government_unit_ids
    if units:
        q |= Q(kind=CampaignKind.GOVERNMENT, state__in=UNIT_STATES, units__unit_id__in=sorted(units))
    return (Campaign.objects.filter(q).distinct().select_related("office__region", "framework_version__framework")
            .order_by("-year", "-id"))


def access_gov_campaign(user: User, pk) -> Campaign:
    return get_visible_or_404(government_campaigns(user), pk=pk)


def entries_for(user: User, campaign: Campaign) -> QuerySet[CampaignUnit]:
    """The campaign's units the user reads."""
    qs = CampaignUnit.objects.filter(campaign=campaign).select_related("unit__region", "team", "campaign__office__region")
    if sees_whole_campaign(user, campaign):
        return qs
    q = Q(team__members__user=user)
    units = get_scope(user).government_unit_ids
    if units and campaign.state in UNIT_STATES:
        q |= Q(unit_id__in=sorted(units))
    return qs.filter(q).distinct()


# The results table's order (page, Excel, API): best verified total first, units not yet scored last
# (PostgreSQL sorts NULL first in a descending order, SQLite last: say it).
RESULTS_ORDER = (F("verified_total").desc(nulls_last=True), "unit__region__code", "id")


def access_entry(user: User, campaign: Campaign, pk) -> CampaignUnit:
    return get_visible_or_404(entries_for(user, campaign), pk=pk)


def access_evidence(user: User, campaign: Campaign, entry_pk, pk) -> UnitEvidence:
    entry = access_entry(user, campaign, entry_pk)
    return get_visible_or_404(UnitEvidence.objects.filter(entry=entry), pk=pk)


def access_problem(user: User, campaign: Campaign, entry_pk, pk) -> UnitFinding:
    entry = access_entry(user, campaign, entry_pk)
    return get_visible_or_404(UnitFinding.objects.filter(entry=entry).select_related("finding", "entry__campaign"), pk=pk)


# --- the government user's work (workbench) -------------------------------------------------------------
def self_due(user: User) -> QuerySet[CampaignUnit]:
    """Self-assessments a 政府单位用户 must submit now: its units' entries in campaigns in the
    self-assessment phase, not yet submitted (the workbench's count; `governance:index?todo=self` lists them)."""
    units = get_scope(user).government_unit_ids
    return (CampaignUnit.objects.filter(unit_id__in=sorted(units), campaign__state="self_inspection")
            .exclude(self_state=SelfState.SUBMITTED).select_related("campaign", "unit").order_by("campaign__self_deadline", "id"))


def my_entries(user: User) -> QuerySet[CampaignUnit]:
    """The entries of the user's own units in the campaigns they read (the government user's index)."""
    units = get_scope(user).government_unit_ids
    return (CampaignUnit.objects.filter(unit_id__in=sorted(units), campaign__kind=CampaignKind.GOVERNMENT,
                                        campaign__state__in=UNIT_STATES)
            .select_related("campaign", "unit").order_by("-campaign__year", "-campaign_id"))


def days_left(campaign: Campaign) -> int | None:
    if campaign.self_deadline is None:
        return None
    return (campaign.self_deadline - timezone.localdate()).days


def require(condition: bool) -> None:
    if not condition:
        raise Http404
