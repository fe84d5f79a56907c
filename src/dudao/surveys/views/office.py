"""The office's survey pages: questionnaires (list, detail, copy, edit, questions), surveys (list,
create, detail with links and progress, open/close), the printable link sheet with QR codes, and the
suspicious responses with voiding. Thin: access (selectors) → form → service → render. Staff write,
leaders read; supervisors, schools and evaluators are refused (403), other offices' objects are 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dudao.access import may_edit_questionnaire, may_run_survey
from dudao.core.errors import add_service_errors
from dudao.surveys import selectors, services
from dudao.surveys.forms import (
    CopyForm,
    LinksForm,
    QuestionForm,
    QuestionnaireForm,
    SurveyForm,
    TargetForm,
    VoidForm,
    question_initial,
)
from dudao.surveys.logic import questionnaire_problems
from dudao.surveys.models import Question, RespondentGroup
from dudao.surveys.public import link_url, qr_data_uri

PAGE_SIZE = 30


# --- the index: surveys --------------------------------------------------------------------------------
@login_required
@require_GET
def survey_index(request: HttpRequest) -> HttpResponse:
    selectors.require_office_user(request.user)
    page = Paginator(selectors.survey_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "surveys/survey_list.html", {
        "page": page, "rows": list(page.object_list),
        "can_create": selectors.writable_offices(request.user).exists()})


@login_required
@require_http_methods(["GET", "POST"])
def survey_create(request: HttpRequest) -> HttpResponse:
    selectors.require_office_user(request.user)
    offices = selectors.writable_offices(request.user)
    if not offices.exists():
        raise PermissionDenied
    from dudao.campaigns.models import Campaign
    from dudao.surveys.models import Questionnaire

    campaigns = Campaign.objects.visible_to(request.user).filter(office__in=offices).order_by("-year", "name")
    initial = {}
    if request.GET.get("campaign", "").isdigit():
        initial["campaign"] = request.GET["campaign"]
    form = SurveyForm(request.POST or None, initial=initial, offices=offices,
                      questionnaires=Questionnaire.objects.visible_to(request.user).filter(questions__isnull=False).distinct(),
                      regions=selectors.survey_regions(list(offices)), campaigns=campaigns)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.survey_create(
                by=request.user, office=data["office"], questionnaire=data["questionnaire"], name=data["name"],
                year=data["year"], region=data["region"], opens_on=data["opens_on"], closes_on=data["closes_on"],
                campaign=data["campaign"], min_student_grade=data["min_student_grade"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已创建调查，请生成调查链接后开始收集。"))
            return redirect("surveys:detail", pk=survey.pk)
    return render(request, "surveys/survey_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_GET
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.access_survey(request.user, pk)
    rows = selectors.link_rows(survey)
    return render(request, "surveys/survey_detail.html", {
        "survey": survey, "rows": rows, "totals": selectors.survey_totals(rows),
        "can_run": may_run_survey(request.user, survey), "links_form": LinksForm(),
        "voided": survey.responses.filter(voided=True).count(),
        "base_url": link_url(""),
    })


@login_required
@require_POST
def survey_state(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.access_writable_survey(request.user, pk)
    try:
        services.survey_set_state(by=request.user, survey=survey, state=request.POST.get("state", ""))
    except ValidationError as exc:
        for line in exc.messages:
            messages.error(request, line)
    else:
        messages.success(request, _("调查状态已改为“%(s)s”。") % {"s": survey.get_state_display()})
    return redirect("surveys:detail", pk=survey.pk)


@login_required
@require_POST
def links_generate(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.access_writable_survey(request.user, pk)
    form = LinksForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        n = services.links_generate(by=request.user, survey=survey, mode=data["mode"], groups=data["groups"],
                                    target=data["target"])
        messages.success(request, _("已生成 %(n)s 个调查链接（已有的不重复生成）。") % {"n": n})
    else:
        messages.error(request, _("请检查生成方式和样本目标。"))
    return redirect("surveys:detail", pk=survey.pk)


@login_required
@require_POST
def link_edit(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    survey = selectors.access_writable_survey(request.user, pk)
    link = selectors.access_link(request.user, survey, link_pk)
    form = TargetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("样本目标应为 0 到 1000000 之间的整数。"))
    else:
        try:
            services.link_update(by=request.user, link=link, target=form.cleaned_data["target"],
                                 active=form.cleaned_data["active"])
        except ValidationError as exc:
            for line in exc.messages:
                messages.error(request, line)
        else:
            messages.success(request, _("已保存。"))
    return redirect("surveys:detail", pk=survey.pk)


@login_required
@require_GET
def links_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable sheet: one card per link with its QR code and address (browser print or PDF)."""
    survey = selectors.access_survey(request.user, pk)
    rows = [r for r in selectors.link_rows(survey) if r.link.active]
    cards = [{"row": r, "url": link_url(r.link.token), "qr": qr_data_uri(link_url(r.link.token))} for r in rows]
    context = {"survey": survey, "cards": cards}
    if request.GET.get("format") == "pdf":
        from dudao.core.documents import PDF, render_pdf

        response = HttpResponse(render_pdf("surveys/links_pdf.html", context), content_type=PDF)
        response["Content-Disposition"] = "attachment; filename*=UTF-8''survey-links.pdf"
        return response
    return render(request, "surveys/links_print.html", context)


@login_required
@require_GET
def suspicious(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.access_survey(request.user, pk)
    rows = selectors.suspicious_responses(survey)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "surveys/suspicious.html", {
        "survey": survey, "page": page, "rows": list(page.object_list), "can_run": may_run_survey(request.user, survey),
        "groups": dict(RespondentGroup.choices)})


@login_required
@require_POST
def response_void(request: HttpRequest, pk: int, response_pk: int) -> HttpResponse:
    survey = selectors.access_writable_survey(request.user, pk)
    response = selectors.access_response(request.user, survey, response_pk)
    form = VoidForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请填写作废理由。"))
        services.response_void(by=request.user, response=response, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        for line in exc.messages:
            messages.error(request, line)
    else:
        messages.success(request, _("答卷 #%(n)s 已作废，不再计入结果。") % {"n": response.pk})
    return redirect("surveys:suspicious", pk=survey.pk)


# --- questionnaires ------------------------------------------------------------------------------------
@login_required
@require_GET
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    selectors.require_office_user(request.user)
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.questionnaire_list(request.user, q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "surveys/questionnaire_list.html", {
        "page": page, "rows": list(page.object_list), "q": q,
        "can_copy": selectors.writable_offices(request.user).exists()})


@login_required
@require_GET
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = selectors.access_questionnaire(request.user, pk)
    questions = list(questionnaire.questions.order_by("order", "id"))
    return render(request, "surveys/questionnaire_detail.html", {
        "questionnaire": questionnaire, "questions": questions, "problems": questionnaire_problems(questions),
        "can_edit": may_edit_questionnaire(request.user, questionnaire),
        "can_copy": selectors.writable_offices(request.user).exists(), "groups": dict(RespondentGroup.choices)})


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_copy(request: HttpRequest, pk: int) -> HttpResponse:
    source = selectors.access_questionnaire(request.user, pk)
    offices = selectors.writable_offices(request.user)
    if not offices.exists():
        raise PermissionDenied
    form = CopyForm(request.POST or None, offices=offices, initial={"name": source.name})
    if request.method == "POST" and form.is_valid():
        copy = services.questionnaire_copy(by=request.user, source=source, office=form.cleaned_data["office"],
                                           name=form.cleaned_data["name"])
        messages.success(request, _("已复制为“%(name)s”，可以修改题目。") % {"name": copy.name})
        return redirect("surveys:questionnaire", pk=copy.pk)
    return render(request, "surveys/questionnaire_copy.html", {"questionnaire": source, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_edit(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = selectors.access_writable_questionnaire(request.user, pk)
    form = QuestionnaireForm(request.POST or None, initial={
        "name": questionnaire.name, "kind": questionnaire.kind, "intro": questionnaire.intro, "groups": questionnaire.groups})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.questionnaire_update(by=request.user, questionnaire=questionnaire, name=data["name"],
                                          kind=data["kind"], intro=data["intro"], groups=list(data["groups"]))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("surveys:questionnaire", pk=questionnaire.pk)
    return render(request, "surveys/questionnaire_edit.html", {"questionnaire": questionnaire, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int, question_pk: int | None = None) -> HttpResponse:
    questionnaire = selectors.access_writable_questionnaire(request.user, pk)
    question = None
    if question_pk is not None:
        question = get_object_or_404(questionnaire.questions, pk=question_pk)
    codes = [(q.code, f"{q.code} {q.text[:30]}") for q in questionnaire.questions.order_by("order", "id")
             if question is None or q.pk != question.pk]
    form = QuestionForm(request.POST or None, codes=codes,
                        initial=question_initial(question) if question else {"required": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.question_save(by=request.user, questionnaire=questionnaire, question=question, **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("题目已保存。"))
            return redirect("surveys:questionnaire", pk=questionnaire.pk)
    return render(request, "surveys/question_form.html",
                  {"questionnaire": questionnaire, "question": question, "form": form},
                  status=400 if form.errors else 200)


def _question(questionnaire, question_pk: int) -> Question:
    return get_object_or_404(questionnaire.questions, pk=question_pk)


@login_required
@require_POST
def question_delete(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    questionnaire = selectors.access_writable_questionnaire(request.user, pk)
    try:
        services.question_delete(by=request.user, question=_question(questionnaire, question_pk))
    except ValidationError as exc:
        for line in exc.messages:
            messages.error(request, line)
    else:
        messages.success(request, _("题目已删除。"))
    return redirect("surveys:questionnaire", pk=questionnaire.pk)


@login_required
@require_POST
def question_move(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    questionnaire = selectors.access_writable_questionnaire(request.user, pk)
    try:
        services.question_move(by=request.user, question=_question(questionnaire, question_pk),
                               up=request.POST.get("direction") == "up")
    except ValidationError as exc:
        for line in exc.messages:
            messages.error(request, line)
    return redirect("surveys:questionnaire", pk=questionnaire.pk)
