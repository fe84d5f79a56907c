"""A small survey whose results are checked by hand (the results tests share it).

The 宁乡市 office runs "测试社会认可度" (kind recognition, 2026, region 宁乡市 430182) on one questionnaire:
  Q1 single, in the index: 满意 (satisfied) / 基本满意 (satisfied) / 不满意
  Q2 matrix, in the index, rows r1 r2, same options (each row counts one)
  Q3 text, Q4 number, Q5 multiple (a, b, c) — not in the index
Links: A1 (target 4), A2 (target 2), A3 (target 3) of the cast. A1 lies in a township; A2, A3 in the county.

Responses (rated / satisfied as stored — per response: answered index items, those satisfied):
  A1 r1 parent   Q1 满意,   Q2 满意/不满意        3 / 2   Q3 "食堂不错" Q4 3  Q5 [a, b]
  A1 r2 parent   Q1 不满意, Q2 基本满意/基本满意   3 / 2   Q3 "作业多"   Q4 5  Q5 [b]
  A1 r3 student  Q1 满意,   Q2 满意/—            2 / 2   Q4 4
  A1 r4 parent   Q1 不满意, Q2 不满意/不满意  VOIDED  (3 / 0, excluded everywhere)
  A2 r5 teacher  Q1 满意,   Q2 满意/满意          3 / 3
  A2 r6 parent   Q1 基本满意, Q2 满意/不满意      3 / 2
  A3 r7 parent   Q1 满意,   Q2 满意/满意          3 / 3
  A3 r8 parent   Q1 满意,   Q2 满意/满意          3 / 3

By hand:
  A1  (2+2+2)/(3+3+2) = 6/8  = 75.00 %  < 85 fails   n 3, target 4
  A2  (3+2)/(3+3)     = 5/6  = 83.33 %  < 85 fails   n 2, target 2
  A3  (3+3)/(3+3)     = 6/6  = 100.00 % passes       n 2, target 3
  survey / county  17/20 = 85.00 % — exactly the line: passes (≥ 85)   valid 7, target 9
  township of A1: 75.00 %; county-level schools A2 + A3: 11/12 = 91.67 %
  groups: parent (2+2+2+3+3)/(3+3+3+3+3) = 12/15 = 80.00 %; student 2/2 = 100 %; teacher 3/3 = 100 %
  Q1 (7 valid answers): 满意 5 (71.43 %), 基本满意 1 (14.29 %), 不满意 1 (14.29 %)
  Q2 row r1 (7): 满意 5, 基本满意 1, 不满意 0 (+ r3 answered r1 only) → r1 7 answers, r2 6 answers:
     r2: 满意 3 (r5 r7 r8), 基本满意 1 (r2), 不满意 2 (r1 r6)
  Q4 number: 3, 5, 4 → n 3, mean 4.00, min 3, max 5
  Q5 multiple (2 respondents): a 1 (50 %), b 2 (100 %), c 0
The year before (2025, same kind and region) one response at A1: Q1 不满意, Q2 满意/不满意 → 1/3 = 33.33 %.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from dudao.regions.models import Office, Region
from dudao.surveys.models import Question, Questionnaire, Response, Survey, SurveyLink, SurveyState

SCALE = [{"value": "满意", "label": "满意", "satisfied": True},
         {"value": "基本满意", "label": "基本满意", "satisfied": True},
         {"value": "不满意", "label": "不满意"}]


@dataclass
class World:
    survey: Survey
    last_year: Survey
    links: dict[str, SurveyLink]
    responses: list[Response]
    questionnaire: Questionnaire


def _questionnaire(office: Office) -> Questionnaire:
    q = Questionnaire.objects.create(office=office, code="T-REC", name="测试认可度问卷", kind="recognition")
    Question.objects.create(questionnaire=q, order=1, code="Q1", text="总体满意度", type="single", options=SCALE,
                            in_index=True)
    Question.objects.create(questionnaire=q, order=2, code="Q2", text="分项满意度", type="matrix", options=SCALE,
                            rows=[{"value": "r1", "label": "就近入学"}, {"value": "r2", "label": "课业负担"}],
                            in_index=True)
    Question.objects.create(questionnaire=q, order=3, code="Q3", text="意见建议", type="text", required=False)
    Question.objects.create(questionnaire=q, order=4, code="Q4", text="孩子年级", type="number", required=False)
    Question.objects.create(questionnaire=q, order=5, code="Q5", text="关注方面", type="multiple", required=False,
                            options=[{"value": "a", "label": "安全"}, {"value": "b", "label": "作业"},
                                     {"value": "c", "label": "食堂"}])
    return q


def _survey(office: Office, q: Questionnaire, region: Region, by, year: int, name: str) -> Survey:
    return Survey.objects.create(office=office, questionnaire=q, name=name, kind="recognition", year=year,
                                 region=region, opens_on=dt.date(year, 9, 1), closes_on=dt.date(year, 9, 30),
                                 state=SurveyState.OPEN, created_by=by)


def add_response(survey: Survey, link: SurveyLink, n: int, group: str, answers: dict, rated: int, satisfied: int,
                 *, voided: bool = False) -> Response:
    return Response.objects.create(
        survey=survey, link=link, school=link.school, region_code=link.region.code, group=group, answers=answers,
        rated=rated, satisfied=satisfied, device_hash=f"dev{survey.pk}-{n}",
        submitted_at=timezone.now() - dt.timedelta(minutes=n), voided=voided,
        void_reason="同一IP批量提交" if voided else "")


def build_world(cast) -> World:
    county = Region.objects.get(code="430182")
    office = Office.objects.get(region=county)
    q = _questionnaire(office)
    survey = _survey(office, q, county, cast.county_staff, 2026, "测试社会认可度")
    links = {}
    for name, target in (("A1", 4), ("A2", 2), ("A3", 3)):
        school = getattr(cast, name)
        links[name] = SurveyLink.objects.create(survey=survey, token=f"tok{name}", school=school,
                                                region=school.region, target=target)
    rows = [
        ("A1", "parent", {"Q1": "满意", "Q2": {"r1": "满意", "r2": "不满意"}, "Q3": "食堂不错", "Q4": 3,
                          "Q5": ["a", "b"]}, 3, 2, False),
        ("A1", "parent", {"Q1": "不满意", "Q2": {"r1": "基本满意", "r2": "基本满意"}, "Q3": "作业多", "Q4": 5,
                          "Q5": ["b"]}, 3, 2, False),
        ("A1", "student", {"Q1": "满意", "Q2": {"r1": "满意"}, "Q4": 4}, 2, 2, False),
        ("A1", "parent", {"Q1": "不满意", "Q2": {"r1": "不满意", "r2": "不满意"}}, 3, 0, True),
        ("A2", "teacher", {"Q1": "满意", "Q2": {"r1": "满意", "r2": "满意"}}, 3, 3, False),
        ("A2", "parent", {"Q1": "基本满意", "Q2": {"r1": "满意", "r2": "不满意"}}, 3, 2, False),
        ("A3", "parent", {"Q1": "满意", "Q2": {"r1": "满意", "r2": "满意"}}, 3, 3, False),
        ("A3", "parent", {"Q1": "满意", "Q2": {"r1": "满意", "r2": "满意"}}, 3, 3, False),
    ]
    responses = [add_response(survey, links[s], n, g, a, r, sat, voided=v)
                 for n, (s, g, a, r, sat, v) in enumerate(rows, start=1)]
    last_year = _survey(office, q, county, cast.county_staff, 2025, "测试社会认可度（上年）")
    old = SurveyLink.objects.create(survey=last_year, token="tokOLD", school=cast.A1, region=cast.A1.region, target=5)
    add_response(last_year, old, 1, "parent", {"Q1": "不满意", "Q2": {"r1": "满意", "r2": "不满意"}}, 3, 1)
    return World(survey=survey, last_year=last_year, links=links, responses=responses, questionnaire=q)
