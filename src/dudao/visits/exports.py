"""The compliance table as Excel sheets and as notes (rules and their sources): the same
`compliance_table` the page shows, so the page, the file and the API (api/visits.py) agree."""

from __future__ import annotations

from django.utils import timezone

from dudao.core.sources import readable
from dudao.visits.compliance import Column, ComplianceReport, SupervisorLine


def supervisor_headers(columns: list[Column], *, with_months: bool) -> list[str]:
    headers = ["督学", "类别", "督导室", "挂牌学校数", "本期督导次数"]
    for column in columns:
        done, required = column.counts
        headers += [f"{column.label}：{done}", f"{column.label}：{required}"]
    if with_months:
        headers += ["未达标月数", "已结束月数"]
    return [*headers, "状态"]


def supervisor_cells(line: SupervisorLine, *, with_months: bool) -> list:
    s = line.row.supervisor
    cells: list = [s.name, s.get_kind_display(), s.office.name, line.row.schools, line.row.visits]
    for cell in line.cells:
        cells += ["", ""] if cell is None else [cell[0].done, cell[0].required]
    if with_months:
        cells += [line.row.months_short, line.row.months_judged or 0]
    return [*cells, line.state_label]


SCHOOL_HEADERS = ["学校", "学校标识码", "所在区划", "责任区", "责任督学", "本期督导次数", "要求次数", "差几次", "最近一次督导"]


def school_cells(row) -> list:
    return [row.school.name, row.school.code, row.school.region_name, row.zone, "、".join(row.responsible), row.visits,
            row.required, row.shortfall, row.last_visit.isoformat() if row.last_visit else "从未督导"]


def compliance_sheets(report: ComplianceReport, columns: list[Column], lines: list[SupervisorLine]) -> list:
    with_months = report.period.kind != "month"
    return [
        ("督学完成情况", supervisor_headers(columns, with_months=with_months),
         (supervisor_cells(line, with_months=with_months) for line in lines)),
        ("未达标学校", SCHOOL_HEADERS, (school_cells(row) for row in report.schools_behind)),
    ]


def compliance_notes(report: ComplianceReport) -> list[str]:
    notes = [f"{report.office.name} {report.period.label}（{report.period.start} 至 {report.period.end}）督导配额完成情况",
             f"统计日期：{timezone.localdate()}；周期已过 {round(report.elapsed * 100)}%",
             "按学校统计的口径为“达标学校数 / 挂牌学校数（或负责学校数）”；学期和年度中的每月规则按已结束的月份逐月判断，为“达标月数 / 已结束月数”。",
             "本周期采用的配额规则："]
    for rule in report.rules:
        owner = rule.office.name if rule.office else "全国默认"
        kind = rule.get_supervisor_kind_display() if rule.supervisor_kind else "全部督学"
        notes.append(f"· {rule.get_zone_level_display()}（{kind}）{rule.get_metric_display()}（{rule.get_period_display()}）"
                     f"至少 {rule.required} 次；制定单位：{owner}；依据：{readable(rule.source)}；自 {rule.valid_from} 起")
    return notes
