"""The campaign's documents drafted from its data (campaigns/documents.py) on the hand case of
tests/campaigns/scoring_support.py:

A1 verified: B1 mean(5, 4, 3) = 4, B2 是 = 4, B3 mean(6, 10, 6) = 7.33 → 办学条件 8, 教育教学 7.33, total 15.33;
A2 verified: B1 6, B2 否 = 0 (veto), B3 10 → 办学条件 6, 教育教学 10, total 16 but 不合格.
Averages over the two inspected schools: 办学条件 (8 + 6) / 2 = 7, 教育教学 (7.33 + 10) / 2 = 8.665 → 8.67.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from dudao.campaigns import documents as builders
from dudao.campaigns.results import campaign_findings_create, campaign_results_compute
from dudao.documents import services
from dudao.documents.models import Document, DocumentKind, DocumentStatus
from dudao.documents.render import render_pdf
from tests.campaigns.scoring_support import hand_case


@pytest.fixture
def inspected(county_campaign, cast):
    hand_case(county_campaign, cast)
    county_campaign.rectification_deadline = date(2030, 12, 31)
    county_campaign.save()
    campaign_results_compute(campaign=county_campaign)
    return county_campaign


def _texts(doc: Document) -> list[str]:
    return [b.get("text", "") for b in doc.body]


def _block(doc: Document, kind: str, n: int = 0) -> dict:
    return [b for b in doc.body if b["type"] == kind][n]


def test_the_notice_lists_the_content_and_goes_to_every_school(county_campaign, cast):
    doc = builders.notice_draft(campaign=county_campaign, by=cast.county_staff)
    assert doc.kind == DocumentKind.NOTICE and doc.title == "关于开展测试宁乡综合督导的通知"
    assert doc.source == f"campaigns.Campaign:{county_campaign.pk}" and doc.addressee == "各有关学校"
    texts = _texts(doc)
    assert "1. 办学条件（10分）" in texts and "2. 教育教学（10分）" in texts
    assert any("学校自查：2026年9月15日前" in t for t in texts)
    assert any("实地督导：2026年9月20日至2026年10月10日" in t for t in texts)
    schools = _block(doc, "table")
    assert sorted(row[1] for row in schools["rows"]) == sorted([cast.A1.name, cast.A2.name, cast.A3.name])
    assert {r.school_id for r in doc.recipients.all()} == {cast.A1.pk, cast.A2.pk, cast.A3.pk}
    assert doc.attachments == ["测试宁乡综合督导学校名单"]
    # again: the same draft, written again, never a second one
    again = builders.notice_draft(campaign=county_campaign, by=cast.county_staff)
    assert again.pk == doc.pk and Document.objects.filter(kind="notice").count() == 1


def test_a_notice_sent_for_checking_is_not_written_again(county_campaign, cast):
    doc = builders.notice_draft(campaign=county_campaign, by=cast.county_staff)
    services.submit(doc, by=cast.county_staff)
    county_campaign.name = "改名后的督导"
    county_campaign.save()
    again = builders.notice_draft(campaign=county_campaign, by=cast.county_staff)
    assert again.pk == doc.pk and again.title == "关于开展测试宁乡综合督导的通知"
    assert again.status == DocumentStatus.CHECKING


def test_only_the_office_drafts(inspected, cast):
    for persona in (cast.county_leader, cast.supervisor, cast.school_user, cast.outsider):
        with pytest.raises(PermissionDenied):
            builders.notice_draft(campaign=inspected, by=persona)
        with pytest.raises(PermissionDenied):
            builders.school_report_draft(campaign=inspected, school=cast.A1, by=persona)
    assert not Document.objects.exists()


def test_the_school_report_compares_with_the_average(inspected, cast):
    doc = builders.school_report_draft(campaign=inspected, school=cast.A1, by=cast.county_staff)
    assert doc.kind == DocumentKind.REPORT and doc.school == cast.A1 and doc.addressee == cast.A1.name
    assert [r.school_id for r in doc.recipients.all()] == [cast.A1.pk]
    table = _block(doc, "table")
    assert table["header"] == ["一级指标", "满分", "本校得分", "得分率", "全部学校平均", "差值"]
    assert table["rows"] == [["A1 办学条件", "10", "8", "80.0%", "7", "+1"],
                             ["A2 教育教学", "10", "7.33", "73.3%", "8.67", "-1.34"]]
    chart = _block(doc, "chart")["chart"]
    assert chart["kind"] == "bar" and chart["labels"] == ["办学条件", "教育教学"]
    assert chart["series"] == [{"name": "本校得分", "values": [8.0, 7.33]},
                               {"name": "全部学校平均", "values": [7.0, 8.67]}]
    texts = _texts(doc)
    # A1 15.33 良好 ranks first: A2's 16 is vetoed
    assert any(t.startswith("经核查，本校总分15.33分（满分20分），等级为良好，在参加本次督导并完成核查的2所学校中排名第1位")
               for t in texts)
    assert "办学条件等方面得分高于全部学校平均水平。" in texts and "1. B2 消防器材是否配齐有效：达到满分要求。" in texts
    # not yet in the ledger: the items that lost marks (B1 4 of 6 with a note; B3 7.33 without is none)
    assert "1. B1 校舍安全：核查得分4分（满分6分）。安全台账不全" in texts
    assert any("2030年12月31日前" in t for t in texts)
    assert [b["type"] for b in doc.body].count("table") == 1  # the item detail is the results page's


def test_the_report_lists_the_findings_with_their_state(inspected, cast):
    campaign_findings_create(campaign=inspected, by=cast.county_staff)
    doc = builders.school_report_draft(campaign=inspected, school=cast.A2, by=cast.county_staff)
    problems = _block(doc, "table", 1)
    assert problems["header"] == ["序号", "问题描述", "整改要求", "整改期限", "整改状态"]
    assert len(problems["rows"]) == 1
    assert problems["rows"][0][1].startswith("【一票否决】B2 消防器材是否配齐有效")
    assert problems["rows"][0][3:] == ["2030年12月31日", "待下发"]
    assert any("存在一票否决项未达标" in t for t in _texts(doc))


def test_an_english_user_drafts_in_chinese(inspected, cast):
    translation.activate("en")
    doc = builders.school_report_draft(campaign=inspected, school=cast.A1, by=cast.county_staff)
    campaign_findings_create(campaign=inspected, by=cast.county_staff)
    again = builders.school_report_draft(campaign=inspected, school=cast.A2, by=cast.county_staff)
    translation.activate("zh-hans")
    assert "一、基本情况" in _texts(doc) and "待下发" in str(again.body) and "Pending" not in str(again.body)


def test_a_school_outside_the_campaign_is_refused(inspected, cast):
    with pytest.raises(ValidationError):
        builders.school_report_draft(campaign=inspected, school=cast.B1, by=cast.county_staff)


def test_the_school_opinion(inspected, cast):
    doc = builders.school_opinion_draft(campaign=inspected, school=cast.A1, by=cast.county_staff)
    assert doc.kind == DocumentKind.OPINION and doc.title == f"关于对{cast.A1.name}测试宁乡综合督导的督导意见书"
    texts = _texts(doc)
    assert texts[1:3] == ["一、总体评价", texts[2]] and texts[2].startswith("经核查，本校总分15.33分")
    assert any("15日内" in t for t in texts)
    # the report and the opinion of one school are two documents of one source
    report = builders.school_report_draft(campaign=inspected, school=cast.A1, by=cast.county_staff)
    assert report.pk != doc.pk and report.source == doc.source


def test_the_summary_report_goes_up_with_its_signer(inspected, cast):
    inspected.office.head_name = "李主任"
    inspected.office.save()
    doc = builders.summary_report_draft(campaign=inspected, by=cast.county_staff)
    assert doc.upward and doc.signer_name == "李主任" and doc.addressee == "宁乡市人民政府"
    texts = _texts(doc)
    assert "本次督导范围内学校3所，完成核查评分2所，提交自查报告0所。" in texts
    # (15.33 + 16) / 2 = 15.665 → 15.67
    assert any(t.startswith("核查平均分15.67分，最高16分，最低15.33分。良好1所（50.0%），不合格1所（50.0%）") for t in texts)
    grades = _block(doc, "table")
    assert grades["rows"] == [["良好", "1", "50.0%"], ["不合格", "1", "50.0%"]]
    pie = _block(doc, "chart")["chart"]
    assert pie["kind"] == "pie" and pie["series"][0]["values"] == [1, 1]
    averages = _block(doc, "table", 1)
    assert averages["rows"] == [["A1 办学条件", "10", "7", "70.0%"], ["A2 教育教学", "10", "8.67", "86.7%"]]
    ranking = _block(doc, "table", 2)
    assert [row[1] for row in ranking["rows"]] == [cast.A1.name, cast.A2.name]


def test_the_self_assessment_template(inspected, cast):
    doc = builders.self_assessment_draft(campaign=inspected, school=cast.A1, by=cast.county_staff)
    assert doc.kind == DocumentKind.SELF_ASSESSMENT and doc.masthead == ""
    headings = [b["text"] for b in doc.body if b["type"] in ("h2", "h3")]
    assert headings == ["（一）办学条件（满分10分）", "B1 校舍安全（满分6分）", "B2 消防器材是否配齐有效（满分4分）",
                        "（二）教育教学（满分10分）", "B3 课程开设（满分10分）"]
    texts = _texts(doc)
    assert ["自评结果：6分", "自评结果：是", "自评结果：好"] == [t for t in texts if t.startswith("自评结果")]
    assert "佐证材料：校舍安全年检记录" in texts
    blank = builders.self_assessment_draft(campaign=inspected, school=cast.A3, by=cast.county_staff)
    assert [t for t in _texts(blank) if t.startswith("自评结果")] == ["自评结果：＿＿＿＿分"] * 3


def test_no_self_assessment_without_self_inspection(inspected, cast):
    inspected.self_deadline = None
    inspected.save()
    with pytest.raises(ValidationError):
        builders.self_assessment_draft(campaign=inspected, school=cast.A1, by=cast.county_staff)


def test_the_report_renders(inspected, cast):
    doc = builders.school_report_draft(campaign=inspected, school=cast.A1, by=cast.county_staff)
    assert render_pdf(doc).startswith(b"%PDF")


def test_an_offices_own_wording_wins_and_the_tables_follow(inspected, cast):
    from dudao.documents.models import DocumentTemplate

    DocumentTemplate.objects.create(kind="report", office=inspected.office, name="本室督导报告",
                                    title="{{ school.name }}督导报告（本室格式）",
                                    body="一、督导结果\n{{ school.name }}核查总分{{ total }}分，等级{{ grade }}。")
    doc = builders.school_report_draft(campaign=inspected, school=cast.A1, by=cast.county_staff)
    assert doc.title == f"{cast.A1.name}督导报告（本室格式）"
    assert [b["type"] for b in doc.body] == ["h1", "p", "table", "chart"]
    assert doc.body[1]["text"] == f"{cast.A1.name}核查总分15.33分，等级良好。"
