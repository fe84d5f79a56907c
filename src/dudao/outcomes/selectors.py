"""结果运用: one sheet per school (and its principal) for cadre assessment and 评优评先, read from the
apps that own each figure — never computed again here, so the sheet, its Excel file and the source
pages agree (tests/outcomes/test_sheet.py compares them):

- 专项督导 grades: campaigns' stored `SchoolResult` (the results page's row), campaigns of the year;
- findings: `findings.selectors.ledger_groups(by="school_id")` over the findings found in the year
  (the ledger's own counts: unfinished, overdue, closed late, judged);
- upheld complaints: `complaints.selectors.complaint_stats` (outcome 立案核查, the complaint became a finding);
- monitoring: `monitoring.selectors.school_rows` (indicators met against the standards, school verdict);
- satisfaction: `surveys.results.school_rows` (the school's index in each survey of the year);
- visits received: `visits.compliance.compliance_report` for the year (routine visits counted toward
  the quota, and the quota), the office's compliance page.

The rectification rate (按期整改率) is the findings ledger's: among the findings found in the year whose
outcome is due — closed (销号), or unfinished past the deadline (`judged`) — the share closed on or
before the deadline: (judged − late) ÷ judged × 100 %, one decimal; "—" when none is due yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.access import get_visible_or_404, is_system_admin, sees_office_details
from dudao.findings.selectors import LedgerCounts
from dudao.outcomes.models import OutcomeDecision

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Office
    from dudao.schools.models import School

UPHELD = "investigated"  # complaints.ComplaintOutcome.INVESTIGATED: verified and turned into a finding


# --- the period -----------------------------------------------------------------------------------------
def year_choices(today: date | None = None) -> list[int]:
    today = today or timezone.localdate()
    return list(range(today.year, today.year - 6, -1))


def parse_year(raw, today: date | None = None) -> int:
    """The year asked for (a calendar year, 1 January – 31 December), else the current one."""
    today = today or timezone.localdate()
    text = str(raw or "").strip()
    if text.isdigit() and len(text) == 4 and 2000 <= int(text) <= today.year + 1:
        return int(text)
    return today.year


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


# --- who reads it ----------------------------------------------------------------------------------------
def sheet_office(user: User, pk=None) -> Office:
    """The office whose schools the sheet lists: the visits app's report offices (staff, leaders of the
    office or above, admins); 404 outside the scope, 403 for those who read no office's figures."""
    from dudao.visits.selectors import report_office_for

    return report_office_for(user, pk)


def office_choices(user: User) -> list[Office]:
    from dudao.visits.selectors import report_offices

    return report_offices(user)


def office_of_school(school: School) -> Office | None:
    """The nearest office above the school (county, then city, then province)."""
    from dudao.regions.models import Office

    offices = {o.region.code: o for o in Office.objects.filter(
        region__code__in=[school.region_code[:n] for n in (6, 4, 2)]).select_related("region")}
    for n in (6, 4, 2):
        if school.region_code[:n] in offices:
            return offices[school.region_code[:n]]
    return None


def access_sheet_school(user: User, pk) -> tuple[School, Office | None]:
    """A school whose sheet the user reads: seen in their scope (else 404) and read as an office — staff,
    leaders of an office above it, admins (else 403: a school account or supervisor sees the school,
    not its cadre sheet)."""
    from dudao.schools.models import School

    school = get_visible_or_404(School.objects.visible_to(user).select_related("region"), pk=pk)
    office = office_of_school(school)
    if office is None and is_system_admin(user):
        return school, None  # a school of a region without an office yet: the admin still reads it
    if office is None or not sees_office_details(user, office):
        raise PermissionDenied(_("只有督导室工作人员、领导和管理员可以查看结果运用表。"))
    return school, office


# --- the sheet ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CampaignGrade:
    campaign_id: int
    name: str
    grade: str
    total: Decimal | None
    rank: int | None
    vetoed: bool

    @property
    def text(self) -> str:
        value = self.grade or (f"{self.total}" if self.total is not None else "—")
        return f"{self.name}：{value}" + ("（一票否决）" if self.vetoed else "")


@dataclass(frozen=True)
class MonitoringLine:
    stage: str
    stage_label: str
    met: int
    indicators: int
    passes: bool | None
    excluded: str

    @property
    def text(self) -> str:
        verdict = {True: "达标", False: "未达标", None: "—"}[self.passes]
        return f"{self.stage_label} {self.met}/{self.indicators}项 {verdict}"


@dataclass(frozen=True)
class SurveyLine:
    survey_id: int
    name: str
    responses: int
    rate: Decimal | None
    passes: bool | None

    @property
    def text(self) -> str:
        return f"{self.name}：{self.rate}%" if self.rate is not None else f"{self.name}：—"


@dataclass
class SchoolSheet:
    school: School
    findings: LedgerCounts = field(default_factory=LedgerCounts)
    campaigns: list[CampaignGrade] = field(default_factory=list)
    complaints: int = 0
    upheld: int = 0
    monitoring: list[MonitoringLine] = field(default_factory=list)
    surveys: list[SurveyLine] = field(default_factory=list)
    visits: int | None = None  # routine visits of the year counted toward the quota; None: not in the report
    visits_required: int | None = None

    @property
    def principal(self) -> str:
        return self.school.head_name

    @property
    def open(self) -> int:
        return self.findings.unfinished

    @property
    def overdue(self) -> int:
        return self.findings.overdue

    @property
    def due(self) -> int:
        return self.findings.judged

    @property
    def on_time(self) -> int:
        return self.findings.judged - self.findings.late

    @property
    def rectification_rate(self) -> float | None:
        """(judged − late) ÷ judged × 100, one decimal (see the module's docstring)."""
        return rectification_rate(self.findings)


def rectification_rate(counts: LedgerCounts) -> float | None:
    return round(100 * (counts.judged - counts.late) / counts.judged, 1) if counts.judged else None


def _schools(user: User, code: str, only: list[int] | None) -> list[School]:
    from dudao.schools.models import School

    qs = School.objects.visible_to(user).filter(is_active=True).under(code)
    if only is not None:
        qs = School.objects.visible_to(user).filter(pk__in=only)
    return list(qs.select_related("region").order_by("region_code", "code"))


def _findings(user: User, sheets: dict[int, SchoolSheet], start: date, end: date, today: date, code: str) -> None:
    from dudao.findings.selectors import ledger_groups, visible_findings

    qs = visible_findings(user).filter(found_on__gte=start, found_on__lte=end, school_id__in=list(sheets))
    if len(sheets) > 500:  # a whole county: the prefix, not a list of ids
        qs = visible_findings(user).filter(found_on__gte=start, found_on__lte=end,
                                           school__region_code__startswith=code)
    for row in ledger_groups(qs, by="school_id", today=today):
        sheet = sheets.get(int(row.key))
        if sheet is not None:
            sheet.findings = row


def _complaints(user: User, sheets: dict[int, SchoolSheet], start: date, end: date) -> None:
    from dudao.complaints.selectors import complaint_stats

    for line in complaint_stats(user=user, start=start, end=end).schools:
        sheet = sheets.get(line.school_id)
        if sheet is not None:
            sheet.complaints = line.total
            sheet.upheld = line.outcomes[UPHELD]


def year_campaigns(user: User, year: int, code: str) -> list:
    """Campaigns of the year the user reads, with results computed, touching the office's region."""
    from dudao.campaigns.models import Campaign, CampaignState, SchoolResult

    early = {CampaignState.DRAFT, CampaignState.SUBMITTED, CampaignState.CANCELLED}
    ids = set(SchoolResult.objects.filter(school__region_code__startswith=code, campaign__year=year)
              .values_list("campaign_id", flat=True).distinct())
    return list(Campaign.objects.visible_to(user).filter(pk__in=ids, year=year).exclude(state__in=early)
                .order_by("id"))


def _campaigns(user: User, sheets: dict[int, SchoolSheet], year: int, code: str) -> None:
    from dudao.campaigns.models import SchoolResult
    from dudao.campaigns.selectors import result_schools

    for campaign in year_campaigns(user, year, code):
        readable = result_schools(user, campaign).values("school_id")
        for r in (SchoolResult.objects.filter(campaign=campaign, school_id__in=readable)
                  .filter(school_id__in=list(sheets)) if len(sheets) <= 500 else
                  SchoolResult.objects.filter(campaign=campaign, school_id__in=readable,
                                              school__region_code__startswith=code)):
            if r.school_id in sheets:
                sheets[r.school_id].campaigns.append(CampaignGrade(
                    campaign.pk, campaign.name, r.grade, r.verified_total, r.rank, r.vetoed))


def _monitoring(user: User, sheets: dict[int, SchoolSheet], year: int, code: str) -> None:
    from dudao.monitoring.selectors import school_rows
    from dudao.monitoring.standards import DEFAULT_SCHEME, SCHEMES, STAGE_LABELS, STAGES

    scheme = SCHEMES[DEFAULT_SCHEME]
    for stage in STAGES:
        for row in school_rows(user=user, scheme=scheme, year=year, stage=stage, region_code=code):
            sheet = sheets.get(row.result.school_id)
            if sheet is not None:
                sheet.monitoring.append(MonitoringLine(stage, STAGE_LABELS[stage], row.result.met_count,
                                                       len(row.cells), row.result.passes, row.excluded))


def year_surveys(user: User, year: int, code: str) -> list:
    """Surveys of the year the user reads, held in the office's region or around it."""
    from dudao.surveys.models import Survey, SurveyState

    around = Q(region__code__startswith=code) | Q(region__code__in=[code[:n] for n in (2, 4, 6, 9) if n < len(code)])
    return list(Survey.objects.visible_to(user).filter(around, year=year).exclude(state=SurveyState.DRAFT)
                .select_related("office__region", "region").order_by("id"))


def _surveys(user: User, sheets: dict[int, SchoolSheet], year: int, code: str) -> None:
    from dudao.surveys.results import school_rows

    for survey in year_surveys(user, year, code):
        for row in school_rows(user, survey):
            sheet = sheets.get(int(row.key))
            if sheet is not None and row.n:
                sheet.surveys.append(SurveyLine(survey.pk, survey.name, row.n, row.rate, row.passes))


def _visits(office: Office, sheets: dict[int, SchoolSheet], year: int, today: date) -> None:
    from dudao.visits.compliance import compliance_report

    report = compliance_report(office=office, kind="year", day=date(year, 1, 1), today=today)
    for row in report.schools:
        sheet = sheets.get(row.school.pk)
        if sheet is not None:
            sheet.visits, sheet.visits_required = row.visits, row.required


def school_sheets(*, user: User, office: Office | None, year: int, today: date | None = None,
                  only: list[int] | None = None) -> list[SchoolSheet]:
    """The sheet of every school under the office (or of the schools `only`), in region and code order.
    Without an office (a school of a region that has none, read by an admin) there is no quota report."""
    today = today or timezone.localdate()
    start, end = year_bounds(year)
    code = office.region.code if office is not None else ""
    sheets = {s.pk: SchoolSheet(school=s) for s in _schools(user, code, only)}
    if not sheets:
        return []
    _findings(user, sheets, start, end, today, code)
    _complaints(user, sheets, start, end)
    _campaigns(user, sheets, year, code)
    _monitoring(user, sheets, year, code)
    _surveys(user, sheets, year, code)
    if office is not None:
        _visits(office, sheets, year, today)
    return list(sheets.values())


# --- the columns: the page, the Excel file and the PDF -----------------------------------------------------
HEADERS = ["学校", "学校标识码", "所在区划", "校长（园长）", "专项督导结果", "发现问题数", "未整改", "逾期未整改",
           "应整改到期数", "按期整改数", "按期整改率（%）", "受理投诉数", "查实投诉数", "均衡监测", "满意度指数",
           "常规督导次数", "应督导次数", "结果运用决定"]


def sheet_row(sheet: SchoolSheet, decisions: list[OutcomeDecision]) -> list:
    rate = sheet.rectification_rate
    return [
        sheet.school.name, sheet.school.code, sheet.school.region.name, sheet.principal or "",
        "；".join(c.text for c in sheet.campaigns), sheet.findings.total, sheet.open, sheet.overdue,
        sheet.due, sheet.on_time, rate if rate is not None else "", sheet.complaints, sheet.upheld,
        "；".join(m.text for m in sheet.monitoring), "；".join(s.text for s in sheet.surveys),
        sheet.visits if sheet.visits is not None else "", sheet.visits_required if sheet.visits_required is not None else "",
        "；".join(f"{d.decided_on:%Y-%m-%d} {d.get_kind_display()}" for d in decisions),
    ]


def sheet_notes(office: Office, year: int) -> list[str]:
    return [
        f"{office.name} {year}年 结果运用表（学校及校长）。",
        "统计期间：" + f"{year}年1月1日至{year}年12月31日（问题按发现日期、投诉按受理日期；专项督导、问卷调查按年度；均衡监测按学年）。",
        "按期整改率 = 按期整改数 ÷ 应整改到期数 × 100%。应整改到期数：期间发现的问题中已销号的，加上未整改且已过整改期限的；"
        "按期整改数：其中在整改期限当日或之前销号的。尚无到期问题时为空。",
        "查实投诉：处理结果为“立案核查（转入整改台账）”的投诉。",
        "常规督导次数：计入督导次数要求的挂牌督导记录（不含专项督导实地核查与随访）；应督导次数为该校本年度的次数要求。",
        "各项数字取自各业务模块的同一查询：整改台账、投诉受理统计、专项督导结果、均衡监测、问卷调查结果、督导次数达标情况。",
    ]


# --- decisions ----------------------------------------------------------------------------------------------
def decisions_by_school(user: User, school_ids: list[int], year: int | None = None) -> dict[int, list[OutcomeDecision]]:
    qs = OutcomeDecision.objects.visible_to(user).filter(school_id__in=school_ids)
    if year is not None:
        qs = qs.filter(decided_on__year=year)
    result: dict[int, list[OutcomeDecision]] = {}
    for d in qs.select_related("decided_by", "office", "document", "finding").order_by("-decided_on", "-id"):
        result.setdefault(d.school_id, []).append(d)
    return result


def school_decisions(user: User, school: School, *, limit: int | None = None) -> list[OutcomeDecision]:
    """The school's decisions, newest first (its history on the school's page)."""
    qs = (OutcomeDecision.objects.visible_to(user).filter(school=school)
          .select_related("decided_by", "office", "document", "finding").order_by("-decided_on", "-id"))
    return list(qs[:limit] if limit else qs)


def principal_decisions(user: User, name: str) -> list[OutcomeDecision]:
    """Every decision recorded under this principal's name in the user's scope (any school: a principal
    moves; the name was kept on each decision)."""
    if not name:
        return []
    return list(OutcomeDecision.objects.visible_to(user).filter(principal_name=name)
                .select_related("school", "office").order_by("-decided_on", "-id"))


def may_record_decision(user: User, school: School) -> bool:
    """Office staff whose region holds the school, and admins (the write side of
    `access.outcome_decision_q`); leaders, supervisors and schools never."""
    from dudao.access import get_scope

    scope = get_scope(user)
    return scope.write_everything or any(school.region_code.startswith(c) for c in scope.write_region_codes)


# --- links into the source pages ----------------------------------------------------------------------------
def link(name: str, query: dict, args: list | None = None) -> str:
    return reverse(name, args=args or []) + "?" + urlencode({k: v for k, v in query.items() if v not in ("", None)})


def school_links(sheet: SchoolSheet, year: int, office: Office | None) -> dict[str, str]:
    """Each figure of a school's sheet opens exactly its rows in the app that owns it."""
    start, end = year_bounds(year)
    s = sheet.school
    period = {"start": start.isoformat(), "end": end.isoformat()}
    return {
        "findings": link("findings:ledger", {"school_id": s.pk, **period}),
        "open": link("findings:ledger", {"school_id": s.pk, "state": "unfinished", **period}),
        "overdue": link("findings:ledger", {"school_id": s.pk, "due": "overdue", **period}),
        "complaints": link("complaints:list", {"school": s.code, **period}),
        "upheld": link("complaints:list", {"school": s.code, "outcome": UPHELD, **period}),
        "monitoring": reverse("monitoring:school", args=[s.pk]),
        "visits": link("visits:compliance", {"office": office.pk, "kind": "year", "day": start.isoformat()})
        if office is not None else "",
    }
