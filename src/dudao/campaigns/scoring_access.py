"""Who reads and acts on a campaign's self-inspection and results pages.

LEAD (merge): the campaign helper owns `access_campaign` / the campaign rules in
`campaigns/access.py` (registered into dudao.access). This module is the scoring helper's
minimal stand-in, written so the swap is mechanical: replace `campaigns_visible`,
`access_campaign` and `may_manage_campaign` by the campaign helper's functions of the same
meaning, keep `school_account_schools`, `results_published` and `result_schools_visible`
(or move them into campaigns/access.py).

The rules (CAMPAIGN_COMMON.md): a campaign is seen by its office and the offices above it
(staff and leaders) and admins; a school account sees only its own campaign pages (its
self-inspection from the notice on — an unannounced campaign not before the preliminary opinion —
and its result once the campaign has reached the preliminary opinion); team
members see the schools allocated to their team. Outside: 404 (existence is not disclosed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from dudao.access import get_scope
from dudao.campaigns.models import Campaign, CampaignSchool, CampaignState

if TYPE_CHECKING:
    from dudao.people.models import User

# Results are shown to the schools from the preliminary opinion on (初步意见反馈).
PUBLISHED_STATES = (CampaignState.PRELIMINARY, CampaignState.DEFENCE, CampaignState.FINAL,
                    CampaignState.RECTIFICATION, CampaignState.REINSPECTION, CampaignState.SUMMARY,
                    CampaignState.CLOSED)
# A school learns of a campaign with the notice (self-inspection on); of an unannounced one (暗访)
# only once the inspectors have been (the preliminary opinion on).
NOTIFIED_STATES = (CampaignState.SELF_INSPECTION, CampaignState.ONSITE, *PUBLISHED_STATES)


def school_account_schools(user: User) -> set[int]:
    """The schools the user holds a 学校用户 grant for (cached on the user object)."""
    cached = getattr(user, "_dudao_school_account_ids", None)
    if cached is not None:
        return cached
    from dudao.people.models import Role

    ids: set[int] = set()
    if getattr(user, "is_authenticated", False):
        ids = set(user.role_grants.filter(role=Role.SCHOOL_USER).values_list("schools", flat=True)) - {None}
    setattr(user, "_dudao_school_account_ids", ids)  # noqa: B010 - a per-request cache on the user object
    return ids


def _office_q(user: User) -> Q | None:
    scope = get_scope(user)
    if scope.everything:
        return Q()
    parts = [Q(office__region__code__startswith=code) for code in scope.region_codes]
    if not parts:
        return None
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def campaigns_visible(user: User) -> QuerySet[Campaign]:
    """Campaigns the user reads: the office and above, admins, schools in scope, team members."""
    if not getattr(user, "is_authenticated", False):
        return Campaign.objects.none()
    if get_scope(user).everything:
        return Campaign.objects.exclude(state=CampaignState.CANCELLED)
    office = _office_q(user)
    q = Q(pk__in=[])
    if office is not None:
        q |= office
    schools = school_account_schools(user)
    if schools:
        told = (Q(unannounced=False, state__in=NOTIFIED_STATES) | Q(unannounced=True, state__in=PUBLISHED_STATES))
        q |= Q(pk__in=CampaignSchool.objects.filter(school_id__in=schools).values("campaign_id")) & told
    q |= Q(pk__in=CampaignSchool.objects.filter(team__members__user=user).values("campaign_id"))
    return Campaign.objects.filter(q).exclude(state=CampaignState.CANCELLED).distinct()


def access_campaign(user: User, pk: int) -> Campaign:
    """The campaign or 404."""
    campaign = campaigns_visible(user).select_related("office__region", "framework_version").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def sees_campaign_office(user: User, campaign: Campaign) -> bool:
    """The office of the campaign (staff and leaders), the offices above and admins."""
    scope = get_scope(user)
    return scope.everything or any(campaign.office.region.code.startswith(c) for c in scope.region_codes)


def may_manage_campaign(user: User, campaign: Campaign) -> bool:
    """Office staff (not leaders) of the campaign's office or above, and admins."""
    scope = get_scope(user)
    return scope.write_everything or any(campaign.office.region.code.startswith(c) for c in scope.write_region_codes)


def results_published(campaign: Campaign) -> bool:
    return campaign.state in PUBLISHED_STATES


def result_schools_visible(user: User, campaign: Campaign) -> QuerySet[CampaignSchool]:
    """The campaign's schools whose results the user reads: every one for the office; its own for a
    school account (once published); the team's allocated schools for a team member."""
    entries = CampaignSchool.objects.filter(campaign=campaign)
    if sees_campaign_office(user, campaign):
        return entries
    q = Q(pk__in=[])
    if results_published(campaign):
        q |= Q(school_id__in=school_account_schools(user))
    q |= Q(team__members__user=user)
    return entries.filter(q).distinct()
