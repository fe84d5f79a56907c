"""Reads for the balance-monitoring dashboards (均衡发展监测).

The balance figures come only from the stored results (`AreaResult`, `SchoolResult`,
`MonitoringRun`, filled by `services.monitoring_recompute`): nothing here recomputes a CV or a
verdict. Large classes and teacher structure are read from the yearly base data with one GROUP BY
query per page (`base_data_summary`).

Who sees what (one rule, from access/scope.py):
- area dashboards (a county's schools and CVs, a city's or province's counties, exports, warnings)
  are for those who hold a region grant — office staff and leaders of the region or above — and
  system admins (the whole country). `access_area` answers 404 for a region outside the scope and
  403 for a region seen only through one's schools (a supervisor, a school account, an evaluator
  sees their county in the region tree, but not the other schools' values that a CV summarises);
- a school's own results (`access_school_results`) are seen by everyone whose scope holds the
  school: its account, its supervisor, an evaluator of it, and the offices above it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dudao.access import area_roots, get_scope, get_visible_or_404, is_system_admin, school_q, sees_area
from dudao.monitoring.indicators import REASON_LABELS
from dudao.monitoring.models import AreaLevel, AreaResult, MonitoringRun, SchoolResult, Verdict
from dudao.monitoring.standards import STAGES, Indicator, Scheme
from dudao.regions.models import Region, RegionLevel
from dudao.regions.selectors import chain_codes

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.schools.models import School

COUNTRY = ""  # the region parameter of the whole country (system admins)
NEAR_RATIO = 0.85  # 优质均衡: the one unmet indicator may not fall below 85 % of its standard
VERDICT_ORDER: dict[str, int] = {Verdict.FAIL: 0, Verdict.INSUFFICIENT: 1, Verdict.PASS: 2}
# Class-size norms (domain-rules §5): the national targets for large and very large classes.
LARGE_TARGET, SUPER_TARGET = 0.05, 0.02


# --- who sees what -----------------------------------------------------------------------------------


def access_area(user: User, code: str | None) -> Region | None:
    """The region of a dashboard (None: the whole country, for admins).

    404 when the region does not exist or is outside the scope (existence is not disclosed); 403 when
    the user sees it only because of their schools, and for the country to anyone but an admin."""
    code = (code or "").strip()
    if not code:
        if is_system_admin(user):
            return None
        raise PermissionDenied(_("只有督导室工作人员、领导和管理员可以查看区域监测结果。"))
    levels = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)
    region = get_visible_or_404(Region.objects.visible_to(user).filter(level__in=levels).select_related("parent"),
                                code=code[:12])
    if not sees_area(user, region.code):
        raise PermissionDenied(_("只有督导室工作人员、领导和管理员可以查看区域监测结果。"))
    return region


def default_area(user: User) -> str | None:
    """The dashboard a person lands on: their first office's region, the country for admins, None
    for those who see only schools."""
    roots = area_roots(user)
    return roots[0] if roots else None


def area_links(user: User) -> list[Region]:
    """The regions of the user's office grants (for a person with several)."""
    roots = [c for c in area_roots(user) if c]
    return list(Region.objects.filter(code__in=roots).order_by("code"))


# --- years, runs --------------------------------------------------------------------------------------


def result_years(*, scheme: str, region: Region | None) -> list[int]:
    """Years with stored results for the region (newest first)."""
    qs = AreaResult.objects.filter(scheme=scheme)
    qs = qs.filter(region=region) if region is not None else qs.filter(level=AreaLevel.PROVINCE)
    return sorted(set(qs.values_list("year", flat=True)), reverse=True)


def base_data_years(*, region: Region | None) -> list[int]:
    """Years with yearly base data under the region (what a recompute could fill)."""
    from dudao.schools.models import SchoolYearData

    qs = SchoolYearData.objects.filter(stage__in=STAGES)
    if region is not None:
        qs = qs.filter(school__region_code__startswith=region.code)
    return sorted(qs.order_by().values_list("year", flat=True).distinct(), reverse=True)


def kept_base_data_years(*, region: Region | None) -> list[int]:
    """`base_data_years`, kept `figures_cache_seconds()` for a province or the country: the DISTINCT
    scans a province's 100,000 yearly rows (60 ms) on every view of its dashboard, and the years
    change only when base data is imported. A city's or county's years are always live."""
    from django.core.cache import cache

    seconds = figures_cache_seconds()
    if seconds <= 0 or (region is not None and region.level != RegionLevel.PROVINCE):
        return base_data_years(region=region)
    key = f"monitoring:base-years:{region.code if region is not None else ''}"
    found = cache.get(key)
    if found is None:
        found = base_data_years(region=region)
        cache.set(key, found, seconds)
    return list(found)


def latest_run(*, region: Region | None, year: int) -> MonitoringRun | None:
    """The newest recompute that covered the region and year: its own, one of a region above, or
    one of the whole country. Pages show its status and times; its counts only when the run is the
    region's own (a province's run counts schools the county office does not see)."""
    covering = Q(region__isnull=True)
    if region is not None:
        code = region.code
        covering |= Q(region__code__in=chain_codes(code, down_to=6))
    else:
        covering = Q(region__isnull=True)
    runs = MonitoringRun.objects.filter(year=year).filter(covering)
    return runs.select_related("region").order_by("-requested_at", "-id").first()


# --- a county: indicator cards and the school table -------------------------------------------------


@dataclass
class IndicatorCard:
    indicator: Indicator
    standard: float | None
    mean: float | None
    cv: float | None
    cv_limit: float | None
    cv_pass: bool | None
    meeting: int = 0  # schools meeting the standard
    counted: int = 0  # schools with a value


@dataclass
class Cell:
    code: str
    value: float | None
    state: str  # "met" | "near" (below standard, ≥ 85 %) | "unmet" | "missing" | "" (no standard)
    ratio: float | None = None


@dataclass
class SchoolRow:
    result: SchoolResult
    cells: list[Cell]

    @property
    def school(self) -> School:
        return self.result.school

    @property
    def excluded(self) -> str:
        """Why the scheme leaves the school out of its county's results ("" = counted)."""
        reason = self.result.excluded_reason
        return REASON_LABELS.get(reason, reason) if reason else ""


def _cell(code: str, value: float | None, standard: float | None) -> Cell:
    if value is None:
        return Cell(code, None, "missing")
    if standard is None:
        return Cell(code, value, "")
    from dudao.monitoring.indicators import meets

    ratio = value / standard if standard else None
    if meets(value, standard):
        return Cell(code, value, "met", ratio)
    return Cell(code, value, "near" if meets(value, NEAR_RATIO * standard) else "unmet", ratio)


def stage_results(*, user: User, scheme: str, year: int, region: Region | None) -> dict[str, AreaResult]:
    """The region's own stored result per stage (primary, junior) for the year."""
    qs = AreaResult.objects.visible_to(user).filter(scheme=scheme, year=year)
    qs = qs.filter(region=region) if region is not None else qs.none()
    return {r.stage: r for r in qs}


def indicator_cards(*, scheme: Scheme, stage: str, area: AreaResult | None, rows: Sequence[SchoolRow]) -> list[IndicatorCard]:
    cards = []
    counted = [row for row in rows if not row.result.excluded_reason]
    for position, indicator in enumerate(scheme.indicators):
        cells = [row.cells[position] for row in counted]
        cards.append(IndicatorCard(
            indicator=indicator, standard=indicator.standard_for(stage),
            mean=(area.mean or {}).get(indicator.code) if area else None,
            cv=(area.cv or {}).get(indicator.code) if area else None,
            cv_limit=scheme.cv_limit_for(stage),
            cv_pass=(area.cv_pass or {}).get(indicator.code) if area else None,
            meeting=sum(1 for c in cells if c.state == "met"),
            counted=sum(1 for c in cells if c.value is not None),
        ))
    return cards


def school_rows(*, user: User, scheme: Scheme, year: int, stage: str, region_code: str) -> list[SchoolRow]:
    """Every school's stored values in the county (or any region), against the standards."""
    qs = (SchoolResult.objects.visible_to(user)
          .filter(scheme=scheme.code, year=year, stage=stage, region_code__startswith=region_code)
          .select_related("school").order_by("school__name", "school_id"))
    return [_school_row(scheme, stage, result) for result in qs]


def _school_row(scheme: Scheme, stage: str, result: SchoolResult) -> SchoolRow:
    values = result.values or {}
    return SchoolRow(result=result, cells=[
        _cell(i.code, values.get(i.code), i.standard_for(stage)) for i in scheme.indicators
    ])


SCHOOL_SORTS = ("name", "students", "met", "passes")


def sort_school_rows(rows: list[SchoolRow], key: str, scheme: Scheme) -> tuple[list[SchoolRow], str]:
    """Sort by name, students, indicators met, pass, or an indicator's value ("-" for descending).
    Missing values sort last either way. Returns the rows and the key actually used."""
    desc = key.startswith("-")
    name = key.lstrip("-")
    codes = list(scheme.codes)
    if name not in SCHOOL_SORTS and name not in codes:
        return rows, "name"

    def value(row: SchoolRow):
        if name == "name":
            return row.school.name
        if name == "students":
            return row.result.students
        if name == "met":
            return row.result.met_count
        if name == "passes":
            return {True: 2, None: 1, False: 0}[row.result.passes]
        return row.cells[codes.index(name)].value

    present = [r for r in rows if value(r) is not None]
    absent = [r for r in rows if value(r) is None]
    present.sort(key=value, reverse=desc)
    return present + absent, key


# --- contributions: which schools pull a CV up ----------------------------------------------------------


def cv_contributions(*, area: AreaResult, code: str) -> list:
    """Each counted school's part of the county's CV for one indicator, largest first — from the
    stored values, by the same formula as the CV (services.cv_contribution_details). The caller has
    checked the area with `access_area`: an area reader sees every school of it."""
    from dudao.monitoring.services import cv_contribution_details

    return cv_contribution_details(area, code)


# --- a city, province or the country: the areas below ----------------------------------------------------


@dataclass
class AreaRow:
    result: AreaResult
    cells: list[tuple[float | None, bool | None]]  # (CV, passes) per indicator

    @property
    def region(self) -> Region:
        return self.result.region

    @property
    def passing_share(self) -> float | None:
        r = self.result
        return r.schools_passing / r.school_count if r.school_count else None


def child_level(region: Region | None) -> str:
    """The areas a dashboard lists: counties under a city or province, provinces under the country."""
    return AreaLevel.PROVINCE if region is None else AreaLevel.COUNTY


def area_rows(*, user: User, scheme: Scheme, year: int, stage: str, region: Region | None) -> list[AreaRow]:
    qs = AreaResult.objects.visible_to(user).filter(scheme=scheme.code, year=year, stage=stage, level=child_level(region))
    if region is not None:
        qs = qs.filter(region_code__startswith=region.code).exclude(region=region)
    rows = []
    for result in qs.select_related("region").order_by("region_code"):
        cv, ok = result.cv or {}, result.cv_pass or {}
        rows.append(AreaRow(result=result, cells=[(cv.get(c), ok.get(c)) for c in scheme.codes]))
    return rows


AREA_SORTS = ("name", "code", "verdict", "schools", "passing", "students", "composite")


def sort_area_rows(rows: list[AreaRow], key: str, scheme: Scheme) -> tuple[list[AreaRow], str]:
    desc = key.startswith("-")
    name = key.lstrip("-")
    codes = list(scheme.codes)
    if name not in AREA_SORTS and name not in codes:
        return rows, "code"

    def value(row: AreaRow):
        r = row.result
        return {
            "name": lambda: r.region.name, "code": lambda: r.region_code,
            "verdict": lambda: VERDICT_ORDER.get(r.verdict, 1), "schools": lambda: r.school_count,
            "passing": lambda: row.passing_share, "students": lambda: r.students,
            "composite": lambda: r.composite_cv,
        }.get(name, lambda: row.cells[codes.index(name)][0])()

    present = [r for r in rows if value(r) is not None]
    absent = [r for r in rows if value(r) is None]
    present.sort(key=value, reverse=desc)
    return present + absent, key


def verdict_counts(rows: Iterable[AreaRow]) -> dict[str, int]:
    counts = {v: 0 for v in Verdict.values}
    for row in rows:
        counts[row.result.verdict] = counts.get(row.result.verdict, 0) + 1
    return counts


# --- trend over years -------------------------------------------------------------------------------------


@dataclass
class TrendYear:
    year: int
    verdict: str | None = None
    schools: int = 0
    passing: int = 0
    cv: dict[str, float | None] = field(default_factory=dict)
    composite: float | None = None
    counts: dict[str, int] = field(default_factory=dict)  # areas below: verdict -> number


def trend(*, user: User, scheme: str, stage: str, region: Region | None) -> list[TrendYear]:
    """The region's stored result per year and, for a city / province / the country, how many of
    the areas below passed each year (two queries)."""
    years: dict[int, TrendYear] = {}
    if region is not None:
        for r in AreaResult.objects.visible_to(user).filter(scheme=scheme, stage=stage, region=region):
            years[r.year] = TrendYear(year=r.year, verdict=r.verdict, schools=r.school_count, passing=r.schools_passing,
                                      cv=dict(r.cv or {}), composite=r.composite_cv)
    if region is None or region.level != RegionLevel.COUNTY:
        below = AreaResult.objects.visible_to(user).filter(scheme=scheme, stage=stage, level=child_level(region))
        if region is not None:
            below = below.filter(region_code__startswith=region.code).exclude(region=region)
        for year, verdict, n in below.values_list("year", "verdict").annotate(n=Count("id")).order_by():
            item = years.setdefault(year, TrendYear(year=year))
            item.counts[verdict] = item.counts.get(verdict, 0) + n
    return [years[y] for y in sorted(years)]


# --- large classes and teacher structure: one aggregate query ------------------------------------------


BAND_FIELDS = ("classes", "classes_upto_45", "classes_46_55", "classes_56_65", "classes_66_plus", "students")
TEACHER_FIELDS = (
    "teachers", "teachers_age_under_30", "teachers_age_30_39", "teachers_age_40_49", "teachers_age_50_plus",
    "teachers_postgraduate", "teachers_bachelor", "teachers_associate", "teachers_below_associate",
    "teachers_senior_title", "teachers_mid_title", "teachers_junior_title",
)


@dataclass
class ClassLine:
    """Class-size bands of one unit (a school, county or province) and stage, or of all of them."""

    key: str
    name: str
    stage: str
    schools: int = 0
    classes: int = 0
    classes_upto_45: int = 0
    classes_46_55: int = 0
    classes_56_65: int = 0
    classes_66_plus: int = 0
    students: int = 0

    @property
    def large(self) -> int:
        """大班额: 56 or more (domain-rules §5)."""
        return self.classes_56_65 + self.classes_66_plus

    @property
    def super_large(self) -> int:
        return self.classes_66_plus

    @property
    def large_share(self) -> float | None:
        return self.large / self.classes if self.classes else None

    @property
    def super_share(self) -> float | None:
        return self.super_large / self.classes if self.classes else None

    @property
    def over_standard(self) -> int:
        """Classes above the standard size: primary > 45 is exact (46+ bands); junior > 50 counts
        the 56+ bands only — the 46–55 band cannot be split at 50 (see `undetermined`)."""
        if self.stage == "primary":
            return self.classes_46_55 + self.classes_56_65 + self.classes_66_plus
        return self.classes_56_65 + self.classes_66_plus

    @property
    def undetermined(self) -> int:
        """Junior classes of 46–55: some may be over 50, the bands do not say how many."""
        return self.classes_46_55 if self.stage == "junior" else 0

    @property
    def average(self) -> float | None:
        return round(self.students / self.classes, 1) if self.classes else None

    def add(self, other: ClassLine) -> None:
        for name in ("schools", *BAND_FIELDS):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class TeacherStage:
    stage: str
    teachers: int = 0
    ages: list[tuple[str, int]] = field(default_factory=list)
    degrees: list[tuple[str, int]] = field(default_factory=list)
    titles: list[tuple[str, int]] = field(default_factory=list)


AGE_BANDS = (("teachers_age_under_30", gettext_lazy("30岁以下")), ("teachers_age_30_39", gettext_lazy("30—39岁")),
             ("teachers_age_40_49", gettext_lazy("40—49岁")), ("teachers_age_50_plus", gettext_lazy("50岁及以上")))
DEGREE_BANDS = (("teachers_postgraduate", gettext_lazy("研究生")), ("teachers_bachelor", gettext_lazy("本科")),
                ("teachers_associate", gettext_lazy("专科")), ("teachers_below_associate", gettext_lazy("专科以下")))
TITLE_BANDS = (("teachers_senior_title", gettext_lazy("高级")), ("teachers_mid_title", gettext_lazy("中级")),
               ("teachers_junior_title", gettext_lazy("初级及以下")))


@dataclass
class BaseDataSummary:
    year: int
    unit_label: str  # what the lines are: 学校 / 县（市、区）/ 省
    lines: list[ClassLine]  # per unit and stage, the units with large classes first
    totals: dict[str, ClassLine]  # per stage
    teachers: dict[str, TeacherStage]  # per stage

    @property
    def has_data(self) -> bool:
        return any(t.classes or t.students for t in self.totals.values()) or any(t.teachers for t in self.teachers.values())


def base_data_summary(*, user: User, region: Region | None, year: int) -> BaseDataSummary:
    """Large classes (per school in a county, per county in a city or province, per province in
    the country) and teacher structure (per stage) of the compulsory stages, from ONE aggregate
    query over the yearly base data of the schools in the user's scope."""
    from dudao.schools.models import SchoolYearData

    if region is None:
        width, unit_label = 2, _("省（区、市）")
    elif region.level == RegionLevel.COUNTY:
        width, unit_label = 0, _("学校")
    else:
        width, unit_label = 6, _("县（市、区）")
    qs = SchoolYearData.objects.filter(year=year, stage__in=STAGES, school__is_active=True).filter(
        school_q(user, prefix="school__"))
    if region is not None:
        qs = qs.filter(school__region_code__startswith=region.code)
    if width:
        qs = qs.annotate(unit=Substr("school__region_code", 1, width))
        group: tuple[str, ...] = ("unit", "stage")
    else:
        group = ("school_id", "school__name", "stage")
    sums = {name: Sum(name) for name in (*BAND_FIELDS, *TEACHER_FIELDS)}
    rows = list(qs.values(*group).annotate(n=Count("id"), **sums).order_by())

    names: dict[str, str] = {}
    if width:
        codes = {row["unit"] for row in rows}
        names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    lines: list[ClassLine] = []
    totals = {stage: ClassLine(key="", name=_("合计"), stage=stage) for stage in STAGES}
    teacher_sums: dict[str, dict[str, int]] = {stage: defaultdict(int) for stage in STAGES}
    for row in rows:
        if width:
            key, name = row["unit"], names.get(row["unit"], row["unit"])
        else:
            key, name = str(row["school_id"]), row["school__name"]
        line = ClassLine(key=key, name=name, stage=row["stage"], schools=row["n"],
                         **{f: int(row[f] or 0) for f in BAND_FIELDS})
        lines.append(line)
        totals[row["stage"]].add(line)
        for f in TEACHER_FIELDS:
            teacher_sums[row["stage"]][f] += int(row[f] or 0)
    lines.sort(key=lambda line: (-line.large, -line.over_standard, line.key, line.stage))
    teachers = {}
    for stage in STAGES:
        s = teacher_sums[stage]
        teachers[stage] = TeacherStage(
            stage=stage, teachers=s["teachers"],
            ages=[(str(label), s[f]) for f, label in AGE_BANDS],
            degrees=[(str(label), s[f]) for f, label in DEGREE_BANDS],
            titles=[(str(label), s[f]) for f, label in TITLE_BANDS],
        )
    return BaseDataSummary(year=year, unit_label=unit_label, lines=lines, totals=totals, teachers=teachers)


# --- figures of large scopes, kept a few minutes ----------------------------------------------------

LARGE_BASE_DATA = 5_000  # yearly rows (school × stage) counted from which the base-data figures are kept


def figures_cache_seconds() -> int:
    from django.conf import settings

    return int(getattr(settings, "MONITORING_FIGURES_CACHE_SECONDS", 300))


def kept_base_data(*, user: User, region: Region | None, year: int) -> tuple[BaseDataSummary, datetime | None]:
    """`base_data_summary`, kept in the shared cache for `figures_cache_seconds()` when it counted at
    least LARGE_BASE_DATA yearly rows (a province's 40,000): the same for every user of the same
    scope, and base data changes only by import. Returns the summary and when it was computed
    (None: computed now, not kept). The Excel export always computes it live."""
    from hashlib import sha1

    from django.core.cache import cache
    from django.utils import timezone
    from django.utils.translation import get_language

    seconds = figures_cache_seconds()
    if seconds <= 0:
        return base_data_summary(user=user, region=region, year=year), None
    scope = get_scope(user)
    raw = repr((region.code if region is not None else None, year, scope.everything, scope.region_codes,
                sorted(scope.school_ids), get_language()))
    key = "monitoring:base-data:" + sha1(raw.encode()).hexdigest()
    found = cache.get(key)
    if found is not None:
        return found
    summary = base_data_summary(user=user, region=region, year=year)
    if sum(t.schools for t in summary.totals.values()) < LARGE_BASE_DATA:
        return summary, None
    kept = (summary, timezone.now())
    cache.set(key, kept, seconds)
    return kept


# --- one school's results ----------------------------------------------------------------------------------


def access_school_results(user: User, pk) -> School:
    """A school whose results the user may read: any school in their scope (404 outside)."""
    from dudao.schools.models import School

    return get_visible_or_404(School.objects.visible_to(user).select_related("region"), pk=pk)


def school_history(*, school: School, scheme: Scheme) -> list[SchoolRow]:
    """The school's stored results of one scheme, newest year first, per stage."""
    qs = SchoolResult.objects.filter(school=school, scheme=scheme.code).select_related("school").order_by("-year", "stage")
    return [_school_row(scheme, r.stage, r) for r in qs]


def my_school_rows(*, user: User, scheme: Scheme, year: int | None) -> list[SchoolRow]:
    """For those who see schools but no area (a school account, a supervisor, an evaluator): the
    stored rows of their own schools, the latest year unless one is asked for."""
    qs = SchoolResult.objects.visible_to(user).filter(scheme=scheme.code)
    if year is None:
        year = qs.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        return []
    qs = qs.filter(year=year).select_related("school").order_by("school__name", "stage")
    return [_school_row(scheme, r.stage, r) for r in qs]


# --- decision support (达标测算): the planning input of one county and stage -------------------------


def planning_schools(*, user: User, area: AreaResult) -> list[tuple[School, object]]:
    """(school, planning.PlanSchool) for every stored school row of the county's scheme, year and
    stage: raw amounts back from the stored values (value × pupils ÷ scale), so the plan starts
    from exactly the figures — and the verdict — the dashboard shows. Rows the recompute left out
    keep their reason and are reported, not planned. The caller has checked the area with
    `access_area`: an area reader sees every school of it."""
    from dudao.monitoring.planning import PlanSchool, amounts_from_values

    qs = (SchoolResult.objects.visible_to(user)
          .filter(scheme=area.scheme, year=area.year, stage=area.stage, region_code__startswith=area.region_code)
          .select_related("school").order_by("school__name", "school_id"))
    return [(r.school, PlanSchool(key=r.school_id, name=r.school.name, students=r.students,
                                  amounts=amounts_from_values(r.values or {}, r.students),
                                  excluded_reason=r.excluded_reason or None))
            for r in qs]
