"""GB/T 9704 layout of the engine's files (frameworks.md §3; docs/documents.md "Layout and fonts"), measured on
the PDF with pdfplumber and on the DOCX with python-docx. Documents are unsaved: rendering needs no database.

Reference numbers (mm from the top-left corner of the A4 page): 版心 x 28–184, y 37–262; the masthead's top
edge at 37 + 35 = 72; page numbers' dashes 7 mm below the 版心 (y ≈ 269), odd pages ending 1 字 (14 pt =
4.94 mm) left of x 184, even pages starting 1 字 right of x 28.
"""

from __future__ import annotations

import base64
import io
from datetime import date

import pytest

from dudao.core import fonts
from dudao.documents import charts
from dudao.documents.docx import render_docx
from dudao.documents.models import Document
from dudao.documents.render import render_pdf, sign_indents

MM = 72 / 25.4
LEFT, RIGHT, TOP, BOTTOM = 28 * MM, 184 * MM, 37 * MM, 262 * MM
LINE = "督导检查发现学校认真落实立德树人根本任务，办学行为规范，教育质量稳步提高。" * 4
BAR = {"kind": "bar", "title": "各乡镇学校达标率", "labels": ["城关镇", "花明楼镇", "大成桥镇"],
       "series": [{"name": "2025年", "values": [82, 91, 77]}, {"name": "2026年", "values": [90, 95, 85]}], "unit": "%"}


@pytest.fixture(autouse=True, scope="module")
def _fandol():
    if len(fonts.font_files()) < len(fonts.ROLES):
        pytest.fail(f"the Fandol fonts are missing from {fonts.fandol_dir()}: run `make fonts`")


def _doc(body, **kw) -> Document:
    fields = {"masthead": "宁乡市人民政府教育督导室文件", "title": "关于开展春季学期专项督导的通知",
              "addressee": "各中小学校", "signatory": "宁乡市人民政府教育督导室", "printer": "宁乡市人民政府教育督导室",
              "cc": "长沙市人民政府教育督导室", "status": "issued", "number": "宁教督〔2026〕3号",
              "issued_on": date(2026, 3, 5), "kind": "notice", **kw}
    return Document(body=body, **fields)


def _pdf(document: Document):
    import pdfplumber

    return pdfplumber.open(io.BytesIO(render_pdf(document)))


def _lines(page, *, inside=True):
    """Text lines (chars grouped by their top), within the 版心 or below it."""
    rows: dict[float, list] = {}
    for c in page.chars:
        if (c["top"] < BOTTOM) == inside and c["text"].strip():
            rows.setdefault(round(c["top"], 1), []).append(c)
    return [sorted(chars, key=lambda c: c["x0"]) for _top, chars in sorted(rows.items())]


def _text(chars) -> str:
    return "".join(c["text"] for c in chars)


def test_page_size_margins_fonts_and_masthead():
    with _pdf(_doc([{"type": "p", "text": LINE}] * 12)) as pdf:
        assert len(pdf.pages) >= 2
        for page in pdf.pages:
            assert (round(page.width), round(page.height)) == (595, 842)
            body = [c for c in page.chars if c["top"] < BOTTOM + 1]
            assert min(c["x0"] for c in body) >= LEFT - 0.5 and max(c["x1"] for c in body) <= RIGHT + 0.5
            assert min(c["top"] for c in body) >= TOP - 0.5 and max(c["bottom"] for c in body) <= BOTTOM + 0.5
            assert {c["fontname"].split("+")[-1] for c in page.chars} <= {
                "FandolFang", "FandolSong", "FandolSong-Bold", "FandolHei", "FandolKai"}
        first = pdf.pages[0]
        masthead = [c for c in first.chars if c["top"] < 100 * MM and c["size"] >= 24]
        assert _text(masthead) == "宁乡市人民政府教育督导室文件"
        assert abs(min(c["top"] for c in masthead) / MM - 72) < 2  # top edge 35 mm below the 版心's top
        centre = (min(c["x0"] for c in masthead) + max(c["x1"] for c in masthead)) / 2
        assert abs(centre - (LEFT + RIGHT) / 2) < 1 * MM
        assert all(c["non_stroking_color"][0] > 0.8 and c["non_stroking_color"][1:] == (0, 0) for c in masthead)  # red
        assert {c["fontname"].split("+")[-1] for c in masthead} == {"FandolSong-Bold"}
        # 发文字号 centred under it, the red rule 4 mm below the number and as wide as the 版心
        number = next(line for line in _lines(first) if _text(line) == "宁教督〔2026〕3号")
        rule = next(r for r in first.rects + first.lines if r["top"] > number[0]["bottom"])
        assert abs(rule["top"] - number[0]["bottom"]) / MM == pytest.approx(4, abs=1.2)
        assert abs(rule["x0"] - LEFT) < 1 and abs(rule["x1"] - RIGHT) < 1
        body_font = {c["fontname"].split("+")[-1] for line in _lines(first)[3:] for c in line}
        assert body_font == {"FandolFang"}


def test_grid_of_22_lines_and_28_characters():
    with _pdf(_doc([{"type": "p", "text": LINE * 3}] * 4)) as pdf:
        page = pdf.pages[1]  # a page of body text only
        lines = _lines(page)
        assert len(lines) == 22
        pitches = {round(b[0]["top"] - a[0]["top"], 1) for a, b in zip(lines, lines[1:], strict=False)}
        assert pitches <= {28.9, 29.0}
        # 28 characters a line (3号, −0.21 pt spacing); a line may hold one less where a closing mark may not
        # start the next line (避头尾)
        assert max(len(line) for line in lines) == 28
        assert sum(1 for line in lines if len(line) >= 27) >= 20


def test_page_numbers_alternate_sides_below_the_type_area():
    with _pdf(_doc([{"type": "p", "text": LINE * 3}] * 4, cc="", printer="")) as pdf:
        assert len(pdf.pages) >= 3
        for n, page in enumerate(pdf.pages, 1):
            (line,) = _lines(page, inside=False)
            assert _text(line) == f"—{n}—"
            assert {c["fontname"].split("+")[-1] for c in line} == {"FandolSong"} and round(line[0]["size"]) == 14
            dash = line[0]
            assert abs((dash["top"] + dash["bottom"]) / 2 / MM - 269) < 1  # 7 mm below the 版心
            if n % 2:
                assert abs(line[-1]["x1"] - (RIGHT - 14)) < 1  # odd: 居右空一字
            else:
                assert abs(line[0]["x0"] - (LEFT + 14)) < 1  # even: 居左空一字


def test_the_date_is_the_date_of_issue_and_a_draft_has_none():
    with _pdf(_doc([{"type": "p", "text": "请各校做好准备。"}], note="此件公开发布")) as pdf:
        text = "".join(_text(line) for page in pdf.pages for line in _lines(page))
        assert "2026年3月5日" in text and "宁教督〔2026〕3号" in text and "（此件公开发布）" in text
        assert "2026年3月5日印发" in text and "抄送：长沙市人民政府教育督导室。" in text
    with _pdf(_doc([{"type": "p", "text": "请各校做好准备。"}], status="draft", number="", issued_on=None)) as pdf:
        text = "".join(c["text"] for page in pdf.pages for c in page.chars)
        assert "草稿" in text and "〔" not in text and "2026年" not in text


def test_signature_is_right_aligned_per_7_3_5_2():
    with _pdf(_doc([{"type": "p", "text": "请各校做好准备。"}])) as pdf:
        lines = _lines(pdf.pages[0])
        name = next(line for line in lines if _text(line) == "宁乡市人民政府教育督导室")
        day = next(line for line in lines if _text(line) == "2026年3月5日")
        assert abs(name[-1]["x1"] - (RIGHT - 32)) < 1  # 署名 右空二字
        assert abs(day[0]["x0"] - (name[0]["x0"] + 32)) < 1.5  # the date starts two characters right of it
    # 12 characters; the date is 6 wide (digits count half): it starts at 12 from the right and ends at 6
    assert sign_indents("宁乡市人民政府教育督导室", "2026年3月5日") == (2.0, 6.0)
    assert sign_indents("督导室", "2026年12月25日") == (2 + 7 + 2 - 3, 2.0)  # the date (7 wide) is the longer


def test_the_signature_never_stands_alone_on_the_last_page():
    """Bodies of n one-line paragraphs around the page boundary: the page with the date always shows body text."""
    one = "本段正好占满一行文字用于检验署名不单独成页的规则"  # 2 + 26 characters: one line

    def last_page(n):
        with _pdf(_doc([{"type": "p", "text": f"{one[:22]}{i:04d}"} for i in range(n)], cc="", printer="")) as pdf:
            page = next(p for p in pdf.pages if "2026年3月5日" in "".join(c["text"] for c in p.chars))
            return len(pdf.pages), [_text(line) for line in _lines(page)]

    pages, _ = last_page(3)
    assert pages == 1
    with _pdf(_doc([{"type": "p", "text": f"{one[:22]}{i:04d}"} for i in range(40)], cc="", printer="")) as pdf:
        first_page_lines = sum(1 for line in _lines(pdf.pages[0]) if _text(line).startswith(one[:22]))
    # n paragraphs fill page 1 exactly when n == first_page_lines; without the rule the signature (a blank line
    # and two lines) would stand alone on page 2 for n in first_page_lines - 2 … first_page_lines
    for n in range(first_page_lines - 3, first_page_lines + 2):
        pages, lines = last_page(n)
        assert any(text.startswith(one[:22]) for text in lines), (n, pages, lines)


def test_tables_repeat_their_header_and_charts_are_images_in_both_files():
    rows = [[f"宁乡市第{i}小学", str(80 + i % 20), "良好"] for i in range(1, 60)]
    document = _doc([{"type": "p", "text": "各校得分如下。"},
                     {"type": "table", "header": ["学校", "得分", "等级"], "rows": rows},
                     {"type": "chart", "chart": BAR}])
    with _pdf(document) as pdf:
        with_rows = [p for p in pdf.pages if "宁乡市第3" in "".join(c["text"] for c in p.chars)]
        assert len(with_rows) >= 2
        for page in with_rows:  # the header row on every page the table runs onto
            assert "学校得分等级" in "".join(_text(line) for line in _lines(page))
        assert sum(len(p.images) for p in pdf.pages) == 1
    from docx import Document as Word

    word = Word(io.BytesIO(render_docx(document)))
    assert len(word.inline_shapes) == 1 and len(word.tables) == 1
    assert "w:tblHeader" in word.tables[0].rows[0]._tr.xml
    assert charts.image(BAR).startswith(b"\xff\xd8\xff")


def test_image_blocks_and_attachments_on_a_page_of_their_own():
    photo = base64.b64encode(charts.image({"kind": "pie", "labels": ["是", "否"], "series": [{"values": [3, 1]}]})).decode()
    document = _doc([{"type": "p", "text": "现将照片附后。"}, {"type": "attachment", "text": "督导现场照片"},
                     {"type": "image", "data": photo, "caption": "照片1"}], attachments=["督导现场照片（1张）"])
    with _pdf(document) as pdf:
        assert len(pdf.pages) == 2
        first = "".join(_text(line) for line in _lines(pdf.pages[0]))
        assert "附件：督导现场照片（1张）" in first
        second = _lines(pdf.pages[1])
        assert _text(second[0]) == "附件" and {c["fontname"].split("+")[-1] for c in second[0]} == {"FandolHei"}
        assert abs(second[0][0]["x0"] - LEFT) < 1  # 顶格
        assert _text(second[1]) == "督导现场照片" and len(pdf.pages[1].images) == 1


def test_upward_documents_put_the_number_left_and_the_signer_right_in_kai():
    with _pdf(_doc([{"type": "p", "text": "现将有关情况报告如下。"}], upward=True, signer_name="张三")) as pdf:
        lines = _lines(pdf.pages[0])
        line = next(line for line in lines if "签发人" in _text(line))
        assert _text(line).startswith("宁教督〔2026〕3号") and _text(line).endswith("签发人：张三")
        assert abs(line[0]["x0"] - (LEFT + 16)) < 1 and abs(line[-1]["x1"] - (RIGHT - 16)) < 1
        assert {c["fontname"].split("+")[-1] for c in line[-2:]} == {"FandolKai"}


def test_docx_names_the_official_fonts_with_the_page_and_grid():
    from docx import Document as Word
    from docx.oxml.ns import qn

    word = Word(io.BytesIO(render_docx(_doc([{"type": "h1", "text": "一、总体情况"}, {"type": "h2", "text": "（一）办学条件"},
                                             {"type": "p", "text": LINE}]))))
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [37, 35, 28, 26]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 28.95 pt: 22 lines
    east_asia = {r._element.rPr.rFonts.get(qn("w:eastAsia")) for p in word.paragraphs for r in p.runs if r.text.strip()}
    assert {"方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"} <= east_asia
    assert word.settings.odd_and_even_pages_header_footer
    assert 'w:instr="PAGE"' in section.footer._element.xml and 'w:instr="PAGE"' in section.even_page_footer._element.xml
    texts = [p.text for p in word.paragraphs]
    assert texts[0] == "宁乡市人民政府教育督导室文件" and "2026年3月5日" in texts and "各中小学校：" in texts


def test_only_data_uris_and_the_font_folders_are_read(tmp_path):
    from dudao.core.documents import html_to_pdf

    picture = tmp_path / "p.png"
    picture.write_bytes(charts.image(BAR))
    font = tmp_path / "x.otf"
    font.write_bytes((fonts.fandol_dir() / "FandolKai-Regular.otf").read_bytes())
    import pdfplumber

    html = (f'<style>@font-face {{ font-family: "Stolen"; src: url("{font.as_uri()}"); }}</style>'
            f'<p style="font-family: Stolen">字</p><img src="{picture.as_uri()}">')
    with pdfplumber.open(io.BytesIO(html_to_pdf(html))) as pdf:
        assert not pdf.pages[0].images
        assert "FandolKai" not in {c["fontname"].split("+")[-1] for c in pdf.pages[0].chars}


def test_a_banji_alone_on_the_last_page_is_not_numbered():
    """Bodies growing line by line: the 版记 sits at the bottom of the last page's 版心 (its last rule on the
    版心's bottom edge); where it no longer fits beside the signature it goes onto a page of its own, which is
    not numbered (GB/T 9704 7.5)."""
    one = "本段正好占满一行文字用于检验版记单独成页的规则"
    banji = "抄送：长沙市人民政府教育督导室。宁乡市人民政府教育督导室2026年3月5日印发"
    seen = set()
    for n in (0, 2, 8):
        with _pdf(_doc([{"type": "p", "text": f"{one[:22]}{i:04d}"} for i in range(n)])) as pdf:
            last = pdf.pages[-1]
            text = "".join(_text(line) for line in _lines(last))
            assert text.endswith(banji)
            alone = text == banji
            seen.add(alone)
            assert bool(_lines(last, inside=False)) is not alone  # numbered unless the 版记 stands alone
            assert abs(max(r["bottom"] for r in last.rects + last.lines) - BOTTOM) < 1
    assert seen == {True, False}
