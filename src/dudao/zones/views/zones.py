"""Zone pages: coverage checklist, zones, schools' zone and responsible supervisors (挂牌)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dudao.access import can_manage_office, get_visible_or_404, sees_office_details
from dudao.core.errors import joined_messages
from dudao.regions.models import Office
from dudao.schools.models import School
from dudao.schools.selectors import access_school
from dudao.supervisors.models import Supervisor
from dudao.zones import services
from dudao.zones.coverage import coverage_report, schools_for_office, zone_level_of
from dudao.zones.forms import AddSchoolsForm, AssignForm, EndAssignmentForm, JoinZoneForm, ZoneForm
from dudao.zones.models import Assignment, Zone, ZoneLevel, ZoneSchool
from dudao.zones.selectors import (
    access_managed_school,
    access_office,
    access_zone,
    assignments_of_school,
    covering_offices,
    zone_offices,
    zone_schools,
)


def _require_manage(user, office: Office) -> None:
    if not can_manage_office(user, office):
        raise PermissionDenied


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """An office's zones and its coverage checklist (every problem links to where it is fixed)."""
    offices = list(zone_offices(request.user).order_by("region__code"))
    office = None
    if request.GET.get("office"):
        office = access_office(request.user, request.GET["office"])
    elif offices:
        office = next((o for o in offices if sees_office_details(request.user, o)), None)
    if office is None:
        zones = Zone.objects.visible_to(request.user).distinct().select_related("office", "head").annotate(n=Count("memberships"))
        return render(request, "zones/zone_index.html", {"offices": offices, "office": None, "zones": zones})
    zones = (Zone.objects.visible_to(request.user).filter(office=office).select_related("head")
             .annotate(n=Count("memberships", distinct=True), m=Count("members", distinct=True)))
    report = coverage_report(office) if sees_office_details(request.user, office) else None
    return render(request, "zones/zone_index.html", {
        "offices": offices, "office": office, "zones": zones, "report": report,
        "can_manage": can_manage_office(request.user, office),
    })


@login_required
def zone_create(request: HttpRequest) -> HttpResponse:
    office = access_office(request.user, request.GET.get("office") or request.POST.get("office") or 0)
    _require_manage(request.user, office)
    form = ZoneForm(request.POST or None, office=office)
    if request.method == "POST" and form.is_valid():
        try:
            zone = services.zone_create(office=office, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, joined_messages(exc))
        else:
            messages.success(request, _("责任区“%(name)s”已建立，请划入学校。") % {"name": zone.name})
            return redirect("zones:detail", pk=zone.pk)
    return render(request, "zones/zone_form.html", {"form": form, "office": office, "zone": None})


@login_required
def zone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    zone = access_zone(request.user, pk)
    _require_manage(request.user, zone.office)
    initial = {"name": zone.name, "head": zone.head, "members": list(zone.members.all()),
               "office_address": zone.office_address, "note": zone.note}
    form = ZoneForm(request.POST or None, office=zone.office, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if Zone.objects.filter(office=zone.office, name=data["name"]).exclude(pk=zone.pk).exists():
            form.add_error("name", _("本督导室已有同名责任区。"))
        else:
            try:
                zone.name, zone.office_address, zone.note = data["name"], data["office_address"], data["note"]
                zone.save()
                services.zone_set_team(zone=zone, head=data["head"], members=data["members"])
            except ValidationError as exc:
                form.add_error(None, joined_messages(exc))
            else:
                messages.success(request, _("已保存。"))
                return redirect("zones:detail", pk=zone.pk)
    return render(request, "zones/zone_form.html", {"form": form, "office": zone.office, "zone": zone})


@login_required
def zone_detail(request: HttpRequest, pk: int) -> HttpResponse:
    zone = access_zone(request.user, pk)
    schools = list(zone_schools(zone=zone))
    current: dict[int, list[Supervisor]] = {}
    for a in Assignment.objects.current().filter(school__in=schools).select_related("supervisor"):
        current.setdefault(a.school_id, []).append(a.supervisor)
    can_manage = can_manage_office(request.user, zone.office)
    add_form = None
    if can_manage:
        candidates = schools_for_office(zone.office).exclude(zone_memberships__level=zone.level).order_by("region_code", "code")[:300]
        add_form = AddSchoolsForm(candidates=candidates)
    from dudao.zones import rules

    return render(request, "zones/zone_detail.html", {
        "zone": zone, "rows": [(s, current.get(s.pk, [])) for s in schools], "members": zone.members.all(),
        "can_manage": can_manage, "add_form": add_form, "max_schools": rules.MAX_SCHOOLS_PER_ZONE,
        "over_limit": len(schools) > rules.MAX_SCHOOLS_PER_ZONE,
    })


@login_required
@require_POST
def zone_add_schools(request: HttpRequest, pk: int) -> HttpResponse:
    zone = access_zone(request.user, pk)
    _require_manage(request.user, zone.office)
    candidates = schools_for_office(zone.office)
    form = AddSchoolsForm(request.POST, candidates=candidates.exclude(zone_memberships__level=zone.level)[:300])
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("zones:detail", pk=zone.pk)
    picked = list(School.objects.visible_to(request.user).filter(pk__in=form.cleaned_data["school_ids"]))
    codes = form.codes_list()
    by_code = {s.code: s for s in School.objects.visible_to(request.user).filter(code__in=codes)}
    unknown = [c for c in codes if c not in by_code]
    added, problems = services.zone_add_schools(zone=zone, schools=picked + list(by_code.values()), move=form.cleaned_data["move"])
    if unknown:
        problems.append(_("学校标识码不存在或不在您的管辖范围内：%(codes)s") % {"codes": "、".join(unknown)})
    if added:
        messages.success(request, _("已划入 %(n)s 所学校。") % {"n": added})
    if problems:
        messages.warning(request, "；".join(problems))
    return redirect("zones:detail", pk=zone.pk)


@login_required
@require_POST
def zone_remove_school(request: HttpRequest, pk: int, school_pk: int) -> HttpResponse:
    zone = access_zone(request.user, pk)
    _require_manage(request.user, zone.office)
    school = get_visible_or_404(zone_schools(zone=zone), pk=school_pk)
    services.zone_remove_school(zone=zone, school=school)
    messages.success(request, _("%(school)s 已移出本责任区。") % {"school": school.name})
    return redirect("zones:detail", pk=zone.pk)


@login_required
@require_POST
def zone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    zone = access_zone(request.user, pk)
    _require_manage(request.user, zone.office)
    office_pk = zone.office_id
    if zone.memberships.exists():
        messages.error(request, _("责任区内还有学校，请先移出学校再删除。"))
        return redirect("zones:detail", pk=zone.pk)
    services.zone_delete(zone=zone)
    messages.success(request, _("责任区已删除。"))
    return redirect(f"/zones/?office={office_pk}")


@login_required
def school_supervision(request: HttpRequest, pk: int) -> HttpResponse:
    """One school's zone and responsible supervisors, with the full history (挂牌督导)."""
    school = access_school(request.user, pk)
    offices = covering_offices(school)
    office = offices[0] if offices else None
    can_manage = office is not None and can_manage_office(request.user, office)
    level = zone_level_of(school)
    membership = ZoneSchool.objects.filter(school=school, level=level).select_related("zone").first()
    history = list(assignments_of_school(school=school))
    current = [a for a in history if a.ends_on is None]
    assign_form = join_form = None
    if can_manage:
        candidates = Supervisor.objects.filter(office=office).active().select_related("office__region").order_by("kind", "name")
        assign_form = AssignForm(candidates=candidates)
        join_form = JoinZoneForm(zones=Zone.objects.filter(office=office).order_by("name"))
    return render(request, "zones/school_supervision.html", {
        "school": school, "office": office, "membership": membership, "level_label": ZoneLevel(level).label,
        "current": current, "history": history, "can_manage": can_manage, "assign_form": assign_form,
        "join_form": join_form, "end_form": EndAssignmentForm() if can_manage else None,
    })


def _managed_school(request: HttpRequest, pk: int) -> tuple[School, Office]:
    return access_managed_school(request.user, pk)


@login_required
@require_POST
def school_assign(request: HttpRequest, pk: int) -> HttpResponse:
    school, office = _managed_school(request, pk)
    candidates = Supervisor.objects.filter(office=office).active().select_related("office__region")
    form = AssignForm(request.POST, candidates=candidates)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["replace"]:
                services.assignment_reassign(school=school, to=data["supervisor"], on=data["starts_on"], reason=data["reason"], by=request.user)
            else:
                services.assignment_create(supervisor=data["supervisor"], school=school, starts_on=data["starts_on"],
                                           reason=data["reason"], by=request.user)
        except ValidationError as exc:
            messages.error(request, joined_messages(exc))
        else:
            messages.success(request, _("%(name)s 已挂牌为 %(school)s 的责任督学。") % {"name": data["supervisor"].name, "school": school.name})
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("zones:school", pk=school.pk)


@login_required
@require_POST
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_visible_or_404(Assignment.objects.visible_to(request.user).select_related("school", "supervisor"), pk=pk)
    school, _office = _managed_school(request, assignment.school_id)
    form = EndAssignmentForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_end(assignment=assignment, ends_on=form.cleaned_data["ends_on"], reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            messages.error(request, joined_messages(exc))
        else:
            messages.success(request, _("已结束 %(name)s 对该校的挂牌。") % {"name": assignment.supervisor.name})
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("zones:school", pk=school.pk)


@login_required
@require_POST
def school_join_zone(request: HttpRequest, pk: int) -> HttpResponse:
    school, office = _managed_school(request, pk)
    form = JoinZoneForm(request.POST, zones=Zone.objects.filter(office=office))
    if not form.is_valid():
        messages.error(request, _("请选择责任区。"))
        return redirect("zones:school", pk=school.pk)
    added, problems = services.zone_add_schools(zone=form.cleaned_data["zone"], schools=[school], move=form.cleaned_data["move"])
    if added:
        messages.success(request, _("已划入“%(zone)s”。") % {"zone": form.cleaned_data["zone"].name})
    for problem in problems:
        messages.warning(request, problem)
    return redirect("zones:school", pk=school.pk)


__all__ = ["Http404"]


@login_required
def export(request: HttpRequest, kind: str) -> HttpResponse:
    """Zones, zone schools or zone supervisors as Excel, in the import columns (round trip).
    For the offices whose details the user sees (their own and those below): phone numbers of the
    team are in it."""
    from dudao.core.excel import xlsx_response
    from dudao.zones.exports import TITLES, export_headers, export_rows

    if kind not in TITLES:
        raise Http404
    offices = [o for o in zone_offices(request.user) if sees_office_details(request.user, o)]
    if not offices:
        raise PermissionDenied
    if request.GET.get("office"):
        office = access_office(request.user, request.GET["office"])
        if office not in offices:
            raise PermissionDenied
        offices = [office]
    return xlsx_response(TITLES[kind], TITLES[kind], export_headers(kind), export_rows(kind, request.user, offices))
