"""Questionnaire demo data (issue [10] item 4): the built-in questionnaires, and for 宁乡市 a 社会认可度
survey (the derived 优质均衡 bank) open now, with a link per compulsory school and a few hundred
responses stored through `response_submit` — about 88 % satisfied overall, two schools below the
85 % line — a handful of suspiciously fast responses from one address, and one of them voided.

Deterministic (fixed seed); does nothing if 宁乡's office already has a survey. Cheap: ≈ 400
responses, a few queries each.
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
        elif q.type == "text" and rng.random() < 0.15:
            data[logic.field_name(q)] = rng.choice(["希望多开展课后体育活动。", "建议改善学校周边交通。", "老师很负责，谢谢！"])
    return data


def build_demo_surveys(seed: int = 4310) -> int:
    """Answers how many responses were stored (0 when the demo survey exists already)."""
    questionnaires_install_builtin()
    office = Office.objects.filter(region__code=COUNTY).select_related("region").first()
    if office is None or Survey.objects.filter(office=office).exists():
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    questionnaire = Questionnaire.objects.get(office__isnull=True, code="YZJH-RECOGNITION")
    survey = services.survey_create(
        by=None, office=office, questionnaire=questionnaire, name=f"{office.region.name}{today.year}年义务教育优质均衡社会认可度调查",
        year=today.year, region=office.region, opens_on=today - timedelta(days=14), closes_on=today + timedelta(days=16))
    services.links_generate(by=None, survey=survey, mode="schools", target=20)
    services.links_generate(by=None, survey=survey, mode="whole", target=100)
    services.survey_set_state(by=None, survey=survey, state=SurveyState.OPEN)
    questions = list(questionnaire.questions.order_by("order", "id"))
    links = list(survey.links.filter(school__isnull=False).select_related("school", "survey__questionnaire")
                 .order_by("school__code")[:SCHOOLS_ANSWERING])
    now = timezone.now()
    stored = []
    for n, link in enumerate(links):
        p = 0.70 if n < LOW_SCHOOLS else 0.90
        for i in range(PER_SCHOOL):
            group = rng.choice(GROUPS)
            fast = n == len(links) - 1 and i < 4  # a burst of fast answers from one address: listed as suspicious
            stored.append(services.response_submit(
                link=link, group=group, data=_answers(rng, questions, group, p),
                device_hash=keyed_hash("survey-device", f"demo-{n}-{i}"),
                ip_hash=keyed_hash("survey-ip", "198.51.100.7" if fast else f"203.0.113.{rng.randint(1, 250)}"),
                grade=rng.randint(3, 9) if group == "student" else None,
                seconds=rng.randint(12, 25) if fast else rng.randint(70, 420),
                now=now - timedelta(days=rng.randint(0, 12), minutes=rng.randint(0, 600)) if not fast else now - timedelta(minutes=30 - i)))
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
