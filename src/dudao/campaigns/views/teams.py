"""Team pages (督查组): teams and allocation of a campaign, one team, the mobilisation sheet
(page, Excel, PDF), a member's own teams, and the 回避 ties. Thin: access → form → service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dudao.access import can_write_anything, get_visible_or_404, school_q
from dudao.campaigns import teams as svc
from dudao.campaigns.forms_teams import MemberEditForm, MemberForm, MoveForm, TeamForm, TieForm
from dudao.campaigns.mobilisation import mobilisation_sheet, sheet_notes, sheet_workbook_sheets
from dudao.campaigns.models import CampaignSchool, Team, TeamMember
from dudao.core.documents import PDF, render_pdf
from dudao.core.downloads import download_response
from dudao.core.errors import add_service_errors, joined_messages
from dudao.core.excel import xlsx_sheets_response
from dudao.schools.models import School


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, joined_messages(exc))


@login_required
def team_index(request: HttpRequest, pk: int) -> HttpResponse:
    """A campaign's teams, the allocation of its schools (editable by hand) and the 回避 conflicts."""
    campaign = svc.access_team_campaign(request.user, pk)
    can_manage = svc.may_manage_teams(request.user, campaign)
    teams = svc.team_list(campaign=campaign)
    rows = svc.allocation_rows(campaign=campaign)
    conflicts = svc.conflicts_of(campaign)
    conflicted = {c.school.pk for c in conflicts}
    forbidden = svc.forbidden_teams(campaign, teams) if can_manage else {}
    for r in rows:  # the move choices mark the teams a school must avoid (a move there is refused)
        r.in_conflict = r.school_id in conflicted
        r.choices = [(t, t.pk in forbidden.get(r.school_id, ())) for t in teams]
    return render(request, "campaigns/team_index.html", {
        "campaign": campaign, "teams": teams, "rows": rows, "conflicts": conflicts,
        "can_manage": can_manage, "form": TeamForm() if can_manage else None,
        "unallocated": sum(1 for r in rows if not r.team_id),
        "by_hand": sum(1 for r in rows if r.team_by_hand and r.team_id),
    })


@login_required
@require_POST
def team_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = svc.access_team_campaign(request.user, pk, manage=True)
    form = TeamForm(request.POST)
    if form.is_valid():
        try:
            team = svc.team_create(campaign=campaign, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("已建立“%(name)s”，请添加成员。") % {"name": team.name})
            return redirect("campaigns:team_detail", pk=team.pk)
    else:
        messages.error(request, _("请填写组名。"))
    return redirect("campaigns:team_index", pk=campaign.pk)


@login_required
@require_POST
def team_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = svc.access_team_campaign(request.user, pk, manage=True)
    include_manual = request.POST.get("include_manual") == "1"
    try:
        result = svc.allocation_run(campaign=campaign, by=request.user, include_manual=include_manual)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        text = _("已自动分配 %(n)s 所学校：%(counts)s。") % {
            "n": result.allocated, "counts": "，".join(f"{name} {c} 所" for name, c in result.counts.items())}
        if result.kept:
            text += _("其中 %(n)s 所是手工调整的，保留在原组。") % {"n": result.kept}
        if result.split_townships:
            text += _("以下乡镇分在多个组：%(towns)s。") % {"towns": "、".join(result.split_townships)}
        messages.success(request, text)
        if result.conflicts:
            messages.warning(request, _("有 %(n)s 处回避冲突无法自动避开，请手工调整。") % {"n": len(result.conflicts)})
    return redirect("campaigns:team_index", pk=campaign.pk)


@login_required
@require_POST
def team_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move one school to another team (or none): refused with the member and reason on 回避."""
    campaign = svc.access_team_campaign(request.user, pk, manage=True)
    form = MoveForm(request.POST)
    if not form.is_valid():
        raise Http404
    entry = get_visible_or_404(CampaignSchool.objects.filter(campaign=campaign).select_related("school", "team"),
                               pk=form.cleaned_data["entry"])
    team = None
    if form.cleaned_data.get("team"):
        team = get_visible_or_404(Team.objects.filter(campaign=campaign), pk=form.cleaned_data["team"])
    try:
        svc.campaign_school_move(entry=entry, team=team, by=request.user)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("%(school)s 已调整到 %(team)s。") % {"school": entry.school.name,
                                                                         "team": team.name if team else _("未分配")})
    back = request.POST.get("back_team", "")
    if back.isdigit():
        return redirect("campaigns:team_detail", pk=int(back))
    return redirect(reverse("campaigns:team_index", kwargs={"pk": campaign.pk}) + "#allocation")


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One team: its members (leader first) and schools. The office reads every team, a member their own."""
    team = svc.access_team(request.user, pk)
    campaign = team.campaign
    can_manage = svc.may_manage_teams(request.user, campaign)
    form = None
    if can_manage:
        form = MemberForm(candidates=svc.member_candidates(campaign=campaign, by=request.user))
    return _render_detail(request, team, can_manage, form)


def _render_detail(request, team: Team, can_manage: bool, form) -> HttpResponse:
    campaign = team.campaign
    members = sorted(team.members.select_related("user"), key=lambda m: (not m.is_leader, m.pk))
    return render(request, "campaigns/team_detail.html", {
        "team": team, "campaign": campaign, "members": members, "rows": svc.allocation_rows(campaign=campaign, team=team),
        "can_manage": can_manage, "form": form, "rename_form": TeamForm(initial={"name": team.name, "note": team.note}) if can_manage else None,
        "contacts": svc.sees_team_contacts(request.user, team), "sections": svc.SECTION_SUGGESTIONS,
        "reads_campaign": svc.campaigns_read(request.user).filter(pk=campaign.pk).exists(),
        "other_teams": Team.objects.filter(campaign=campaign).exclude(pk=team.pk).order_by("order", "id") if can_manage else [],
    })


@login_required
@require_POST
def team_rename(request: HttpRequest, pk: int) -> HttpResponse:
    team = svc.access_team(request.user, pk, manage=True)
    form = TeamForm(request.POST)
    if form.is_valid():
        try:
            svc.team_rename(team=team, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("已保存。"))
    return redirect("campaigns:team_detail", pk=team.pk)


@login_required
@require_POST
def team_delete(request: HttpRequest, pk: int) -> HttpResponse:
    team = svc.access_team(request.user, pk, manage=True)
    campaign = team.campaign
    try:
        svc.team_delete(team=team, by=request.user)
    except ValidationError as exc:
        _flash(request, exc)
        return redirect("campaigns:team_detail", pk=pk)
    messages.success(request, _("督查组已删除，其学校改为未分配。"))
    return redirect("campaigns:team_index", pk=campaign.pk)


@login_required
def team_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    team = svc.access_team(request.user, pk, manage=True)
    if request.method != "POST":
        return redirect("campaigns:team_detail", pk=team.pk)
    form = MemberForm(request.POST, candidates=svc.member_candidates(campaign=team.campaign, by=request.user))
    if form.is_valid():
        try:
            member = svc.team_member_add(team=team, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s 已加入。") % {"name": member.user.display_name})
            return redirect("campaigns:team_detail", pk=team.pk)
    return _render_detail(request, team, True, form)


def _access_member(request, pk: int) -> TeamMember:
    member = get_visible_or_404(TeamMember.objects.filter(team__in=svc.teams_visible_to(request.user))
                                .select_related("team__campaign__office__region", "user"), pk=pk)
    if not svc.may_manage_teams(request.user, member.team.campaign):
        raise PermissionDenied
    return member


@login_required
def team_member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a member's section and phone (who manages the teams; the form keeps what was typed)."""
    member = _access_member(request, pk)
    if request.method == "POST":
        form = MemberEditForm(request.POST)
        if form.is_valid():
            try:
                svc.team_member_update(member=member, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已保存%(name)s的科室和联系电话。") % {"name": member.user.display_name})
                return redirect("campaigns:team_detail", pk=member.team_id)
    else:
        form = MemberEditForm(initial={"section": member.section, "phone": member.phone})
    return render(request, "campaigns/team_member_edit.html", {
        "member": member, "team": member.team, "campaign": member.team.campaign, "form": form,
        "sections": svc.SECTION_SUGGESTIONS})


@login_required
@require_POST
def team_member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = _access_member(request, pk)
    team_id = member.team_id
    try:
        successor = svc.team_member_remove(member=member, by=request.user)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        text = _("已移出。")
        if successor is not None:
            text += _("组长改为%(name)s。") % {"name": successor.user.display_name}
        messages.success(request, text)
    return redirect("campaigns:team_detail", pk=team_id)


@login_required
@require_POST
def team_leader_set(request: HttpRequest, pk: int) -> HttpResponse:
    member = _access_member(request, pk)
    try:
        svc.team_leader_set(member=member, by=request.user)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("组长改为%(name)s。") % {"name": member.user.display_name})
    return redirect("campaigns:team_detail", pk=member.team_id)


# --- the mobilisation sheet (动员部署表) -------------------------------------------------------------------
@login_required
def team_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """A4 printable page (the browser's print); the PDF renders the same template."""
    campaign = svc.access_team_campaign(request.user, pk)
    return render(request, "campaigns/team_sheet.html", {"sheet": mobilisation_sheet(campaign), "pdf": False})


@login_required
def team_sheet_export(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = svc.access_team_campaign(request.user, pk)
    sheet = mobilisation_sheet(campaign)
    return xlsx_sheets_response(f"动员部署表-{campaign.name}", sheet_workbook_sheets(sheet), notes=sheet_notes(sheet))


@login_required
def team_sheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = svc.access_team_campaign(request.user, pk)
    pdf = render_pdf("campaigns/team_sheet.html", {"sheet": mobilisation_sheet(campaign), "pdf": True})
    return download_response(pdf, f"动员部署表-{campaign.name}.pdf", PDF)


# --- a member's own teams ------------------------------------------------------------------------------
@login_required
def team_mine(request: HttpRequest) -> HttpResponse:
    """我的督查组: each team the person is in, teammates with phones, and the schools allocated."""
    cards = []
    for membership in svc.my_memberships(request.user):
        team = membership.team
        members = sorted(team.members.select_related("user"), key=lambda m: (not m.is_leader, m.pk))
        cards.append({"membership": membership, "team": team, "campaign": team.campaign, "members": members,
                      "rows": svc.allocation_rows(campaign=team.campaign, team=team)})
    return render(request, "campaigns/team_mine.html", {"cards": cards})


# --- 回避 ties -------------------------------------------------------------------------------------------
def _require_tie_writer(request) -> None:
    if not can_write_anything(request.user):
        raise PermissionDenied


def _tie_form(request, data=None) -> TieForm:
    schools = School.objects.filter(school_q(request.user, write=True))
    return TieForm(data, people=svc.tie_people(request.user), schools=schools,
                   initial={"user": request.GET.get("user")} if data is None else None)


@login_required
def tie_list(request: HttpRequest, form: TieForm | None = None) -> HttpResponse:
    """回避关系: who must avoid which school besides their 挂牌 schools (office staff of the school's region)."""
    _require_tie_writer(request)
    ties = svc.ties_visible_to(request.user).order_by("user__full_name", "school__code")
    user_id = request.GET.get("user", "")
    if user_id.isdigit():
        ties = ties.filter(user_id=int(user_id))
    return render(request, "campaigns/team_ties.html", {"ties": ties, "form": form or _tie_form(request)})


@login_required
@require_POST
def tie_add(request: HttpRequest) -> HttpResponse:
    _require_tie_writer(request)
    form = _tie_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            svc.school_tie_add(user=data["user"], school=data["school_code"], kind=data["kind"], note=data["note"],
                               start=data["start"], end=data["end"], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"school": "school_code"})
        else:
            messages.success(request, _("已登记回避关系。"))
            return redirect("campaigns:tie_list")
    return tie_list(request, form)


@login_required
@require_POST
def tie_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_tie_writer(request)
    tie = svc.access_tie(request.user, pk)
    svc.school_tie_delete(tie=tie, by=request.user)
    messages.success(request, _("已删除。"))
    return redirect("campaigns:tie_list")
