"""Teams (督查组) of a campaign, the allocation of its schools and the 回避 ties, over the same
services and selectors as the pages (campaigns/teams.py). Refusals: 403 (may not manage), 404
(outside the scope), 400 with the service's Chinese message (回避, one team per person …)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from ninja import Router, Schema, Status

from dudao.access import can_write_anything, get_visible_or_404, school_q
from dudao.api.errors import ErrorOut, problem
from dudao.campaigns import teams as svc
from dudao.campaigns.models import CampaignSchool, Team, TeamMember
from dudao.people.models import User
from dudao.schools.models import School

router = Router(tags=["督查组 campaign teams"])


class MemberOut(Schema):
    id: int
    user_id: int
    name: str
    kind: str
    section: str
    phone: str
    is_leader: bool


class TeamOut(Schema):
    id: int
    campaign_id: int
    name: str
    order: int
    note: str
    school_count: int
    members: list[MemberOut]


class TeamIn(Schema):
    name: str
    note: str = ""


class MemberIn(Schema):
    user_id: int
    kind: str = ""
    section: str = ""
    phone: str = ""
    is_leader: bool = False


class AllocationRowOut(Schema):
    id: int
    school_id: int
    school_code: str
    school_name: str
    township: str
    team_id: int | None
    team_name: str | None
    by_hand: bool


class ConflictOut(Schema):
    team_id: int
    team_name: str
    user_id: int
    member: str
    school_id: int
    school_name: str
    reason: str


class AllocationOut(Schema):
    allocated: int
    kept: int
    counts: dict[str, int]
    split_townships: list[str]
    conflicts: list[ConflictOut]


class MoveIn(Schema):
    school_id: int
    team_id: int | None = None


class TieOut(Schema):
    id: int
    user_id: int
    person: str
    school_id: int
    school_name: str
    kind: str
    note: str
    start: date | None
    end: date | None


class TieIn(Schema):
    user_id: int
    school_id: int
    kind: str = "worked"
    note: str = ""
    start: date | None = None
    end: date | None = None


class MyTeamOut(Schema):
    campaign_id: int
    campaign: str
    team: TeamOut
    is_leader: bool
    onsite_start: date | None
    onsite_end: date | None
    schools: list[AllocationRowOut]


def _member_out(m: TeamMember, contacts: bool) -> dict:
    return {"id": m.pk, "user_id": m.user_id, "name": m.user.display_name, "kind": m.kind, "section": m.section,
            "phone": m.phone if contacts else "", "is_leader": m.is_leader}


def _team_out(team: Team, user: User) -> dict:
    contacts = svc.sees_team_contacts(user, team)
    members = sorted(team.members.select_related("user"), key=lambda m: (not m.is_leader, m.pk))
    return {"id": team.pk, "campaign_id": team.campaign_id, "name": team.name, "order": team.order, "note": team.note,
            "school_count": team.schools.count(), "members": [_member_out(m, contacts) for m in members]}


def _row_out(e: CampaignSchool) -> dict:
    return {"id": e.pk, "school_id": e.school_id, "school_code": e.school.code, "school_name": e.school.name,
            "township": e.township_name, "team_id": e.team_id, "team_name": e.team.name if e.team_id else None,  # type: ignore[attr-defined]
            "by_hand": e.team_by_hand}


def _conflict_out(c: svc.Conflict) -> dict:
    return {"team_id": c.member.team_id, "team_name": c.member.team.name, "user_id": c.member.user_id,
            "member": c.member.user.display_name, "school_id": c.school.pk, "school_name": c.school.name, "reason": c.reason}


def _access_member(user: User, member_id: int) -> TeamMember:
    member = get_visible_or_404(TeamMember.objects.filter(team__in=svc.teams_visible_to(user))
                                .select_related("team__campaign__office__region", "user"), pk=member_id)
    if not svc.may_manage_teams(user, member.team.campaign):
        raise PermissionDenied
    return member


@router.get("/campaigns/{campaign_id}/teams", response=list[TeamOut], summary="督导项目的督查组")
def list_campaign_teams(request, campaign_id: int):
    campaign = svc.access_team_campaign(request.user, campaign_id)
    return [_team_out(t, request.user) for t in svc.team_list(campaign=campaign)]


@router.post("/campaigns/{campaign_id}/teams", response={201: TeamOut, 400: ErrorOut}, summary="新建督查组")
def create_campaign_team(request, campaign_id: int, payload: TeamIn):
    campaign = svc.access_team_campaign(request.user, campaign_id, manage=True)
    team = svc.team_create(campaign=campaign, name=payload.name, note=payload.note, by=request.user)
    return Status(201, _team_out(team, request.user))


@router.get("/campaign-teams/mine", response=list[MyTeamOut], summary="我的督查组（组员、分配的学校）")
def my_teams(request):
    out = []
    for m in svc.my_memberships(request.user):
        team = m.team
        out.append({"campaign_id": team.campaign_id, "campaign": team.campaign.name, "team": _team_out(team, request.user),
                    "is_leader": m.is_leader, "onsite_start": team.campaign.onsite_start, "onsite_end": team.campaign.onsite_end,
                    "schools": [_row_out(e) for e in svc.allocation_rows(campaign=team.campaign, team=team)]})
    return out


@router.get("/campaign-teams/{team_id}", response=TeamOut, summary="督查组详情")
def get_campaign_team(request, team_id: int):
    return _team_out(svc.access_team(request.user, team_id), request.user)


@router.patch("/campaign-teams/{team_id}", response={200: TeamOut, 400: ErrorOut}, summary="修改组名")
def rename_campaign_team(request, team_id: int, payload: TeamIn):
    team = svc.access_team(request.user, team_id, manage=True)
    svc.team_rename(team=team, name=payload.name, note=payload.note, by=request.user)
    return _team_out(team, request.user)


@router.delete("/campaign-teams/{team_id}", response={204: None}, summary="删除督查组（其学校改为未分配）")
def delete_campaign_team(request, team_id: int):
    svc.team_delete(team=svc.access_team(request.user, team_id, manage=True), by=request.user)
    return Status(204, None)


@router.post("/campaign-teams/{team_id}/members", response={201: MemberOut, 400: ErrorOut}, summary="添加成员")
def add_team_member(request, team_id: int, payload: MemberIn):
    team = svc.access_team(request.user, team_id, manage=True)
    user = svc.member_candidates(campaign=team.campaign, by=request.user).filter(pk=payload.user_id).first()
    if user is None:
        return problem(400, gettext("该人员不是本督导室（含下级）的督学，也不是您管理的账号。"), field="user_id")
    member = svc.team_member_add(team=team, user=user, kind=payload.kind, section=payload.section, phone=payload.phone,
                                 is_leader=payload.is_leader, by=request.user)
    return Status(201, _member_out(member, True))


@router.delete("/campaign-team-members/{member_id}", response={204: None}, summary="移出成员（组长由下一位成员接任）")
def remove_team_member(request, member_id: int):
    svc.team_member_remove(member=_access_member(request.user, member_id), by=request.user)
    return Status(204, None)


class MemberPatchIn(Schema):
    section: str | None = None
    phone: str | None = None


@router.patch("/campaign-team-members/{member_id}", response={200: MemberOut, 400: ErrorOut},
              summary="修改成员的科室/单位和联系电话")
def update_team_member(request, member_id: int, payload: MemberPatchIn):
    member = _access_member(request.user, member_id)
    section = member.section if payload.section is None else payload.section
    phone = member.phone if payload.phone is None else payload.phone
    member = svc.team_member_update(member=member, by=request.user, section=section, phone=phone)
    return _member_out(member, True)


@router.post("/campaign-team-members/{member_id}/leader", response=MemberOut, summary="设为组长")
def set_team_leader(request, member_id: int):
    member = svc.team_leader_set(member=_access_member(request.user, member_id), by=request.user)
    return _member_out(member, True)


@router.get("/campaigns/{campaign_id}/allocation", response=list[AllocationRowOut], summary="学校分配")
def get_allocation(request, campaign_id: int):
    campaign = svc.access_team_campaign(request.user, campaign_id)
    return [_row_out(e) for e in svc.allocation_rows(campaign=campaign)]


@router.post("/campaigns/{campaign_id}/allocation", response={200: AllocationOut, 400: ErrorOut},
             summary="自动分配（数量均衡、同乡镇尽量同组、避开回避）")
def run_allocation(request, campaign_id: int, include_manual: bool = False):
    """Schools set by hand keep their team unless `?include_manual=true` (then every school is placed afresh)."""
    campaign = svc.access_team_campaign(request.user, campaign_id, manage=True)
    result = svc.allocation_run(campaign=campaign, by=request.user, include_manual=include_manual)
    return {"allocated": result.allocated, "counts": result.counts, "split_townships": result.split_townships,
            "conflicts": [_conflict_out(c) for c in result.conflicts], "kept": result.kept}


@router.post("/campaigns/{campaign_id}/allocation/move", response={200: AllocationRowOut, 400: ErrorOut},
             summary="手工调整一所学校的督查组（回避冲突时拒绝）")
def move_school(request, campaign_id: int, payload: MoveIn):
    campaign = svc.access_team_campaign(request.user, campaign_id, manage=True)
    entry = get_visible_or_404(CampaignSchool.objects.filter(campaign=campaign).select_related("school__region", "team"),
                               school_id=payload.school_id)
    team = None
    if payload.team_id is not None:
        team = get_visible_or_404(Team.objects.filter(campaign=campaign), pk=payload.team_id)
    svc.campaign_school_move(entry=entry, team=team, by=request.user)
    entry.township_name = svc.township_of(entry.school)[1]  # type: ignore[attr-defined]
    return _row_out(entry)


@router.get("/campaigns/{campaign_id}/conflicts", response=list[ConflictOut], summary="回避冲突")
def list_conflicts(request, campaign_id: int):
    campaign = svc.access_team_campaign(request.user, campaign_id)
    return [_conflict_out(c) for c in svc.conflicts_of(campaign)]


def _tie_out(t) -> dict:
    return {"id": t.pk, "user_id": t.user_id, "person": t.user.display_name, "school_id": t.school_id,
            "school_name": t.school.name, "kind": t.kind, "note": t.note, "start": t.start, "end": t.end}


@router.get("/school-ties", response=list[TieOut], summary="回避关系（本督导室学校）")
def list_school_ties(request, user_id: int | None = None):
    if not can_write_anything(request.user):
        raise PermissionDenied
    ties = svc.ties_visible_to(request.user).order_by("user_id", "school__code")
    if user_id is not None:
        ties = ties.filter(user_id=user_id)
    return [_tie_out(t) for t in ties]


@router.post("/school-ties", response={201: TieOut, 400: ErrorOut}, summary="登记回避关系")
def create_school_tie(request, payload: TieIn):
    if not can_write_anything(request.user):
        raise PermissionDenied
    school = get_visible_or_404(School.objects.filter(school_q(request.user, write=True)), pk=payload.school_id)
    person = svc.tie_people(request.user).filter(pk=payload.user_id).first()
    if person is None:
        return problem(400, gettext("该人员不是本督导室的督学，也不是您管理的账号。"), field="user_id")
    tie = svc.school_tie_add(user=person, school=school, kind=payload.kind, note=payload.note, start=payload.start,
                             end=payload.end, by=request.user)
    return Status(201, _tie_out(tie))


@router.delete("/school-ties/{tie_id}", response={204: None}, summary="删除回避关系")
def delete_school_tie(request, tie_id: int):
    if not can_write_anything(request.user):
        raise PermissionDenied
    svc.school_tie_delete(tie=svc.access_tie(request.user, tie_id), by=request.user)
    return Status(204, None)
