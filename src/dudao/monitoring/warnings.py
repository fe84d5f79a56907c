"""Monitoring warnings → findings (监测预警转整改): a school failing the per-school rule, or a county
whose CV fails, becomes one finding in the ledger of issue [4], with the indicator values that
caused it (`source_data`) and a link back to the dashboard (`source_url`).

Never twice: each warning has a key — scheme, year, stage, the school (or county) and the set of
failing indicators — stored in `source_data["key"]`. A finding with that key that has not been
cancelled blocks a new one; the page says which finding already covers the warning. The check and
the writes run in one transaction that first locks the responsible offices' rows, so two people
pressing the button at once still create each finding once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dudao import access
from dudao.findings.models import Finding, FindingSource, FindingState
from dudao.monitoring.indicators import cv_display
from dudao.monitoring.models import AreaLevel, AreaResult, SchoolResult, Verdict
from dudao.monitoring.selectors import NEAR_RATIO
from dudao.monitoring.standards import STAGE_LABELS, Scheme
from dudao.regions.models import Office, Region

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.schools.models import School

CATEGORY = "facilities"  # 办学条件与设施设备 (problem_category dictionary)
COMPOSITE = "composite"  # the indicator "code" of a 基本均衡 composite CV warning


@dataclass
class Warning:
    """One school or county to be turned into a finding."""

    key: str
    kind: str  # "school" | "county"
    region: Region  # the county (a school's county for a school)
    school: School | None
    codes: list[str]
    description: str
    source_data: dict[str, Any]
    existing: Finding | None = None
    lines: list[str] = field(default_factory=list)  # the failing indicators, for the page
    url: str = ""  # the dashboard showing the warning (the finding links back to it)

    @property
    def unit_name(self) -> str:
        return self.school.name if self.school is not None else _("%(county)s人民政府") % {"county": self.region.name}


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"


def _period(scheme: Scheme, year: int, stage: str) -> str:
    return _("%(year)s学年%(stage)s（%(scheme)s）") % {"year": year, "stage": STAGE_LABELS[stage], "scheme": scheme.label}


def warning_key(*, scheme: str, year: int, stage: str, kind: str, unit: str | int, codes: list[str]) -> str:
    return f"{scheme}:{year}:{stage}:{kind}:{unit}:{'+'.join(sorted(codes))}"


def school_warnings(*, user: User, scheme: Scheme, year: int, stage: str, region: Region) -> list[Warning]:
    """Schools of the region whose stored result fails the per-school rule (优质均衡 only: 基本均衡
    sets no national per-school standard), with their unmet indicators."""
    standards = scheme.standards_for(stage)
    if standards is None:
        return []
    results = (SchoolResult.objects.visible_to(user).counted()
               .filter(scheme=scheme.code, year=year, stage=stage, region_code__startswith=region.code, passes=False)
               .select_related("school__region").order_by("region_code", "school__name"))
    counties = {r.code: r for r in Region.objects.filter(code__in={r.region_code[:6] for r in results})}
    out = []
    for result in results:
        values = result.values or {}
        codes = [c for c in scheme.codes if values.get(c) is not None and result.met.get(c) is False]
        lines = []
        for code in codes:
            indicator, value, standard = scheme.indicator(code), values[code], standards[code]
            lines.append(_("%(label)s %(value)s%(unit)s（标准 %(standard)s，达到 %(ratio)s%%%(low)s）") % {
                "label": indicator.label, "value": _fmt(value), "unit": indicator.unit, "standard": _fmt(standard),
                "ratio": f"{value / standard * 100:.1f}" if standard else "—",
                "low": "" if value >= NEAR_RATIO * standard else _("，低于85%"),
            })
        description = _("%(period)s资源配置未达到优质均衡单校标准：%(met)s/%(total)s 项达标。未达标指标：%(lines)s。") % {
            "period": _period(scheme, year, stage), "met": result.met_count, "total": len(scheme.codes),
            "lines": "；".join(lines),
        }
        key = warning_key(scheme=scheme.code, year=year, stage=stage, kind="school", unit=result.school_id, codes=codes)
        out.append(Warning(
            key=key, kind="school", region=counties.get(result.region_code[:6]) or result.school.region,
            school=result.school, codes=codes, description=description, lines=lines,
            source_data={
                "key": key, "kind": "school", "scheme": scheme.code, "year": year, "stage": stage,
                "school_id": result.school_id, "students": result.students, "indicators": codes,
                "values": {c: values.get(c) for c in scheme.codes}, "standards": dict(standards),
                "met_count": result.met_count,
            },
        ))
    return out


def county_warnings(*, user: User, scheme: Scheme, year: int, stage: str, region: Region) -> list[Warning]:
    """Counties (the region itself, or those below a city / province) whose CVs fail: 优质均衡 any
    single CV over its limit; 基本均衡 the composite CV over its limit."""
    qs = (AreaResult.objects.visible_to(user)
          .filter(scheme=scheme.code, year=year, stage=stage, level=AreaLevel.COUNTY, region_code__startswith=region.code)
          .select_related("region").order_by("region_code"))
    out = []
    for area in qs:
        cv = area.cv or {}
        if scheme.cv_limit is not None:
            limit = scheme.cv_limit_for(stage)
            codes = [c for c in scheme.codes if (area.cv_pass or {}).get(c) is False]
            lines = [_("%(label)s 差异系数 %(cv)s（限值 %(limit)s）") % {
                "label": scheme.indicator(c).label, "cv": cv_display(cv.get(c)), "limit": f"{limit:.2f}"} for c in codes]
        else:
            limit = scheme.composite_limit_for(stage)
            failing = area.verdict == Verdict.FAIL and area.composite_cv is not None and limit is not None
            codes = [COMPOSITE] if failing else []
            lines = [_("综合差异系数 %(cv)s（限值 %(limit)s，8 项单项差异系数的平均值）") % {
                "cv": cv_display(area.composite_cv), "limit": f"{limit:.2f}"}] if failing else []
        if not codes:
            continue
        description = _("%(period)s校际差异系数未达标：%(lines)s。") % {
            "period": _period(scheme, year, stage), "lines": "；".join(lines)}
        key = warning_key(scheme=scheme.code, year=year, stage=stage, kind="county", unit=area.region_code, codes=codes)
        out.append(Warning(
            key=key, kind="county", region=area.region, school=None, codes=codes, description=description, lines=lines,
            source_data={
                "key": key, "kind": "county", "scheme": scheme.code, "year": year, "stage": stage,
                "region_code": area.region_code, "indicators": codes, "cv": dict(cv), "limit": limit,
                "composite_cv": area.composite_cv, "mean": dict(area.mean or {}),
                "school_count": area.school_count, "schools_passing": area.schools_passing,
            },
        ))
    return out


def mark_existing(warnings: list[Warning]) -> list[Warning]:
    """Attach the finding that already covers each warning (one query)."""
    keys = [w.key for w in warnings]
    if not keys:
        return warnings
    found = {}
    for finding in (Finding.objects.filter(source=FindingSource.MONITORING, source_data__key__in=keys)
                    .exclude(state=FindingState.CANCELLED).order_by("id")):
        found.setdefault(finding.source_data.get("key"), finding)
    for w in warnings:
        w.existing = found.get(w.key)
    return warnings


def responsible_office(region: Region, user: User) -> Office | None:
    """The office that follows a warning up: the nearest office at or above the county that the
    user manages (a county office for its county; a city office where the county has none)."""
    from dudao.regions.selectors import offices_above

    for office in offices_above(region.code, down_to=6):
        if access.can_manage_office(user, office):
            return office
    return None


@transaction.atomic
def warnings_to_findings(*, by: User, warnings: list[Warning], requirement: str, deadline: date, source_url: str,
                         severity: str = "normal") -> tuple[list[Finding], list[Warning]]:
    """Create one finding per warning not yet covered; return (created, skipped as already covered).

    Only those who may act on every warning's county (office staff of it or above, admins) may do
    this; the ledger's own checks (office scope, category, deadline) apply to each finding."""
    from dudao.findings.services import findings_bulk_create

    if not warnings:
        raise ValidationError(_("请至少选择一所学校或一个县（市、区）。"))
    offices: dict[int, Office] = {}
    for w in warnings:
        if not access.may_act_on_area(by, w.region.code):
            raise PermissionDenied(_("只有该地区及上级督导室的工作人员可以把监测预警转为整改任务。"))
        office = responsible_office(w.region, by)
        if office is None:
            raise ValidationError(_("%(county)s及其上级没有您负责的督导室，无法登记整改任务。") % {"county": w.region.name})
        offices[id(w)] = office
    # Serialise concurrent submissions for the same offices, then look for existing findings again.
    list(Office.objects.select_for_update().filter(pk__in={o.pk for o in offices.values()}).order_by("pk")
         .values_list("pk", flat=True))
    mark_existing(warnings)
    todo = [w for w in warnings if w.existing is None]
    skipped = [w for w in warnings if w.existing is not None]
    if not todo:
        return [], skipped
    items = []
    for w in todo:
        period = _period_label(w.source_data)
        item: dict[str, Any] = {
            "office": offices[id(w)], "category": CATEGORY, "description": w.description, "severity": severity,
            "source_label": _("均衡发展监测预警：%(period)s") % {"period": period},
            "source_url": w.url or source_url, "source_data": w.source_data,
        }
        if w.school is not None:
            item["school"] = w.school
        else:
            item.update(region=w.region, unit_name=w.unit_name)
        items.append(item)
    created = findings_bulk_create(by=by, items=items, requirement=requirement, deadline=deadline,
                                   source=FindingSource.MONITORING)
    return created, skipped


def _period_label(data: dict[str, Any]) -> str:
    from dudao.monitoring.standards import get_scheme

    return _period(get_scheme(data["scheme"]), data["year"], data["stage"])
