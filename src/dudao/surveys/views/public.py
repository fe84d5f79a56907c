"""The public answer pages (no login): `/q/<token>/` — choose who you are when the link does not
say, answer, the image challenge — and the thank-you page. Outside the scope mechanism on purpose
(respondents have no account): the page shows only the questionnaire of the link's survey, and
writes only through `abuse.submit_public` → `services.response_submit`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from dudao.core.errors import error_dict
from dudao.core.ratelimit import RateLimited
from dudao.surveys import abuse, services
from dudao.surveys.models import RespondentGroup, Response, SurveyLink
from dudao.surveys.public import form_fields

GRADES = list(range(1, 13))


def _link(token: str) -> SurveyLink:
    link = (SurveyLink.objects.select_related("survey__questionnaire", "school", "region")
            .filter(token=token).first())
    if link is None:
        raise Http404
    return link


def _grade(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= 12 else None


def _page(request: HttpRequest, link: SurveyLink, template: str, context: dict, status: int = 200) -> HttpResponse:
    survey = link.survey
    response = render(request, template, {
        "link": link, "survey": survey, "questionnaire": survey.questionnaire,
        "place": link.school.name if link.school_id else link.region.name, **context}, status=status)
    abuse.device_ensure(request, response)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    link = _link(token)
    survey = link.survey
    closed = services.survey_accepting(survey) or ("" if link.active else _("这个调查链接已停用。"))
    if closed:
        return _page(request, link, "surveys/public_closed.html", {"message": closed})
    device = abuse.device_id(request)
    if device and Response.objects.filter(survey=survey, device_hash=abuse.device_hash(device)).exists():
        return _page(request, link, "surveys/public_thanks.html", {"already": True})
    groups = services.link_groups(link)
    group = link.group or (request.POST.get("group") if request.method == "POST" else request.GET.get("group")) or ""
    if group not in groups:
        labels = dict(RespondentGroup.choices)
        return _page(request, link, "surveys/public_group.html",
                     {"groups": [(g, labels[g]) for g in groups], "min_grade": survey.min_student_grade})
    context = {"group": group, "group_label": dict(RespondentGroup.choices)[group], "grades": GRADES,
               "fixed_group": bool(link.group)}
    if request.method == "GET":
        questions = list(survey.questionnaire.questions.order_by("order", "id"))
        challenge = abuse.challenge_new()
        return _page(request, link, "surveys/public_form.html",
                     {**context, "fields": form_fields(questions, group), "challenge": challenge, "errors": {}})
    grade = _grade(request.POST.get("grade", ""))
    status, errors, limited = 400, {}, ""
    try:
        abuse.submit_public(request=request, link=link, group=group, data=request.POST, grade=grade)
    except RateLimited as exc:
        limited, status = exc.message, 429
    except ValidationError as exc:
        errors = error_dict(exc)
    else:
        return redirect("surveys_public:thanks", token=link.token)
    questions = list(survey.questionnaire.questions.order_by("order", "id"))
    challenge = abuse.challenge_new(started=abuse.started_at(request.POST.get("token", "")))
    return _page(request, link, "surveys/public_form.html", {
        **context, "fields": form_fields(questions, group, request.POST, errors), "challenge": challenge,
        "errors": errors, "limited": limited, "grade": grade,
        "general": errors.get("__all__", []) + errors.get("group", [])}, status=status)


@never_cache
@require_GET
def survey_thanks(request: HttpRequest, token: str) -> HttpResponse:
    link = _link(token)
    return _page(request, link, "surveys/public_thanks.html", {"already": False})
