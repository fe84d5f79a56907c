"""The text of a monthly work summary, written from its figures the way seed 002 writes one
("本月共开展经常性督导X次，覆盖学校Y所，……").

One function per section returns its sentence in the active language; the figures page calls them as
they are (English for an English reader), the document calls them under `translation.override("zh-hans")`
(an official document is Chinese), so the page's Chinese text and the document's paragraphs are the
same strings. `sections()` is the one list of (heading, sentence, table) the page, the Excel file and the
document body walk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from dudao.core.charts import stacked_bar_chart
from dudao.monthly.figures import MAX_NAMES, MAX_ZONES

HEADING_NUMBERS = "一二三四五六七八九十"


def _n(value: float | int) -> str:
    """12.0 → "12", 12.5 → "12.5"."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _day(iso: str) -> str:
    d = date.fromisoformat(iso)
    return _("%(month)s月%(day)s日") % {"month": d.month, "day": d.day}


def _names(rows: list[dict], limit: int = MAX_NAMES) -> str:
    names = [r["name"] for r in rows[:limit]]
    text = _("、").join(names)
    if len(rows) > limit:
        text += _("等")
    return text


def _when(f: dict) -> str:
    """"本月" for a month that is over, "本月（截至12月7日）" for the current one."""
    return _("本月") if f["complete"] else _("本月（截至%(day)s）") % {"day": _day(f["as_of"])}


@dataclass
class Section:
    key: str
    heading: str
    text: str
    header: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)


def team_text(f: dict) -> str:
    t = f["team"]
    parts = [_("截至%(day)s，在岗督学%(total)s人，其中专职督学%(full)s人、兼职督学%(part)s人") % {
        "day": _day(f["as_of"]), "total": t["after"], "full": t["full_time"][1], "part": t["part_time"][1]}]
    diff = t["after"] - t["before"]
    if diff > 0:
        parts.append(_("较上月末增加%(n)s人") % {"n": diff})
    elif diff < 0:
        parts.append(_("较上月末减少%(n)s人") % {"n": -diff})
    else:
        parts.append(_("与上月末持平"))
    if t["joined"]:
        parts.append(_("本月新聘（任）督学%(n)s人（%(names)s）") % {"n": len(t["joined"]), "names": _names(t["joined"])})
    if t["left"]:
        parts.append(_("离任或暂停履职%(n)s人（%(names)s）") % {"n": len(t["left"]), "names": _names(t["left"])})
    if not t["joined"] and not t["left"]:
        parts.append(_("本月督学队伍无变动"))
    if t["average_age"][1] is not None:
        parts.append(_("平均年龄%(age)s岁") % {"age": _n(t["average_age"][1])})
    return _("，").join(parts) + _("。")


def training_text(f: dict) -> str:
    t = f["training"]
    if not t["sessions"]:
        return _("%(when)s未组织督学培训。") % {"when": _when(f)}
    return _("%(when)s共组织督学培训%(sessions)s场、%(hours)s学时，参训督学%(people)s人次，累计%(person_hours)s学时。") % {
        "when": _when(f), "sessions": t["sessions"], "hours": _n(t["hours"]), "people": t["attendances"],
        "person_hours": _n(t["person_hours"])}


def visits_text(f: dict) -> str:
    v = f["visits"]
    share = round(100 * v["visited"] / v["schools"], 1) if v["schools"] else 0.0
    text = _("%(when)s共开展经常性督导%(visits)s次，覆盖学校%(visited)s所，占责任区学校%(schools)s所的%(share)s%%") % {
        "when": _when(f), "visits": v["visits"], "visited": v["visited"], "schools": v["schools"], "share": _n(share)}
    parts = [text]
    if v["not_visited"]:
        parts.append(_("%(n)s所学校本月尚未督导") % {"n": v["not_visited"]})
    if v["behind"]:
        parts.append(_("%(n)s所学校未达到督导次数要求，共差%(short)s次") % {"n": v["behind"], "short": v["shortfall"]})
    if v["supervisors_behind"]:
        parts.append(_("%(n)s名督学未完成本月督导任务") % {"n": v["supervisors_behind"]})
    elif v["supervisors"]:
        parts.append(_("督学均完成本月督导任务"))
    return _("；").join(parts) + _("。")


def campaigns_text(f: dict) -> str:
    c = f["campaigns"]
    if not (c["started"] or c["finished"] or c["in_progress"]):
        return _("%(when)s无在办的专项督导、综合督导项目。") % {"when": _when(f)}
    text = _("%(when)s启动督导项目%(started)s项，办结%(finished)s项，月末在办%(open)s项") % {
        "when": _when(f), "started": len(c["started"]), "finished": len(c["finished"]), "open": len(c["in_progress"])}
    if c["started"]:
        text += _("；新启动的有%(names)s") % {"names": _names(c["started"])}
    return text + _("。")


def findings_text(f: dict) -> str:
    x = f["findings"]
    return _("%(when)s新发现问题%(opened)s个，整改销号%(closed)s个；截至%(day)s，尚未整改完成%(unfinished)s个，其中逾期%(overdue)s个。") % {
        "when": _when(f), "opened": x["opened"], "closed": x["closed"], "day": _day(f["as_of"]),
        "unfinished": x["unfinished"], "overdue": x["overdue"]}


def complaints_text(f: dict) -> str:
    c = f["complaints"]
    return _("%(when)s受理群众反映%(received)s件，答复%(handled)s件，其中经核实属实、立案整改%(upheld)s件；尚未答复%(pending)s件。") % {
        "when": _when(f), "received": c["received"], "handled": c["handled"], "upheld": c["upheld"], "pending": c["pending"]}


def monitoring_text(f: dict) -> str:
    m = f["monitoring"]
    if not (m["schools"] or m["areas"] or m["alerts"]):
        return _("%(when)s未更新义务教育均衡发展监测数据，无新增监测预警。") % {"when": _when(f)}
    return _("%(when)s更新义务教育均衡发展监测结果，涉及学校%(schools)s所、区域%(areas)s个，其中学校未达标%(failing)s所；监测预警转入整改台账%(alerts)s个。") % {
        "when": _when(f), "schools": m["schools"], "areas": m["areas"], "failing": m["failing"], "alerts": m["alerts"]}


def surveys_text(f: dict) -> str:
    s = f["surveys"]
    return _("%(when)s开展问卷调查%(n)s项，收回有效问卷%(responses)s份。") % {
        "when": _when(f), "n": s["surveys"], "responses": s["responses"]}


def _kind_label(kind: str) -> str:
    from dudao.supervisors.models import SupervisorKind

    return str(SupervisorKind(kind).label) if kind in SupervisorKind.values else kind


def sections(f: dict) -> list[Section]:
    """The summary's sections in order, in the active language (the survey section only when there were any)."""
    from dudao.campaigns.models import CampaignKind
    from dudao.supervisors.models import SupervisorStatus, TrainingMode

    team = f["team"]
    changes = [[_("新聘（任）"), r["name"], _kind_label(r["kind"]), r["office"]] for r in team["joined"]]
    changes += [[str(SupervisorStatus(r["status"]).label) if r["status"] in SupervisorStatus.values else _("离任"),
                 r["name"], _kind_label(r["kind"]), r["office"]] for r in team["left"]]
    training = [[r["day"], r["topic"], str(TrainingMode(r["mode"]).label) if r["mode"] in TrainingMode.values else r["mode"],
                 _n(r["hours"]), r["people"]] for r in f["training"]["list"]]
    zones = [[name, n, visited, n - visited] for name, n, visited in f["visits"]["zones"][:MAX_ZONES]]
    kinds = dict(CampaignKind.choices)
    campaigns = [[group, r["name"], str(kinds.get(r["kind"], r["kind"])), r["state"]]
                 for group, key in ((_("本月启动"), "started"), (_("本月办结"), "finished"), (_("月末在办"), "in_progress"))
                 for r in f["campaigns"][key]]
    x, c, m = f["findings"], f["complaints"], f["monitoring"]
    out = [
        Section("team", _("督学队伍建设"), team_text(f), [_("变动"), _("姓名"), _("类别"), _("所属督导室")], changes),
        Section("training", _("督学培训"), training_text(f), [_("日期"), _("培训主题"), _("方式"), _("学时"), _("参训人次")],
                training),
        Section("visits", _("经常性督导"), visits_text(f), [_("责任区"), _("学校数"), _("已督导"), _("未督导")], zones),
        Section("campaigns", _("专项督导与综合督导"), campaigns_text(f), [_("情况"), _("项目名称"), _("类型"), _("状态")],
                campaigns),
        Section("findings", _("问题整改"), findings_text(f), [_("新发现"), _("销号"), _("未完成"), _("逾期")],
                [[x["opened"], x["closed"], x["unfinished"], x["overdue"]]]),
        Section("complaints", _("群众反映办理"), complaints_text(f), [_("受理"), _("答复"), _("属实"), _("未答复")],
                [[c["received"], c["handled"], c["upheld"], c["pending"]]]),
        Section("monitoring", _("均衡发展监测"), monitoring_text(f), [_("更新学校"), _("更新区域"), _("未达标学校"), _("预警转整改")],
                [[m["schools"], m["areas"], m["failing"], m["alerts"]]]),
    ]
    if f["surveys"]["surveys"]:
        out.append(Section("surveys", _("问卷调查"), surveys_text(f), [_("调查名称"), _("开始日期"), _("截止日期"), _("本月有效问卷")],
                           [[r["name"], r["opens_on"], r["closes_on"], r["responses"]] for r in f["surveys"]["list"]]))
    return out


def visits_chart(f: dict) -> dict:
    """The one chart: schools visited and not visited per zone (at most MAX_ZONES, the least covered first)."""
    zones = f["visits"]["zones"][:MAX_ZONES]
    return stacked_bar_chart(_("各责任区学校督导覆盖情况"), [z[0] for z in zones],
                             [(_("已督导"), [z[2] for z in zones]), (_("未督导"), [z[1] - z[2] for z in zones])],
                             colors=["#2fb344", "#d63939"])


def title(f: dict) -> str:
    return _("%(office)s%(year)s年%(month)s月工作月报") % {"office": f["office"], "year": f["year"], "month": f["month"]}


def intro(f: dict) -> str:
    return _("现将%(year)s年%(month)s月教育督导工作情况报告如下：") % {"year": f["year"], "month": f["month"]}


PLAN_PLACEHOLDER = "（请填写下月工作打算。）"


def document_body(f: dict) -> list[dict]:
    """The body blocks of the summary's document, in Chinese: per section a level-1 heading, the
    sentence, its table when it has rows; the chart after the visits' sentence; then 下月工作打算."""
    with translation.override("zh-hans"):
        blocks: list[dict] = [{"type": "p", "text": intro(f)}]
        parts = sections(f)
        for i, s in enumerate(parts):
            blocks.append({"type": "h1", "text": f"{HEADING_NUMBERS[i]}、{s.heading}"})
            blocks.append({"type": "p", "text": s.text})
            if s.key == "visits" and s.rows:
                blocks.append({"type": "chart", "text": _("各责任区学校督导覆盖情况"), "chart": visits_chart(f)})
            if s.rows and s.key not in ("findings", "complaints", "monitoring"):
                blocks.append({"type": "table", "header": s.header, "rows": [[str(c) for c in r] for r in s.rows]})
        blocks.append({"type": "h1", "text": f"{HEADING_NUMBERS[len(parts)]}、下月工作打算"})
        blocks.append({"type": "p", "text": PLAN_PLACEHOLDER})
        return blocks


def document_title(f: dict) -> str:
    with translation.override("zh-hans"):
        return title(f)
