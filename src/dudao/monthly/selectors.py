"""Reads of the monthly work summaries: whose offices a person may open, the months of an office, one
summary (404 outside what the person reads), and the Excel sheets drawn from the snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.urls import NoReverseMatch, reverse

from dudao.access import get_visible_or_404
from dudao.monthly import writing
from dudao.monthly.models import MonthlySummary

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Office

MONTHS_SHOWN = 12


def summary_offices(user: User) -> list[Office]:
    """Province, city and county offices whose summaries the person reads (staff and leaders of the
    office or above, admins), their own first (visits.selectors.report_offices: the same rule)."""
    from dudao.visits.selectors import report_offices

    return report_offices(user)


def summary_office(user: User, pk=None) -> Office:
    """The office asked for (404 outside the scope, 403 seen only through one's schools), else the
    person's own; 403 for those who read no office's summaries."""
    from dudao.visits.selectors import report_office_for

    return report_office_for(user, pk)


def draft_offices(user: User) -> list[Office]:
    """The offices the person may draft a summary for (their staff and those above, admins)."""
    from dudao.documents.access import may_draft

    return [o for o in summary_offices(user) if may_draft(user, o)]


def access_summary(user: User, pk) -> MonthlySummary:
    return get_visible_or_404(MonthlySummary.objects.visible_to(user).select_related("office__region", "document"), pk=pk)


def document_url(pk: int) -> str:
    """The generic document page (审核, 签发, versions) of the documents app."""
    try:
        return reverse("documents:detail", kwargs={"pk": pk})
    except NoReverseMatch:  # the documents pages are merged from another branch
        return f"/documents/{pk}/"


@dataclass
class MonthRow:
    year: int
    month: int
    summary: MonthlySummary | None
    current: bool

    @property
    def key(self) -> str:
        return f"{self.year}-{self.month:02d}"


def month_rows(*, user: User, office: Office, today: date) -> list[MonthRow]:
    """The office's last twelve months (current first) with their summary if drafted, then any older
    summaries."""
    summaries = {(s.year, s.month): s for s in MonthlySummary.objects.visible_to(user).filter(office=office)
                 .select_related("document")}
    rows: list[MonthRow] = []
    year, month = today.year, today.month
    for i in range(MONTHS_SHOWN):
        rows.append(MonthRow(year, month, summaries.pop((year, month), None), current=i == 0))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    rows += [MonthRow(y, m, s, False) for (y, m), s in sorted(summaries.items(), reverse=True)]
    return rows


def export_sheets(summary: MonthlySummary) -> tuple[list[tuple[str, list[str], list[list[Any]]]], list[str]]:
    """The Excel file: one sheet of every figure (section, item, value), one per section table, and the
    section sentences as notes — all from the snapshot, as the page and the document are."""
    from django.utils import translation

    f = summary.figures
    with translation.override("zh-hans"):
        parts = writing.sections(f)
        t, tr, v, x, c, m, s = (f["team"], f["training"], f["visits"], f["findings"], f["complaints"],
                                f["monitoring"], f["surveys"])
        overview = [
            ["督学队伍", "上月末在岗督学（人）", t["before"]], ["督学队伍", "在岗督学（人）", t["after"]],
            ["督学队伍", "专职督学（人）", t["full_time"][1]], ["督学队伍", "兼职督学（人）", t["part_time"][1]],
            ["督学队伍", "新聘（任）（人）", len(t["joined"])], ["督学队伍", "离任或暂停履职（人）", len(t["left"])],
            ["督学培训", "培训场次", tr["sessions"]], ["督学培训", "培训学时", tr["hours"]],
            ["督学培训", "参训人次", tr["attendances"]], ["督学培训", "累计学时", tr["person_hours"]],
            ["经常性督导", "督导次数", v["visits"]], ["经常性督导", "责任区学校（所）", v["schools"]],
            ["经常性督导", "已督导学校（所）", v["visited"]], ["经常性督导", "未督导学校（所）", v["not_visited"]],
            ["经常性督导", "未达次数要求学校（所）", v["behind"]], ["经常性督导", "差督导次数", v["shortfall"]],
            ["经常性督导", "未完成任务督学（人）", v["supervisors_behind"]],
            ["督导项目", "本月启动", len(f["campaigns"]["started"])], ["督导项目", "本月办结", len(f["campaigns"]["finished"])],
            ["督导项目", "月末在办", len(f["campaigns"]["in_progress"])],
            ["问题整改", "新发现问题", x["opened"]], ["问题整改", "整改销号", x["closed"]],
            ["问题整改", "尚未整改完成", x["unfinished"]], ["问题整改", "逾期", x["overdue"]],
            ["群众反映", "受理", c["received"]], ["群众反映", "答复", c["handled"]], ["群众反映", "属实", c["upheld"]],
            ["群众反映", "尚未答复", c["pending"]],
            ["均衡发展监测", "更新学校（所）", m["schools"]], ["均衡发展监测", "更新区域（个）", m["areas"]],
            ["均衡发展监测", "未达标学校（所）", m["failing"]], ["均衡发展监测", "预警转整改（个）", m["alerts"]],
            ["问卷调查", "调查项数", s["surveys"]], ["问卷调查", "有效问卷（份）", s["responses"]],
        ]
        sheets: list[tuple[str, list[str], list[list[Any]]]] = [("数据", ["方面", "项目", "数值"], overview)]
        for part in parts:
            if part.key == "visits":
                zones = [[name, n, visited, n - visited] for name, n, visited in v["zones"]]  # every zone
                sheets.append((part.heading, part.header, zones))
            elif part.rows and part.key not in ("findings", "complaints", "monitoring"):
                sheets.append((part.heading, part.header, part.rows))
        notes = [writing.title(f), f"统计期间：{f['start']} 至 {f['as_of']}",
                 *[f"{p.heading}：{p.text}" for p in parts]]
    return sheets, notes
