"""The figures of a 通报 against arithmetic done by hand on the small case (tests/bulletins/conftest.py),
and the page, the Excel file and the document's text showing the same numbers."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dudao.bulletins import services
from dudao.documents.models import DocumentKind, DocumentStatus
from tests.bulletins.conftest import TODAY

pytestmark = pytest.mark.django_db

EXPECTED = {"schools": 3, "inspected": 3, "self_submitted": 2, "self_late": 1, "self_missing": 1, "visits": 1,
            "findings": 5, "closed": 2, "overdue": 2, "rate": "40.0%", "complaints": 1, "refusals": 1}


def _computed(cast, office, world):
    return services.compute(by=cast.county_staff, office=office, campaign=world, today=TODAY)


def test_campaign_figures_match_the_hand_arithmetic(cast, office, world):
    bulletin = _computed(cast, office, world)
    assert services.counts_of(bulletin.figures) == EXPECTED
    assert bulletin.subject == "关于测试宁乡综合督导情况的通报"
    ranking = bulletin.figures["ranking"]
    assert ranking["by"] == "score"
    assert ranking["rows"] == [[1, "测试宁乡一小", "18.00", "优秀"], [2, "测试宁乡二中", "15.00", "良好"],
                               [3, "测试宁乡三幼", "10.00", "不合格"]]
    rows = bulletin.figures["findings"]["rows"]
    assert len(rows) == 5 and [r[-1] for r in rows].count("是") == 2  # the cancelled one is left out
    assert dict(map(tuple, bulletin.figures["chart"]["items"])) == {"优秀": 1, "良好": 1, "不合格": 1}
    good = {(e["name"], e["reason"]) for e in bulletin.examples if e["kind"] == "good"}
    bad = {(e["name"], e["reason"]) for e in bulletin.examples if e["kind"] == "bad"}
    assert good == {("测试宁乡一小", "核查总分18.00分，等级优秀，列第1名"), ("测试宁乡一小", "发现的2个问题已全部整改销号")}
    assert bad == {("测试宁乡三幼", "核查总分10.00分，列第3名"), ("测试宁乡三幼", "未按要求提交自查报告"),
                   ("测试宁乡三幼", "2026年10月8日拒绝、阻挠督导或提供虚假材料"),
                   ("测试宁乡二中", "1个问题逾期未完成整改"), ("测试宁乡三幼", "1个问题逾期未完成整改")}
    assert all(e["picked"] for e in bulletin.examples)


def test_rectification_ranking_for_a_period(cast, office, world):
    """A period over the county: the same findings (found 2026-09-25) ranked by rectification rate:
    A1 2/2 = 100.0%, then A2 0/2 and A3 0/1 (both one overdue) sharing 2nd place, by name."""
    bulletin = services.compute(by=cast.county_staff, office=office, period_kind="quarter",
                                day=dt.date(2026, 9, 1), today=TODAY)
    assert bulletin.subject == "关于2026年第三季度宁乡市教育督导工作情况的通报"
    assert (bulletin.period_start, bulletin.period_end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    c = services.counts_of(bulletin.figures)
    assert (c["findings"], c["closed"], c["overdue"], c["rate"]) == (5, 2, 2, "40.0%")
    assert c["complaints"] == 0 and c["visits"] == 0  # the complaint came in October; no routine visits
    assert c["refusals"] == 0 and "quota_schools" not in c  # quarters carry no quota of their own
    assert [r[:2] + r[-1:] for r in bulletin.figures["ranking"]["rows"]] == [
        [1, "测试宁乡一小", "100.0%"], [2, "测试宁乡三幼", "0.0%"], [2, "测试宁乡二中", "0.0%"]]


def test_page_excel_and_document_agree(cast, office, world, client):
    bulletin = _computed(cast, office, world)
    drop = next(e["key"] for e in bulletin.examples if e["reason"] == "未按要求提交自查报告")
    keep = {e["key"] for e in bulletin.examples} - {drop}
    client.force_login(cast.county_staff)
    response = client.post(reverse("bulletins:draft", args=[bulletin.pk]), {"pick": sorted(keep),
                                                                            "deadline": "2026-12-01"})
    assert response.status_code == 302
    bulletin.refresh_from_db()
    document = bulletin.document
    assert document.kind == DocumentKind.BULLETIN and document.status == DocumentStatus.DRAFT
    assert document.addressee == "各乡镇（街道）中心学校、各中小学校、幼儿园"
    assert document.cc.startswith("宁乡市人民政府") and "长沙市人民政府教育督导室" in document.cc
    assert sorted(r.name for r in document.recipients.all()) == sorted(["测试宁乡一小", "测试宁乡二中", "测试宁乡三幼"])
    text = "\n".join(b.get("text", "") for b in document.body)
    tables = [b for b in document.body if b["type"] == "table"]
    assert "共发现问题5个，已整改销号2个，逾期未整改2个，整改率40.0%" in text
    assert "于2026年12月1日前" in text and text.rstrip().endswith("特此通报。")
    assert "测试宁乡三幼：未按要求提交自查报告" not in text  # unpicked
    assert "测试宁乡三幼：核查总分10.00分，列第3名。" in text
    page = client.get(reverse("bulletins:detail", args=[bulletin.pk])).content.decode()
    response = client.get(reverse("bulletins:export", args=[bulletin.pk]))
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))

    def rows(name):
        return [[str(v) for v in row] for row in book.get_sheet_by_name(name).to_python()[1:]]

    sheet = rows("基本情况")
    counts_table = tables[0]["rows"]
    assert sheet == counts_table  # Excel = the document's table
    for key, value in EXPECTED.items():
        assert f'data-key="{key}">{value}</td>' in page  # the page
    ranking_sheet = rows("排名")
    assert ranking_sheet == tables[1]["rows"] == [["1", "测试宁乡一小", "18.00", "优秀"], ["2", "测试宁乡二中", "15.00", "良好"],
                                                  ["3", "测试宁乡三幼", "10.00", "不合格"]]
    picks = {row[1] + row[2]: row[3] for row in rows("典型单位")}
    assert picks["测试宁乡三幼未按要求提交自查报告"] == "否" and picks["测试宁乡一小发现的2个问题已全部整改销号"] == "是"


def test_the_type_decides_whom_the_text_names(cast, office, world):
    praise = services.compute(by=cast.county_staff, office=office, campaign=world, tone="praise", today=TODAY)
    text = "\n".join(b.get("text", "") for b in services.draft(praise, by=cast.county_staff).body)
    assert "测试宁乡一小：发现的2个问题已全部整改销号。" in text and "予以通报批评" not in text
    criticism = services.compute(by=cast.county_staff, office=office, campaign=world, tone="criticism", today=TODAY)
    text = "\n".join(b.get("text", "") for b in services.draft(criticism, by=cast.county_staff).body)
    assert "予以通报表扬" not in text and "测试宁乡二中：1个问题逾期未完成整改。" in text


def test_a_running_month_is_counted_up_to_today(cast, office, world):
    """October 2026 seen on 2026-10-10: the complaint of 10-05 and the refused visit of 10-08 count;
    the figures end on the 10th."""
    bulletin = services.compute(by=cast.county_staff, office=office, period_kind="month", day=dt.date(2026, 10, 1),
                                today=dt.date(2026, 10, 10))
    assert (bulletin.figures["start"], bulletin.figures["end"]) == ("2026-10-01", "2026-10-10")
    c = services.counts_of(bulletin.figures)
    assert (c["complaints"], c["refusals"], c["findings"]) == (1, 1, 0)
    assert bulletin.subject == "关于2026年10月宁乡市教育督导工作情况的通报"


def test_visits_against_the_quota_of_a_term(cast, office, quota_defaults, make_supervisor, record):
    """Autumn term 2025 (1 Sep – 31 Jan), the national 2 visits per zone school a term: A1 visited
    twice (met), A2 once (refused: 拒绝阻挠), A3 never → 3 schools visits 3, visited 2, quota 3, met 1."""
    from dudao.zones.services import assignment_create

    supervisor = make_supervisor()
    for school in (cast.A1, cast.A2, cast.A3):
        assignment_create(supervisor=supervisor, school=school, starts_on=dt.date(2025, 9, 1))
    record(supervisor, cast.A1, dt.date(2025, 9, 3))
    record(supervisor, cast.A1, dt.date(2026, 1, 31))
    record(supervisor, cast.A2, dt.date(2025, 11, 12), refused=True, refusal_note="拒绝提供资料")
    record(supervisor, cast.A2, dt.date(2026, 2, 1))  # the spring term
    bulletin = services.compute(by=cast.county_staff, office=office, period_kind="semester",
                                day=dt.date(2025, 10, 1), today=dt.date(2026, 3, 1))
    c = services.counts_of(bulletin.figures)
    assert (c["schools"], c["visits"], c["inspected"], c["quota_schools"], c["quota_met"], c["refusals"]) == (
        3, 3, 2, 3, 1, 1)
    assert bulletin.subject == "关于2025—2026学年秋季学期宁乡市教育督导工作情况的通报"
    assert [(e["name"], e["reason"]) for e in bulletin.examples] == [
        ("测试宁乡二中", "2025年11月12日拒绝、阻挠督导或提供虚假材料")]


def test_the_office_words_the_requirements_in_its_own_bulletin_template(cast, office, world):
    """The built-in 通报 template (a whole bulletin drafted by hand) is not pasted into a data-drafted one;
    the office's own copy gives the 工作要求 section."""
    from dudao.documents.wording import template_copy

    standard = services.compute(by=cast.county_staff, office=office, campaign=world, today=TODAY)
    text = "\n".join(b.get("text", "") for b in services.draft(standard, by=cast.county_staff).body)
    assert "（三）督导结果将作为学校年度考核" in text and "{{" not in text and text.count("特此通报。") == 1
    own = template_copy(by=cast.county_staff, office=office, kind="bulletin")
    own.body = "一、总体情况\n略\n二、工作要求\n请于{{ deadline }}前向{{ office.name }}书面报告整改结果。\n特此通报。"
    own.save()
    reworded = services.compute(by=cast.county_staff, office=office, campaign=world, today=TODAY)
    text = "\n".join(b.get("text", "") for b in services.draft(reworded, by=cast.county_staff).body)
    assert f"前向{office.name}书面报告整改结果。" in text and "（三）督导结果将作为" not in text
    assert text.count("特此通报。") == 1 and "总体情况\n略" not in text
