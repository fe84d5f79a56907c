"""Who may read and act on a campaign, plugged into the one access layer (docs/access.md).

Reads: `Campaign.objects.visible_to(user)` (models.py) and `selectors.access_campaign`. Acting:
the predicates below, asked by the services themselves (page, API and tasks agree) and by the
views only to show buttons.

The third-party evaluator's school scope (issue [9] item 7) is registered here at start-up
(`apps.py`): an account with the 第三方评估机构 role reads the schools listed on its grant plus, while a
campaign's on-site window is open (onsite_start..onsite_end inclusive, Beijing dates), the schools
of that campaign allocated to a team it is a third-party member of. Before and after the window
it reads nothing of the campaign: no view filters by hand, `School.objects.visible_to`, the school
pages, visits and every other scoped read follow the scope.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from dudao.access import can_manage_office, get_scope
from dudao.campaigns.models import WINDOW_STATES, CampaignSchool, MemberKind

if TYPE_CHECKING:
    from dudao.campaigns.models import Campaign
    from dudao.people.models import RoleGrant, User
    from dudao.regions.models import Office


def may_manage_campaign(user: User, campaign: Campaign) -> bool:
    """Office staff of the owning office or of an office above it, and admins (the leader reads)."""
    return bool(getattr(user, "is_authenticated", False)) and can_manage_office(user, campaign.office)


def may_create_campaign(user: User, office: Office) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and can_manage_office(user, office)


def is_leader_of(user: User, office: Office) -> bool:
    """An office leader (Role.OFFICE_LEADER) of the office or of an office above it. Only they approve a
    campaign's plan (审批): not office staff, not the system administrator (a technical role)."""
    from dudao.people.models import Role

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    codes = user.role_grants.filter(role=Role.OFFICE_LEADER, office__isnull=False).values_list(
        "office__region__code", flat=True)
    return any(office.region.code.startswith(code) for code in codes)


def may_approve_campaign(user: User, campaign: Campaign) -> bool:
    return is_leader_of(user, campaign.office)


# --- team members: the schools allocated to their team while the campaign runs ------------------------
# From approval (teams prepare) to re-inspection; not in draft, after the summary, or when cancelled.
TEAM_STATES = ("approved", "self_inspection", "onsite", "preliminary", "defence", "final", "rectification",
               "reinspection")


def team_school_ids(user: User, grants: list[RoleGrant]) -> set[int]:
    """Schools allocated to a team the user is a supervisor or bureau-staff member of, in campaigns in
    TEAM_STATES: added to the supervisor's zone schools and to a role-less staff account's scope
    (`extend_school_scope` in apps.py; reading only — acting on them is the on-site service's rule).
    Third-party members read through the evaluator's window instead."""
    return set(CampaignSchool.objects.filter(
        team__members__user=user, team__members__kind__in=(MemberKind.SUPERVISOR, MemberKind.STAFF),
        campaign__state__in=TEAM_STATES,
    ).values_list("school_id", flat=True))


# --- the third-party evaluator's window -----------------------------------------------------------
def window_school_ids(user: User, today: dt.date | None = None) -> set[int]:
    """Schools allocated to a team the user is a third-party member of, in campaigns whose on-site
    window holds `today` (Beijing date; inclusive at both ends) and that are approved, not cancelled."""
    day = today or timezone.localdate()
    return set(CampaignSchool.objects.filter(
        team__members__user=user, team__members__kind=MemberKind.THIRD_PARTY,
        campaign__state__in=WINDOW_STATES, campaign__onsite_start__lte=day, campaign__onsite_end__gte=day,
    ).values_list("school_id", flat=True))


def evaluator_school_ids(user: User, grants: list[RoleGrant]) -> set[int]:
    """The evaluator role's read scope: schools listed on the grant, plus the open windows' schools."""
    from dudao.people.models import RoleGrant as Grant

    listed = set(Grant.schools.through.objects.filter(rolegrant__in=grants).values_list("school_id", flat=True))
    return listed | window_school_ids(user)


def in_window(user: User, campaign: Campaign, today: dt.date | None = None) -> bool:
    """Whether the user is a third-party member of the campaign whose window is open today."""
    day = today or timezone.localdate()
    return (campaign.state in WINDOW_STATES and campaign.onsite_start is not None and campaign.onsite_end is not None
            and campaign.onsite_start <= day <= campaign.onsite_end
            and campaign.teams.filter(members__user=user, members__kind=MemberKind.THIRD_PARTY).exists())


def sees_whole_campaign(user: User, campaign: Campaign) -> bool:
    """The office's view (all schools, the event log, plan fields): the owning office's staff and
    leaders, those above, admins. Schools and team members see their own part only."""
    scope = get_scope(user)
    return scope.everything or any(campaign.office.region.code.startswith(c) for c in scope.region_codes)


# --- schools and team members: their own part of a campaign ---------------------------------------
# A school reads its result from the preliminary opinion on (初步意见反馈); before, results are the
# office's work in progress. (It reads the campaign itself from the SCHOOLS_NOTIFIED event on:
# `Campaign.objects.visible_to`; for 暗访 that event is written at the preliminary opinion too.)
RESULTS_STATES = ("preliminary", "defence", "final", "rectification", "reinspection", "summary", "closed")


def school_account_schools(user: User) -> set[int]:
    """The schools the user holds a 学校用户 grant for (cached on the user object for the request)."""
    cached = getattr(user, "_dudao_school_account_ids", None)
    if cached is not None:
        return cached
    from dudao.people.models import Role

    ids: set[int] = set()
    if getattr(user, "is_authenticated", False) and user.is_active:
        ids = set(user.role_grants.filter(role=Role.SCHOOL_USER).values_list("schools", flat=True)) - {None}
    setattr(user, "_dudao_school_account_ids", ids)  # noqa: B010 - a per-request cache on the user object
    return ids


def results_published(campaign: Campaign) -> bool:
    """Whether the schools read their results (the preliminary opinion on)."""
    return campaign.state in RESULTS_STATES


def result_school_ids_q(user: User, campaign: Campaign):
    """Q on CampaignSchool: the campaign's schools whose results the user reads. The office (and
    above, admins): all; a school account: its own once published (and once told, which the caller's
    `access_campaign` already checked); a team member: the schools allocated to their team (a
    third-party member only within its window, likewise checked by `access_campaign`)."""
    from django.db.models import Q

    if sees_whole_campaign(user, campaign):
        return Q()
    q = Q(pk__in=[])
    if results_published(campaign):
        q |= Q(school_id__in=school_account_schools(user))
    q |= Q(team__members__user=user)
    return q
