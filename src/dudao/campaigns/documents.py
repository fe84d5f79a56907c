"""The documents of a school campaign drafted from its data on the one engine (documents.services):
督导通知书 (before), 督导报告 per school and the campaign's summary report, 督导意见书 per school
(after) and the 自评报告 template a school fills in during 自查自纠 (docs/documents.md "Document types").

Why here: the builders read the campaign's results, scores and findings; documents sits below
campaigns and knows nothing of them. Each builder makes (or, while it is still a draft, makes
again) one `Document` whose `source` names what it was drafted from, so pressing the button twice
never makes a second draft; a document already sent for checking or issued is left alone.

The text is written in Chinese whatever the language of the person who drafts it (an official
document is Chinese; `translation.override`). An office that keeps its own wording of a kind
(`DocumentTemplate`, see `documents.services.template_for`) gets its text filled with the builder's
`data`, and the data tables and charts follow it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from dudao.campaigns import scoring
from dudao.campaigns.models import Campaign, CampaignSchool, SchoolResult, Score, ScoreKind, SelfInspection
from dudao.campaigns.results import (
    DEFAULT_RECTIFICATION_DAYS,
    _item_rows,
    evaluate,
    is_problem,
    load_tree,
    stream_answers,
)
from dudao.documents import access as document_access
from dudao.documents import services as docs
from dudao.documents.models import Document, DocumentEvent, DocumentKind, DocumentStatus
from dudao.documents.render import chinese_date

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.schools.models import School

CENT = Decimal("0.01")
OTHER = 0  # the section key of items at the top of the framework (no first-level indicator above them)
# The ranking table of the summary report lists every school up to this many, else the first and last.
RANKING_ALL = 100
RANKING_EDGE = 30
COMMON_PROBLEMS = 10


def campaign_source(campaign: Campaign) -> str:
    return f"campaigns.Campaign:{campaign.pk}"


def school_source(entry: CampaignSchool) -> str:
    return f"campaigns.CampaignSchool:{entry.pk}"


def points(value: Decimal | int | None) -> str:
    """12.50 → "12.5", 10.00 → "10", None → "—" (a score as a report writes it)."""
    if value is None:
        return "—"
    text = f"{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _number(value: Decimal | None) -> float | None:
    """A chart value (JSON)."""
    return None if value is None else float(value.quantize(CENT, rounding=ROUND_HALF_UP))


# --- the figures of a campaign, read once for any number of schools ---------------------------------
@dataclass
class Section:
    """A first-level indicator (一级指标) and the most it scores."""

    key: int
    code: str
    text: str
    top: Decimal


@dataclass
class CampaignFigures:
    """Everything a report needs beyond the school itself, from one pass over the score tally:
    per school the verified score (cents) and the self score of every item, the sections' scores,
    and the campaign's average per section. Built once, reused for every school's report (the
    benchmark drafts 1,000 of them)."""

    campaign: Campaign
    tree: scoring.Tree
    sections: list[Section]
    verified: dict[int, dict[int, int]] = field(default_factory=dict)  # school → item → cents
    own: dict[int, dict[int, int]] = field(default_factory=dict)  # school → item → self cents
    notes: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    results: dict[int, SchoolResult] = field(default_factory=dict)
    scope: int = 0

    def section_scores(self, school_id: int) -> dict[int, Decimal]:
        """The verified points per first-level indicator, each item capped at its max and each
        section at its own (as the total is summed: scoring.totals)."""
        sums: dict[int, int] = {}
        for item_id, cents in self.verified.get(school_id, {}).items():
            item = self.tree.items[item_id]
            if item.max_score is not None:
                cents = min(cents, scoring.to_cents(item.max_score) or 0)
            key = self.tree.top_of(item) or OTHER
            sums[key] = sums.get(key, 0) + cents
        tops = {s.key: scoring.to_cents(s.top) or 0 for s in self.sections}
        return {key: Decimal(min(cents, tops.get(key, cents))).scaleb(-2) for key, cents in sums.items()}

    def averages(self) -> dict[int, Decimal]:
        """The mean of the schools' section scores over the schools with a verified score, rounded
        half up to 0.01."""
        if not hasattr(self, "_averages"):
            total: dict[int, Decimal] = {}
            schools = [s for s in self.verified if self.verified[s]]
            for school_id in schools:
                for key, value in self.section_scores(school_id).items():
                    total[key] = total.get(key, Decimal(0)) + value
            self._averages = {key: (value / len(schools)).quantize(CENT, rounding=ROUND_HALF_UP)
                              for key, value in total.items()} if schools else {}
        return self._averages

    def item_problems(self, school_id: int) -> list[scoring.Item]:
        """The school's items that lost marks enough to be a problem (results.is_problem)."""
        out = []
        for item_id, cents in self.verified.get(school_id, {}).items():
            item = self.tree.items[item_id]
            if is_problem(item, scoring.from_cents(cents), self.notes.get((school_id, item_id), [])):
                out.append(item)
        return out

    def full_marks(self, school_id: int) -> list[scoring.Item]:
        out = []
        for item_id, cents in self.verified.get(school_id, {}).items():
            item = self.tree.items[item_id]
            if item.max_score is not None and item.max_score > 0 and cents >= (scoring.to_cents(item.max_score) or 0):
                out.append(item)
        return out


def sections_of(tree: scoring.Tree) -> list[Section]:
    """The first-level indicators in framework order with their max (their own, else the sum of
    their items'); items at the top of the framework form one more section, 其他指标."""
    item_tops: dict[int, Decimal] = {}
    for item in tree.items.values():
        key = tree.top_of(item) or OTHER
        item_tops[key] = item_tops.get(key, Decimal(0)) + (item.max_score or Decimal(0))
    out = [Section(node.id, node.code, node.text, node.max_score if node.max_score is not None
                   else item_tops.get(node.id, Decimal(0)))
           for node in tree.nodes.values() if node.parent_id is None]
    if OTHER in item_tops:
        out.append(Section(OTHER, "", "其他指标", item_tops[OTHER]))
    return out


def campaign_figures(campaign: Campaign, *, school_ids: list[int] | None = None) -> CampaignFigures:
    """The figures of `CampaignFigures`: the score tally's fast path (mean and leader rules) or, for
    the median rule, every school's answers through `evaluate` (the results' own two paths)."""
    tree = load_tree(campaign.framework_version)
    figures = CampaignFigures(campaign=campaign, tree=tree, sections=sections_of(tree))
    figures.scope = CampaignSchool.objects.filter(campaign=campaign).count()
    if campaign.aggregation == scoring.MEDIAN:
        for school_id, answers in stream_answers(campaign, with_notes=True):
            outcome = evaluate(tree, campaign, answers)
            for row in outcome.items:
                if row.verified is not None:
                    figures.verified.setdefault(school_id, {})[row.item.id] = scoring.to_cents(row.verified) or 0
                if row.self_score is not None:
                    figures.own.setdefault(school_id, {})[row.item.id] = scoring.to_cents(row.self_score) or 0
            for item_id, notes in answers.notes.items():
                figures.notes[(school_id, item_id)] = notes
    else:
        for school_id, item_id, self_c, _yes, verified, _no in _item_rows(campaign):
            if item_id not in tree.items:
                continue
            if verified is not None:
                figures.verified.setdefault(school_id, {})[item_id] = verified
            if self_c is not None:
                figures.own.setdefault(school_id, {})[item_id] = self_c
        note_rows = (Score.objects.filter(campaign=campaign, kind__in=[ScoreKind.ONSITE, ScoreKind.RECONCILED,
                                                                   ScoreKind.REINSPECTION])
                 .exclude(note="").order_by("id").values_list("school_id", "indicator_id", "note"))
        if school_ids is not None:
            note_rows = note_rows.filter(school_id__in=school_ids)
        for school_id, item_id, note in note_rows:
            if note.strip():
                figures.notes.setdefault((school_id, item_id), []).append(note.strip())
    results = SchoolResult.objects.filter(campaign=campaign)
    if school_ids is not None:
        results = results.filter(school_id__in=school_ids)
    figures.results = {r.school_id: r for r in results}
    return figures


# --- saving a draft: once per source and kind --------------------------------------------------------
def _may_draft(by: User | None, campaign: Campaign, check: bool) -> None:
    if check and (by is None or not document_access.may_draft(by, campaign.office)):
        raise PermissionDenied(_("只有组织督导室的工作人员可以起草本项目的公文。"))


def _wording(kind: str, campaign: Campaign, data: dict[str, Any], blocks: list[dict], tables: list[dict]
             ) -> tuple[str, list[dict]]:
    """The office's own wording of `kind` when it keeps one (filled with `data`, then the tables and
    charts), else the builder's text with the tables and charts in their places."""
    template = docs.template_for(kind, campaign.office)
    # the built-in wording (office None) is generic: the builder's own text, written from the data, is
    # richer; an office's own copy is its choice and wins
    if template is not None and template.office_id is not None and template.body.strip():
        title = docs.fill(template.title, data) if template.title else ""
        return title, docs.text_to_blocks(docs.fill(template.body, data)) + tables
    return "", blocks


@transaction.atomic
def save_draft(*, by: User | None, campaign: Campaign, kind: str, source: str, title: str, body: list[dict],
               data: dict[str, Any], tables: list[dict] | None = None, recipients: list[dict] | None = None,
               school: School | None = None, check: bool = True, **fields: Any) -> Document:
    """The draft of `kind` for `source`: created, or written again while it is still a draft (after a
    re-inspection the figures change); once sent for checking or issued it is the office's, untouched.
    `tables`: the data blocks that follow an office's own wording (see `_wording`)."""
    _may_draft(by, campaign, check)
    own_title, blocks = _wording(kind, campaign, data, body, tables or [])
    title = own_title or title
    existing = (Document.objects.select_for_update().filter(source=source, kind=kind)
                .order_by("-created_at").first())
    if existing is not None and existing.status != DocumentStatus.DRAFT:
        return existing
    if existing is None:
        return docs.create_draft(by=by, office=campaign.office, kind=kind, title=title, body=blocks,
                                 recipients=recipients or [], source=source, school=school, check=False,
                                 template=docs.template_for(kind, campaign.office), **fields)
    existing.title, existing.body = title, docs.keyed(blocks)
    for key, value in fields.items():
        setattr(existing, key, value)
    existing.save()
    docs.set_recipients(existing, recipients or [])
    DocumentEvent.objects.create(document=existing, action=DocumentEvent.Action.EDITED, by=by,
                                 note="根据最新数据重新生成")
    return existing


# --- shared pieces ----------------------------------------------------------------------------------
def _window(campaign: Campaign) -> str:
    if campaign.onsite_start and campaign.onsite_end:
        return f"{chinese_date(campaign.onsite_start)}至{chinese_date(campaign.onsite_end)}"
    if campaign.onsite_start:
        return f"{chinese_date(campaign.onsite_start)}起"
    return ""


def _basis(campaign: Campaign) -> str:
    return campaign.basis.strip() or "根据《教育督导条例》《中小学校责任督学挂牌督导办法》及本次督导实施方案"


def _paragraphs(text: str) -> list[dict]:
    return [{"type": "p", "text": line.strip()} for line in text.splitlines() if line.strip()]


def _deadline(campaign: Campaign):
    return campaign.rectification_deadline or (timezone.localdate() + timedelta(days=DEFAULT_RECTIFICATION_DAYS))


def _entry(campaign: Campaign, school: School) -> CampaignSchool:
    entry = (CampaignSchool.objects.filter(campaign=campaign, school=school)
             .select_related("school__region", "team").first())
    if entry is None:
        raise ValidationError(_("该学校不在本次督导范围内。"))
    return entry


def _school_findings(campaign: Campaign, school_id: int) -> list:
    """The findings this campaign registered for the school in the one ledger (results.
    campaign_findings_create), in the order they were found."""
    from dudao.findings.models import Finding, FindingSource

    return list(Finding.objects.filter(source=FindingSource.CAMPAIGN, source_data__campaign=campaign.pk,
                                       school_id=school_id).order_by("id"))


def _scores_blocks(figures: CampaignFigures, school_id: int) -> list[dict]:
    """The table and bar chart of the school's first-level indicator scores against the campaign's
    average."""
    mine, average = figures.section_scores(school_id), figures.averages()
    rows = []
    for s in figures.sections:
        got, avg = mine.get(s.key), average.get(s.key)
        rate = f"{(got / s.top * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%" if (
            got is not None and s.top) else "—"
        diff = "—" if got is None or avg is None else (("+" if got >= avg else "") + points(got - avg))
        rows.append([f"{s.code} {s.text}".strip(), points(s.top), points(got), rate, points(avg), diff])
    chart = {"kind": "bar", "title": "一级指标得分与全部学校平均分",
             "labels": [s.text for s in figures.sections],
             "series": [{"name": "本校得分", "values": [_number(mine.get(s.key)) for s in figures.sections]},
                        {"name": "全部学校平均", "values": [_number(average.get(s.key)) for s in figures.sections]}]}
    return [{"type": "table", "header": ["一级指标", "满分", "本校得分", "得分率", "全部学校平均", "差值"], "rows": rows},
            {"type": "chart", "chart": chart}]


def _result_sentence(figures: CampaignFigures, school_id: int) -> str:
    result = figures.results.get(school_id)
    tree = figures.tree
    if result is None or result.verified_total is None:
        return "本校尚无核查结果（结果计算后重新生成本报告）。"
    out_of = f"（满分{points(tree.total_score)}分）" if tree.total_score else ""
    text = f"经核查，本校总分{points(result.verified_total)}分{out_of}，等级为{result.grade or '—'}"
    if result.rank:
        ranked = sum(1 for r in figures.results.values() if r.rank)
        text += f"，在参加本次督导并完成核查的{ranked}所学校中排名第{result.rank}位"
    text += "。"
    if result.vetoed:
        text += "存在一票否决项未达标，等级按不合格认定。"
    return text


def _problem_blocks(figures: CampaignFigures, school_id: int, findings: list) -> list[dict]:
    """The school's problems: the findings registered in the ledger with their state, else the items
    that lost marks (not yet registered)."""
    if findings:
        rows = [[str(n), f.description.replace("\n", "；"), f.requirement, chinese_date(f.deadline),
                 f.get_state_display()] for n, f in enumerate(findings, start=1)]
        return [{"type": "p", "text": f"本次督导发现问题{len(findings)}个，已列入整改台账，截至"
                                      f"{chinese_date(timezone.localdate())}的整改状态如下表。"},
                {"type": "table", "header": ["序号", "问题描述", "整改要求", "整改期限", "整改状态"], "rows": rows}]
    items = figures.item_problems(school_id)
    if not items:
        return [{"type": "p", "text": "本次督导未发现需要整改的问题。"}]
    verified = figures.verified.get(school_id, {})
    out = []
    for n, item in enumerate(items, start=1):
        found = points(scoring.from_cents(verified.get(item.id)))
        notes = "；".join(figures.notes.get((school_id, item.id), []))
        text = f"{n}. {item.code} {item.text}：核查得分{found}分（满分{points(item.max_score)}分）"
        if item.is_veto and verified.get(item.id) == 0:
            text += "，一票否决项未达标"
        out.append({"type": "p", "text": text + (f"。{notes}" if notes else "。")})
    return out


def _strength_blocks(figures: CampaignFigures, school_id: int) -> list[dict]:
    full = figures.full_marks(school_id)
    mine, average = figures.section_scores(school_id), figures.averages()
    above = [s.text for s in figures.sections if mine.get(s.key) is not None and average.get(s.key) is not None
             and mine[s.key] > average[s.key]]
    out = []
    if above:
        out.append({"type": "p", "text": f"{'、'.join(above)}等方面得分高于全部学校平均水平。"})
    for n, item in enumerate(full[:8], start=1):
        out.append({"type": "p", "text": f"{n}. {item.code} {item.text}：达到满分要求。"})
    return out or [{"type": "p", "text": "（无）"}]


# --- 督导通知书 -------------------------------------------------------------------------------------
def notice_draft(*, campaign: Campaign, by: User | None, check: bool = True) -> Document:
    """The office's notice to the schools in scope before the inspection: purpose, basis, content (the
    framework's first-level indicators), time, method, requirements, contacts; the schools'
    list as its attachment; every school a recipient (read receipts)."""
    with translation.override("zh-hans"):
        entries = list(CampaignSchool.objects.filter(campaign=campaign).select_related("school__region")
                       .order_by("school__region_code", "school__name"))
        tree = load_tree(campaign.framework_version)
        sections = sections_of(tree)
        office = campaign.office
        data = {"campaign": campaign, "office": office, "schools": [e.school for e in entries],
                "sections": sections, "window": _window(campaign)}
        body: list[dict] = [{"type": "p", "text": f"为{campaign.purpose.strip() or '推动学校规范办学、提高教育质量'}，"
                                                  f"{_basis(campaign)}，{office.name}决定开展{campaign.name}。现将有关事项通知如下。"}]
        body.append({"type": "h1", "text": "一、督导范围"})
        body += _paragraphs(campaign.scope_text) or [{"type": "p", "text": f"本次督导共涉及{len(entries)}所学校，名单见附件。"}]
        body.append({"type": "h1", "text": "二、督导内容"})
        body += _paragraphs(campaign.content)
        body.append({"type": "p", "text": f"依据《{campaign.framework_version.framework.name}》，督导内容包括以下"
                                          f"{len(sections)}个方面："})
        for n, s in enumerate(sections, start=1):
            body.append({"type": "p", "text": f"{n}. {s.text}（{points(s.top)}分）" if s.top else f"{n}. {s.text}"})
        body.append({"type": "h1", "text": "三、时间安排"})
        timing = _paragraphs(campaign.time_text)
        if not timing:
            if campaign.has_self_inspection:
                timing.append({"type": "p", "text": f"（一）学校自查：{chinese_date(campaign.self_deadline)}前完成自查并"
                                                    "在平台提交自评报告和佐证材料。"})
            if _window(campaign):
                timing.append({"type": "p", "text": f"（二）实地督导：{_window(campaign)}。"})
            if campaign.rectification_deadline:
                timing.append({"type": "p", "text": f"（三）整改：{chinese_date(campaign.rectification_deadline)}前"
                                                    "报送整改情况。"})
        body += timing or [{"type": "p", "text": "具体时间另行通知。"}]
        body.append({"type": "h1", "text": "四、方式方法"})
        body += _paragraphs(campaign.method) or [{"type": "p", "text": "采取听取汇报、查阅资料、实地查看、座谈访谈、"
                                                                      "问卷调查等方式进行。"}]
        body.append({"type": "h1", "text": "五、工作要求"})
        body += _paragraphs(campaign.requirements) or [{"type": "p", "text": "各学校要高度重视，认真组织自查，如实提供"
                                                                            "材料，积极配合督导组开展工作。"}]
        body.append({"type": "h1", "text": "六、联系方式"})
        contact = f"联系人：{office.head_name or '　　　　'}；联系电话：{office.phone or '　　　　'}"
        if office.address:
            contact += f"；地址：{office.address}"
        body.append({"type": "p", "text": contact + "。"})
        schools_table = {"type": "table", "header": ["序号", "学校名称", "所在地区"],
                         "rows": [[str(n), e.school.name, e.school.region.name if e.school.region_id else ""]
                                  for n, e in enumerate(entries, start=1)]}
        attachment: list[dict] = [{"type": "attachment", "text": f"{campaign.name}学校名单"}, schools_table]
        return save_draft(
            by=by, campaign=campaign, kind=DocumentKind.NOTICE, source=campaign_source(campaign),
            title=f"关于开展{campaign.name}的通知", body=body + attachment, tables=attachment, data=data,
            recipients=[{"school": e.school, "name": e.school.name} for e in entries], check=check,
            addressee="各有关学校" if len(entries) != 1 else entries[0].school.name,
            attachments=[f"{campaign.name}学校名单"])


# --- 督导报告 (per school) --------------------------------------------------------------------------
def school_report_blocks(figures: CampaignFigures, entry: CampaignSchool, findings: list) -> list[dict]:
    """The body of a school's report: basic facts, the result with its table and chart, strengths,
    problems with their state, rectification requirements. 3–5 pages: the item-by-item detail is the
    results page's (a 60-item table alone took four more pages and three times the rendering)."""
    campaign, school = figures.campaign, entry.school
    body: list[dict] = [{"type": "p", "text": f"{_basis(campaign)}，{campaign.office.name}"
                                              f"{'于' + _window(campaign) if _window(campaign) else ''}"
                                              f"对{school.name}开展了{campaign.name}。现将督导情况报告如下。"}]
    body.append({"type": "h1", "text": "一、基本情况"})
    facts = f"{school.name}，办学类型：{school.get_kind_display()}"
    if school.head_name:
        facts += f"，校长（园长）：{school.head_name}"
    if school.address:
        facts += f"，地址：{school.address}"
    body.append({"type": "p", "text": facts + "。"})
    team = f"由{entry.team.name}" if entry.team is not None else "由督导组"
    body.append({"type": "p", "text": f"{team}通过听取汇报、查阅资料、实地查看、座谈访谈等方式，对照"
                                      f"《{campaign.framework_version.framework.name}》逐项进行了核查评分。"})
    body.append({"type": "h1", "text": "二、督导结果"})
    body.append({"type": "p", "text": _result_sentence(figures, school.pk)})
    body.append({"type": "p", "text": "各一级指标得分与全部学校平均分对比如下。"})
    body += _scores_blocks(figures, school.pk)
    body.append({"type": "h1", "text": "三、主要成绩"})
    body += _strength_blocks(figures, school.pk)
    body.append({"type": "h1", "text": "四、存在问题"})
    body += _problem_blocks(figures, school.pk, findings)
    body.append({"type": "h1", "text": "五、整改要求"})
    body.append({"type": "p", "text": f"请针对上述问题制定整改方案，明确责任人和整改时限，逐项整改到位，于"
                                      f"{chinese_date(_deadline(campaign))}前将整改情况书面报送{campaign.office.name}，"
                                      "并在平台上传整改佐证材料。"})
    body.append({"type": "p", "text": f"{campaign.office.name}将适时组织复查，复查结果纳入学校年度考核。"})
    return body


def school_report_draft(*, campaign: Campaign, school: School, by: User | None, check: bool = True,
                        figures: CampaignFigures | None = None) -> Document:
    """督导报告 of one school, to the school (its recipient). `figures` when drafting many."""
    with translation.override("zh-hans"):
        _may_draft(by, campaign, check)
        entry = _entry(campaign, school)
        figures = figures or campaign_figures(campaign, school_ids=None)
        findings = _school_findings(campaign, school.pk)
        body = school_report_blocks(figures, entry, findings)
        result = figures.results.get(school.pk)
        data = {"campaign": campaign, "office": campaign.office, "school": school, "result": result,
                "total": points(result.verified_total) if result else "—", "grade": result.grade if result else "",
                "rank": result.rank if result else None, "window": _window(campaign),
                "deadline": chinese_date(_deadline(campaign))}
        tables = _scores_blocks(figures, school.pk)
        return save_draft(by=by, campaign=campaign, kind=DocumentKind.REPORT, source=school_source(entry),
                          title=f"关于{school.name}{campaign.name}的督导报告", body=body, tables=tables, data=data,
                          recipients=[{"school": school, "name": school.name}], school=school, check=False,
                          addressee=school.name)


# --- 督导意见书 (per school) ------------------------------------------------------------------------
def school_opinion_draft(*, campaign: Campaign, school: School, by: User | None, check: bool = True) -> Document:
    """督导意见书 of one school (frameworks.md §4.2): overview, overall judgement with the results,
    strengths, problems (the findings with their state), requirements and the right to object."""
    with translation.override("zh-hans"):
        _may_draft(by, campaign, check)
        entry = _entry(campaign, school)
        figures = campaign_figures(campaign, school_ids=None)
        findings = _school_findings(campaign, school.pk)
        office = campaign.office
        window = _window(campaign)
        body: list[dict] = [{"type": "p", "text": f"{_basis(campaign)}，{office.name}"
                                                  f"{'于' + window if window else ''}对你校开展了{campaign.name}。"
                                                  "现将督导意见反馈如下。"}]
        body.append({"type": "h1", "text": "一、总体评价"})
        body.append({"type": "p", "text": _result_sentence(figures, school.pk)})
        body += _scores_blocks(figures, school.pk)[:1]
        body.append({"type": "h1", "text": "二、主要成绩"})
        body += _strength_blocks(figures, school.pk)
        body.append({"type": "h1", "text": "三、存在问题"})
        body += _problem_blocks(figures, school.pk, findings)
        body.append({"type": "h1", "text": "四、整改要求和建议"})
        body.append({"type": "p", "text": f"请对照本意见书制定整改方案，落实整改责任，逐项整改上述问题，于"
                                          f"{chinese_date(_deadline(campaign))}前将整改情况书面报告{office.name}。"
                                          f"{office.name}将适时进行复查。"})
        body.append({"type": "p", "text": f"如对本意见书有异议，可自收到之日起15日内向{office.name}提出申辩，"
                                          "并提供相关材料。"})
        data = {"campaign": campaign, "office": office, "school": school, "window": window,
                "deadline": chinese_date(_deadline(campaign)), "result": figures.results.get(school.pk)}
        return save_draft(by=by, campaign=campaign, kind=DocumentKind.OPINION, source=school_source(entry),
                          title=f"关于对{school.name}{campaign.name}的督导意见书", body=body,
                          tables=_scores_blocks(figures, school.pk)[:1], data=data,
                          recipients=[{"school": school, "name": school.name}], school=school, check=False,
                          addressee=school.name)


# --- 督导报告 (the campaign's summary, to the government) ---------------------------------------------
def summary_report_blocks(figures: CampaignFigures, entries: list[CampaignSchool], common: list[tuple[str, int]],
                          findings: dict[str, int]) -> list[dict]:
    campaign = figures.campaign
    results = figures.results
    inspected = [r for r in results.values() if r.verified_total is not None]
    submitted = SelfInspection.objects.filter(campaign=campaign, state="submitted").count()
    body: list[dict] = [{"type": "p", "text": f"{_basis(campaign)}，{campaign.office.name}"
                                              f"{'于' + _window(campaign) if _window(campaign) else ''}"
                                              f"组织开展了{campaign.name}。现将有关情况报告如下。"}]
    body.append({"type": "h1", "text": "一、基本情况"})
    text = f"本次督导范围内学校{len(entries)}所，完成核查评分{len(inspected)}所"
    if campaign.has_self_inspection:
        text += f"，提交自查报告{submitted}所"
    body.append({"type": "p", "text": text + "。"})
    body.append({"type": "h1", "text": "二、督导结果"})
    grades = Counter(r.grade for r in inspected if r.grade)
    order = [label for label, _low in sorted(figures.tree.bands, key=lambda b: b[1], reverse=True)]
    labels = [g for g in order if g in grades] + sorted(g for g in grades if g not in order)
    if inspected:
        totals = [r.verified_total for r in inspected if r.verified_total is not None]
        mean = (sum(totals, Decimal(0)) / len(totals)).quantize(CENT, rounding=ROUND_HALF_UP)
        parts = "，".join(f"{g}{grades[g]}所（{grades[g] * 100 / len(inspected):.1f}%）" for g in labels)
        body.append({"type": "p", "text": f"核查平均分{points(mean)}分，最高{points(max(totals))}分，最低"
                                          f"{points(min(totals))}分。{parts}。"})
        vetoed = sum(1 for r in inspected if r.vetoed)
        if vetoed:
            body.append({"type": "p", "text": f"{vetoed}所学校存在一票否决项未达标。"})
        body.append({"type": "table", "header": ["等级", "学校数", "占比"],
                     "rows": [[g, str(grades[g]), f"{grades[g] * 100 / len(inspected):.1f}%"] for g in labels]})
        body.append({"type": "chart", "chart": {"kind": "pie", "title": "等级分布", "labels": labels,
                                                "series": [{"name": "学校数", "values": [grades[g] for g in labels]}]}})
        average = figures.averages()
        body.append({"type": "p", "text": "各一级指标平均得分如下。"})
        body.append({"type": "table", "header": ["一级指标", "满分", "平均得分", "平均得分率"],
                     "rows": [[f"{s.code} {s.text}".strip(), points(s.top), points(average.get(s.key)),
                               f"{(average[s.key] / s.top * 100).quantize(Decimal('0.1'))}%"
                               if s.top and s.key in average else "—"] for s in figures.sections]})
        body.append({"type": "chart", "chart": {"kind": "bar", "title": "一级指标平均得分",
                                                "labels": [s.text for s in figures.sections],
                                                "series": [{"name": "平均得分", "values": [
                                                    _number(average.get(s.key)) for s in figures.sections]}]}})
    else:
        body.append({"type": "p", "text": "尚无核查结果。"})
    body.append({"type": "h1", "text": "三、学校排名"})
    names = {e.school_id: e.school.name for e in entries}
    ranked = sorted((r for r in inspected if r.rank), key=lambda r: (r.rank, names.get(r.school_id, "")))
    rows = [[str(r.rank), names.get(r.school_id, ""), points(r.verified_total), r.grade] for r in ranked]
    if len(rows) > RANKING_ALL:
        body.append({"type": "p", "text": f"共{len(rows)}所学校参与排名，下表列出前{RANKING_EDGE}名和后"
                                          f"{RANKING_EDGE}名，完整名单见平台结果页。"})
        rows = rows[:RANKING_EDGE] + [["…", "…", "…", "…"]] + rows[-RANKING_EDGE:]
    body.append({"type": "table", "header": ["名次", "学校", "核查总分", "等级"], "rows": rows} if rows
                else {"type": "p", "text": "暂无排名。"})
    body.append({"type": "h1", "text": "四、存在的共性问题"})
    if common:
        for n, (label, count) in enumerate(common, start=1):
            body.append({"type": "p", "text": f"{n}. {label}：{count}所学校存在问题。"})
    else:
        body.append({"type": "p", "text": "本次督导未发现共性问题。"})
    if findings:
        text = "，".join(f"{state}{n}个" for state, n in findings.items())
        body.append({"type": "p", "text": f"本次督导共列入整改台账问题{sum(findings.values())}个，其中{text}。"})
    body.append({"type": "h1", "text": "五、下一步工作"})
    body.append({"type": "p", "text": f"督促有关学校于{chinese_date(_deadline(campaign))}前完成整改，组织复查，"
                                      "将督导结果作为学校考核、评优评先和校长考核的重要依据，并按规定向社会公开。"})
    return body


def summary_report_draft(*, campaign: Campaign, by: User | None, check: bool = True) -> Document:
    """督导报告 of the whole campaign to the government (上行文: 签发人 marked): counts, the grade
    distribution, first-level averages, the ranking and the problems many schools share."""
    from dudao.findings.models import Finding, FindingSource, FindingState

    with translation.override("zh-hans"):
        _may_draft(by, campaign, check)
        figures = campaign_figures(campaign)
        entries = list(CampaignSchool.objects.filter(campaign=campaign).select_related("school"))
        per_item: Counter[int] = Counter()
        for school_id in figures.verified:
            for item in figures.item_problems(school_id):
                per_item[item.id] += 1
        common = [(f"{figures.tree.items[i].code} {figures.tree.items[i].text}", n)
                  for i, n in per_item.most_common(COMMON_PROBLEMS) if n > 1]
        states = Counter(Finding.objects.filter(source=FindingSource.CAMPAIGN, source_data__campaign=campaign.pk)
                         .values_list("state", flat=True))
        findings = {str(FindingState(s).label): n for s, n in sorted(states.items())}
        body = summary_report_blocks(figures, entries, common, findings)
        office = campaign.office
        government = f"{office.region.name}人民政府"
        data = {"campaign": campaign, "office": office, "figures": figures, "government": government}
        return save_draft(by=by, campaign=campaign, kind=DocumentKind.REPORT, source=campaign_source(campaign),
                          title=f"关于{campaign.name}情况的报告", body=body,
                          tables=[b for b in body if b["type"] in ("table", "chart")], data=data,
                          addressee=government, check=False, upward=True, signer_name=office.head_name,
                          region=office.region)


# --- 自评报告 template (自查自纠) ----------------------------------------------------------------------
def self_assessment_draft(*, campaign: Campaign, school: School, by: User | None, check: bool = True) -> Document:
    """The school's 自评报告 to fill in: one heading per first-level indicator, one per item with its
    max, the school's self-score as entered so far (blank when none) and lines to write on."""
    from dudao.frameworks.models import Indicator

    with translation.override("zh-hans"):
        _may_draft(by, campaign, check)
        if not campaign.has_self_inspection:
            raise ValidationError(_("本项目没有学校自查环节。"))
        entry = _entry(campaign, school)
        tree = load_tree(campaign.framework_version)
        own: dict[int, Decimal | None] = {}
        choices: dict[int, str] = {}
        for indicator_id, value, choice in Score.objects.filter(
                campaign=campaign, school=school, kind=ScoreKind.SELF).values_list("indicator_id", "value", "choice"):
            own[indicator_id], choices[indicator_id] = value, choice
        evidence = dict(Indicator.objects.filter(id__in=list(tree.items)).values_list("id", "evidence"))
        inspection = SelfInspection.objects.filter(campaign=campaign, school=school).first()
        blank = "＿" * 12
        body: list[dict] = [{"type": "p", "text": f"根据{campaign.office.name}《关于开展{campaign.name}的通知》要求，"
                                                  f"我校对照《{campaign.framework_version.framework.name}》开展了自查，"
                                                  "现将自查情况报告如下。"}]
        body.append({"type": "h1", "text": "一、自查工作开展情况"})
        body.append({"type": "p", "text": f"（填写自查组织、时间、方式。）{blank}"})
        body.append({"type": "h1", "text": "二、对照指标自评情况"})
        sections = sections_of(tree)
        numbers = "一二三四五六七八九十"
        for n, s in enumerate(sections):
            label = numbers[n] if n < len(numbers) else str(n + 1)
            body.append({"type": "h2", "text": f"（{label}）{s.text}（满分{points(s.top)}分）"})
            for item in tree.items.values():
                if (tree.top_of(item) or OTHER) != s.key:
                    continue
                score = own.get(item.id)
                said = {"yes": "是", "no": "否"}.get(choices.get(item.id, ""), choices.get(item.id, ""))
                mine = (said if item.scoring in (scoring.YES_NO, scoring.RUBRIC) and said
                        else (f"{points(score)}分" if score is not None else f"{'＿' * 4}分"))
                top = f"（满分{points(item.max_score)}分）" if item.max_score is not None else ""
                body.append({"type": "h3", "text": f"{item.code} {item.text}{top}"})
                body.append({"type": "p", "text": f"自评结果：{mine}"})
                body.append({"type": "p", "text": f"达标情况及主要做法：{blank}"})
                if evidence.get(item.id):
                    body.append({"type": "p", "text": f"佐证材料：{'、'.join(str(e) for e in evidence[item.id])}"})
        body.append({"type": "h1", "text": "三、存在的主要问题"})
        body.append({"type": "p", "text": blank * 2})
        body.append({"type": "h1", "text": "四、整改措施及下一步打算"})
        body.append({"type": "p", "text": blank * 2})
        if inspection and inspection.self_total is not None:
            body.append({"type": "p", "text": f"自评总分：{points(inspection.self_total)}分。"})
        data = {"campaign": campaign, "office": campaign.office, "school": school, "inspection": inspection}
        return save_draft(by=by, campaign=campaign, kind=DocumentKind.SELF_ASSESSMENT, source=school_source(entry),
                          title=f"{school.name}{campaign.name}自评报告", body=body, data=data, school=school,
                          check=False, masthead="", addressee=campaign.office.name, signatory=school.name,
                          printer="", recipients=[{"school": school, "name": school.name}])
