"""通报 drafted from the data (issue [11] item 3, docs/bulletins.md).

1. `compute` (拟稿前): the office chooses a campaign, or a period over its region subtree; the figures
   are computed once and stored on a `Bulletin` (counts, ranking, findings table, chart) with the
   candidate good and bad examples, all picked.
2. `draft` (审阅典型后): the office keeps or drops each named example; the document is (re)written from
   the stored figures as a `documents.Document` of kind "bulletin" (主送, 抄送, recipients in scope).
   From then on it goes through the generic document workflow (送审 → 审核 → 签发 → 印发 → 公开).

The figures page, the Excel file and the document's text are all built from `Bulletin.figures`, so
they agree (tests/bulletins/test_figures.py). The text is official Chinese whatever the UI language.
"""

from __future__ import annotations

from calendar import monthrange
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.bulletins.models import Bulletin, BulletinTone, PeriodKind
from dudao.documents import access as document_access
from dudao.documents import services as documents
from dudao.documents.models import DocumentKind, DocumentStatus

if TYPE_CHECKING:
    from dudao.campaigns.models import Campaign
    from dudao.documents.models import Document
    from dudao.people.models import User
    from dudao.regions.models import Office

CN_DIGITS = "〇一二三四五六七八九"
CN_ORDINALS = "一二三四五六七八九十"
RECTIFY_DAYS = 30  # the 整改 deadline the standard wording gives: 30 days after drafting
TOP = 3  # good and bad examples by score


# --- the period --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BulletinPeriod:
    kind: str
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        """Official Chinese (the document's language): 2026年11月, 2026年第四季度, 2026—2027学年秋季学期."""
        y = self.start.year
        if self.kind == PeriodKind.MONTH:
            return f"{y}年{self.start.month}月"
        if self.kind == PeriodKind.QUARTER:
            return f"{y}年第{CN_ORDINALS[(self.start.month - 1) // 3]}季度"
        if self.kind == PeriodKind.YEAR:
            return f"{y}年"
        if self.start.month == 9:
            return f"{y}—{y + 1}学年秋季学期"
        return f"{y - 1}—{y}学年春季学期"


def period_of(kind: str, day: date) -> BulletinPeriod:
    """The month, quarter, semester (the school calendar of visits/periods.py) or year holding `day`."""
    if kind == PeriodKind.MONTH:
        return BulletinPeriod(kind, day.replace(day=1), day.replace(day=monthrange(day.year, day.month)[1]))
    if kind == PeriodKind.QUARTER:
        first = 3 * ((day.month - 1) // 3) + 1
        last = first + 2
        return BulletinPeriod(kind, date(day.year, first, 1), date(day.year, last, monthrange(day.year, last)[1]))
    if kind == PeriodKind.YEAR:
        return BulletinPeriod(kind, date(day.year, 1, 1), date(day.year, 12, 31))
    if kind == PeriodKind.SEMESTER:
        from dudao.visits.periods import period_of as visit_period

        p = visit_period("semester", day)
        return BulletinPeriod(kind, p.start, p.end)
    raise ValidationError({"period_kind": _("请选择通报周期（月度、季度、学期或年度）。")})


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def percent(part: int, whole: int) -> str:
    """整改率 as printed: one decimal, half up ("40.0%"); "—" when there is nothing to rectify."""
    if not whole:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


# --- who and what -----------------------------------------------------------------------------------
def may_draft(user: User, office: Office) -> bool:
    """Office staff of the office's region or above, and admins (the documents rule for 拟稿)."""
    return document_access.may_draft(user, office)


def _check_campaign(office: Office, campaign: Campaign) -> None:
    if not campaign.office.region.code.startswith(office.region.code):
        raise ValidationError({"campaign": _("只能通报本督导室及下级督导室组织的督导项目。")})


def recipients_for(office: Office, campaign: Campaign | None = None) -> list[dict[str, Any]]:
    """The units in scope: a county office's bulletin goes to the schools (of the campaign, or all the
    active schools of its subtree); a city's or province's to the offices of the regions below it."""
    from dudao.regions.models import Office as OfficeModel
    from dudao.regions.models import RegionLevel
    from dudao.schools.models import School

    if office.level in (RegionLevel.CITY, RegionLevel.PROVINCE):
        below = OfficeModel.objects.filter(region__parent=office.region).select_related("region").order_by("region__code")
        return [{"region": o.region, "name": o.name} for o in below]
    if campaign is not None:
        schools = School.objects.filter(campaign_entries__campaign=campaign)
    else:
        schools = School.objects.filter(is_active=True).under(office.region.code)
    schools = schools.filter(region_code__startswith=office.region.code).order_by("region_code", "code").distinct()
    return [{"school": s, "name": s.name} for s in schools]


def addressee_for(office: Office) -> str:
    from dudao.regions.models import RegionLevel

    if office.level == RegionLevel.PROVINCE:
        return "各市州人民政府教育督导室"
    if office.level == RegionLevel.CITY:
        return "各区县（市）人民政府教育督导室"
    return "各乡镇（街道）中心学校、各中小学校、幼儿园"


def cc_for(office: Office) -> str:
    """版记 抄送: the same-level government, the education bureau, and the office above (if any)."""
    from dudao.regions.models import Office as OfficeModel

    region = office.region
    names = [f"{region.name}人民政府", f"{region.name}教育局"]
    above = OfficeModel.objects.filter(region=region.parent).first() if region.parent_id else None
    if above is not None:
        names.append(above.name)
    return "，".join(names)


# --- the figures --------------------------------------------------------------------------------------
def _count(key: str, label: str, value: Any) -> dict[str, Any]:
    return {"key": key, "label": label, "value": value}


@dataclass
class _Unit:
    """One unit's findings: how many, closed, overdue."""

    opened: int = 0
    closed: int = 0
    overdue: int = 0
    school_id: int | None = None


def _findings_part(findings, today: date) -> tuple[list[list], dict[str, _Unit], Counter[str]]:
    """The table rows, per-unit tallies and counts by state of the findings (cancelled ones left out)."""
    from dudao.findings.models import FindingState

    rows: list[list] = []
    per_unit: defaultdict[str, _Unit] = defaultdict(_Unit)
    states: Counter[str] = Counter()
    for f in findings.exclude(state=FindingState.CANCELLED).order_by("found_on", "id"):
        closed = f.state == FindingState.CLOSED
        overdue = not closed and f.deadline < today
        state = str(FindingState(f.state).label)
        states["逾期未整改" if overdue else state] += 1
        unit = per_unit[f.unit_name]
        unit.school_id = f.school_id
        unit.opened += 1
        unit.closed += int(closed)
        unit.overdue += int(overdue)
        description = f.description if len(f.description) <= 60 else f.description[:59] + "…"
        rows.append([f.unit_name, description, chinese_date(f.found_on), chinese_date(f.deadline),
                     state, "是" if overdue else "否"])
    return rows, per_unit, states


def _rectification_ranking(per_unit: dict[str, _Unit]) -> list[list]:
    """Units with findings, by rectification rate (highest first), then fewer overdue; ties share a rank."""
    units = sorted(per_unit.items(), key=lambda kv: (-kv[1].closed / kv[1].opened, kv[1].overdue, kv[0]))
    rows, rank, last = [], 0, None
    for i, (name, u) in enumerate(units, start=1):
        key = (u.closed / u.opened, u.overdue)
        if key != last:
            rank, last = i, key
        rows.append([rank, name, u.opened, u.closed, u.overdue, percent(u.closed, u.opened)])
    return rows


def compute_figures(office: Office, *, campaign: Campaign | None = None, period: BulletinPeriod | None = None,
                    today: date | None = None) -> dict[str, Any]:
    """Every number of the bulletin, as plain JSON (see the module docstring)."""
    from dudao.campaigns.models import CampaignSchool, SchoolResult, Score, ScoreKind, SelfInspection
    from dudao.complaints.models import Complaint
    from dudao.findings.models import Finding, FindingSource
    from dudao.schools.models import School
    from dudao.visits.models import COUNTED, Visit, VisitStatus

    today = today or timezone.localdate()
    code = office.region.code
    counts: list[dict] = []
    good: list[dict] = []
    bad: list[dict] = []
    grades: Counter[str] = Counter()
    if campaign is not None:
        school_ids = set(CampaignSchool.objects.filter(campaign=campaign, school__region_code__startswith=code)
                         .values_list("school_id", flat=True))
        findings = Finding.objects.filter(source=FindingSource.CAMPAIGN, source_data__campaign=campaign.pk)
        visits = Visit.objects.filter(status=VisitStatus.SUBMITTED, basis="campaign", basis_ref=f"campaign:{campaign.pk}")
        start = campaign.notice_date or campaign.onsite_start or today
        end = min(today, campaign.summary_date or today)
        inspected = set(Score.objects.filter(campaign=campaign, school_id__in=school_ids).exclude(kind=ScoreKind.SELF)
                        .values_list("school_id", flat=True).distinct())
        results = list(SchoolResult.objects.filter(campaign=campaign, school_id__in=school_ids,
                                                   verified_total__isnull=False)
                       .select_related("school").order_by("rank", "-verified_total", "school__code"))
        inspected |= {r.school_id for r in results}
        counts += [_count("schools", "督导学校（所）", len(school_ids)),
                   _count("inspected", "已实地督导学校（所）", len(inspected))]
        if campaign.has_self_inspection:
            submitted = {s.school_id: s.submitted_at for s in SelfInspection.objects.filter(
                campaign=campaign, school_id__in=school_ids, submitted_at__isnull=False)}
            deadline = campaign.self_deadline
            late = [sid for sid, at in submitted.items()
                    if deadline and timezone.localtime(at).date() > deadline]
            missing = sorted(school_ids - set(submitted))
            counts += [_count("self_submitted", "提交自查报告（所）", len(submitted)),
                       _count("self_late", "逾期提交自查报告（所）", len(late)),
                       _count("self_missing", "未提交自查报告（所）", len(missing))]
            names = dict(School.objects.filter(pk__in=missing).values_list("pk", "name"))
            bad += [{"key": f"bad:self:{sid}", "kind": "bad", "school_id": sid, "name": names[sid],
                     "reason": "未按要求提交自查报告"} for sid in missing]
        ranking_header = ["名次", "学校", "核查总分", "等级"]
        ranking_rows = [[r.rank or i, r.school.name, str(r.verified_total), r.grade or "—"]
                        for i, r in enumerate(results, start=1)]
        grades.update(r.grade or "未定等级" for r in results)
        # the top and the bottom third at most (TOP each): with three schools, one of each
        n = max(1, min(TOP, len(results) // 3))
        for r in [r for r in results if not r.vetoed][:n]:
            good.append({"key": f"good:score:{r.school_id}", "kind": "good", "school_id": r.school_id,
                         "name": r.school.name,
                         "reason": f"核查总分{r.verified_total}分，等级{r.grade or '—'}，列第{r.rank or '—'}名"})
        praised = {e["school_id"] for e in good}
        low = [r for r in results if r.vetoed] + [
            r for r in reversed(results) if not r.vetoed and r.school_id not in praised][:n]
        for r in low:
            reason = "存在一票否决事项" if r.vetoed else f"核查总分{r.verified_total}分，列第{r.rank or '—'}名"
            bad.append({"key": f"bad:score:{r.school_id}", "kind": "bad", "school_id": r.school_id,
                        "name": r.school.name, "reason": reason})
        ranking_by = "score" if results else "rectification"
    else:
        assert period is not None
        start, end = period.start, min(period.end, today)  # a running period is counted up to today
        school_ids = set(School.objects.filter(is_active=True).under(code).values_list("pk", flat=True))
        findings = Finding.objects.filter(region__code__startswith=code, found_on__range=(start, end))
        visits = Visit.objects.filter(COUNTED, school__region_code__startswith=code, visit_date__range=(start, end))
        inspected = set(visits.values_list("school_id", flat=True).distinct())
        counts += [_count("schools", "范围内学校（所）", len(school_ids)),
                   _count("inspected", "已督导学校（所）", len(inspected))]
        ranking_by, ranking_header, ranking_rows = "rectification", [], []
    counts.append(_count("visits", "督导次数（次）", visits.count()))
    if campaign is None and period is not None and period.kind != PeriodKind.QUARTER:
        required, met = _quota(office, period, today)
        counts += [_count("quota_schools", "有配额要求的学校（所）", required),
                   _count("quota_met", "达到督导配额的学校（所）", met)]
    rows, per_unit, states = _findings_part(findings, today)
    opened = len(rows)
    closed = sum(u.closed for u in per_unit.values())
    overdue = sum(u.overdue for u in per_unit.values())
    complaints = Complaint.objects.filter(school_id__in=school_ids, received_at__date__range=(start, end)).count()
    refusing = visits if campaign is not None else Visit.objects.filter(
        status=VisitStatus.SUBMITTED, school__region_code__startswith=code, visit_date__range=(start, end))
    refusals = list(refusing.filter(refused=True).select_related("school").order_by("visit_date", "id"))
    counts += [_count("findings", "发现问题（个）", opened), _count("closed", "已整改销号（个）", closed),
               _count("overdue", "逾期未整改（个）", overdue), _count("rate", "整改率", percent(closed, opened)),
               _count("complaints", "受理群众反映（件）", complaints),
               _count("refusals", "拒绝、阻挠督导（次）", len(refusals))]
    for v in refusals:
        bad.append({"key": f"bad:refused:{v.pk}", "kind": "bad", "school_id": v.school_id, "name": v.school.name,
                    "reason": f"{chinese_date(v.visit_date)}拒绝、阻挠督导或提供虚假材料"})
    for name, u in sorted(per_unit.items(), key=lambda kv: (-kv[1].overdue, kv[0])):
        if u.overdue:
            bad.append({"key": f"bad:overdue:{name}", "kind": "bad", "school_id": u.school_id, "name": name,
                        "reason": f"{u.overdue}个问题逾期未完成整改"})
    for name, u in sorted(per_unit.items(), key=lambda kv: (-kv[1].closed, kv[0])):
        if u.closed == u.opened:
            good.append({"key": f"good:closed:{name}", "kind": "good", "school_id": u.school_id, "name": name,
                         "reason": f"发现的{u.opened}个问题已全部整改销号"})
    if ranking_by == "rectification":
        ranking_header = ["名次", "单位", "发现问题", "已整改销号", "逾期未整改", "整改率"]
        ranking_rows = _rectification_ranking(per_unit)
    chart_items = sorted(grades.items()) if grades else sorted(states.items())
    chart_title = "等级分布" if grades else "问题整改状态"
    return {
        "office": office.name, "region": office.region.name, "start": start.isoformat(), "end": end.isoformat(),
        "as_of": today.isoformat(), "campaign": campaign.name if campaign else "",
        "period": period.label if period else "",
        "counts": counts,
        "ranking": {"by": ranking_by, "header": ranking_header, "rows": ranking_rows},
        "findings": {"header": ["被督导单位", "问题", "发现日期", "整改期限", "状态", "逾期"], "rows": rows},
        "chart": {"title": chart_title, "items": [[k, v] for k, v in chart_items]},
        "candidates": [{**e, "picked": True} for e in good + bad],
    }


def _quota(office: Office, period: BulletinPeriod, today: date) -> tuple[int, int]:
    """Schools with a visit quota in the period, and those that met it (visits/compliance.py)."""
    from dudao.visits.compliance import compliance_report

    report = compliance_report(office=office, kind=period.kind, day=period.start, today=today)
    judged = [row for row in report.schools if row.required]
    return len(judged), sum(1 for row in judged if row.visits >= row.required)


def counts_of(figures: dict[str, Any]) -> dict[str, Any]:
    return {c["key"]: c["value"] for c in figures.get("counts", [])}


# --- 1. compute ---------------------------------------------------------------------------------------
@transaction.atomic
def compute(*, by: User, office: Office, campaign: Campaign | None = None, period_kind: str = "",
            day: date | None = None, tone: str = BulletinTone.SITUATION, today: date | None = None,
            check: bool = True) -> Bulletin:
    """The figures of a campaign or a period, stored with the candidate examples (all picked)."""
    if check and not may_draft(by, office):
        raise PermissionDenied(_("只有本督导室的工作人员可以拟写通报。"))
    if tone not in BulletinTone.values:
        raise ValidationError({"tone": _("请选择通报类型。")})
    today = today or timezone.localdate()
    period = None
    if campaign is not None and period_kind:
        raise ValidationError(_("请在督导项目和通报周期中选择一项。"))
    if campaign is not None:
        _check_campaign(office, campaign)
        subject = f"关于{campaign.name}情况的通报"
    else:
        if not period_kind:
            raise ValidationError({"period_kind": _("请选择督导项目，或选择通报周期（月度、季度、学期或年度）。")})
        if day is None:
            raise ValidationError({"day": _("请选择通报周期内的任一日期。")})
        period = period_of(period_kind, day)
        if period.start > today:
            raise ValidationError({"day": _("通报周期尚未开始，无法统计。")})
        subject = f"关于{period.label}{office.region.name}教育督导工作情况的通报"
    figures = compute_figures(office, campaign=campaign, period=period, today=today)
    candidates = figures.pop("candidates")
    return Bulletin.objects.create(
        office=office, campaign=campaign, tone=tone, period_kind=period.kind if period else "",
        period_start=period.start if period else None, period_end=period.end if period else None,
        subject=subject, figures=figures, examples=candidates, computed_at=timezone.now(), created_by=by)


# --- 2. draft -----------------------------------------------------------------------------------------
def picked(bulletin: Bulletin, kind: str) -> list[dict]:
    return [e for e in bulletin.examples if e.get("kind") == kind and e.get("picked")]


def _entries(examples: list[dict]) -> list[dict]:
    return [{"type": "p", "text": f"{i}. {e['name']}：{e['reason']}。"} for i, e in enumerate(examples, start=1)]


def body_blocks(bulletin: Bulletin, *, deadline: date) -> list[dict]:
    """The document's body from the stored figures and the picked examples (frameworks.md §4.7)."""
    f, c = bulletin.figures, counts_of(bulletin.figures)
    office = f["office"]
    span = f"{chinese_date(date.fromisoformat(f['start']))}至{chinese_date(date.fromisoformat(f['end']))}"
    if bulletin.campaign_id:
        intro = (f"为贯彻落实《教育督导条例》，定期通报督导结果和整改情况，{span}，{office}组织开展了"
                 f"{f['campaign']}，采取学校自查、实地督导、查阅资料、随机访谈等方式，对{c['schools']}所学校进行了督导。"
                 "现将有关情况通报如下：")
        basic = (f"本次督导共涉及学校{c['schools']}所，已实地督导{c['inspected']}所，督导{c['visits']}次")
        if "self_submitted" in c:
            basic += (f"；{c['self_submitted']}所学校提交了自查报告，其中逾期提交{c['self_late']}所，"
                      f"未提交{c['self_missing']}所")
    else:
        intro = (f"根据《教育督导条例》和责任督学挂牌督导工作的要求，市、县教育督导部门要将督查结果和整改情况定期进行通报。"
                 f"现将{f['period']}（{span}）{f['region']}教育督导工作情况通报如下：")
        basic = (f"{f['period']}，{f['region']}范围内共有学校{c['schools']}所，责任督学开展经常性督导{c['visits']}次，"
                 f"督导学校{c['inspected']}所")
        if "quota_schools" in c:
            basic += f"；有督导配额要求的学校{c['quota_schools']}所，达到配额{c['quota_met']}所"
    basic += (f"。共发现问题{c['findings']}个，已整改销号{c['closed']}个，逾期未整改{c['overdue']}个，"
              f"整改率{c['rate']}；受理群众反映{c['complaints']}件；拒绝、阻挠督导{c['refusals']}次。")
    blocks: list[dict] = [
        {"type": "p", "text": intro},
        {"type": "h1", "text": "一、基本情况"},
        {"type": "p", "text": basic},
        {"type": "table", "header": ["项目", "数值"], "rows": [[x["label"], str(x["value"])] for x in f["counts"]]},
    ]
    n = 1
    ranking = f["ranking"]
    if ranking["rows"]:
        n += 1
        by = "核查总分" if ranking["by"] == "score" else "问题整改率"
        blocks += [{"type": "h1", "text": f"{CN_ORDINALS[n - 1]}、排名情况"},
                   {"type": "p", "text": f"按{by}排名如下："},
                   {"type": "table", "header": ranking["header"], "rows": [[str(v) for v in r] for r in ranking["rows"]]}]
    good, bad = picked(bulletin, "good"), picked(bulletin, "bad")
    if bulletin.tone == BulletinTone.PRAISE:  # 表扬性通报 names no one to criticise, 批评性 no one to commend
        bad = []
    elif bulletin.tone == BulletinTone.CRITICISM:
        good = []
    n += 1
    blocks.append({"type": "h1", "text": f"{CN_ORDINALS[n - 1]}、主要做法和成效"})
    if good:
        blocks.append({"type": "p", "text": "以下单位工作扎实、成效明显，予以通报表扬："})
        blocks += _entries(good)
    else:
        blocks.append({"type": "p", "text": "各单位总体能够按照要求开展工作，配合督导，及时整改。"})
    n += 1
    blocks.append({"type": "h1", "text": f"{CN_ORDINALS[n - 1]}、存在的问题"})
    if bad:
        blocks.append({"type": "p", "text": "以下单位存在较为突出的问题，予以通报批评："})
        blocks += _entries(bad)
    else:
        blocks.append({"type": "p", "text": "本次通报未点名批评单位。"})
    n += 1
    blocks.append({"type": "h1", "text": f"{CN_ORDINALS[n - 1]}、问题整改情况"})
    table = f["findings"]
    if table["rows"]:
        blocks += [{"type": "p", "text": f"截至{chinese_date(date.fromisoformat(f['as_of']))}，发现的{c['findings']}个问题"
                                           f"整改情况如下（整改率{c['rate']}）："},
                   {"type": "table", "header": table["header"], "rows": table["rows"]}]
    else:
        blocks.append({"type": "p", "text": "本期未发现需要整改的问题。"})
    if f["chart"]["items"]:
        from dudao.core.charts import bar_chart

        blocks.append({"type": "chart", "text": f["chart"]["title"],
                       "chart": bar_chart(f["chart"]["title"], [tuple(i) for i in f["chart"]["items"]])})
    n += 1
    blocks.append({"type": "h1", "text": f"{CN_ORDINALS[n - 1]}、工作要求"})
    blocks += _requirements(bulletin, deadline=deadline)
    blocks.append({"type": "p", "text": "特此通报。"})
    return blocks


def _requirements(bulletin: Bulletin, *, deadline: date) -> list[dict]:
    """The 工作要求 section in the office's own wording — the part after "…、工作要求" of a 通报 template the
    office (or one above) keeps (documents.DocumentTemplate; data: office, subject, deadline) — else the
    standard text. The built-in template is a whole bulletin for drafting by hand; its one-line
    requirement is not used here."""
    office = bulletin.figures["office"]
    template = documents.template_for(DocumentKind.BULLETIN, bulletin.office)
    if template is not None and template.office_id is not None and template.body.strip():
        data = {"office": {"name": office}, "subject": bulletin.subject, "deadline": chinese_date(deadline)}
        blocks = documents.text_to_blocks(documents.fill(template.body, data))
        start = next((i for i, b in enumerate(blocks) if b["type"] == "h1" and b["text"].endswith("工作要求")), None)
        if start is not None:
            section = []
            for b in blocks[start + 1:]:
                if b["type"] == "h1":
                    break
                if b["text"] != "特此通报。":
                    section.append({"type": "p", "text": b["text"]})
            if section:
                return section
    return [
        {"type": "p", "text": f"（一）各单位要对照本通报指出的问题，举一反三，逐项整改，于{chinese_date(deadline)}前"
                              f"将整改情况书面报送{office}。"},
        {"type": "p", "text": f"（二）被通报批评的单位要深刻反思，制定整改方案，明确责任人和完成时限；{office}"
                              "将适时组织复查，对整改不力、敷衍整改的，依规追究相关人员责任。"},
        {"type": "p", "text": "（三）督导结果将作为学校年度考核、评优评先和干部考核的重要依据。"},
    ]


@transaction.atomic
def draft(bulletin: Bulletin, *, by: User, picks: set[str] | None = None, deadline: date | None = None,
          check: bool = True) -> Document:
    """Keep the examples in `picks` (None: as they are), then write the document — a new draft, or
    the existing one rewritten while it is still a draft (the office's edits to its body are replaced)."""
    if check and not may_draft(by, bulletin.office):
        raise PermissionDenied(_("只有本督导室的工作人员可以拟写通报。"))
    document = bulletin.document
    if document is not None and document.status != DocumentStatus.DRAFT:
        raise ValidationError(_("通报已送审或已印发，不能再按数据重新生成；请在公文页面修改或修订。"))
    if picks is not None:
        bulletin.examples = [{**e, "picked": e["key"] in picks} for e in bulletin.examples]
        bulletin.save(update_fields=["examples", "updated_at"])
    deadline = deadline or timezone.localdate() + timedelta(days=RECTIFY_DAYS)
    body = body_blocks(bulletin, deadline=deadline)
    if document is None:
        document = documents.create_draft(
            by=by, office=bulletin.office, kind=DocumentKind.BULLETIN, title=bulletin.subject, body=body,
            addressee=addressee_for(bulletin.office), recipients=recipients_for(bulletin.office, bulletin.campaign),
            source=f"bulletins.Bulletin:{bulletin.pk}", region=bulletin.office.region,
            template=documents.template_for(DocumentKind.BULLETIN, bulletin.office), check=check,
            cc=cc_for(bulletin.office))
        bulletin.document = document
        bulletin.save(update_fields=["document", "updated_at"])
    else:
        document = documents.edit_draft(document, by=by, title=bulletin.subject, body=body)
    return document


# --- the figures as one table (page and Excel) --------------------------------------------------------
def figure_sheets(bulletin: Bulletin) -> list[tuple[str, list[str], list[list]]]:
    """The Excel workbook's sheets, the same rows the page shows."""
    f = bulletin.figures
    sheets = [("基本情况", ["项目", "数值"], [[c["label"], str(c["value"])] for c in f["counts"]])]
    if f["ranking"]["rows"]:
        sheets.append(("排名", f["ranking"]["header"], [[str(v) for v in r] for r in f["ranking"]["rows"]]))
    sheets.append(("问题整改", f["findings"]["header"], f["findings"]["rows"]))
    sheets.append(("典型单位", ["类别", "单位", "事由", "列入通报"],
                   [["表扬" if e["kind"] == "good" else "批评", e["name"], e["reason"], "是" if e.get("picked") else "否"]
                    for e in bulletin.examples]))
    return sheets
