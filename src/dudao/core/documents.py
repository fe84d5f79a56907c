"""Documents: PDF (WeasyPrint) and DOCX (python-docx) rendering, one copy for every app.

The official papers — the plaque (公示牌), the visit record sheet (责任督学工作记录表), the complaint
record (受理、核实投诉记录表), the rectification notice (整改通知书) — are rendered here; the document
engine of a later issue (GB/T 9704 templates) builds on these functions.

- `html_to_pdf(html)`: the one WeasyPrint call. Only `data:` URIs (photos, QR codes, charts) and the
  font files of the font folders (core/fonts.py) are fetched, so rendering never reads another file or
  the network, and the truncated-image flag WeasyPrint turns on at
  import is turned off again (core/images.py).
- `render_pdf(template, context)`: a template rendered **in Chinese** (an official paper is Chinese
  whatever the language of the person who prints it), then to PDF.
- `docx_*`: the paragraph, run and red-rule helpers of a GB/T 9704-style Word document, and
  `docx_document()` / `docx_bytes()` for an A4 page with the official margins.
"""

from __future__ import annotations

import atexit
import io
import threading
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from dudao.core import fonts

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# GB/T 9704 fonts: Word/WPS print them where installed; the PDF templates map them to free fonts.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
SONG_FONT = "宋体"
RED = (0xCC, 0x00, 0x00)


_LOCAL = threading.local()


@atexit.register
def _release() -> None:
    """Drop the main thread's FontConfiguration before the interpreter tears its modules down (its
    destructor removes a temporary folder and would fail late in shutdown)."""
    _LOCAL.__dict__.pop("state", None)


def _renderer():
    """The thread's FontConfiguration, font stylesheet and fetcher, made once: WeasyPrint keeps every
    @font-face file it loaded in the FontConfiguration, so the 5–8 MB font files are read once per
    process (thread), not once per document."""
    state = getattr(_LOCAL, "state", None)
    key = tuple(str(p) for p in fonts.font_files().values())
    if state is None or state[0] != key:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        config = FontConfiguration()
        fetcher = _fetcher()
        css = CSS(string=fonts.font_face_css(), font_config=config, url_fetcher=fetcher)
        state = (key, config, css, fetcher)
        _LOCAL.state = state
    return state[1], state[2], state[3]


def _fetcher():
    """data: URIs (photos, charts, QR codes) and font files of the font folders; everything else (other
    files, the network) is refused."""
    from urllib.parse import unquote, urlsplit

    from weasyprint import URLFetcher
    from weasyprint.urls import URLFetcherResponse

    class _Fetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(unquote(urlsplit(url).path)).resolve()
                if path.suffix.lower() in fonts.FONT_SUFFIXES and any(
                        path.is_relative_to(folder) for folder in fonts.font_dirs()):
                    return URLFetcherResponse(url, body=_font_bytes(str(path)))
                raise ValueError(f"URI not allowed: {url}")
            return super().fetch(url, headers)

    return _Fetcher(allowed_protocols={"data"})


def _font_bytes(path: str) -> bytes:
    return Path(path).read_bytes()


def html_to_pdf(html: str, *, css: str = "") -> bytes:
    """The one WeasyPrint call; the GB/T 9704 font faces (core/fonts.py) are available to every template.
    `css`: a stylesheet given apart from the HTML is parsed once per process (thread) and reused — the
    document engine's page style would otherwise be parsed again for every document."""
    return html_render(html, css=css).write_pdf()


def html_render(html: str, *, css: str = ""):
    """The laid-out WeasyPrint document (pages), for a caller that looks at the pages before writing."""
    from weasyprint import HTML

    from dudao.core.images import refuse_truncated_images

    refuse_truncated_images()  # importing WeasyPrint allowed truncated images in the whole process
    config, fonts_css, fetcher = _renderer()
    stylesheets = [fonts_css]
    if css:
        stylesheets.append(_parsed(css, config, fetcher))
    return HTML(string=html, url_fetcher=fetcher).render(stylesheets=stylesheets, font_config=config)


def _parsed(css: str, config, fetcher):
    cache = _LOCAL.__dict__.setdefault("css", {})
    if (key := (id(config), css)) not in cache:
        from weasyprint import CSS

        if len(cache) > 16:
            cache.clear()
        cache[key] = CSS(string=css, font_config=config, url_fetcher=fetcher)
    return cache[key]


def render_chinese(template: str, context: dict[str, Any]) -> str:
    """An official paper is Chinese whatever the language of the person who prints it."""
    with translation.override("zh-hans"):
        return render_to_string(template, context)


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_chinese(template, context))


# --- DOCX --------------------------------------------------------------------------------------------
def docx_document(*, title: str = "", author: str = "", top: float = 37, bottom: float = 35, left: float = 28,
                  right: float = 26):
    """An A4 Word document with the GB/T 9704 margins (millimetres)."""
    from docx import Document
    from docx.shared import Mm

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    doc.core_properties.title = title
    doc.core_properties.author = author
    return doc


def docx_run(paragraph, text: str, *, font: str = BODY_FONT, size: float = 16, bold: bool = False, color=None):
    """A run in `font`, also for East Asian text (w:eastAsia), which Word otherwise sets in its default."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(text)
    run.font.name = font
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    if color:
        run.font.color.rgb = RGBColor(*color)
    return run


def docx_paragraph(doc, text: str = "", *, align=None, indent: bool = True, font: str = BODY_FONT, size: float = 16,
                   bold: bool = False, color=None, space_before: float = 0, space_after: float = 0):
    """A paragraph with exact line spacing (28 pt for body text) and a two-character first-line indent."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28 if size <= 16 else size * 1.5)
    fmt.space_before, fmt.space_after = Pt(space_before), Pt(space_after)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        paragraph.alignment = align
    if text:
        docx_run(paragraph, text, font=font, size=size, bold=bold, color=color)
    return paragraph


def docx_red_rule(paragraph) -> None:
    """The red separator line under the 文号 (a bottom border on the paragraph)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "4"), ("w:color", "CC0000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def docx_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
