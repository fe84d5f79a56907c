"""Decision support (达标测算): for a county and stage, the least resources to add per school so that
every school passes and every CV meets its limit — a table on screen and in Excel.

Same scope as the county dashboard (`views._params` → `selectors.access_area`: 404 outside the
scope, 403 for a region seen only through one's schools); leaders read it too. The plan is made by
the pure `planning.plan_county` from the stored school rows (`selectors.planning_schools`), so it
starts from the figures the dashboard shows; it is computed on request and never stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dudao.core.excel import xlsx_response
from dudao.monitoring import selectors as sel
from dudao.monitoring.indicators import REASON_LABELS, cv_display
from dudao.monitoring.planning import RESOURCES, Plan, PlanningError, Resource, SchoolPlan, plan_county
from dudao.monitoring.planning import format_amount as fmt_amount
from dudao.monitoring.standards import QUALITY_2017, STAGE_LABELS
from dudao.monitoring.views.dashboards import PAGE_SIZE, Params, _common, _params
from dudao.regions.models import RegionLevel


@dataclass
class Cell:
    resource: Resource
    current: object
    add: object
    after: object
    relaxed: bool  # the one indicator this school may keep between 85 % and 100 %


@dataclass
class Row:
    school: object  # schools.School
    plan: SchoolPlan
    cells: list[Cell]


def summary_text(plan: Plan) -> str:
    """需新增高于规定学历教师 N 人、…、网络多媒体教室 W 间 (only what is added)."""
    parts = [f"{item.resource.short} {fmt_amount(item.added, item.resource)} {item.resource.unit}"
             for item in plan.indicators if item.units]
    if not parts:
        return _("无需新增资源。")
    return _("需新增%(parts)s。") % {"parts": "、".join(parts)}


def _plan_for(request: HttpRequest, p: Params) -> dict:
    """The county's area result, the rows and the plan (or the reason there is none)."""
    if p.region is None or p.region.level != RegionLevel.COUNTY or p.year is None:
        raise Http404
    if p.scheme.code != QUALITY_2017:
        raise Http404
    area = sel.stage_results(user=request.user, scheme=p.scheme.code, year=p.year, region=p.region).get(p.stage)
    out: dict = {"area": area, "plan": None, "rows": [], "error": ""}
    if area is None:
        return out
    pairs = sel.planning_schools(user=request.user, area=area)
    try:
        plan = plan_county([ps for _school, ps in pairs], stage=p.stage, scheme=p.scheme)
    except PlanningError as exc:
        out["error"] = exc.message
        return out
    schools = {ps.key: school for school, ps in pairs}
    rows = [Row(school=schools[sp.key], plan=sp,
                cells=[Cell(r, sp.current[c], sp.add[c], sp.after[c], c in sp.relaxed) for c, r in RESOURCES.items()])
            for sp in plan.schools]
    out.update(plan=plan, rows=rows)
    return out


@login_required
@require_GET
def planning(request: HttpRequest) -> HttpResponse:
    """The plan of one county and stage: summary, per-indicator totals and the per-school table."""
    p = _params(request)
    data = _plan_for(request, p)
    context = _common(request, p)
    rows = data["rows"]
    needed_only = request.GET.get("needed") == "1"
    if needed_only:
        rows = [r for r in rows if r.plan.has_additions]
    plan: Plan | None = data["plan"]
    context.update(
        data, page=Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")), row_count=len(rows),
        needed_only=needed_only, resources=list(RESOURCES.values()),
        summary=summary_text(plan) if plan else "", totals=_totals(plan) if plan else [],
        excluded=_excluded(data["area"]),
        limit=p.scheme.cv_limit_for(p.stage),
    )
    return render(request, "monitoring/planning.html", context)


def _totals(plan: Plan) -> list[Cell]:
    cells = []
    for code, res in RESOURCES.items():
        current = sum((s.current[code] for s in plan.schools if s.current[code] is not None), res.amount(0))
        add = plan.total(code)
        cells.append(Cell(res, current, add, current + add, False))
    return cells


def _excluded(area) -> list[dict]:
    if area is None:
        return []
    return [{**e, "reason_label": e.get("reason_label") or REASON_LABELS.get(e.get("reason", ""), e.get("reason", ""))}
            for e in (area.excluded or [])]


def _num(value):
    """Excel cells: Decimals as numbers (the writer keeps other types as text)."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def _verdict(passes: bool | None) -> str:
    return {True: _("达标"), False: _("未达标"), None: _("无法判定")}[passes]


@login_required
@require_GET
def planning_export(request: HttpRequest) -> HttpResponse:
    """The whole plan as Excel: per school and resource the current amount, the addition and the
    amount after it, the indicator values after, and a totals row; the method in the 说明 sheet."""
    p = _params(request)
    data = _plan_for(request, p)
    plan: Plan | None = data["plan"]
    if plan is None:
        raise Http404
    stage_label = STAGE_LABELS[p.stage]
    headers = [_("学校标识码"), _("学校名称"), _("在校生数")]
    for res in RESOURCES.values():
        headers += [f"{res.code} {res.label}现有（{res.unit}）", f"{res.code} 新增（{res.unit}）", f"{res.code} 新增后（{res.unit}）"]
    headers += [f"{code} {_('新增后指标值')}" for code in RESOURCES]
    headers += [_("允许85%的指标"), _("单校结论（现状）"), _("单校结论（新增后）")]
    rows = []
    for row in data["rows"]:
        sp = row.plan
        line = [row.school.code, row.school.name, int(sp.students)]
        for cell in row.cells:
            line += [_num(cell.current), _num(cell.add), _num(cell.after)]
        line += [None if sp.values_after[c] is None else round(sp.values_after[c], 4) for c in RESOURCES]
        line += ["、".join(sp.relaxed), _verdict(sp.passes_before), _verdict(sp.passes_after)]
        rows.append(line)
    total = ["", _("合计"), int(sum(s.students for s in plan.schools))]
    for cell in _totals(plan):
        total += [_num(cell.current), _num(cell.add), _num(cell.after)]
    rows.append(total)
    notes = [
        f"{p.region.name}{p.year}学年{stage_label}达标测算（{p.scheme.label}）",
        summary_text(plan),
        *[_("%(code)s %(label)s：差异系数 %(before)s → %(after)s（限值 %(limit)s）；新增 %(added)s %(unit)s，"
            "其中达到单校标准 %(floor)s、降低差异系数 %(cv)s；涉及 %(n)s 所学校") % {
            "code": i.code, "label": i.resource.label, "before": cv_display(i.cv_before), "after": cv_display(i.cv_after),
            "limit": f"{i.limit:.2f}", "added": fmt_amount(i.added, i.resource), "unit": i.resource.unit,
            "floor": fmt_amount(i.for_standard, i.resource), "cv": fmt_amount(i.for_cv, i.resource), "n": i.schools}
          for i in plan.indicators],
        *plan.notes,
        *[_("未纳入测算：%(name)s（%(reason)s）") % {"name": e.get("name"), "reason": e.get("reason_label")}
          for e in _excluded(data["area"])],
        _("方法：先让每所学校以最少的新增达到单校标准（6项达标、余项不低于85%，余项选新增最少的一项），"
          "再对差异系数超标的指标逐个单位地补给生均值最低的学校，直到差异系数不超过限值；"
          "结果用与监测结论相同的函数复核。详见 docs/decision-support.md。"),
        _("新增量为最少需要量：人、间取整，面积以1㎡、设备值以0.1万元（1000元）为单位；不同资源按占全县标准配置量的比例比较，未假设单价。"),
    ]
    filename = f"{p.region.name}{p.year}{stage_label}达标测算"
    return xlsx_response(filename, filename[:31], headers, rows, notes=notes)
