"""Reads of the evaluations app for pages, the Excel export and the API (one place, one scope).

Who reads a dossier: office staff and leaders of its county and of the regions above, and admins
(`Dossier.objects.visible_to`: the office region subtrees of `dudao.access`). Outside it a dossier
answers 404 (existence not disclosed); a visible dossier the person may not change answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from dudao.access import get_scope, get_visible_or_404
from dudao.evaluations.items import RULE_SIGNS, VETO, _fmt
from dudao.evaluations.models import Dossier, DossierEvent, DossierEvidence
from dudao.evaluations.verdict import DossierVerdict

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Region


@dataclass(frozen=True)
class DossierFilters:
    q: str = ""
    kind: str = ""
    year: str = ""
    state: str = ""


def dossier_list(*, user: User, filters: DossierFilters | None = None) -> QuerySet[Dossier]:
    qs = Dossier.objects.visible_to(user).select_related("region", "region__parent")
    f = filters or DossierFilters()
    if f.q:
        qs = qs.filter(Q(region__name__icontains=f.q) | Q(region__code__startswith=f.q))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.year.isdigit():
        qs = qs.filter(year=int(f.year))
    if f.state:
        qs = qs.filter(state=f.state)
    return qs.order_by("-year", "region__code", "kind")


def dossier_years(*, user: User) -> list[int]:
    return sorted(set(Dossier.objects.visible_to(user).values_list("year", flat=True)), reverse=True)


def access_dossier(user: User, pk: int) -> Dossier:
    return get_visible_or_404(Dossier.objects.visible_to(user).select_related("region", "region__parent", "campaign",
                                                                              "created_by"), pk=pk)


def access_evidence(user: User, pk: int) -> DossierEvidence:
    return get_visible_or_404(DossierEvidence.objects.filter(dossier__in=Dossier.objects.visible_to(user))
                              .select_related("dossier"), pk=pk)


def dossier_history(dossier: Dossier) -> list[DossierEvent]:
    return list(dossier.events.select_related("by").order_by("at", "id"))


def creatable_counties(user: User) -> QuerySet[Region]:
    """Counties the person may open a dossier for: their county offices' counties (admins: all)."""
    from dudao.regions.models import Region

    scope = get_scope(user)
    qs = Region.objects.filter(level="county")
    if scope.write_everything:
        return qs.order_by("code")
    return qs.filter(code__in=[c for c in scope.write_region_codes if len(c) == 6]).order_by("code")


def campaign_choices(user: User, dossier: Dossier):
    """The province's 督政 campaigns the person sees: its on-site verification of the county."""
    from dudao.campaigns.models import Campaign, CampaignKind

    qs = Campaign.objects.visible_to(user).filter(office__region__code=dossier.region.code[:2])
    return qs.filter(kind=CampaignKind.GOVERNMENT).order_by("-id")


def dossier_for_area(user: User, *, region_code: str, year: int, kind: str) -> Dossier | None:
    """The county's dossier of that kind and year, if the person sees one (monitoring's link)."""
    return Dossier.objects.visible_to(user).filter(region__code=region_code, year=year, kind=kind).first()


# --- the item table: one list of rows for the page, the Excel export and the API -------------------------
ITEM_HEADERS = ["部分", "代码", "指标", "标准", "数值", "第二项数值", "结论", "原因", "佐证材料数", "来源", "说明"]


def _met_text(result) -> str:
    if result.item.rule == VETO:
        return {True: "不存在", False: "存在（否决）", None: "未填报"}[result.met]
    return {True: "达标", False: "未达标", None: "未判定"}[result.met]


def item_rows(verdict: DossierVerdict) -> list[dict[str, Any]]:
    """Every item of every part (resources: one row per stage), as plain values."""
    rows: list[dict[str, Any]] = []
    for part in verdict.parts:
        for stage in part.stages:
            rows.append({"part": part.label, "code": f"R-{stage.stage}", "label": f"{stage.label}资源配置（监测结果）",
                         "standard": "每校≥6项达标且余项≥85%；差异系数达标", "value": None, "value2": None,
                         "status": {"pass": "pass", "fail": "fail"}.get(stage.verdict, "open"),
                         "result": {"pass": "达标", "fail": "未达标", "insufficient": "数据不足"}.get(stage.verdict, "无结果"),
                         "reason": f"{stage.schools_passing}/{stage.school_count} 所学校达标" if stage.verdict else "",
                         "evidence": 0, "source": "均衡发展监测", "note": ""})
        if part.recognition is not None or (part.part == "recognition"):
            rec = part.recognition
            rows.append({"part": part.label, "code": "R-survey", "label": part.label,
                         "standard": f"≥ {_fmt(rec.pass_line) if rec else '85'}%",
                         "value": rec.rate if rec else None, "value2": None, "status": part.status,
                         "result": {"pass": "达标", "fail": "未达标", "open": "未判定"}[part.status],
                         "reason": "；".join(part.reasons),
                         "evidence": 0, "source": "问卷调查", "note": f"有效答卷 {rec.valid}/{rec.target}" if rec else ""})
        for result in part.items:
            item = result.item
            standard = item.standard if item.numeric else ("不存在" if item.rule == VETO else "达到要求")
            rows.append({"part": part.label, "code": item.code, "label": item.label, "standard": standard,
                         "value": result.value, "value2": result.value2, "status": result.status,
                         "result": _met_text(result), "reason": result.reason, "evidence": result.evidence,
                         "source": "基础数据计算" if result.computed else ("问卷调查" if item.computed == "recognition" else "填报"),
                         "note": result.entry.note if result.entry is not None else ""})
    return rows


def sign(rule: str) -> str:
    return RULE_SIGNS.get(rule, "")


def monitoring_dossier_link(user: User, *, region_code: str, year: int, scheme: str):
    """The link monitoring's county page shows: the county's dossier of the scheme's kind and year."""
    from django.urls import reverse
    from django.utils.translation import gettext

    from dudao.monitoring.links import DossierLink

    kind = "quality" if scheme == "quality_2017" else "basic"
    dossier = dossier_for_area(user, region_code=region_code, year=year, kind=kind)
    if dossier is None:
        return None
    label = gettext("查看%(year)s年%(kind)s申报材料（%(state)s）") % {
        "year": dossier.year, "kind": dossier.get_kind_display(), "state": dossier.get_state_display()}
    return DossierLink(reverse("evaluations:detail", kwargs={"pk": dossier.pk}), label)
