"""The results pages, the Excel files and the findings action on the hand-checked world
(tests/surveys/results_world.py): figures as computed on paper, page = Excel = API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from dudao.findings.models import Finding, FindingSource
from dudao.surveys.models import Survey
from tests.surveys.results_world import build_world
from tests.xlsx import xlsx_rows


@pytest.fixture
def world(cast):
    return build_world(cast)


def test_results_page_shows_the_hand_figures(world, cast, login):
    client = login(cast.county_staff)
    response = client.get(reverse("surveys:results", args=[world.survey.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="total-rate">85.00%' in html
    assert "75.00%" in html and "83.33%" in html and "100.00%" in html  # A1, A2, A3
    assert "91.67%" in html  # the county's own line (A2 + A3)
    assert "80.00%" in html  # parents
    assert "33.33%" in html  # the year before
    assert "71.43%" in html  # Q1 满意 5 of 7
    assert 'data-chart="chart-schools"' in html and 'data-chart="chart-qQ1"' in html
    assert "vendor/echarts/echarts.min.js" in html
    # the group filter
    html = client.get(reverse("surveys:results", args=[world.survey.pk]), {"group": "parent"}).content.decode()
    assert 'data-testid="total-rate">80.00%' in html and "66.67%" in html


def test_texts_page_and_empty_states(world, cast, login):
    client = login(cast.county_staff)
    html = client.get(reverse("surveys:results_texts", args=[world.survey.pk, "Q3"])).content.decode()
    assert "食堂不错" in html and "作业多" in html
    assert client.get(reverse("surveys:results_texts", args=[world.survey.pk, "Q1"])).status_code == 404
    empty = Survey.objects.create(office=world.survey.office, questionnaire=world.questionnaire, name="空调查",
                                  kind="other", year=2026, region=world.survey.region, opens_on=dt.date(2026, 10, 1),
                                  closes_on=dt.date(2026, 10, 30), created_by=cast.county_staff)
    html = client.get(reverse("surveys:results", args=[empty.pk])).content.decode()
    assert 'data-testid="results-empty"' in html and "没有学校的调查链接或答卷" in html
    html = client.get(reverse("surveys:results_texts", args=[empty.pk, "Q3"])).content.decode()
    assert "还没有文字答复" in html
    html = client.get(reverse("surveys:results_index")).content.decode()
    assert "空调查" in html and "测试社会认可度" in html


def test_index_page_empty(cast, login):
    html = login(cast.county_staff).get(reverse("surveys:results_index")).content.decode()
    assert "还没有问卷调查" in html


def test_page_excel_and_api_agree(world, cast, login):
    client = login(cast.county_staff)
    page = client.get(reverse("surveys:results", args=[world.survey.pk])).content.decode()
    book = xlsx_rows(client.get(reverse("surveys:results_export", args=[world.survey.pk])))
    api = client.get(f"/api/v1/survey-results/{world.survey.pk}/schools").json()
    excel = {row[0]: row for row in book[1:] if row and row[0]}
    by_api = {row["school"]: row for row in api["schools"]}
    for school, rate, n, target in ((cast.A1, "75.00", 3, 4), (cast.A2, "83.33", 2, 2), (cast.A3, "100.00", 2, 3)):
        assert f"{rate}%" in page
        line = excel[school.name]
        assert (line[1], line[2], Decimal(str(line[6])).quantize(Decimal("0.01"))) == (n, target, Decimal(rate))
        assert (by_api[school.name]["n"], by_api[school.name]["target"], Decimal(by_api[school.name]["rate"])) == (
            n, target, Decimal(rate))
    total = next(row for row in book if row and str(row[0]).startswith("合计"))
    assert (total[1], total[2], float(total[6])) == (7, 9, 85.0)
    assert (api["total"]["n"], api["total"]["target"], Decimal(api["total"]["rate"]), api["total"]["passes"]) == (
        7, 9, Decimal("85.00"), True)


def test_responses_export_one_row_per_response(world, cast, login):
    client = login(cast.county_staff)
    rows = xlsx_rows(client.get(reverse("surveys:responses_export", args=[world.survey.pk])))
    headers = rows[0]
    assert "Q2 分项满意度：就近入学" in headers and "Q2 分项满意度：课业负担" in headers
    body = [r for r in rows[1:] if r and r[0]]
    assert len(body) == 8  # all 8 responses, the voided one flagged
    voided = [r for r in body if r[headers.index("已作废")] == "是"]
    assert len(voided) == 1 and voided[0][headers.index("作废理由")] == "同一IP批量提交"
    first = next(r for r in body if r[0] == world.responses[0].pk)
    assert first[headers.index("Q1 总体满意度")] == "满意"
    assert first[headers.index("Q2 分项满意度：课业负担")] == "不满意"
    assert first[headers.index("Q5 关注方面")] == "安全、作业"
    assert first[headers.index("Q4 孩子年级")] == 3
    # a school account reads its figures but not the answer sheets
    assert login(cast.school_user).get(reverse("surveys:responses_export", args=[world.survey.pk])).status_code == 403


def test_large_responses_export_goes_to_the_background(world, cast, login, settings):
    settings.EXPORT_ASYNC_ROWS = 5
    client = login(cast.county_staff)
    response = client.get(reverse("surveys:responses_export", args=[world.survey.pk]))
    from dudao.core.exports import export_job_run
    from dudao.core.models import ExportJob

    job = ExportJob.objects.get(created_by=cast.county_staff)
    assert response.status_code == 302 and response["Location"] == reverse("core:export_job", kwargs={"pk": job.pk})
    assert job.params["survey"] == [str(world.survey.pk)]
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.processed_rows == 8


def test_low_scores_become_findings_once(world, cast, login):
    client = login(cast.county_staff)
    url = reverse("surveys:results_findings", args=[world.survey.pk])
    response = client.post(url, {"deadline": "2026-12-31", "questions": "1"})
    assert response.status_code == 302
    findings = Finding.objects.filter(source=FindingSource.SURVEY).order_by("school__name")
    # A1 75.00 % and A2 83.33 % are under 85 %; A3 is not
    assert sorted(f.school_id for f in findings) == sorted([cast.A1.pk, cast.A2.pk])
    a1 = findings.get(school=cast.A1)
    assert "75.00%" in a1.description and a1.deadline == dt.date(2026, 12, 31)
    assert "Q1 总体满意度 66.67%" in a1.description
    assert a1.source_url == reverse("surveys:results", args=[world.survey.pk])
    client.post(url, {"deadline": "2026-12-31"})
    assert Finding.objects.filter(source=FindingSource.SURVEY).count() == 2  # nothing twice
    # the leader reads, does not act; a school cannot either
    assert login(cast.county_leader).post(url).status_code == 403
    assert login(cast.school_user).post(url).status_code == 403


def test_api_detail_by_hand(world, cast, login):
    client = login(cast.county_staff)
    data = client.get(f"/api/v1/survey-results/{world.survey.pk}").json()
    assert (data["total"]["rate"], data["total"]["n"], data["whole"]) == ("85.00", 7, True)
    assert {g["key"]: g["rate"] for g in data["groups"]} == {"parent": "80.00", "student": "100.00",
                                                             "teacher": "100.00"}
    assert [(y["year"], y["total"]["rate"]) for y in data["years"]] == [(2025, "33.33"), (2026, "85.00")]
    q1 = next(q for q in data["questions"] if q["code"] == "Q1")["counted"][0]
    assert [(o["value"], o["count"], o["share"]) for o in q1["options"]] == [
        ("满意", 5, "71.43"), ("基本满意", 1, "14.29"), ("不满意", 1, "14.29")]
    q4 = next(q for q in data["questions"] if q["code"] == "Q4")
    assert q4["numbers"] == {"n": 3, "mean": "4.00", "min": "3", "max": "5"}
    listed = client.get("/api/v1/survey-results", {"year": 2025}).json()["items"]
    assert [(s["name"], s["total"]["rate"]) for s in listed] == [("测试社会认可度（上年）", "33.33")]
