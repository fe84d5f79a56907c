"""Who may act on 督政 pages: predicates over the one scope (`dudao.access`), asked by the services and,
to show buttons, by the views. Reads go through `selectors` (404 outside what the person reads).

- the office: staff of the campaign's office or above, and admins (`campaigns.access.may_manage_campaign`)
  manage units in scope, teams, opinions, findings and re-inspection; leaders of those offices read;
- the unit (政府单位用户): its own unit's entry only — the self-assessment, its result once the
  preliminary opinion is out, its opinion and findings; never a school, never another unit;
- team members: the units allocated to their team — score them on site; the team leader reconciles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dudao.access import get_scope
from dudao.campaigns.access import RESULTS_STATES, may_manage_campaign, sees_whole_campaign

if TYPE_CHECKING:
    from dudao.governance.models import CampaignUnit
    from dudao.people.models import User

# From the notice on, a unit sees its part of the campaign (no 暗访 for governments: they report first).
UNIT_STATES = ("self_inspection", "onsite", "preliminary", "defence", "final", "rectification", "reinspection",
               "summary", "closed")


def is_unit_user(user: User, entry: CampaignUnit) -> bool:
    return entry.unit_id in get_scope(user).government_unit_ids


def is_team_member(user: User, entry: CampaignUnit) -> bool:
    return bool(entry.team_id) and entry.team.members.filter(user=user).exists()


def is_team_leader(user: User, entry: CampaignUnit) -> bool:
    return bool(entry.team_id) and entry.team.members.filter(user=user, is_leader=True).exists()


def may_manage(user: User, entry: CampaignUnit) -> bool:
    return may_manage_campaign(user, entry.campaign)


def may_fill_self(user: User, entry: CampaignUnit) -> bool:
    """The unit's own account, while the campaign is in its self-assessment phase and not yet submitted."""
    return (is_unit_user(user, entry) and entry.campaign.state == "self_inspection"
            and entry.self_state != "submitted")


def may_score(user: User, entry: CampaignUnit) -> bool:
    """A member of the team the unit is allocated to, during the on-site phase."""
    return entry.campaign.state == "onsite" and is_team_member(user, entry)


def may_reconcile(user: User, entry: CampaignUnit) -> bool:
    return entry.campaign.state == "onsite" and is_team_leader(user, entry)


def sees_result(user: User, entry: CampaignUnit) -> bool:
    """Scores and opinion: the office, the team; the unit once the preliminary opinion is out."""
    if sees_whole_campaign(user, entry.campaign) or is_team_member(user, entry):
        return True
    return is_unit_user(user, entry) and entry.campaign.state in RESULTS_STATES
