"""责任督学工作记录表 (规程 2014, domain-rules §2.5) on the one document engine: the record sheet of a
visit as body blocks of a `Document` of kind "record_sheet".

A record sheet is a form, not a 公文: no 版头 (masthead, 发文字号, red rule), no 署名 or 版记 — the
engine prints none of them when the masthead is empty (documents/templates/documents/official.html);
the signature lines are part of the form. Field-level access (docs/access.md "Fields") decides its
content: `full` is false for a reader who gets the feedback part only (the school) — no observations,
location or refusal. The download (`visits:record_pdf`) renders an unsaved document for the reader;
`record_sheet_file` keeps the office's full sheet as a stored draft (source "visits.Visit:<pk>") for
filing, never sent to the school.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from dudao.documents import services as docs
from dudao.documents.models import Document, DocumentKind, DocumentStatus
from dudao.documents.render import chinese_date

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Office
    from dudao.visits.models import Visit
    from dudao.visits.selectors import ProblemRow

RECORD_TITLE = "责任督学工作记录表"


@dataclass
class RecordSheet:
    """What the sheet shows, as the reader may read it (views/office.record_pdf builds it)."""

    visit: Visit
    full: bool
    region_path: str
    methods: list[str]
    topics: list[str]
    problems: list[ProblemRow]
    photo_count: int
    started: datetime
    ended: datetime | None
    printed: date


def source_of(visit: Visit) -> str:
    return f"visits.Visit:{visit.pk}"


def _office(visit: Visit) -> Office:
    from dudao.regions.models import Office

    if visit.supervisor is not None and visit.supervisor.office is not None:
        return visit.supervisor.office
    # a visit without a supervisor (a campaign's third-party rater): the school's county office, else
    # the nearest office above it
    codes = [visit.school.region_code[:n] for n in (6, 4, 2)]
    office = Office.objects.filter(region__code__in=codes).order_by("-region__code").first()
    if office is None:
        raise ValueError(f"no office above school {visit.school_id}")
    return office


def record_blocks(sheet: RecordSheet) -> list[dict]:
    """The sheet's rows (a two-column table), its problems table and the signature lines; in Chinese
    whatever the reader's language (the labels of choices)."""
    with translation.override("zh-hans"):
        return _record_blocks(sheet)


def _record_blocks(sheet: RecordSheet) -> list[dict]:
    visit = sheet.visit
    who = "责任督学" if visit.is_routine else "督导人员"
    ended = timezone.localtime(sheet.ended).strftime("%H:%M") if sheet.ended else "　　"
    rows = [["学校名称", visit.school.name], ["所在区划", sheet.region_path], ["学校标识码", visit.school.code],
            [who, visit.inspector_name], ["督导方式", str(visit.get_mode_display())],
            ["督导日期", chinese_date(visit.visit_date)],
            ["督导时间", f"{timezone.localtime(sheet.started).strftime('%H:%M')}—{ended}"],
            ["督导方法", "、".join(sheet.methods) or "（未填写）"], ["督导内容", "、".join(sheet.topics) or "（未填写）"]]
    if sheet.full:
        rows.append(["督导情况", visit.narrative or ""])
    rows.append(["意见建议", visit.opinions or ""])
    if sheet.full:
        refused = f"有。{visit.refusal_note}" if visit.refused else "无"
        rows.append(["拒绝阻挠", f"拒绝、阻挠督导或提供虚假材料：{refused}"])
        if visit.distance_m is not None:
            place = f"距学校{visit.distance_m}米"
            if visit.location_accuracy_m:
                place += f"（精度{visit.location_accuracy_m}米）"
        else:
            place = str(visit.get_location_status_display())
        rows.append(["现场记录", f"定位：{place}；照片{sheet.photo_count}张"])
    office = visit.supervisor.office.name if visit.supervisor is not None and visit.supervisor.office is not None else ""
    blocks: list[dict] = [
        {"type": "p", "text": f"编号：{visit.visit_date:%Y%m%d}-{visit.pk}　督导室：{office}"},
        {"type": "table", "header": [], "rows": rows},
        {"type": "h1", "text": "发现问题及整改要求"},
    ]
    with_findings = any(row.finding is not None for row in sheet.problems)
    if sheet.problems:
        # one two-column table per problem: long text keeps whole lines (readable on paper and when
        # the PDF's text is extracted), whatever the number of problems
        for n, row in enumerate(sheet.problems, start=1):
            p, f = row.problem, row.finding
            deadline = chinese_date(p.deadline)
            if f is not None and f.deadline > p.deadline:
                deadline += f"（延期至{chinese_date(f.deadline)}）"
            rows = [[f"问题{n}", row.category], ["问题描述", p.description], ["整改要求", p.requirement],
                    ["整改期限", deadline]]
            if with_findings:
                state = "—" if f is None else str(f.get_state_display()) + (
                    f"（逾期{row.late_days}天）" if row.late_days else "")
                rows.append(["整改状态", state])
            blocks.append({"type": "table", "header": [], "rows": rows})
        if with_findings:
            blocks.append({"type": "p", "text": f"整改状态为整改台账中截至{chinese_date(sheet.printed)}的状态。"})
    else:
        blocks.append({"type": "p", "text": "本次督导未发现需要整改的问题。"})
    blocks.append({"type": "table", "header": [], "rows": [
        ["责任督学（签名）：", "学校负责人（签名）：（学校盖章）"], ["日　　期：", "日　　期："]]})
    submitted = timezone.localtime(visit.submitted_at).strftime("%Y-%m-%d %H:%M") if visit.submitted_at else "未提交"
    foot = f"本表由督导平台根据督学提交的督导记录生成（提交时间：{submitted}；打印日期：{sheet.printed:%Y-%m-%d}）。"
    if not sheet.full:
        foot += "学校查看版，不含督导情况、定位和拒绝阻挠记录。"
    blocks.append({"type": "p", "text": foot})
    return blocks


def record_document(sheet: RecordSheet) -> Document:
    """An unsaved document of the sheet, as the reader may read it: what the download renders."""
    office = _office(sheet.visit)
    return Document(office=office, kind=DocumentKind.RECORD_SHEET, masthead="", title=RECORD_TITLE,
                    body=docs.keyed(record_blocks(sheet)), signatory="", printer="", school=sheet.visit.school,
                    region=sheet.visit.school.region, source=source_of(sheet.visit))


def record_pdf(sheet: RecordSheet) -> bytes:
    from dudao.documents.render import render_pdf

    return render_pdf(record_document(sheet))


def may_file_record(user: User, visit: Visit) -> bool:
    """Office staff of the visit's office (or above) who read every field of the visit."""
    from dudao.access import VISIT_FULL_FIELDS, readable_fields
    from dudao.documents.access import may_draft

    return readable_fields(user, visit) >= VISIT_FULL_FIELDS and may_draft(user, _office(visit))


def record_sheet_file(*, by: User, sheet: RecordSheet) -> Document:
    """The office keeps the full sheet as a document (to 审核/签发 and file like its other papers):
    created once per visit, written again while still a draft. Office staff who read every field."""
    from dudao.documents.access import may_draft

    office = _office(sheet.visit)
    if not sheet.full or not may_draft(by, office):
        raise PermissionDenied(_("只有督导室的工作人员可以将记录表存档为公文。"))
    existing = Document.objects.filter(source=source_of(sheet.visit), kind=DocumentKind.RECORD_SHEET).first()
    blocks = record_blocks(sheet)
    if existing is None:
        return docs.create_draft(by=by, office=office, kind=DocumentKind.RECORD_SHEET, title=RECORD_TITLE,
                                 body=blocks, source=source_of(sheet.visit), school=sheet.visit.school,
                                 masthead="", signatory="", printer="", check=False)
    if existing.status == DocumentStatus.DRAFT:
        existing.body = docs.keyed(blocks)
        existing.save()
    return existing
