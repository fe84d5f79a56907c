"""Reads of complaints for pages, exports and the API; all through `Complaint.objects.visible_to(user)`,
except the public tracking look-up, which is keyed by the complainant's own code."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date

from dudao import access
from dudao.access import get_visible_or_404
from dudao.complaints.models import (
    CATEGORY_DICTIONARY,
    Complaint,
    ComplaintAction,
    ComplaintChannel,
    ComplaintOutcome,
    ComplaintState,
    ReplyMethod,
)
from dudao.complaints.services import normalise_code

if TYPE_CHECKING:
    from dudao.people.models import User


def access_complaint(user: User, pk) -> Complaint:
    """A complaint the user may see; outside the scope 404 (existence is not disclosed)."""
    visible = Complaint.objects.visible_to(user).select_related("school__region", "office__region", "supervisor",
                                                                  "finding", "handled_by", "created_by")
    return get_visible_or_404(visible, pk=pk)


def phone_for(user: User, complaint: Complaint) -> str:
    return complaint.phone if access.sees_complaint_contact(user, complaint) else complaint.masked_phone


def category_labels() -> dict[str, str]:
    """Labels of every category, inactive ones included (old complaints keep their words)."""
    from dudao.system.models import DictionaryItem

    return dict(DictionaryItem.objects.filter(dict_type=CATEGORY_DICTIONARY).order_by("order", "code")
                .values_list("code", "label"))


# --- the list --------------------------------------------------------------------------------------------
@dataclass
class ComplaintFilters:
    state: str = ""
    outcome: str = ""
    category: str = ""
    school: str = ""
    overdue: str = ""
    mine: str = ""
    start: date | None = None
    end: date | None = None
    region: str = ""  # the school's region code prefix (links from the leader's overview, outcomes app)

    @classmethod
    def from_params(cls, params) -> ComplaintFilters:
        def day(name: str) -> date | None:
            try:
                return parse_date((params.get(name) or "").strip())
            except ValueError:
                return None

        state = params.get("state", "")
        outcome = params.get("outcome", "")
        region = (params.get("region") or "").strip()[:12]
        return cls(
            state=state if state in ComplaintState.values or state == "open" else "",
            outcome=outcome if outcome in ComplaintOutcome.values else "",
            category=(params.get("category") or "").strip()[:40],
            school=(params.get("school") or "").strip()[:50],
            overdue="1" if params.get("overdue") == "1" else "",
            mine="1" if params.get("mine") == "1" else "",
            start=day("start"), end=day("end"),
            region=region if region.isdigit() else "",
        )

    def as_query(self) -> dict[str, str]:
        values = {"state": self.state, "outcome": self.outcome, "category": self.category, "school": self.school,
                  "overdue": self.overdue, "mine": self.mine,
                  "start": self.start.isoformat() if self.start else "", "end": self.end.isoformat() if self.end else "",
                  "region": self.region}
        return {k: v for k, v in values.items() if v}


def complaint_list(*, user: User, filters: ComplaintFilters) -> QuerySet[Complaint]:
    qs = Complaint.objects.visible_to(user).select_related("school", "supervisor", "office__region")
    if filters.state == "open":
        qs = qs.exclude(state=ComplaintState.CLOSED)
    elif filters.state:
        qs = qs.filter(state=filters.state)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.school:
        term = filters.school
        qs = qs.filter(Q(school__name__contains=term) | Q(school__code=term) | Q(school__name_initials__icontains=term))
    if filters.overdue:
        qs = qs.overdue()
    if filters.mine:
        qs = qs.filter(supervisor__user=user)
    if filters.start:
        qs = qs.filter(received_at__date__gte=filters.start)
    if filters.end:
        qs = qs.filter(received_at__date__lte=filters.end)
    if filters.region:
        qs = qs.filter(school__region_code__startswith=filters.region)
    return qs.order_by("-received_at", "-id")


EXPORT_HEADERS = ["编号", "受理时间", "来源渠道", "学校", "学校标识码", "反映类别", "反映内容", "反映人", "联系电话",
                  "责任督学", "答复期限", "状态", "处理结果", "答复时间", "答复方式", "转办单位", "是否逾期"]


def complaint_export_rows(*, user: User, complaints) -> list[list]:
    """The rows of the Excel export, with the same masking as the pages."""
    labels = category_labels()
    today = timezone.localdate()
    rows = []
    for c in complaints:
        contact = access.sees_complaint_contact(user, c)
        who = "匿名" if c.anonymous else (c.contact_name if contact else ("（已隐藏）" if c.contact_name else ""))
        rows.append([
            c.pk, timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"), c.get_channel_display(), c.school.name,
            c.school.code, labels.get(c.category, c.category), c.text, who, phone_for(user, c),
            c.supervisor.name if c.supervisor else "", c.response_due.isoformat(), c.get_state_display(),
            c.get_outcome_display() if c.outcome else "",
            timezone.localtime(c.answered_at).strftime("%Y-%m-%d %H:%M") if c.answered_at else "",
            c.get_reply_method_display() if c.reply_method else "", c.referred_to, "是" if c.is_overdue(today) else "否",
        ])
    return rows


# --- the public tracking page ------------------------------------------------------------------------------
def complaint_by_code(raw: str) -> Complaint | None:
    code = normalise_code(raw)
    if not code:
        return None
    return Complaint.objects.filter(tracking_code=code).select_related("school").first()


@dataclass(frozen=True)
class PublicStep:
    at: datetime
    label: str


def public_timeline(complaint: Complaint) -> list[PublicStep]:
    """Received, answered, closed — the dates only, never a note or a name."""
    from django.utils.translation import gettext

    steps = [PublicStep(complaint.received_at, gettext("已受理"))]
    for event in complaint.events.filter(action__in=[ComplaintAction.TRIAGED, ComplaintAction.CLOSED]).order_by("created_at"):
        if event.action == ComplaintAction.CLOSED:
            steps.append(PublicStep(event.created_at, gettext("已办结")))
        else:
            outcome = event.data.get("outcome", "")
            steps.append(PublicStep(event.created_at, {
                ComplaintOutcome.QUESTION: gettext("已答复"),
                ComplaintOutcome.REFERRED: gettext("已转有关部门办理"),
                ComplaintOutcome.INVESTIGATED: gettext("已立案，督促学校整改"),
                ComplaintOutcome.KEPT_FOR_VISIT: gettext("已答复，待督导时现场核实"),
                ComplaintOutcome.UNFOUNDED: gettext("已核实并答复"),
            }.get(outcome, gettext("已处理"))))
    return steps


# --- statistics ---------------------------------------------------------------------------------------------
@dataclass
class SchoolLine:
    school_id: int
    name: str
    code: str
    total: int = 0
    outcomes: Counter = field(default_factory=Counter)
    pending: int = 0
    overdue: int = 0
    response_days: list[float] = field(default_factory=list)

    @property
    def average_days(self) -> float | None:
        return round(sum(self.response_days) / len(self.response_days), 1) if self.response_days else None


@dataclass
class ComplaintStats:
    start: date
    end: date
    total: int
    by_outcome: list[tuple[str, str, int]]  # (code, label, n), pending last
    by_category: list[tuple[str, int]]
    by_channel: list[tuple[str, int]]
    by_month: list[tuple[str, int]]
    schools: list[SchoolLine]
    answered: int
    on_time: int
    overdue_now: int
    average_days: float | None

    @property
    def question_share(self) -> float:
        n = next((n for code, _label, n in self.by_outcome if code == ComplaintOutcome.QUESTION), 0)
        triaged = sum(n for code, _label, n in self.by_outcome if code)
        return round(100 * n / triaged, 1) if triaged else 0.0

    @property
    def on_time_share(self) -> float:
        return round(100 * self.on_time / self.answered, 1) if self.answered else 0.0


def complaint_stats(*, user: User, start: date, end: date) -> ComplaintStats:
    """Counts over the complaints the user sees, received between `start` and `end`: by outcome
    (most contacts are questions), category, channel, month and school; response times in days
    (answered_at − received_at) and the share answered by the deadline."""
    from django.utils.translation import gettext

    # Plain tuples, not model instances, and the time zone looked up once: a province's year is
    # thousands of complaints, and building a Complaint and a School per row (plus a thread-local
    # time-zone lookup per date) took most of the page's time.
    # The local days as a range of instants (what `received_at__date` means, in the current time
    # zone): the index on received_at serves it, and the planner's estimate is right.
    tz = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(start, time.min), tz)
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz)
    rows = (Complaint.objects.visible_to(user).filter(received_at__gte=since, received_at__lt=until)
            .order_by("received_at")
            .values_list("school_id", "school__name", "school__code", "state", "outcome", "category", "channel",
                         "received_at", "answered_at", "response_due"))
    today = timezone.localdate()
    outcomes: Counter = Counter()
    categories: Counter = Counter()
    channels: Counter = Counter()
    months: Counter = Counter()
    schools: dict[int, SchoolLine] = {}
    days: list[float] = []
    answered = on_time = overdue = total = 0
    closed = ComplaintState.CLOSED
    for school_id, school_name, school_code, state, outcome, category, channel, received_at, answered_at, due in rows:
        total += 1
        outcomes[outcome] += 1
        categories[category] += 1
        channels[channel] += 1
        months[received_at.astimezone(tz).strftime("%Y-%m")] += 1
        line = schools.get(school_id)
        if line is None:
            line = schools[school_id] = SchoolLine(school_id, school_name, school_code)
        line.total += 1
        line.outcomes[outcome] += 1
        if answered_at:
            answered += 1
            took = (answered_at - received_at).total_seconds() / 86400
            days.append(took)
            line.response_days.append(took)
            if answered_at.astimezone(tz).date() <= due:
                on_time += 1
        elif state != closed:
            line.pending += 1
            if due < today:
                overdue += 1
                line.overdue += 1
    labels = category_labels()
    by_outcome = [(code, str(label), outcomes[code]) for code, label in ComplaintOutcome.choices]
    by_outcome.append(("", gettext("待处理"), outcomes[""]))
    return ComplaintStats(
        start=start, end=end, total=total, by_outcome=by_outcome,
        by_category=[(labels.get(code, code), n) for code, n in categories.most_common()],
        by_channel=[(str(ComplaintChannel(code).label) if code in ComplaintChannel.values else code, n)
                    for code, n in channels.most_common()],
        by_month=sorted(months.items()),
        schools=sorted(schools.values(), key=lambda s: (-s.total, s.code)),
        answered=answered, on_time=on_time, overdue_now=overdue,
        average_days=round(sum(days) / len(days), 1) if days else None,
    )


STATS_HEADERS = ["学校", "学校标识码", "反映总数", *[str(label) for _code, label in ComplaintOutcome.choices], "待处理",
                 "逾期未答复", "平均答复用时（天）"]


def stats_export_rows(stats: ComplaintStats) -> list[list]:
    codes = ComplaintOutcome.values
    return [[s.name, s.code, s.total, *[s.outcomes[c] for c in codes], s.pending, s.overdue,
             s.average_days if s.average_days is not None else ""] for s in stats.schools]


def handler_view(user: User, complaint: Complaint) -> dict:
    """What the detail page and the API may show this user about one complaint."""
    contact = access.sees_complaint_contact(user, complaint)
    return {
        "sees_contact": contact,
        "may_handle": access.may_handle_complaint(user, complaint),
        "phone": phone_for(user, complaint),
        "contact_name": complaint.contact_name if contact else ("（已隐藏）" if complaint.contact_name else ""),
        "reply_methods": ReplyMethod.choices,
    }
