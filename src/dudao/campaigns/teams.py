"""Teams (督查组) of a campaign: who is in them, which schools they inspect, and 回避.

Services (every write; each asks who may act when given `by`) and selectors (reads for the pages,
the Excel/PDF sheet and the API). The rules:

- Members are supervisors (a `Supervisor` record: kind supervisor), other bureau staff (accounts
  without a supervisor record, with their section: 普教, 纪检监察 …) and people of a contracted
  third-party organisation (accounts with the 第三方评估机构 role; section = the organisation).
  A person is in at most one team of a campaign. A team with members has exactly one leader: the
  first member becomes leader, `team_leader_set` hands it over, removing the leader passes it on
  to the member who joined next.
- 回避: a member never inspects a school they are tied to — a school assigned to their supervisor
  record (挂牌) on any day of the on-site window (today when the window has no dates), or a
  recorded `SchoolTie` (worked there, a relative works there, other). Moving a school into a team,
  adding a member to a team, and the automatic allocation all respect it.
- Allocation is `campaigns/allocation.py` (pure, documented there), then editable by hand.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.access import get_scope, get_visible_or_404, school_q, visible_users
from dudao.campaigns.access import may_manage_campaign
from dudao.campaigns.allocation import Item, allocate
from dudao.campaigns.figures import figures_forget
from dudao.campaigns.models import (
    Campaign,
    CampaignEvent,
    CampaignSchool,
    CampaignState,
    MemberKind,
    SchoolTie,
    Team,
    TeamMember,
    TieKind,
)
from dudao.people.models import Role, User
from dudao.schools.models import School
from dudao.supervisors.models import Supervisor
from dudao.zones.selectors import assigned_school_ids_by_user

# Sections of the bureau a staff member may come from (a suggestion list; free text is allowed).
SECTION_SUGGESTIONS = ("普教", "纪检监察", "宣教", "综治", "成职幼教", "基础教育", "安全稳定", "计划财务", "人事", "督导室")
CLOSED_STATES = frozenset({CampaignState.CLOSED, CampaignState.CANCELLED})


# --- access -----------------------------------------------------------------------------------------
def _office_subtree_q(user: User, path: str) -> Q:
    scope = get_scope(user)
    if scope.everything:
        return Q()
    parts = [Q(**{f"{path}region__code__startswith": code}) for code in scope.region_codes]
    return reduce(or_, parts) if parts else Q(pk__in=[])


def campaigns_read(user: User) -> QuerySet[Campaign]:
    """Campaigns whose team pages the user reads: those of their offices and the offices below
    (`Campaign.objects.of_offices_of`, the office part of `visible_to`); members read their own team
    through `teams_visible_to`."""
    return Campaign.objects.of_offices_of(user).select_related("office__region")


def access_team_campaign(user: User, pk, *, manage: bool = False) -> Campaign:
    """The campaign (404 outside the office subtrees), 403 for a reader who may not manage its teams."""
    campaign = get_visible_or_404(campaigns_read(user), pk=pk)
    if manage and not may_manage_teams(user, campaign):
        raise PermissionDenied
    return campaign


def may_manage_teams(user: User | None, campaign: Campaign) -> bool:
    """Whoever manages the campaign manages its teams (one rule: `may_manage_campaign`)."""
    return user is not None and may_manage_campaign(user, campaign)


def membership_q(user: User, *, prefix: str = "", day: date | None = None) -> Q:
    """Teams the user is a member of; a third-party member only during the on-site window."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    day = day or timezone.localdate()
    mine = TeamMember.objects.filter(user=user).exclude(
        Q(kind=MemberKind.THIRD_PARTY)
        & (Q(team__campaign__onsite_start__isnull=True) | Q(team__campaign__onsite_end__isnull=True)
           | Q(team__campaign__onsite_start__gt=day) | Q(team__campaign__onsite_end__lt=day)))
    return Q(**{f"{prefix}pk__in": mine.values("team_id")})


def teams_visible_to(user: User) -> QuerySet[Team]:
    """The campaign's office and those above read every team; a member reads their own team."""
    if get_scope(user).everything:
        return Team.objects.all()  # (Q() | q is q: the empty Q of "everything" would vanish in the union)
    return Team.objects.filter(_office_subtree_q(user, "campaign__office__") | membership_q(user)).distinct()


def access_team(user: User, pk, *, manage: bool = False) -> Team:
    team = get_visible_or_404(teams_visible_to(user).select_related("campaign__office__region"), pk=pk)
    if manage and not may_manage_teams(user, team.campaign):
        raise PermissionDenied
    return team


def sees_team_contacts(user: User, team: Team) -> bool:
    """Phones of the team: the office (its staff and leaders, offices above) and the team's members."""
    scope = get_scope(user)
    if scope.everything or any(team.campaign.office.region.code.startswith(c) for c in scope.region_codes):
        return True
    return team.members.filter(user=user).exists()


def _require_manage(by: User | None, campaign: Campaign) -> None:
    if by is not None and not may_manage_teams(by, campaign):
        raise PermissionDenied(_("只有组织本项目的督导室（或上级督导室）工作人员可以管理督查组。"))


def _require_open(campaign: Campaign) -> None:
    if campaign.state in CLOSED_STATES:
        raise ValidationError(_("督导项目已结束或已撤销，督查组不能再修改。"))


def _lock(campaign: Campaign) -> Campaign:
    """Writes to one campaign's teams are serialised: "one team per person" is checked under the lock."""
    return Campaign.objects.select_for_update().select_related("office__region").get(pk=campaign.pk)


def _log(campaign: Campaign, by: User | None, action: str, note: str) -> None:
    CampaignEvent.objects.create(campaign=campaign, actor=by, action=action, note=note)


# --- 回避 ---------------------------------------------------------------------------------------------
def _window(campaign: Campaign) -> tuple[date, date]:
    if campaign.onsite_start and campaign.onsite_end:
        return campaign.onsite_start, campaign.onsite_end
    today = timezone.localdate()
    return today, today


def tie_reasons(*, campaign: Campaign, user_ids, school_ids=None) -> dict[tuple[int, int], list[str]]:
    """(user id, school id) → why the user must avoid the school: 挂牌 during the on-site window, or
    a recorded tie (曾任职 always; 亲属任职 and 其他 unless they ended before the window)."""
    user_ids = list(user_ids)
    wanted = None if school_ids is None else set(school_ids)
    reasons: dict[tuple[int, int], list[str]] = defaultdict(list)
    start, end = _window(campaign)
    for user_id, ids in assigned_school_ids_by_user(user_ids=user_ids, start=start, end=end).items():
        for school_id in ids:
            if wanted is None or school_id in wanted:
                reasons[(user_id, school_id)].append(_("挂牌责任督学"))
    # Having worked at a school is a tie for good; a relative's post or another interest ends with
    # its end date (a tie that ended before the window counts no more).
    ties = SchoolTie.objects.filter(user_id__in=user_ids).exclude(~Q(kind=TieKind.WORKED) & Q(end__lt=start))
    if wanted is not None:
        ties = ties.filter(school_id__in=wanted)
    for tie in ties.order_by("kind", "id"):
        text = tie.get_kind_display() + (f"：{tie.note}" if tie.note else "")
        reasons[(tie.user_id, tie.school_id)].append(text)
    return dict(reasons)


@dataclass(frozen=True)
class Conflict:
    member: TeamMember
    school: School
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "、".join(self.reasons)


def conflicts_of(campaign: Campaign) -> list[Conflict]:
    """Members allocated a school they must avoid (after a hand edit of ties or 挂牌, or a school no
    team may take)."""
    members = list(TeamMember.objects.filter(team__campaign=campaign).select_related("user", "team"))
    entries = list(CampaignSchool.objects.filter(campaign=campaign, team__isnull=False).select_related("school"))
    reasons = tie_reasons(campaign=campaign, user_ids=[m.user_id for m in members], school_ids=[e.school_id for e in entries])
    by_team: dict[int, list[TeamMember]] = defaultdict(list)
    for m in members:
        by_team[m.team_id].append(m)
    found = []
    for entry in entries:
        for m in by_team.get(entry.team_id or 0, []):
            if (m.user_id, entry.school_id) in reasons:
                found.append(Conflict(m, entry.school, tuple(reasons[(m.user_id, entry.school_id)])))
    return sorted(found, key=lambda c: (c.member.team.order, c.member.team_id, c.school.code, c.member.pk))


def forbidden_teams(campaign: Campaign, teams: list[Team]) -> dict[int, set[int]]:
    """school id → the teams it may not go to (a member is tied to it)."""
    members = list(TeamMember.objects.filter(team__in=teams).values_list("user_id", "team_id"))
    team_of: dict[int, int] = dict(members)
    forbidden: dict[int, set[int]] = defaultdict(set)
    for user_id, school_id in tie_reasons(campaign=campaign, user_ids=team_of):
        forbidden[school_id].add(team_of[user_id])
    return dict(forbidden)


# --- services: teams ---------------------------------------------------------------------------------
@transaction.atomic
def team_create(*, campaign: Campaign, name: str, by: User | None, note: str = "") -> Team:
    _require_manage(by, campaign)
    campaign = _lock(campaign)
    _require_open(campaign)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写组名。")})
    if Team.objects.filter(campaign=campaign, name=name).exists():
        raise ValidationError({"name": _("本项目已有同名督查组。")})
    order = (Team.objects.filter(campaign=campaign).order_by("-order").values_list("order", flat=True).first() or 0) + 1
    team = Team.objects.create(campaign=campaign, name=name, order=order, note=note)
    _log(campaign, by, "team_create", name)
    return team


@transaction.atomic
def team_rename(*, team: Team, name: str, by: User | None, note: str | None = None) -> Team:
    _require_manage(by, team.campaign)
    _require_open(_lock(team.campaign))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写组名。")})
    if Team.objects.filter(campaign_id=team.campaign_id, name=name).exclude(pk=team.pk).exists():
        raise ValidationError({"name": _("本项目已有同名督查组。")})
    old = team.name
    team.name = name
    if note is not None:
        team.note = note
    team.save(update_fields=["name", "note", "updated_at"])
    if old != name:
        _log(team.campaign, by, "team_rename", f"{old} → {name}")
    return team


@transaction.atomic
def team_delete(*, team: Team, by: User | None) -> None:
    """A team's schools become unallocated; its members leave it."""
    _require_manage(by, team.campaign)
    campaign = _lock(team.campaign)
    _require_open(campaign)
    n = CampaignSchool.objects.filter(team=team).update(team=None)
    name = team.name
    team.delete()
    figures_forget(campaign)  # the results summed per team (campaigns/figures.py)
    _log(campaign, by, "team_delete", _("%(name)s（%(n)s 所学校改为未分配）") % {"name": name, "n": n})


# --- services: members -------------------------------------------------------------------------------
def member_kind_of(user: User) -> str:
    """Supervisor record → 督学; a 第三方评估机构 account → third party; any other account → staff."""
    if Supervisor.objects.filter(user=user).exists():
        return MemberKind.SUPERVISOR
    if user.role_grants.filter(role=Role.EVALUATOR).exists():
        return MemberKind.THIRD_PARTY
    return MemberKind.STAFF


def member_candidates(*, campaign: Campaign, by: User) -> QuerySet[User]:
    """Whom the acting person may put in a team: active supervisors of the campaign's office and the
    offices below it, and the accounts the person manages (`access.visible_users`: bureau staff,
    the contracted organisation's evaluators); never a school's account."""
    code = campaign.office.region.code
    supervisors = Q(supervisor__office__region__code__startswith=code, supervisor__status="active")
    managed = Q(pk__in=visible_users(by).values("pk"))
    return (User.objects.filter(is_active=True).filter(supervisors | managed)
            .exclude(role_grants__role=Role.SCHOOL_USER).distinct().order_by("full_name", "username"))


def _member_label(user: User) -> str:
    return user.display_name


@transaction.atomic
def team_member_add(*, team: Team, user: User, by: User | None, kind: str = "", section: str = "",
                    phone: str = "", is_leader: bool = False) -> TeamMember:
    campaign = team.campaign
    _require_manage(by, campaign)
    campaign = _lock(campaign)
    _require_open(campaign)
    name = _member_label(user)
    if by is not None and not member_candidates(campaign=campaign, by=by).filter(pk=user.pk).exists():
        raise ValidationError({"user": _("不能添加%(name)s：该账号不是本督导室（含下级）的督学，也不是您管理的账号。") % {"name": name}})
    actual = member_kind_of(user)
    kind = kind or actual
    if kind != actual:
        messages = {
            MemberKind.SUPERVISOR: _("%(name)s有督学档案，请以“督学”身份加入。"),
            MemberKind.THIRD_PARTY: _("%(name)s是第三方评估机构账号，请以“第三方评估人员”身份加入。"),
            MemberKind.STAFF: _("%(name)s没有督学档案，也不是第三方评估机构账号，请以“机关工作人员”身份加入。"),
        }
        raise ValidationError({"kind": messages[MemberKind(actual)] % {"name": name}})
    section = section.strip()
    record = Supervisor.objects.filter(user=user).first()
    if kind == MemberKind.STAFF and not section:
        raise ValidationError({"section": _("请填写机关工作人员所在科室（如 普教、纪检监察）。")})
    if kind == MemberKind.THIRD_PARTY and not section:
        raise ValidationError({"section": _("请填写第三方评估机构的名称。")})
    if kind == MemberKind.SUPERVISOR and not section:
        section = _("督导室")
    existing = TeamMember.objects.filter(team__campaign=campaign, user=user).select_related("team").first()
    if existing is not None:
        raise ValidationError({"user": _("%(name)s已在本项目的“%(team)s”中，一人只能加入一个督查组。")
                               % {"name": name, "team": existing.team.name}})
    school_ids = list(CampaignSchool.objects.filter(team=team).values_list("school_id", flat=True))
    reasons = tie_reasons(campaign=campaign, user_ids=[user.pk], school_ids=school_ids)
    if reasons:
        schools = {s.pk: s for s in School.objects.filter(pk__in=[sid for _u, sid in reasons])}
        raise ValidationError({"user": [
            _("%(name)s与本组已分配的%(school)s存在回避关系（%(reason)s），不能加入“%(team)s”。")
            % {"name": name, "school": schools[sid].name, "reason": "、".join(why), "team": team.name}
            for (_u, sid), why in sorted(reasons.items(), key=lambda kv: schools[kv[0][1]].code)]})
    has_leader = team.members.filter(is_leader=True).exists()
    if is_leader and has_leader:
        team.members.filter(is_leader=True).update(is_leader=False)
    phone = phone.strip() or (record.phone if record else "") or user.phone
    member = TeamMember.objects.create(team=team, user=user, kind=kind, section=section, phone=phone,
                                       is_leader=is_leader or not has_leader)
    _log(campaign, by, "member_add", f"{team.name}：{name}（{member.get_kind_display()}，{section}）")
    return member


@transaction.atomic
def team_member_remove(*, member: TeamMember, by: User | None) -> TeamMember | None:
    """Removes the member; a leader's place passes to the member who joined next (returned)."""
    team = member.team
    _require_manage(by, team.campaign)
    campaign = _lock(team.campaign)
    _require_open(campaign)
    was_leader = member.is_leader
    name = _member_label(member.user)
    member.delete()
    successor = None
    if was_leader:
        successor = team.members.order_by("id").first()
        if successor is not None:
            successor.is_leader = True
            successor.save(update_fields=["is_leader", "updated_at"])
    note = f"{team.name}：{name}" + (_("；组长改为%(name)s") % {"name": successor.user.display_name} if successor else "")
    _log(campaign, by, "member_remove", note)
    return successor


@transaction.atomic
def team_leader_set(*, member: TeamMember, by: User | None) -> TeamMember:
    team = member.team
    _require_manage(by, team.campaign)
    campaign = _lock(team.campaign)
    _require_open(campaign)
    team.members.filter(is_leader=True).exclude(pk=member.pk).update(is_leader=False)
    if not member.is_leader:
        member.is_leader = True
        member.save(update_fields=["is_leader", "updated_at"])
        _log(campaign, by, "leader_set", f"{team.name}：{member.user.display_name}")
    return member


# --- services: allocation ----------------------------------------------------------------------------
def township_of(school: School) -> tuple[str, str]:
    """(code, name) of the school's township; a school registered at county level counts as its
    county's own group (县城直属)."""
    region = school.region
    if region.level == "township":
        return region.code, region.name
    return school.region_code, _("%(name)s（直属）") % {"name": region.name}


@dataclass
class AllocationResult:
    allocated: int
    counts: dict[str, int]
    split_townships: list[str]
    conflicts: list[Conflict] = field(default_factory=list)


@transaction.atomic
def allocation_run(*, campaign: Campaign, by: User | None) -> AllocationResult:
    """Allocate every school of the campaign afresh (campaigns/allocation.py explains the rule)."""
    _require_manage(by, campaign)
    campaign = _lock(campaign)
    _require_open(campaign)
    teams = list(Team.objects.filter(campaign=campaign).order_by("order", "id"))
    if not teams:
        raise ValidationError(_("请先建立督查组，再分配学校。"))
    entries = list(CampaignSchool.objects.filter(campaign=campaign).select_related("school__region"))
    if not entries:
        raise ValidationError(_("本项目还没有督导学校。"))
    towns = {e.school_id: township_of(e.school) for e in entries}
    items = [Item(e.school_id, towns[e.school_id][0], e.school.code) for e in entries]
    result = allocate(items, [t.pk for t in teams], forbidden_teams(campaign, teams))
    for entry in entries:
        entry.team_id = result[entry.school_id]
    CampaignSchool.objects.bulk_update(entries, ["team"])
    figures_forget(campaign)
    teams_of_town: dict[str, set[int]] = defaultdict(set)
    for e in entries:
        teams_of_town[towns[e.school_id][1]].add(result[e.school_id])
    names = {t.pk: t.name for t in teams}
    counts = {t.name: 0 for t in teams}
    for team_id in result.values():
        counts[names[team_id]] += 1
    split = sorted(town for town, ids in teams_of_town.items() if len(ids) > 1)
    outcome = AllocationResult(len(entries), counts, split, conflicts_of(campaign))
    _log(campaign, by, "allocate", "；".join(f"{n} {c} 所" for n, c in counts.items()))
    return outcome


@transaction.atomic
def campaign_school_move(*, entry: CampaignSchool, team: Team | None, by: User | None) -> CampaignSchool:
    """Move one school to another team (or leave it unallocated); refused when a member of that team
    must avoid the school (回避)."""
    campaign = entry.campaign
    _require_manage(by, campaign)
    campaign = _lock(campaign)
    _require_open(campaign)
    if team is not None and team.campaign_id != campaign.pk:
        raise ValidationError({"team": _("该督查组不属于本项目。")})
    if team is not None:
        members = list(team.members.select_related("user"))
        reasons = tie_reasons(campaign=campaign, user_ids=[m.user_id for m in members], school_ids=[entry.school_id])
        refused = [
            _("%(name)s（%(team)s成员）与%(school)s存在回避关系（%(reason)s），不能将该校分配给“%(team)s”。")
            % {"name": m.user.display_name, "team": team.name, "school": entry.school.name,
               "reason": "、".join(reasons[(m.user_id, entry.school_id)])}
            for m in members if (m.user_id, entry.school_id) in reasons]
        if refused:
            raise ValidationError({"team": refused})
    old = entry.team.name if entry.team_id else _("未分配")
    entry.team = team
    entry.save(update_fields=["team", "updated_at"])
    figures_forget(campaign)
    _log(campaign, by, "school_move", f"{entry.school.name}：{old} → {team.name if team else _('未分配')}")
    return entry


# --- services: ties ----------------------------------------------------------------------------------
def may_record_tie(user: User, school: School) -> bool:
    """Office staff whose region holds the school, and admins."""
    scope = get_scope(user)
    return scope.write_everything or any(school.region_code.startswith(c) for c in scope.write_region_codes)


@transaction.atomic
def school_tie_add(*, user: User, school: School, kind: str, by: User | None, note: str = "",
                   start: date | None = None, end: date | None = None) -> SchoolTie:
    if by is not None and not may_record_tie(by, school):
        raise PermissionDenied(_("只有学校所在地区的督导室工作人员可以登记回避关系。"))
    if kind not in TieKind.values:
        raise ValidationError({"kind": _("请选择关系类型。")})
    if start and end and end < start:
        raise ValidationError({"end": _("截止日期不能早于起始日期。")})
    if SchoolTie.objects.filter(user=user, school=school, kind=kind).exists():
        raise ValidationError({"school": _("%(name)s与%(school)s的该项回避关系已登记。") % {"name": user.display_name, "school": school.name}})
    return SchoolTie.objects.create(user=user, school=school, kind=kind, note=note.strip(), start=start, end=end)


@transaction.atomic
def school_tie_delete(*, tie: SchoolTie, by: User | None) -> None:
    if by is not None and not may_record_tie(by, tie.school):
        raise PermissionDenied(_("只有学校所在地区的督导室工作人员可以登记回避关系。"))
    tie.delete()


def ties_visible_to(user: User) -> QuerySet[SchoolTie]:
    """Ties on schools the user may act on as office (staff of the region, admins)."""
    return SchoolTie.objects.filter(school_q(user, prefix="school__", write=True)).select_related("user", "school")


def access_tie(user: User, pk) -> SchoolTie:
    return get_visible_or_404(ties_visible_to(user), pk=pk)


def tie_people(by: User) -> QuerySet[User]:
    """Whose ties the person may record: supervisors of the offices they manage (or below) and the
    accounts they manage (`access.visible_users`); never a school's account."""
    scope = get_scope(by)
    if scope.write_everything:
        supervisors = Q(supervisor__isnull=False)
    else:
        supervisors = reduce(or_, [Q(supervisor__office__region__code__startswith=c) for c in scope.write_region_codes],
                             Q(pk__in=[]))
    return (User.objects.filter(is_active=True).filter(supervisors | Q(pk__in=visible_users(by).values("pk")))
            .exclude(role_grants__role=Role.SCHOOL_USER).distinct().order_by("full_name", "username"))


# --- selectors ---------------------------------------------------------------------------------------
def team_list(*, campaign: Campaign) -> list[Team]:
    return list(Team.objects.filter(campaign=campaign).annotate(school_count=Count("schools", distinct=True))
                .prefetch_related("members__user").order_by("order", "id"))


def allocation_rows(*, campaign: Campaign, team: Team | None = None) -> list[CampaignSchool]:
    entries = CampaignSchool.objects.filter(campaign=campaign).select_related("school__region", "team")
    if team is not None:
        entries = entries.filter(team=team)
    rows = list(entries)
    for e in rows:
        e.township_name = township_of(e.school)[1]  # type: ignore[attr-defined]
    return sorted(rows, key=lambda e: (e.team.order if e.team else 1 << 30, e.team_id or 0, e.school.region_code, e.school.code))


def my_memberships(user: User) -> list[TeamMember]:
    """The person's teams (a third party's only during the on-site window), newest campaign first."""
    teams = Team.objects.filter(membership_q(user))
    return list(TeamMember.objects.filter(user=user, team__in=teams)
                .select_related("team__campaign__office__region").order_by("-team__campaign__year", "-team__campaign_id"))
