"""PDF of a document: the blocks in the GB/T 9704 page (documents/official.html + official_style.html)
through the one WeasyPrint call (core/documents.py). docs/documents.md, "Layout and fonts".

The layout shared with the Word file (documents/docx.py) is decided here: the 发文字号 (blank on a draft),
the 成文日期 (the date of issue, never today's; a placeholder on a draft), the 主送 ending with a 全角冒号,
the body split into the main text and its 附件 (each {"type": "attachment"} block starts one), charts and
photos as PNG/JPEG bytes.
"""

from __future__ import annotations

import base64
import binascii
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dudao.core.documents import html_render, render_chinese

if TYPE_CHECKING:
    from datetime import date

    from dudao.documents.models import Document

DATE_PLACEHOLDER = "　　年　月　日"
MASTHEAD_MAX_PT = 42  # 初号
TYPE_AREA_PT = 156 / 25.4 * 72  # 版心 width, 442.2 pt


def chinese_date(day: date | None) -> str:
    """GB/T 9704 7.3.5.4: 2026年3月5日 — four-digit year, no zero padding."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def masthead_size(text: str) -> int:
    """The 发文机关标志's size: 初号 (42 pt) where it fits, smaller for a long name, never wider than the 版心."""
    return max(16, min(MASTHEAD_MAX_PT, int(TYPE_AREA_PT * 0.96 / max(len(text), 1))))


def text_width(text: str) -> float:
    """Width in 字 (one 3号 Chinese character): half-width letters and digits count half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def sign_indents(name: str, date: str) -> tuple[float, float]:
    """GB/T 9704 7.3.5.2: the right indents (in 字) of the 署名 and the 成文日期 — 署名 右空二字, the date's first
    character two characters right of the 署名's; when the date is the longer, it is 右空二字 and the 署名 moves
    left. The PDF gets the same from CSS (.gb-sign)."""
    name_w, date_w = text_width(name), text_width(date)
    if date_w + 2 > name_w:
        return 2 + date_w + 2 - name_w, 2.0
    return 2.0, 2 + name_w - 2 - date_w


def sniff_image(raw: bytes) -> str | None:
    if raw[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if raw[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    return None


def image_bytes(block: dict[str, Any]) -> tuple[bytes, str] | None:
    """An image block's bytes and type (base64 PNG/JPEG in `data`), None when it is not one."""
    data = block.get("data") or ""
    if isinstance(data, str) and data.startswith("data:"):
        data = data.split(",", 1)[-1]
    try:
        raw = base64.b64decode(data, validate=False) if isinstance(data, str) else bytes(data)
    except (binascii.Error, ValueError, TypeError):
        return None
    kind = sniff_image(raw)
    return (raw, kind) if kind else None


@dataclass
class Appendix:
    title: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Layout:
    """What both files print, decided once."""

    draft: bool
    number: str
    date: str
    printed: str
    addressee: str
    cc: str
    main: list[dict[str, Any]]
    appendices: list[Appendix]
    attachment_names: list[str]


def _addressee(text: str) -> str:
    text = text.strip().rstrip("：:")
    return f"{text}：" if text else ""


def _cc(text: str) -> str:
    text = text.strip().rstrip("。.")
    return f"{text}。" if text else ""


def layout(document: Document) -> Layout:
    draft = not document.is_issued
    main: list[dict[str, Any]] = []
    appendices: list[Appendix] = []
    names = [str(n) for n in document.attachments or [] if str(n).strip()]
    target = main
    for block in document.body or []:
        kind = block.get("type")
        if kind == "attachment":
            title = str(block.get("text") or "") or (names[len(appendices)] if len(appendices) < len(names) else "")
            appendices.append(Appendix(title=title))
            target = appendices[-1].blocks
            continue
        target.append(dict(block))
    # the 附件说明 names the attachments; an attachment block without a listed name adds its title
    for n, appendix in enumerate(appendices):
        if n >= len(names) and appendix.title:
            names.append(appendix.title)
    date = chinese_date(document.issued_on) if not draft else DATE_PLACEHOLDER
    return Layout(draft=draft, number="" if draft else document.number, date=date,
                  printed=f"{date}印发" if not draft else f"{DATE_PLACEHOLDER}印发",
                  addressee=_addressee(document.addressee), cc=_cc(document.cc), main=main,
                  appendices=appendices, attachment_names=names)


def _html_block(block: dict[str, Any]) -> dict[str, Any]:
    """A block with what the HTML needs: charts and images as data: URIs."""
    from dudao.documents import charts

    kind = block.get("type")
    if kind == "chart":
        try:
            raw = charts.image(block.get("chart") or {})
        except charts.ChartError:
            return {"type": "p", "text": "（图表数据不完整，未能生成图表）"}
        title = str((block.get("chart") or {}).get("title") or "图表")
        return {"type": "chart", "src": "data:image/jpeg;base64," + base64.b64encode(raw).decode(), "alt": title}
    if kind == "image":
        found = image_bytes(block)
        if found is None:
            return {"type": "p", "text": "（图片无法读取）"}
        raw, mime = found
        return {"type": "image", "src": f"data:{mime};base64," + base64.b64encode(raw).decode(),
                "alt": str(block.get("caption") or "图片"), "caption": str(block.get("caption") or "")}
    if kind == "p" and "\n" in str(block.get("text", "")):
        return {**block, "pre": True}
    return block


def context(document: Document) -> dict[str, Any]:
    lay = layout(document)
    return {
        "doc": document, "draft": lay.draft, "number": lay.number, "date": lay.date, "printed": lay.printed,
        "addressee": lay.addressee, "cc": lay.cc, "masthead_pt": masthead_size(document.masthead),
        "main": [_html_block(b) for b in lay.main],
        "appendices": [{"title": a.title, "blocks": [_html_block(b) for b in a.blocks]} for a in lay.appendices],
        "attachment_names": lay.attachment_names,
    }


STYLE_TEMPLATE = "documents/official_style.html"


@functools.cache
def page_css() -> str:
    """The page style (documents/official_style.html) as plain CSS: the PDF gets it apart from the HTML, parsed
    once per process (core.documents.html_to_pdf)."""
    import re

    text = render_chinese(STYLE_TEMPLATE, {})
    return re.sub(r"</?style>", "", text)


def render_html(document: Document, *, inline_style: bool = True) -> str:
    """The document as a web page (the style inline), or for the PDF without it."""
    return render_chinese("documents/official.html", {**context(document), "inline_style": inline_style})


# GB/T 9704 7.5: the 版记 page is not numbered when the 版记 stands alone on it
BANJI_ALONE = ".gb-end { page: banji; }"


def _only_banji(page) -> bool:
    """The page shows nothing of the flow (no text, no image) — only the 版记 in its footnote area."""
    from weasyprint.formatting_structure import boxes

    for child in page._page_box.children:
        if isinstance(child, (boxes.FootnoteAreaBox, boxes.MarginBox)):
            continue
        for box in child.descendants():
            if (isinstance(box, boxes.TextBox) and box.text.strip()) or isinstance(box, boxes.ReplacedBox):
                return False
    return True


def render_pdf(document: Document) -> bytes:
    html, css = render_html(document, inline_style=False), page_css()
    rendered = html_render(html, css=css)
    if len(rendered.pages) > 1 and (document.cc or document.printer) and _only_banji(rendered.pages[-1]):
        rendered = html_render(html, css=css + BANJI_ALONE)
    return rendered.write_pdf()
