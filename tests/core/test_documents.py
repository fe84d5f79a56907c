"""core/documents.py: the one PDF and DOCX renderer every official paper goes through."""

import io

import pytest
from django.utils import translation

from dudao.core.documents import (
    RED,
    TITLE_FONT,
    docx_bytes,
    docx_document,
    docx_paragraph,
    docx_red_rule,
    html_to_pdf,
    render_chinese,
)


def test_html_becomes_a_pdf_with_the_chinese_text():
    from pypdf import PdfReader

    pdf = html_to_pdf("<p>整改通知书</p>")
    assert pdf.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "整改通知书" in text


def test_rendering_fetches_only_data_uris(tmp_path):
    """A file or network address in a template is never read (only photos and QR codes as data:)."""
    from pypdf import PdfReader

    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    pdf = html_to_pdf(f'<p>公示牌</p><img src="file://{secret}"><img src="http://127.0.0.1:9/x.png">')
    assert "公示牌" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_official_papers_render_in_chinese_whatever_the_reader_language(language, settings, tmp_path):
    (tmp_path / "paper.html").write_text("{% load i18n %}{% translate '导出 Excel' %}", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    from django.template.loader import render_to_string

    with translation.override(language):
        assert render_to_string("paper.html") == ("Export to Excel" if language == "en" else "导出 Excel")  # pages follow the reader
        assert render_chinese("paper.html", {}) == "导出 Excel"  # the paper does not
        assert translation.get_language() == language  # and the reader's language is back afterwards


def test_docx_document_is_a4_with_official_margins_and_east_asian_fonts():
    from docx import Document
    from docx.oxml.ns import qn

    doc = docx_document(title="整改通知书 宁乡市第一小学", author="宁乡市督导室")
    number = docx_paragraph(doc, "宁督〔2025〕1号", indent=False, font=TITLE_FONT, size=22, color=RED)
    docx_red_rule(number)
    docx_paragraph(doc, "正文第一段")
    reread = Document(io.BytesIO(docx_bytes(doc)))

    section = reread.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    assert reread.core_properties.title == "整改通知书 宁乡市第一小学"
    first, body = reread.paragraphs
    run = first.runs[0]
    assert run.text == "宁督〔2025〕1号"
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == TITLE_FONT
    assert str(run.font.color.rgb) == "CC0000"
    assert first._p.pPr.find(qn("w:pBdr")) is not None  # the red rule under the 文号
    assert body.paragraph_format.first_line_indent.pt == 32  # two characters of 16 pt
