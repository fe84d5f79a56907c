"""The balance-monitoring dashboards (均衡发展监测): a county's indicator cards, school table and CV
contributions; a city's, province's or the country's map and table of the areas below; trends,
large classes and teacher structure; Excel exports; warnings → findings; recompute with progress.

Who sees what (selectors.py has the rule): area pages — office staff and leaders of the region or
above, and admins (404 outside the scope, 403 for a region seen only through one's schools);
a school's own results — whoever sees the school (its account, its supervisor, an evaluator, the
offices); recompute and warnings → findings — office staff of the region or above and admins
(leaders read only: 403). Views only read the stored results; they never recompute.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dudao import access
from dudao.access import get_scope, sees_area
from dudao.core.charts import county_geo_files, stacked_bar_chart
from dudao.core.errors import joined_messages
from dudao.core.excel import xlsx_response
from dudao.monitoring import selectors as sel
from dudao.monitoring.charts import (
    FAIL_COLOR,
    INSUFFICIENT_COLOR,
    PASS_COLOR,
    contributions_bar,
    cv_trend,
    school_points_map,
    teacher_pyramid,
    verdict_map,
)
from dudao.monitoring.forms import DEFAULT_REQUIREMENT, WarningsForm
from dudao.monitoring.indicators import cv_display
from dudao.monitoring.links import dossier_link
from dudao.monitoring.models import RunStatus, Verdict
from dudao.monitoring.standards import DEFAULT_SCHEME, PRIMARY, SCHEMES, STAGE_LABELS, STAGES, Scheme
from dudao.monitoring.warnings import county_warnings, mark_existing, school_warnings, warnings_to_findings
from dudao.regions.models import Region, RegionLevel
from dudao.regions.selectors import region_ancestors

PAGE_SIZE = 30


# --- the page's choices: region, scheme, year, stage ---------------------------------------------------


@dataclass
class Params:
    region: Region | None
    scheme: Scheme
    years: list[int]
    year: int | None
    stage: str

    @property
    def code(self) -> str:
        return self.region.code if self.region is not None else ""

    def query(self, **override) -> str:
        values = {"region": self.code, "scheme": self.scheme.code, "year": self.year or "", "stage": self.stage}
        values.update(override)
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})

    def url(self, **override) -> str:
        return reverse("monitoring:index") + "?" + self.query(**override)


def _int_year(value) -> int | None:
    value = str(value or "").strip()
    if value.isdigit() and len(value) == 4 and 2000 <= int(value) <= 2100:
        return int(value)
    return None


def _params(request: HttpRequest, data=None) -> Params:
    data = data if data is not None else request.GET
    code = (data.get("region") or "").strip()
    if not code:
        code = sel.default_area(request.user) or ""
    region = sel.access_area(request.user, code)
    scheme = SCHEMES.get((data.get("scheme") or "").strip()) or SCHEMES[DEFAULT_SCHEME]
    years = sel.result_years(scheme=scheme.code, region=region)
    year = _int_year(data.get("year"))
    if year is None:
        year = years[0] if years else next(iter(sel.kept_base_data_years(region=region)), None)
    stage = data.get("stage") if data.get("stage") in STAGES else PRIMARY
    return Params(region=region, scheme=scheme, years=years, year=year, stage=stage)


def _year_choices(p: Params) -> list[int]:
    years = set(p.years) | set(sel.kept_base_data_years(region=p.region))
    if p.year:
        years.add(p.year)
    return sorted(years, reverse=True)


def _common(request: HttpRequest, p: Params) -> dict:
    run = sel.latest_run(region=p.region, year=p.year) if p.year else None
    if run is not None and run.status in (RunStatus.QUEUED, RunStatus.RUNNING):
        from dudao.monitoring.services import monitoring_run_check_stalled

        run = monitoring_run_check_stalled(run)  # a run its worker lost stops "计算中" here too
    return {
        "p": p, "region": p.region, "scheme": p.scheme, "year": p.year, "stage": p.stage,
        "stage_label": STAGE_LABELS[p.stage], "stages": [(s, STAGE_LABELS[s]) for s in STAGES],
        "schemes": list(SCHEMES.values()), "year_choices": _year_choices(p), "breadcrumbs": region_ancestors(p.region),
        "visible_crumbs": [r for r in region_ancestors(p.region) if sees_area(request.user, r.code)],
        "can_act": access.may_act_on_area(request.user, p.code), "run": run,
        "run_is_own": run is not None and (run.region_id == (p.region.pk if p.region else None)),
        "run_active": run is not None and run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        "area_links": sel.area_links(request.user), "has_schools": bool(get_scope(request.user).school_ids),
        "qs": p.query(),
    }


# --- the dashboard -------------------------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """A county's dashboard, a city's / province's / the country's, or — for those who see only
    schools — their schools' results."""
    if not request.GET.get("region") and sel.default_area(request.user) is None:
        return _mine(request)
    p = _params(request)
    if p.region is not None and p.region.level == RegionLevel.COUNTY:
        return _county(request, p)
    return _area(request, p)


def _county(request: HttpRequest, p: Params) -> HttpResponse:
    context = _common(request, p)
    areas = sel.stage_results(user=request.user, scheme=p.scheme.code, year=p.year, region=p.region) if p.year else {}
    area = areas.get(p.stage)
    rows = sel.school_rows(user=request.user, scheme=p.scheme, year=p.year, stage=p.stage, region_code=p.code) if p.year else []
    cards = sel.indicator_cards(scheme=p.scheme, stage=p.stage, area=area, rows=rows)
    rows, sort = sel.sort_school_rows(rows, (request.GET.get("sort") or "").strip(), p.scheme)
    context.update(
        areas=[(s, STAGE_LABELS[s], areas.get(s)) for s in STAGES], area=area, cards=cards, sort=sort,
        page=Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")), row_count=len(rows),
        failing_schools=sum(1 for r in rows if r.result.passes is False and not r.result.excluded_reason),
        failing_cvs=[c for c in cards if c.cv_pass is False],
        composite_fails=bool(area and p.scheme.composite_cv_limit and area.verdict == Verdict.FAIL
                             and area.composite_cv is not None),
        composite_limit=p.scheme.composite_limit_for(p.stage), cv_limit=p.scheme.cv_limit_for(p.stage),
        indicator=(request.GET.get("indicator") or "").strip(),
        dossier_link=dossier_link(request.user, region_code=p.code, year=p.year, scheme=p.scheme.code),
    )
    _add_school_map(p, rows, context)
    _add_trend(request, p, context)
    _add_base_data(request, p, context)
    return render(request, "monitoring/county.html", context)


def _add_school_map(p: Params, rows: list, context: dict) -> None:
    """The county's schools of this stage as points (those with coordinates), coloured by verdict."""
    points, missing = [], 0
    for row in rows:
        school = row.school
        if school.latitude is None or school.longitude is None:
            missing += 1
            continue
        passes = row.result.passes
        verdict = Verdict.INSUFFICIENT if row.excluded or passes is None else Verdict.PASS if passes else Verdict.FAIL
        detail = _("达标指标 %(met)s/%(n)s") % {"met": row.result.met_count, "n": len(row.cells)} if p.scheme.school_min_met else ""
        points.append({"name": school.name, "lng": school.longitude, "lat": school.latitude, "verdict": verdict,
                       "detail": detail, "link": reverse("monitoring:school", args=[school.pk]) + f"?scheme={p.scheme.code}"})
    labels = {Verdict.PASS: _("达标"), Verdict.FAIL: _("未达标"), Verdict.INSUFFICIENT: _("无法判定或未纳入")}
    context.update(
        school_map=school_points_map(_("%(county)s%(stage)s学校分布") % {"county": p.region.name, "stage": STAGE_LABELS[p.stage]},
                                     points, {str(k): str(v) for k, v in labels.items()}) if points else None,
        school_map_missing=missing, geo_code=county_geo_files(p.code), geo_only=p.code.ljust(6, "0"),
        geo_base=static("vendor/geo/"),
    )


def _map_code(region: Region | None) -> tuple[str, bool]:
    """The GeoJSON file of the page (adcode) and whether to split its cities into counties."""
    if region is None:
        return "100000", False
    if region.level == RegionLevel.PROVINCE:
        return region.code.ljust(6, "0"), True
    return region.code.ljust(6, "0"), False


def _area(request: HttpRequest, p: Params) -> HttpResponse:
    context = _common(request, p)
    rows = sel.area_rows(user=request.user, scheme=p.scheme, year=p.year, stage=p.stage, region=p.region) if p.year else []
    counts = sel.verdict_counts(rows)
    own = sel.stage_results(user=request.user, scheme=p.scheme.code, year=p.year, region=p.region) if p.year else {}
    labels = dict(Verdict.choices)
    items = []
    for row in rows:
        failing = sum(1 for _cv, ok in row.cells if ok is False)
        detail = _("%(verdict)s · 达标学校 %(passing)s/%(count)s") % {
            "verdict": labels[row.result.verdict], "passing": row.result.schools_passing, "count": row.result.school_count}
        if failing:
            detail += _(" · %(n)s 项差异系数超标") % {"n": failing}
        if row.result.composite_cv is not None:
            detail += _(" · 综合差异系数 %(cv)s") % {"cv": cv_display(row.result.composite_cv)}
        items.append({"code": row.result.region_code.ljust(6, "0"), "name": row.region.name, "verdict": row.result.verdict,
                      "detail": detail, "link": p.url(region=row.result.region_code)})
    rows, sort = sel.sort_area_rows(rows, (request.GET.get("sort") or "").strip(), p.scheme)
    geo_code, expand = _map_code(p.region)
    what = _("各省（区、市）") if p.region is None else _("各县（市、区）")
    context.update(
        rows_total=len(rows), page=Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")), sort=sort,
        counts=counts, own=[(s, STAGE_LABELS[s], own.get(s)) for s in STAGES], own_area=own.get(p.stage),
        child_label=what, is_country=p.region is None,
        map_option=verdict_map(_("%(what)s%(stage)s均衡发展结论") % {"what": what, "stage": STAGE_LABELS[p.stage]},
                               items, {k: str(v) for k, v in labels.items()}, show_names=not expand),
        geo_code=geo_code, geo_expand="1" if expand else "0", geo_base=static("vendor/geo/"),
        cv_limit=p.scheme.cv_limit_for(p.stage), composite_limit=p.scheme.composite_limit_for(p.stage),
        failing_counties=sum(1 for r in rows if any(ok is False for _cv, ok in r.cells)
                             or (p.scheme.composite_cv_limit and r.result.verdict == Verdict.FAIL
                                 and r.result.composite_cv is not None)),
    )
    _add_trend(request, p, context)
    _add_base_data(request, p, context)
    return render(request, "monitoring/area.html", context)


def _add_trend(request: HttpRequest, p: Params, context: dict) -> None:
    years = sel.trend(user=request.user, scheme=p.scheme.code, stage=p.stage, region=p.region)
    context["trend"] = years
    if not years:
        return
    labels = [str(t.year) for t in years]
    if p.region is not None and p.region.level == RegionLevel.COUNTY:
        if p.scheme.composite_cv_limit:
            series = [(_("综合差异系数"), [t.composite for t in years])]
            limit = p.scheme.composite_limit_for(p.stage)
        else:
            series = [(i.short or i.label, [t.cv.get(i.code) for t in years]) for i in p.scheme.indicators]
            limit = p.scheme.cv_limit_for(p.stage)
        context["trend_chart"] = cv_trend(_("差异系数历年变化"), [t.year for t in years], series, limit)
    else:
        verdicts = dict(Verdict.choices)
        context["trend_chart"] = stacked_bar_chart(
            _("历年达标情况（%(what)s）") % {"what": _("省数") if p.region is None else _("县数")}, labels,
            [(str(verdicts[v]), [t.counts.get(v, 0) for t in years]) for v in (Verdict.PASS, Verdict.FAIL, Verdict.INSUFFICIENT)],
            colors=[PASS_COLOR, FAIL_COLOR, INSUFFICIENT_COLOR],
        )


def _add_base_data(request: HttpRequest, p: Params, context: dict) -> None:
    if not p.year:
        context["base"] = None
        return
    base, counted_at = sel.kept_base_data(user=request.user, region=p.region, year=p.year)
    context["base"] = base
    context["base_counted_at"] = counted_at
    context["base_kept_minutes"] = sel.figures_cache_seconds() // 60
    context["class_lines"] = base.lines[:PAGE_SIZE]
    stages = [STAGE_LABELS[s] for s in STAGES]
    totals = [base.totals[s] for s in STAGES]
    context["class_chart"] = stacked_bar_chart(
        _("班额分布"), stages,
        [(_("45人及以下"), [t.classes_upto_45 for t in totals]), (_("46—55人"), [t.classes_46_55 for t in totals]),
         (_("56—65人（大班额）"), [t.classes_56_65 for t in totals]), (_("66人及以上（超大班额）"), [t.classes_66_plus for t in totals])],
        colors=["#2fb344", "#74b816", "#f59f00", "#d63939"],
    )
    primary, junior = base.teachers[STAGES[0]], base.teachers[STAGES[1]]
    context["pyramid_chart"] = teacher_pyramid(
        _("专任教师年龄结构"), [label for label, _n in primary.ages],
        (STAGE_LABELS[STAGES[0]], [n for _l, n in primary.ages]), (STAGE_LABELS[STAGES[1]], [n for _l, n in junior.ages]))
    context["degree_chart"] = stacked_bar_chart(
        _("专任教师学历结构"), stages, [(label, [primary.degrees[i][1], junior.degrees[i][1]])
                                for i, (label, _n) in enumerate(primary.degrees)])
    context["title_chart"] = stacked_bar_chart(
        _("专任教师职称结构"), stages, [(label, [primary.titles[i][1], junior.titles[i][1]])
                                for i, (label, _n) in enumerate(primary.titles)])


def _mine(request: HttpRequest) -> HttpResponse:
    """Those who see schools but no region: their schools' stored rows."""
    scheme = SCHEMES.get((request.GET.get("scheme") or "").strip()) or SCHEMES[DEFAULT_SCHEME]
    year = _int_year(request.GET.get("year"))
    rows = sel.my_school_rows(user=request.user, scheme=scheme, year=year)
    return render(request, "monitoring/mine.html", {
        "scheme": scheme, "schemes": list(SCHEMES.values()), "rows": rows,
        "year": rows[0].result.year if rows else year, "stage_labels": STAGE_LABELS,
        "has_scope": not get_scope(request.user).is_empty,
    })


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return _mine(request)


# --- one indicator: which schools pull the CV up --------------------------------------------------------


@login_required
@require_GET
def indicator(request: HttpRequest) -> HttpResponse:
    p = _params(request)
    if p.region is None or p.year is None:
        raise Http404
    code = (request.GET.get("indicator") or "").strip()
    if code not in p.scheme.codes:
        raise Http404
    area = sel.stage_results(user=request.user, scheme=p.scheme.code, year=p.year, region=p.region).get(p.stage)
    item = p.scheme.indicator(code)
    parts = sel.cv_contributions(area=area, code=code) if area is not None else []
    cv = (area.cv or {}).get(code) if area else None
    limit = p.scheme.cv_limit_for(p.stage)
    context = _common(request, p)
    context.update(
        item=item, code=code, parts=parts, cv=cv, limit=limit, area=area, mean=(area.mean or {}).get(code) if area else None,
        standard=item.standard_for(p.stage), chart_id=f"contrib-chart-{code}",
        chart=contributions_bar(_("%(label)s：各校对差异系数的贡献") % {"label": item.short or item.label},
                                [(c.school.name, c.share) for c in parts], cv=cv, limit=limit),
    )
    template = "monitoring/indicator.html#panel" if request.htmx else "monitoring/indicator.html"
    return render(request, template, context)


# --- one school ---------------------------------------------------------------------------------------


@login_required
@require_GET
def school(request: HttpRequest, pk: int) -> HttpResponse:
    school_obj = sel.access_school_results(request.user, pk)
    scheme = SCHEMES.get((request.GET.get("scheme") or "").strip()) or SCHEMES[DEFAULT_SCHEME]
    rows = sel.school_history(school=school_obj, scheme=scheme)
    county = school_obj.region_code[:6]
    return render(request, "monitoring/school.html", {
        "school": school_obj, "scheme": scheme, "schemes": list(SCHEMES.values()), "rows": rows,
        "stage_labels": STAGE_LABELS, "county_link": sees_area(request.user, county), "county_code": county,
        "standards": {s: [(i, i.standard_for(s)) for i in scheme.indicators] for s in STAGES},
    })


# --- Excel exports --------------------------------------------------------------------------------------


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(float(value), digits)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (_("是") if value else _("否"))


@dataclass
class _Sheet:
    """One exported table: column headers, rows, file name, and the table's own notes (None: the
    scheme's notes)."""

    headers: list
    data: Iterable
    filename: str
    notes: list[str] | None = None


def _export_schools(request: HttpRequest, p: Params, name: str) -> _Sheet:
    """Every school of the area: its indicator values and verdict."""
    labels = [f"{i.code} {i.label}（{i.unit}）" for i in p.scheme.indicators]
    rows = sel.school_rows(user=request.user, scheme=p.scheme, year=p.year, stage=p.stage, region_code=p.code)
    headers = [_("学校标识码"), _("学校名称"), _("区划代码"), _("在校生数"), *labels, _("达标项数"), _("学校达标"), _("未纳入原因")]
    data = ([r.school.code, r.school.name, r.result.region_code, r.result.students,
             *[_round(c.value, 4) for c in r.cells], r.result.met_count, _yes_no(r.result.passes), r.excluded]
            for r in rows)
    return _Sheet(headers, data, f"{name}{p.year}{STAGE_LABELS[p.stage]}学校指标")


def _export_indicators(request: HttpRequest, p: Params, name: str) -> _Sheet:
    """Per stage and indicator: standard, mean, CV against its limit (and the composite CV)."""
    areas = sel.stage_results(user=request.user, scheme=p.scheme.code, year=p.year, region=p.region)
    headers = [_("学段"), _("指标"), _("单位"), _("单校标准"), _("全域生均（均值）"), _("差异系数"), _("差异系数限值"), _("差异系数达标")]
    data = []
    for stage in STAGES:
        area = areas.get(stage)
        for i in p.scheme.indicators:
            data.append([STAGE_LABELS[stage], i.label, i.unit, i.standard_for(stage),
                         _round((area.mean or {}).get(i.code), 4) if area else None,
                         _round((area.cv or {}).get(i.code)) if area else None, p.scheme.cv_limit_for(stage),
                         _yes_no((area.cv_pass or {}).get(i.code)) if area else ""])
        if p.scheme.composite_cv_limit:
            data.append([STAGE_LABELS[stage], _("综合差异系数"), "", None, None,
                         _round(area.composite_cv) if area else None, p.scheme.composite_limit_for(stage),
                         _yes_no(None if not area or area.composite_cv is None else area.composite_cv <= p.scheme.composite_limit_for(stage))])
    return _Sheet(headers, data, f"{name}{p.year}差异系数")


def _export_areas(request: HttpRequest, p: Params, name: str) -> _Sheet:
    """The areas one level down: verdict, counts and CVs, in the order of ?sort=."""
    rows = sel.area_rows(user=request.user, scheme=p.scheme, year=p.year, stage=p.stage, region=p.region)
    rows, _sort = sel.sort_area_rows(rows, (request.GET.get("sort") or "").strip(), p.scheme)
    verdicts = dict(Verdict.choices)
    headers = [_("区划代码"), _("名称"), _("结论"), _("参评学校数"), _("达标学校数"), _("在校生数"),
               *[f"{i.code} {i.label} 差异系数" for i in p.scheme.indicators], _("综合差异系数")]
    data = ([r.result.region_code, r.region.name, str(verdicts[r.result.verdict]), r.result.school_count,
             r.result.schools_passing, r.result.students, *[_round(cv) for cv, _ok in r.cells], _round(r.result.composite_cv)]
            for r in rows)
    return _Sheet(headers, data, f"{name}{p.year}{STAGE_LABELS[p.stage]}各地均衡结论")


def _export_contributions(request: HttpRequest, p: Params, name: str) -> _Sheet:
    """Each school's share of one indicator's CV (?indicator=); 404 without an area or indicator."""
    code = (request.GET.get("indicator") or "").strip()
    if code not in p.scheme.codes or p.region is None:
        raise Http404
    area = sel.stage_results(user=request.user, scheme=p.scheme.code, year=p.year, region=p.region).get(p.stage)
    parts = sel.cv_contributions(area=area, code=code) if area else []
    headers = [_("学校标识码"), _("学校名称"), _("在校生数"), _("指标值"), _("高于均值"), _("对差异系数的贡献"), _("占差异系数（%）")]
    data = ([c.school.code, c.school.name, c.students, _round(c.value, 4), _yes_no(c.above_mean), _round(c.share, 4),
             round(c.percent, 1)] for c in parts)
    return _Sheet(headers, data, f"{name}{p.year}{STAGE_LABELS[p.stage]}{code}差异系数贡献")


def _export_trend(request: HttpRequest, p: Params, name: str) -> _Sheet:
    """The area's verdict and CVs year by year."""
    codes = p.scheme.codes
    years = sel.trend(user=request.user, scheme=p.scheme.code, stage=p.stage, region=p.region)
    verdicts = dict(Verdict.choices)
    headers = [_("学年"), _("结论"), _("参评学校数"), _("达标学校数"), *[f"{c} 差异系数" for c in codes], _("综合差异系数"),
               _("下级达标数"), _("下级未达标数"), _("下级数据不足数")]
    data = ([t.year, str(verdicts.get(t.verdict, "")) if t.verdict else "", t.schools, t.passing,
             *[_round(t.cv.get(c)) for c in codes], _round(t.composite),
             t.counts.get(Verdict.PASS, 0), t.counts.get(Verdict.FAIL, 0), t.counts.get(Verdict.INSUFFICIENT, 0)]
            for t in years)
    return _Sheet(headers, data, f"{name}{STAGE_LABELS[p.stage]}历年均衡结论")


def _export_classes(request: HttpRequest, p: Params, name: str) -> _Sheet:
    """Class sizes (大班额) per area and stage, with the totals."""
    base = sel.base_data_summary(user=request.user, region=p.region, year=p.year)
    headers = [base.unit_label, _("学段"), _("学校数"), _("班级数"), _("45人及以下"), _("46—55人"), _("56—65人"),
               _("66人及以上"), _("大班额（56人及以上）"), _("大班额占比（%）"), _("超大班额占比（%）"),
               _("超过标准班额（小学45人、初中50人）"), _("其中无法判定（初中46—55人）"), _("在校生数"), _("平均班额")]
    lines = [*base.lines, *[base.totals[s] for s in STAGES]]
    data = ([line.name, STAGE_LABELS[line.stage], line.schools, line.classes, line.classes_upto_45, line.classes_46_55,
             line.classes_56_65, line.classes_66_plus, line.large, _pct(line.large_share), _pct(line.super_share),
             line.over_standard, line.undetermined, line.students, line.average] for line in lines)
    notes = [_("班额分段：36—45 正常，46—55 偏大，56—65 大班额，66 及以上超大班额。"),
             _("标准班额：小学 45 人、初中 50 人；初中 46—55 人一档无法按 50 人拆分，单列为“无法判定”。")]
    return _Sheet(headers, data, f"{name}{p.year}大班额", notes)


def _export_teachers(request: HttpRequest, p: Params, name: str) -> _Sheet:
    """Full-time teachers per stage by age, degree and title."""
    base = sel.base_data_summary(user=request.user, region=p.region, year=p.year)
    first = base.teachers[STAGES[0]]
    headers = [_("学段"), _("专任教师数"), *[a for a, _n in first.ages], *[d for d, _n in first.degrees],
               *[t for t, _n in first.titles]]
    data = ([STAGE_LABELS[s], base.teachers[s].teachers, *[n for _a, n in base.teachers[s].ages],
             *[n for _d, n in base.teachers[s].degrees], *[n for _t, n in base.teachers[s].titles]] for s in STAGES)
    return _Sheet(headers, data, f"{name}{p.year}教师结构", [_("来源：学校年度基础数据（专任教师）。")])


# ?table= → the function that builds that sheet
EXPORTS = {
    "schools": _export_schools, "indicators": _export_indicators, "areas": _export_areas,
    "contributions": _export_contributions, "trend": _export_trend, "classes": _export_classes,
    "teachers": _export_teachers,
}


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """Every table of the dashboards as Excel (?table=schools|indicators|areas|contributions|trend|
    classes|teachers), the whole list, not only the page on screen."""
    build = EXPORTS.get((request.GET.get("table") or "").strip())
    if build is None:
        raise Http404
    p = _params(request)
    if p.year is None:
        raise Http404
    sheet = build(request, p, p.region.name if p.region else _("全国"))
    notes = sheet.notes if sheet.notes is not None else [
        f"{p.scheme.label}：{p.scheme.source}", *p.scheme.notes,
        _("差异系数按在校生数加权计算，比较时不四舍五入，显示保留3位小数。")]
    return xlsx_response(sheet.filename, sheet.filename[:31], sheet.headers, sheet.data, notes=notes)


# --- warnings → findings -------------------------------------------------------------------------------


def _warnings(request: HttpRequest, p: Params) -> list:
    found = [*school_warnings(user=request.user, scheme=p.scheme, year=p.year, stage=p.stage, region=p.region),
             *county_warnings(user=request.user, scheme=p.scheme, year=p.year, stage=p.stage, region=p.region)]
    mark_existing(found)
    for w in found:
        w.url = p.url(region=w.region.code)
    return found


@login_required
@require_http_methods(["GET", "POST"])
def warnings(request: HttpRequest) -> HttpResponse:
    """Failing schools and counties whose CV fails → findings, with one requirement and deadline.
    A warning already in the ledger (same school or county, year, scheme, stage and failing
    indicators, not cancelled) is listed with its finding and cannot be chosen again."""
    data = request.POST if request.method == "POST" else request.GET
    p = _params(request, data)
    if p.region is None or p.year is None:
        raise Http404
    if not access.may_act_on_area(request.user, p.code):
        raise PermissionDenied(_("只有该地区及上级督导室的工作人员可以把监测预警转为整改任务。"))
    found = _warnings(request, p)
    open_items = [w for w in found if w.existing is None]
    choices = [(w.key, w.unit_name) for w in open_items]
    kind = (request.GET.get("kind") or "").strip()
    if request.method == "POST":
        form = WarningsForm(request.POST, choices=choices)
        if form.is_valid():
            chosen = [w for w in open_items if w.key in set(form.cleaned_data["selected"])]
            try:
                created, skipped = warnings_to_findings(
                    by=request.user, warnings=chosen, requirement=form.cleaned_data["requirement"],
                    deadline=form.cleaned_data["deadline"], severity=form.cleaned_data["severity"],
                    source_url=p.url(),
                )
            except ValidationError as exc:
                form.add_error(None, joined_messages(exc))
            else:
                if created:
                    messages.success(request, _("已生成 %(n)s 条整改任务，已通知相关学校和责任督学。") % {"n": len(created)})
                if skipped:
                    messages.info(request, _("%(n)s 项已有整改任务，未重复生成。") % {"n": len(skipped)})
                return redirect(p.url())
    else:
        from datetime import timedelta

        from dudao.findings.services import policy_for
        from dudao.monitoring.warnings import responsible_office

        office = responsible_office(p.region, request.user) if p.region else None
        days = policy_for(office).default_deadline_days
        initial_kinds = {"schools": {"school"}, "counties": {"county"}}.get(kind, {"school", "county"})
        form = WarningsForm(choices=choices, initial={
            "selected": [w.key for w in open_items if w.kind in initial_kinds],
            "requirement": DEFAULT_REQUIREMENT, "deadline": timezone.localdate() + timedelta(days=days),
        })
    context = _common(request, p)
    selected = set(form["selected"].value() or [])
    context.update(
        form=form, selected=selected,
        schools=[w for w in found if w.kind == "school"], counties=[w for w in found if w.kind == "county"],
        open_count=len(open_items),
    )
    return render(request, "monitoring/warnings.html", context)


# --- recompute and its progress ------------------------------------------------------------------------


@login_required
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    """Queue a recompute of the region's year (office staff of the region or above, admins)."""
    from dudao.monitoring.services import monitoring_request_recompute

    p = _params(request, request.POST)
    if not access.may_act_on_area(request.user, p.code):  # the service's own rule, asked before the year
        raise PermissionDenied(_("只有该地区及上级督导室的工作人员可以重新计算。"))
    if p.year is None:
        messages.error(request, _("请选择学年。"))
        return redirect(p.url())
    run = monitoring_request_recompute(year=p.year, region_code=p.code, trigger="manual", by=request.user)
    messages.info(request, _("已提交重新计算（%(year)s学年），完成后本页自动刷新。") % {"year": run.year})
    return redirect(p.url())


@login_required
@require_GET
def run_status(request: HttpRequest) -> HttpResponse:
    """The newest recompute covering the region and year; the page polls it while it runs and
    reloads itself when it has finished."""
    p = _params(request)
    context = _common(request, p)
    response = render(request, "monitoring/_run_status.html", context)
    run = context["run"]
    if request.htmx and request.GET.get("watching") and run is not None and run.status == RunStatus.SUCCEEDED:
        response["HX-Refresh"] = "true"
    return response
