"""Word file of a document: the same layout as the PDF (documents/render.layout), naming the official fonts
(方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312, 宋体 for page numbers) so that Word and WPS print them where
installed (GB/T 9704; docs/documents.md "Layout and fonts").

The section carries the standard's page: A4, margins 37/26/35/28 mm, a document grid of 22 lines × 28
characters (w:docGrid, line pitch 28.95 pt), odd and even footers with "— PAGE —" in 4号宋体 居右/居左空一字
about 7 mm below the 版心. What Word cannot do from a flowing file — the 版记 pinned to the bottom of the
last page — is left to the flow (it follows the signature).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from dudao.core.documents import (
    BODY_FONT,
    HEADING_FONT,
    KAI_FONT,
    RED,
    SONG_FONT,
    TITLE_FONT,
    docx_bytes,
    docx_document,
    docx_paragraph,
    docx_run,
)
from dudao.documents.render import chinese_date, image_bytes, layout, masthead_size, sign_indents

if TYPE_CHECKING:
    from dudao.documents.models import Document

__all__ = ["chinese_date", "render_docx"]

LINE = 28.95  # pt: 225 mm / 22 lines
CHAR = 16.0  # pt: one 3号 character
GREY = (0x99, 0x99, 0x99)


def _grid(section) -> None:
    """w:docGrid: 22 lines a page (linePitch in twentieths of a point), characters snapped to the grid."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    sect = section._sectPr
    for old in sect.findall(qn("w:docGrid")):
        sect.remove(old)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(LINE * 20)))
    grid.set(qn("w:charSpace"), "-842")  # ≈ −0.2 pt a character: 28 characters fill 156 mm
    sect.append(grid)


def _page_number(footer, *, odd: bool) -> None:
    """"— N —" in 4号 宋体 with a PAGE field; odd pages 居右空一字, even pages 居左空一字."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    fmt = paragraph.paragraph_format
    if odd:
        fmt.right_indent = Pt(14)
    else:
        fmt.left_indent = Pt(14)
    docx_run(paragraph, "— ", font=SONG_FONT, size=14)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number = docx_run(paragraph, "1", font=SONG_FONT, size=14)
    paragraph._p.remove(number._r)
    field.append(number._r)
    paragraph._p.append(field)
    docx_run(paragraph, " —", font=SONG_FONT, size=14)


def _border(paragraph, *edges: tuple[str, int, str]) -> None:
    """Paragraph borders: (edge, width in eighths of a point, colour)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:pBdr")
    for edge, size, colour in edges:
        line = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", colour)):
            line.set(qn(key), value)
        borders.append(line)
    paragraph._p.get_or_add_pPr().append(borders)


def _para(doc, text: str = "", **kwargs: Any):
    from docx.shared import Pt

    size = kwargs.get("size", 16)
    paragraph = docx_paragraph(doc, text, **kwargs)
    paragraph.paragraph_format.line_spacing = Pt(LINE if size <= 22 else size * 1.2)
    return paragraph


def _table(doc, block: dict[str, Any]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    header = [str(c) for c in block.get("header") or []]
    rows = [[str(c) for c in row] for row in block.get("rows") or []]
    width = max([len(header), *(len(r) for r in rows)], default=0)
    if not width:
        return
    if block.get("title"):
        _para(doc, str(block["title"]), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, font=HEADING_FONT)
    table = doc.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    for n, values in enumerate([header, *rows] if header else rows):
        row = table.add_row()
        if n == 0 and header:  # repeats at the top of every page the table runs onto
            flag = OxmlElement("w:tblHeader")
            flag.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(flag)
        for j in range(width):
            cell = row.cells[j]
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.line_spacing = Pt(18)
            docx_run(paragraph, values[j] if j < len(values) else "",
                     font=HEADING_FONT if n == 0 and header else BODY_FONT, size=12)


def _picture(doc, raw: bytes, *, width_mm: float, caption: str = "") -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = bool(caption)
    paragraph.add_run().add_picture(io.BytesIO(raw), width=Mm(width_mm))
    if caption:
        _para(doc, caption, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, size=14)


def _blocks(doc, blocks: list[dict[str, Any]]) -> list:
    """The body blocks; returns the paragraphs written (the last one is kept with the signature)."""
    from dudao.documents import charts

    written = []
    for block in blocks:
        kind, text = block.get("type"), str(block.get("text", "") or "")
        if kind == "h1":
            p = _para(doc, text, font=HEADING_FONT)
            p.paragraph_format.keep_with_next = True
        elif kind == "h2":
            p = _para(doc, text, font=KAI_FONT)
            p.paragraph_format.keep_with_next = True
        elif kind == "table":
            _table(doc, block)
            continue
        elif kind == "chart":
            try:
                raw = charts.image(block.get("chart") or {})
            except charts.ChartError:
                p = _para(doc, "（图表数据不完整，未能生成图表）")
            else:
                _picture(doc, raw, width_mm=140)
                continue
        elif kind == "image":
            found = image_bytes(block)
            if found is None:
                p = _para(doc, "（图片无法读取）")
            else:
                _picture(doc, found[0], width_mm=120, caption=str(block.get("caption") or ""))
                continue
        elif kind == "pagebreak":
            from docx.enum.text import WD_BREAK

            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            continue
        elif text:
            lines = text.splitlines() or [text]
            for line in lines[:-1]:
                written.append(_para(doc, line))
            p = _para(doc, lines[-1])
            if kind in ("h3", "h4"):
                p.paragraph_format.keep_with_next = True
        else:
            continue
        written.append(p)
    return written


def render_docx(document: Document) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Mm, Pt

    lay = layout(document)
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    doc = docx_document(title=document.title, author=document.signatory or document.masthead)
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    section.footer_distance = Mm(25.5)  # the dashes of "— N —" about 7 mm below the 版心
    _grid(section)
    _page_number(section.footer, odd=True)
    _page_number(section.even_page_footer, odd=False)
    if lay.draft:
        header = section.header.paragraphs[0]
        header.alignment = right
        docx_run(header, "草稿（未印发）", font=HEADING_FONT, size=12, color=GREY)
        docx_run(section.even_page_header.paragraphs[0], "草稿（未印发）", font=HEADING_FONT, size=12, color=GREY)

    # 版头
    size = masthead_size(document.masthead)
    masthead = docx_paragraph(doc, document.masthead, align=center, indent=False, font=TITLE_FONT, size=size,
                              color=RED, space_before=35 / 25.4 * 72)
    masthead.paragraph_format.line_spacing = Pt(size * 1.2)
    number = _para(doc, indent=False, space_before=LINE * 2 - (size * 0.2))
    if document.upward:
        from docx.enum.text import WD_TAB_ALIGNMENT

        number.paragraph_format.left_indent = number.paragraph_format.right_indent = Pt(CHAR)
        number.paragraph_format.tab_stops.add_tab_stop(Mm(156) - Pt(2 * CHAR), WD_TAB_ALIGNMENT.RIGHT)
        docx_run(number, f"{lay.number}\t签发人：")
        docx_run(number, document.signer_name, font=KAI_FONT)
    else:
        number.alignment = center
        docx_run(number, lay.number or " ")
    _border(number, ("bottom", 18, "".join(f"{c:02X}" for c in RED)))
    number.paragraph_format.space_after = Pt(0)
    # 主体
    _para(doc, document.title, align=center, indent=False, font=TITLE_FONT, size=22, bold=True,
          space_before=LINE * 2 - 8)
    if lay.addressee:
        _para(doc, lay.addressee, indent=False, space_before=LINE)
    written = _blocks(doc, lay.main)
    if lay.attachment_names:
        many = len(lay.attachment_names) > 1
        for n, name in enumerate(lay.attachment_names, 1):
            p = _para(doc, ("附件：" if n == 1 else "") + (f"{n}." if many else "") + name,
                      space_before=LINE if n == 1 else 0)
            if n > 1:
                p.paragraph_format.left_indent, p.paragraph_format.first_line_indent = Pt(5 * CHAR), Pt(0)
            written.append(p)
    for p in written[-1:]:  # the signature never stands alone on the last page
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.keep_together = True
    name_indent, date_indent = sign_indents(document.signatory, lay.date)
    name = _para(doc, document.signatory, align=right, indent=False, space_before=LINE)
    name.paragraph_format.right_indent = Pt(name_indent * CHAR)
    name.paragraph_format.keep_with_next = True
    date = _para(doc, lay.date, align=right, indent=False)
    date.paragraph_format.right_indent = Pt(date_indent * CHAR)
    if document.note:
        date.paragraph_format.keep_with_next = True
        _para(doc, f"（{document.note}）")
    # 附件
    for n, appendix in enumerate(lay.appendices, 1):
        label = _para(doc, indent=False)
        label.add_run().add_break(WD_BREAK.PAGE)
        docx_run(label, "附件" + (str(n) if len(lay.appendices) > 1 else ""), font=HEADING_FONT)
        _para(doc, "", indent=False)
        _para(doc, appendix.title, align=center, indent=False, font=TITLE_FONT, size=22, bold=True, space_after=LINE)
        _blocks(doc, appendix.blocks)
    # 版记: thick rule, 抄送, thin rule, 印发机关 and 印发日期, thick rule (4号仿宋)
    if document.cc or document.printer:
        _para(doc, "", indent=False)
        if document.cc:
            cc = _para(doc, f"抄送：{lay.cc}", indent=False, size=14)
            cc.paragraph_format.left_indent = cc.paragraph_format.right_indent = Pt(14)
            _border(cc, ("top", 8, "000000"), *([("bottom", 6, "000000")] if document.printer else
                                                 [("bottom", 8, "000000")]))
        if document.printer:
            from docx.enum.text import WD_TAB_ALIGNMENT

            printer = _para(doc, indent=False, size=14)
            printer.paragraph_format.left_indent = printer.paragraph_format.right_indent = Pt(14)
            printer.paragraph_format.tab_stops.add_tab_stop(Mm(156) - Pt(28), WD_TAB_ALIGNMENT.RIGHT)
            docx_run(printer, f"{document.printer}\t{lay.printed}", size=14)
            _border(printer, *([] if document.cc else [("top", 8, "000000")]), ("bottom", 8, "000000"))
    return docx_bytes(doc)
