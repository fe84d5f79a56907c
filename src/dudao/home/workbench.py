"""The workbench (工作台): what this person must do now, per role, each count linking to exactly the
rows it counts.

Every count is read through the one scope mechanism — the same selector (and the same filters) the
linked page uses: `finding_list` with `FindingFilters` for the ledger, `complaint_list` with
`ComplaintFilters` for complaints, the compliance report of the user's own office for supervisors
behind their quota, the coverage report for gaps, home/attention.py (each kind's `visible_to`) for stalled jobs.
So the figure on the workbench is the number of rows the link shows (tests/home/test_workbench.py).

- office staff (and admins): problems to issue, overdue, waiting for 核查, disputes to answer,
  untriaged complaints, supervisors behind quota, stalled jobs, coverage gaps;
- leaders: quota compliance, rectification rate and overdue, complaints, monitoring verdicts, each
  with its last six months (years for monitoring);
- school users: their findings to act on and the nearest deadlines;
- evaluators: the schools assigned to them and their monitoring results;
- government users (政府单位用户, 督政): self-assessment reports due and their unit's findings;
- supervisors land on 我的督导 (home/views.py redirects them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.access import get_scope
from dudao.people.models import Role

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Office

TREND_MONTHS = 6
PAST_MONTH_CACHE_SECONDS = 3600  # a finished month's quota figures change only with late records


@dataclass(frozen=True)
class Tile:
    """One count of the workbench and the page that lists exactly those rows."""

    key: str
    label: str
    count: int
    url: str
    hint: str = ""
    urgent: bool = False  # red when there is anything to do

    @property
    def tone(self) -> str:
        if not self.count:
            return "green"
        return "red" if self.urgent else "orange"


@dataclass(frozen=True)
class Figure:
    """A leader's figure: the value now, its unit, a link, and the last months for a sparkline."""

    key: str
    label: str
    value: str
    url: str
    note: str = ""
    trend_labels: tuple[str, ...] = ()
    trend: tuple[float | int | None, ...] = ()


@dataclass
class Workbench:
    office: list[Tile] = field(default_factory=list)
    leader: list[Figure] = field(default_factory=list)
    school: list[Tile] = field(default_factory=list)
    deadlines: list = field(default_factory=list)  # (finding, days left, days late) of a school user
    evaluator: list[Tile] = field(default_factory=list)
    government: list[Tile] = field(default_factory=list)  # a 政府单位用户: self-assessments due, its findings
    papers: list[Tile] = field(default_factory=list)  # 公文与通知: documents to check or sign, unread, drafts to comment
    office_name: str = ""
    is_supervisor: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.office or self.leader or self.school or self.evaluator or self.government or self.papers)


def _url(name: str, query: dict | None = None, **kwargs) -> str:
    url = reverse(name, kwargs=kwargs or None)
    return f"{url}?{urlencode(query)}" if query else url


def _months_back(today: date, n: int) -> list[date]:
    """First days of the last n months, oldest first, the current month last."""
    firsts = []
    year, month = today.year, today.month
    for _i in range(n):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


# --- the user's own office ------------------------------------------------------------------------


def own_office(user: User) -> Office | None:
    """The office whose reports the user reads first (their own, the highest of their grants)."""
    from dudao.visits.selectors import report_offices

    offices = report_offices(user)
    return offices[0] if offices else None


def supervisors_behind(office: Office, *, kind: str = "month", day: date) -> tuple[int, int]:
    """(behind, supervisors) of the office's compliance report, as the compliance page marks them
    (落后: below the prorated pace, or the period is over and a check was not met).

    The one call into the compliance engine (visits/compliance.py, whose table marks each line): the
    workbench and the leader's trend call only this.

    The figures may be a few minutes old (visits/compliance_cache.py; the home page says so): a
    province's report takes a second to compute and the home page is opened all day."""
    from dudao.visits.compliance_cache import behind_cached

    return behind_cached(office, kind=kind, day=day)


def _stale_note() -> str:
    """Says how old the compliance figures may be (visits/compliance_cache.py), when they are kept."""
    from dudao.visits.compliance_cache import cache_seconds

    minutes = cache_seconds() // 60
    return _("（数据至多延迟 %(m)s 分钟）") % {"m": minutes} if minutes else ""


def _compliance_url(office: Office, day: date, **extra) -> str:
    return _url("visits:compliance", {"office": office.pk, "kind": "month", "day": day.isoformat(), **extra})


# --- office staff ---------------------------------------------------------------------------------


def _finding_tiles(user: User, today: date) -> list[Tile]:
    from dudao.findings.models import FindingState

    c, counted_at = _ledger_counts(user, today)
    note = _kept_note(counted_at)
    ledger = "findings:ledger"
    return [
        Tile("to_issue", _("待下发整改通知"), c.open, _url(ledger, {"state": FindingState.OPEN}),
             _("已登记、尚未下发整改通知的问题") + note),
        Tile("overdue", _("逾期未整改"), c.overdue, _url(ledger, {"due": "overdue"}), _("已过整改期限仍未销号") + note, urgent=True),
        Tile("to_verify", _("待核查销号"), c.reported, _url(ledger, {"state": FindingState.REPORTED}),
             _("学校已报送整改情况，等待核查") + note),
        Tile("disputes", _("申辩待答复"), c.disputed, _url(ledger, {"state": FindingState.DISPUTED}),
             _("被督导单位提出申辩，等待答复") + note, urgent=True),
    ]


def _ledger_counts(user: User, today: date):
    """The counts of the user's whole ledger, as its page shows them: a province's are kept a couple of
    minutes and shared with the ledger page (findings/selectors.py `kept_figures`)."""
    from dudao.findings.selectors import FindingFilters, finding_list, kept_figures, ledger_counts

    filters = FindingFilters()
    qs = finding_list(user=user, filters=filters, today=today)
    return kept_figures(user=user, filters=filters, today=today, what="counts", compute=lambda: ledger_counts(qs, today=today))


def _kept_note(counted_at) -> str:
    """Says when kept findings figures were computed (None: live)."""
    if counted_at is None:
        return ""
    return _("（%(time)s 统计）") % {"time": timezone.localtime(counted_at).strftime("%H:%M")}


def _complaint_tile(user: User) -> Tile:
    from dudao.complaints.models import ComplaintState
    from dudao.complaints.selectors import ComplaintFilters, complaint_list

    filters = ComplaintFilters(state=ComplaintState.RECEIVED)
    return Tile("complaints", _("待处理群众反映"), complaint_list(user=user, filters=filters).count(),
                _url("complaints:list", filters.as_query()), _("已受理、尚未分流处理"))


def stalled_jobs(user: User) -> int:
    """Background jobs the user sees (imports, monitoring runs, plaque batches) that failed, or whose
    worker stopped beating, in the last week: the rows of 后台任务需处理 (home/attention.py)."""
    from dudao.home.attention import job_counts

    return sum(job_counts(user=user).values())


def _office_tiles(user: User, office: Office | None, today: date) -> list[Tile]:
    from dudao.access import can_write_anything, sees_office_details
    from dudao.regions.models import RegionLevel

    tiles = [*_finding_tiles(user, today), _complaint_tile(user)]
    if office is not None:
        behind, _total = supervisors_behind(office, day=today)
        tiles.append(Tile("behind", _("本月落后督学"), behind, _compliance_url(office, today, state="behind"),
                          _("低于按已过天数折算的配额进度") + _stale_note(), urgent=True))
    if can_write_anything(user):
        tiles.append(Tile("jobs", _("失败或中断的后台任务"), stalled_jobs(user), _url("core:jobs_attention"),
                          _("近 7 天内失败或停止响应的导入、监测计算与公示牌生成")))
    if office is not None and office.level in (RegionLevel.COUNTY, RegionLevel.CITY) and sees_office_details(user, office):
        from dudao.zones.coverage import coverage_report

        tiles.append(Tile("coverage", _("责任区覆盖问题"), coverage_report(office).problem_count,
                          _url("zones:index", {"office": office.pk}), _("未划入责任区、无责任督学、超额的责任区与督学")))
    return tiles


# --- leaders --------------------------------------------------------------------------------------


def _past_month_behind(office: Office, first: date) -> tuple[int, int]:
    """A finished month's (behind, supervisors), cached for an hour: a province's leader would
    otherwise recompute five finished months (each up to a second, bench/visits.py) per page view."""
    from django.core.cache import cache

    key = f"workbench:behind:{office.pk}:{first.isoformat()}"
    cached = cache.get(key)
    if cached is None:
        cached = supervisors_behind(office, day=first)
        cache.set(key, cached, PAST_MONTH_CACHE_SECONDS)
    return tuple(cached)


def _quota_figure(office: Office, today: date) -> Figure:
    months = _months_back(today, TREND_MONTHS)
    rates: list[float | None] = []
    behind = 0
    for first in months:
        behind, total = _past_month_behind(office, first) if first < months[-1] else supervisors_behind(office, day=today)
        rates.append(round(100 * (total - behind) / total, 1) if total else None)
    now = rates[-1]  # the current month (behind: its 落后 count, the loop's last)
    return Figure("quota", _("督导配额达标率"), f"{now}%" if now is not None else "—", _compliance_url(office, today),
                  _("本月落后督学 %(n)s 人") % {"n": behind} + _stale_note(),
                  tuple(f"{m.month}月" for m in months), tuple(rates))


def _findings_figures(user: User, today: date) -> list[Figure]:
    from django.db.models.functions import TruncMonth

    from dudao.findings.models import FindingState
    from dudao.findings.selectors import FindingFilters, finding_list

    qs = finding_list(user=user, filters=FindingFilters(), today=today)
    counts, _counted_at = _ledger_counts(user, today)
    months = _months_back(today, TREND_MONTHS)
    by_month = {
        row["m"].date() if hasattr(row["m"], "date") else row["m"]: row
        for row in qs.order_by().filter(found_on__gte=months[0]).exclude(state=FindingState.CANCELLED)
        .annotate(m=TruncMonth("found_on")).values("m")
        .annotate(n=Count("id"), closed=Count("id", filter=Q(state=FindingState.CLOSED)))
    }
    rates = []
    for first in months:
        row = by_month.get(first)
        rates.append(round(100 * row["closed"] / row["n"], 1) if row and row["n"] else None)
    rate = counts.close_rate
    return [
        Figure("rectification", _("整改销号率"), f"{rate}%" if rate is not None else "—", _url("findings:stats"),
               _("已销号 %(closed)s / 问题 %(total)s（不含已撤销）；折线为各月发现问题的销号率")
               % {"closed": counts.closed, "total": counts.total - counts.cancelled},
               tuple(f"{m.month}月" for m in months), tuple(rates)),
        Figure("overdue", _("逾期未整改"), str(counts.overdue), _url("findings:ledger", {"due": "overdue"}),
               _("逾期率 %(rate)s") % {"rate": f"{counts.overdue_rate}%" if counts.overdue_rate is not None else "—"}),
    ]


def _complaint_figure(user: User, today: date) -> Figure:
    from django.db.models.functions import TruncMonth

    from dudao.complaints.selectors import ComplaintFilters, complaint_list

    months = _months_back(today, TREND_MONTHS)
    open_filters = ComplaintFilters(state="open")
    pending = complaint_list(user=user, filters=open_filters).count()
    received = {
        (row["m"].date() if hasattr(row["m"], "date") else row["m"]): row["n"]
        for row in complaint_list(user=user, filters=ComplaintFilters(start=months[0])).order_by()
        .annotate(m=TruncMonth("received_at", tzinfo=timezone.get_current_timezone())).values("m").annotate(n=Count("id"))
    }
    return Figure("complaints", _("未办结群众反映"), str(pending), _url("complaints:list", open_filters.as_query()),
                  _("折线为各月受理件数"), tuple(f"{m.month}月" for m in months),
                  tuple(received.get(m, 0) for m in months))


def _monitoring_figure(user: User) -> Figure | None:
    from dudao.monitoring import selectors as msel
    from dudao.monitoring.models import Verdict
    from dudao.monitoring.standards import DEFAULT_SCHEME, PRIMARY
    from dudao.regions.models import Region, RegionLevel

    code = msel.default_area(user)
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        return None
    years = msel.trend(user=user, scheme=DEFAULT_SCHEME, stage=PRIMARY, region=region)
    url = _url("monitoring:index", {"region": region.code})
    if not years:
        return Figure("monitoring", _("均衡发展监测（小学）"), "—", url, _("尚无监测结果"))
    last = years[-1]
    labels = tuple(str(y.year) for y in years)
    if region.level == RegionLevel.COUNTY:
        value = str(Verdict(last.verdict).label) if last.verdict else "—"
        note = _("%(year)s 年：达标学校 %(passing)s / %(schools)s") % {"year": last.year, "passing": last.passing,
                                                                   "schools": last.schools}
        return Figure("monitoring", _("均衡发展监测（小学）"), value, url, note, labels, tuple(y.passing for y in years))
    passing = last.counts.get(Verdict.PASS, 0)
    total = sum(last.counts.values())
    note = _("%(year)s 年：达标区县 %(passing)s / %(total)s") % {"year": last.year, "passing": passing, "total": total}
    return Figure("monitoring", _("均衡发展监测（小学）"), f"{passing} / {total}", url, note, labels,
                  tuple(y.counts.get(Verdict.PASS, 0) for y in years))


def _leader_figures(user: User, office: Office | None, today: date) -> list[Figure]:
    figures = []
    if office is not None:
        figures.append(_quota_figure(office, today))
    figures += _findings_figures(user, today)
    figures.append(_complaint_figure(user, today))
    monitoring = _monitoring_figure(user)
    if monitoring is not None:
        figures.append(monitoring)
    return figures


# --- school users and evaluators -----------------------------------------------------------------


def _school_tiles(user: User, today: date) -> tuple[list[Tile], list]:
    from dudao.findings.models import FindingState
    from dudao.findings.selectors import DUE_SOON_DAYS, UNFINISHED, FindingFilters, finding_list

    def tile(key: str, label: str, filters: FindingFilters, hint: str = "", urgent: bool = False) -> Tile:
        n = finding_list(user=user, filters=filters, today=today).count()
        return Tile(key, label, n, _url("findings:ledger", filters.as_query()), hint, urgent)

    tiles = [
        tile("unfinished", _("待整改问题"), FindingFilters(state=UNFINISHED), _("尚未销号的问题")),
        tile("overdue", _("已逾期"), FindingFilters(due="overdue"), _("已过整改期限"), urgent=True),
        tile("due_soon", _("%(n)s 天内到期") % {"n": DUE_SOON_DAYS}, FindingFilters(due="soon"), _("请抓紧整改并报送")),
        tile("returned", _("退回重新整改"), FindingFilters(state=FindingState.RETURNED), _("核查未通过，需重新整改"), urgent=True),
    ]
    upcoming = list(finding_list(user=user, filters=FindingFilters(state=UNFINISHED), today=today)[:5])
    return tiles, [(f, (f.deadline - today).days, (today - f.deadline).days) for f in upcoming]


def _evaluator_tiles(user: User) -> list[Tile]:
    from dudao.schools.models import School

    scope = get_scope(user)
    n = School.objects.visible_to(user).filter(pk__in=sorted(scope.school_ids)).count()
    return [Tile("assigned", _("分配给您的评估学校"), n, _url("schools:list"), _("学校名录与基础数据；各校监测结果见“均衡发展监测”"))]


def _government_tiles(user: User, today: date) -> tuple[list[Tile], list]:
    """A 政府单位用户 (督政): the self-assessment reports to submit now, then the unit's findings to
    rectify — the same tiles as a school's, since the ledger shows them only their unit's findings."""
    from dudao.governance.selectors import self_due

    due = self_due(user).count()
    tiles = [Tile("self_due", _("待提交自评报告"), due, _url("governance:index", {"todo": "self"}),
                  _("督政项目自评阶段，请在截止日期前提交"), urgent=True)]
    finding_tiles, deadlines = _school_tiles(user, today)
    return tiles + finding_tiles, deadlines


# --- the page -------------------------------------------------------------------------------------


def _paper_tiles(user: User) -> list[Tile]:
    """公文与通知 (issue [11]): what waits for the person — documents to check or sign (the list's 待我处理
    filter), documents received and not read, drafts sent for comments, notices not read. Only the
    counts above zero: an empty tile here would be noise for most people."""
    from dudao.documents.review import inbox
    from dudao.documents.selectors import TODO, DocumentFilters, document_list
    from dudao.library.selectors import received_notices

    received = inbox(user)
    tiles = [
        Tile("docs_todo", _("待我审核或签发的公文"),
             document_list(user, DocumentFilters(status=TODO)).count(), _url("documents:list", {"status": TODO}),
             urgent=True),
        Tile("docs_unread", _("未读收文"), received.filter(unread=True).count(), _url("documents:inbox", {"show": "unread"}),
             urgent=True),
        Tile("docs_review", _("征求意见稿"), received.filter(reviewing=True).count(),
             _url("documents:inbox", {"show": "review"}), _("督导室征求本单位意见的稿件")),
        Tile("notices_unread", _("未读通知"), received_notices(user).filter(my_read_at__isnull=True).count(),
             _url("library:notices", {"unread": "1"})),
    ]
    return [t for t in tiles if t.count]


def lands_on_field(user: User) -> bool:
    """Supervisors (and nothing else) land on 我的督导 when they have an active supervisor record."""
    from dudao.supervisors.models import Supervisor, SupervisorStatus

    scope = get_scope(user)
    if scope.everything or scope.roles != {Role.SUPERVISOR}:
        return False
    return Supervisor.objects.filter(user=user, status=SupervisorStatus.ACTIVE).exists()


def workbench(*, user: User, today: date | None = None) -> Workbench:
    """The sections the user's roles call for; a person with several roles sees each of them."""
    today = today or timezone.localdate()
    scope = get_scope(user)
    roles = scope.roles
    bench = Workbench(is_supervisor=Role.SUPERVISOR in roles)
    office = own_office(user) if (scope.everything or scope.region_codes) else None
    bench.office_name = office.name if office else ""
    if scope.everything or Role.OFFICE_STAFF in roles:
        bench.office = _office_tiles(user, office, today)
    if Role.OFFICE_LEADER in roles:
        bench.leader = _leader_figures(user, office, today)
    if Role.SCHOOL_USER in roles:
        bench.school, bench.deadlines = _school_tiles(user, today)
    if Role.EVALUATOR in roles:
        bench.evaluator = _evaluator_tiles(user)
    if Role.GOVERNMENT_USER in roles:
        bench.government, deadlines = _government_tiles(user, today)
        bench.deadlines = bench.deadlines or deadlines
    if roles or scope.everything:
        bench.papers = _paper_tiles(user)
    return bench
