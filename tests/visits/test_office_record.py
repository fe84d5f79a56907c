"""A visit's printable record sheet (责任督学工作记录表, 规程 2014): an A4 PDF with the fields of the
record, Chinese text that survives extraction, and the feedback-only version a school gets."""

from __future__ import annotations

import io
import re

from django.urls import reverse
from pypdf import PdfReader

from tests.visits.office_world import NARRATIVE, OPINIONS, PROBLEM, REFUSAL, REQUIREMENT
from tests.zones.plaques_helpers import pdf_text


def _sheet(client, visit) -> tuple[bytes, str]:
    response = client.get(reverse("visits:record_pdf", kwargs={"pk": visit.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename*=UTF-8''20251009-")
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    return pdf, re.sub(r"\s+", "", pdf_text(pdf, layout=False))


def test_the_record_sheet_has_the_fields_of_the_record(cast, client, office_world):
    client.force_login(cast.county_staff)
    pdf, text = _sheet(client, office_world.visits["A1"])
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4 portrait
    for expected in ("责任督学工作记录表", "测试宁乡一小", "3143090001", "宁乡张督学", "明查", "2025年10月9日", "09:00—11:00",
                     "校园巡视、查阅资料", "校园及周边安全情况，学生交通安全情况", "学校安全工作",
                     NARRATIVE, OPINIONS, PROBLEM, REQUIREMENT, "2025年10月31日", "校园安全隐患",
                     "距学校35米", "责任督学（签名）", "学校负责人（签名）"):
        assert re.sub(r"\s+", "", expected) in text, expected
    assert "拒绝、阻挠督导或提供虚假材料" in text and "学校查看版" not in text


def test_a_refusal_is_on_the_sheet(cast, client, office_world):
    client.force_login(cast.county_leader)
    pdf, text = _sheet_of_day(client, office_world.visits["A3"], "20251020-")
    assert REFUSAL in text and "本次督导未发现需要整改的问题" in text


def _sheet_of_day(client, visit, prefix):
    response = client.get(reverse("visits:record_pdf", kwargs={"pk": visit.pk}))
    assert response.status_code == 200 and response["Content-Disposition"].startswith(f"inline; filename*=UTF-8''{prefix}")
    return response.content, re.sub(r"\s+", "", pdf_text(response.content, layout=False))


def test_the_school_gets_the_feedback_without_the_observations(cast, client, office_world):
    client.force_login(cast.school_user)
    _pdf, text = _sheet(client, office_world.visits["A1"])
    assert PROBLEM in text and REQUIREMENT in text and OPINIONS in text and "测试宁乡一小" in text
    assert NARRATIVE not in text and "距学校" not in text and "学校查看版" in text


def test_the_sheet_is_in_chinese_whatever_the_readers_language(cast, client, office_world):
    client.force_login(cast.county_staff)
    client.cookies["django_language"] = "en"
    _pdf, text = _sheet(client, office_world.visits["A1"])
    assert "明查" in text and "Announced" not in text
