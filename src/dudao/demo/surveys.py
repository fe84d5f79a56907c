"""Questionnaire demo data (issue [10] item 4): the built-in questionnaires; for 宁乡市 a 社会认可度
survey (the derived 优质均衡 bank) open now, with a link per compulsory school and a few hundred
responses stored through `response_submit` — about 88 % satisfied overall, two schools below the
85 % line — a handful of suspiciously fast responses from one address, and one of them voided; for
望城区 a 基本均衡 公众满意度 survey (the 7-row matrix) with 200 responses.

Deterministic (fixed seed); a county whose office already has a survey is left alone. Cheap:
≈ 600 responses, a few queries each.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.http import QueryDict
from django.utils import timezone

from dudao.core.ratelimit import keyed_hash
from dudao.regions.models import Office
from dudao.surveys import logic, services
from dudao.surveys.builtin import questionnaires_install_builtin
from dudao.surveys.models import Questionnaire, Survey, SurveyState

COUNTY = "430182"
SCHOOLS_ANSWERING = 30
PER_SCHOOL = 13
LOW_SCHOOLS = 2  # the first two answering schools lean unsatisfied (below 85 %)
GROUPS = ["parent"] * 6 + ["student"] * 2 + ["teacher"] * 2
IDENTITY = {"parent": "学生家长", "teacher": "教师", "public": "群众代表", "principal": "义务教育学校校长",
            "deputy": "人大代表、政协委员"}


def _answers(rng: random.Random, questions, group: str, p: float) -> QueryDict:
    data = QueryDict(mutable=True)
    for q in logic.visible_questions(questions, group, {}):
        options = logic.option_values(q)
        good = [o for o in options if o in logic.satisfied_values(q)]
        bad = [o for o in options if o not in good]
        if q.type in ("single", "scale"):
            data[logic.field_name(q)] = rng.choice(good if good and rng.random() < p else bad or options)
        elif q.type == "matrix":
            for i, _row in enumerate(q.rows, start=1):
                data[logic.field_name(q, i)] = rng.choice(good if good and rng.random() < p else bad or options)
        elif q.type == "multiple":  # the identity question: the respondent's own group where it is listed
            own = IDENTITY.get(group)
            data.setlist(logic.field_name(q), [own if own in options else rng.choice(options)])
        elif q.type == "number" and (q.required or rng.random() < 0.5):
            data[logic.field_name(q)] = str(rng.randint(28, 58))
        elif q.type == "text" and rng.random() < 0.15:
            data[logic.field_name(q)] = rng.choice(["希望多开展课后体育活动。", "建议改善学校周边交通。", "老师很负责，谢谢！"])
    return data


# (county, built-in questionnaire, schools answering, responses per school, respondent groups)
PLANS = [
    ("430182", "YZJH-RECOGNITION", SCHOOLS_ANSWERING, PER_SCHOOL, GROUPS),
    ("430112", "JBJH-PUBLIC", 20, 10, ["parent"] * 6 + ["teacher"] * 2 + ["public"] * 2),
]


def build_demo_surveys(seed: int = 4310) -> int:
    """Answers how many responses were stored (0 when the demo surveys exist already): 宁乡市's
    社会认可度 survey and 望城区's 基本均衡 公众满意度 survey."""
    questionnaires_install_builtin()
    rng = random.Random(seed)
    stored = 0
    for county, code, schools, per_school, groups in PLANS:
        office = Office.objects.filter(region__code=county).select_related("region").first()
        if office is None or Survey.objects.filter(office=office).exists():
            continue
        stored += _county_survey(rng, office, Questionnaire.objects.get(office__isnull=True, code=code), schools,
                                 per_school, groups, void=county == COUNTY)
    return stored


def _county_survey(rng: random.Random, office, questionnaire, schools: int, per_school: int, groups: list[str],
                   *, void: bool) -> int:
    today = timezone.localdate()
    title = "义务教育优质均衡社会认可度调查" if questionnaire.kind == "recognition" else "义务教育均衡发展公众满意度调查"
    survey = services.survey_create(
        by=None, office=office, questionnaire=questionnaire, name=f"{office.region.name}{today.year}年{title}",
        year=today.year, region=office.region, opens_on=today - timedelta(days=14), closes_on=today + timedelta(days=16))
    services.links_generate(by=None, survey=survey, mode="schools", target=20)
    services.links_generate(by=None, survey=survey, mode="whole", target=100)
    services.survey_set_state(by=None, survey=survey, state=SurveyState.OPEN)
    questions = list(questionnaire.questions.order_by("order", "id"))
    links = list(survey.links.filter(school__isnull=False).select_related("school", "survey__questionnaire")
                 .order_by("school__code")[:schools])
    now = timezone.now()
    stored = []
    for n, link in enumerate(links):
        p = 0.70 if n < LOW_SCHOOLS else 0.90
        for i in range(per_school):
            group = rng.choice(groups)
            fast = void and n == len(links) - 1 and i < 4  # a burst of fast answers from one address: suspicious
            stored.append(services.response_submit(
                link=link, group=group, data=_answers(rng, questions, group, p),
                device_hash=keyed_hash("survey-device", f"demo-{survey.pk}-{n}-{i}"),
                ip_hash=keyed_hash("survey-ip", "198.51.100.7" if fast else f"203.0.113.{rng.randint(1, 250)}"),
                grade=rng.randint(3, 9) if group == "student" else None,
                seconds=rng.randint(12, 25) if fast else rng.randint(70, 420),
                now=now - timedelta(minutes=30 - i) if fast else now - timedelta(days=rng.randint(0, 12),
                                                                                  minutes=rng.randint(0, 600))))
    if void:
        suspicious = next(r for r in stored if r.seconds is not None and r.seconds < 30)
        services.response_void(by=None, response=suspicious, reason="同一网络地址短时间内连续提交，用时过短（演示）")
    return len(stored)


def demo_survey_link() -> str:
    """A public link of the demo survey to print with the accounts (a school's, the group chosen on the page)."""
    from dudao.surveys.public import link_url

    link = (Survey.objects.filter(office__region__code=COUNTY).order_by("id").first())
    if link is None:
        return ""
    first = link.links.filter(school__isnull=False, group="").select_related("school").order_by("school__code").first()
    return f"{first.school.name}：{link_url(first.token)}" if first else ""
