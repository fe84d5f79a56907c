"""整改通知书 as PDF (text read back with pdftotext) and DOCX (opened again with python-docx)."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

import pytest

from dudao.findings.notices import NUMBER_BLANK, notice_docx, notice_pdf, notice_text
from dudao.findings.services import finding_transition


def _pdf_text(raw: bytes) -> str:
    executable = shutil.which("pdftotext")
    if executable is None:
        pytest.fail("pdftotext (poppler-utils) is not installed: run `make system-deps`")
    out = subprocess.run([executable, "-layout", "-", "-"], input=raw, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


@pytest.fixture
def issued(ledger):
    finding = ledger.make(deadline=date(2031, 6, 30), description="学校食堂未落实食品留样制度",
                          requirement="建立留样台账，每餐留样不少于125克并保存48小时")
    return finding_transition(by=ledger.cast.county_staff, finding=finding, action="notify",
                              data={"number": "宁督整〔2031〕7号"})


def test_pdf_carries_office_number_problem_requirement_and_deadline(issued):
    raw = notice_pdf(issued)
    assert raw.startswith(b"%PDF-")
    text = "".join(_pdf_text(raw).split())  # CJK text may be spaced out by the layout
    for expected in (issued.office.name, "宁督整〔2031〕7号", "整改通知书", "测试宁乡一小：", "学校食堂未落实食品留样制度",
                     "建立留样台账", "2031年6月30日", "王督学", "（印章）"):
        assert expected in text, expected


def test_docx_opens_and_says_the_same(issued):
    from docx import Document

    doc = Document(io.BytesIO(notice_docx(issued)))
    texts = [p.text for p in doc.paragraphs]
    body = "\n".join(texts)
    assert texts[0] == issued.office.name and "宁督整〔2031〕7号" in texts[1]
    assert "整改通知书" in texts and "测试宁乡一小：" in texts
    for expected in ("学校食堂未落实食品留样制度", "每餐留样不少于125克", "请于2031年6月30日前完成整改"):
        assert expected in body
    masthead = doc.paragraphs[0].runs[0]
    assert masthead.font.color.rgb is not None and str(masthead.font.color.rgb) == "CC0000"
    assert 'w:color="CC0000"' in doc.paragraphs[1]._p.xml  # the red separator
    assert abs(doc.sections[0].top_margin.mm - 37) < 0.5


def test_unissued_notice_leaves_the_number_blank(ledger):
    finding = ledger.make()
    text = notice_text(finding)
    assert text.number == NUMBER_BLANK and text.addressee == ledger.cast.A1.name
    assert notice_docx(finding)[:2] == b"PK"
