"""Word file of a document: the same blocks as the PDF, naming the official fonts (方正小标宋简体,
仿宋_GB2312, 黑体, 楷体_GB2312) so that Word and WPS print them where installed (GB/T 9704)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dudao.core.documents import (
    HEADING_FONT,
    RED,
    TITLE_FONT,
    docx_bytes,
    docx_document,
    docx_paragraph,
    docx_red_rule,
)
from dudao.documents.render import chinese_date

if TYPE_CHECKING:
    from dudao.documents.models import Document

KAI_FONT = "楷体_GB2312"


def render_docx(document: Document) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = docx_document(title=document.title, author=document.office.name)
    docx_paragraph(doc, document.masthead, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, font=TITLE_FONT,
                   size=26, color=RED)
    rule = docx_paragraph(doc, document.number or " ", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    docx_red_rule(rule)
    docx_paragraph(doc, "", indent=False)
    docx_paragraph(doc, document.title, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, font=TITLE_FONT, size=22)
    docx_paragraph(doc, "", indent=False)
    if document.addressee:
        docx_paragraph(doc, f"{document.addressee}：", indent=False)
    for block in document.body:
        kind, text = block.get("type"), str(block.get("text", ""))
        if kind == "h1":
            docx_paragraph(doc, text, font=HEADING_FONT)
        elif kind == "h2":
            docx_paragraph(doc, text, font=KAI_FONT)
        elif kind == "table":
            rows = [block.get("header") or [], *(block.get("rows") or [])]
            rows = [r for r in rows if r]
            if rows:
                table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
                table.style = "Table Grid"
                for i, row in enumerate(rows):
                    for j, cell in enumerate(row):
                        table.cell(i, j).text = str(cell)
        elif text:
            docx_paragraph(doc, text)
    for i, name in enumerate(document.attachments, 1):
        label = "附件：" if i == 1 else "　　　"
        number = f"{i}." if len(document.attachments) > 1 else ""
        docx_paragraph(doc, f"{label}{number}{name}")
    docx_paragraph(doc, "", indent=False)
    docx_paragraph(doc, document.signatory, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    docx_paragraph(doc, chinese_date(document.issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    return docx_bytes(doc)
