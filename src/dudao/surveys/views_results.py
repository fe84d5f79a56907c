"""The results pages of a survey (问卷调查结果): the index per school, township/county, respondent group and
year against the pass line, charts per question, text answers page by page, sample progress; the two
Excel files (responses; per-school results) and the office's action that turns low scores into findings.

Who (surveys/results.py): a survey the user sees (`Survey.objects.visible_to`, else 404); the office
that ran it and the offices above read every response; a supervisor or a school reads the figures of
its own schools only. The response file is the office's (403 for others); the findings action needs
office staff of the running office or above (a leader: 403).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dudao.access import can_manage_office
from dudao.core import charts
from dudao.core.errors import joined_messages
from dudao.core.excel import xlsx_sheets_response
from dudao.core.exports import Workbook, async_rows, builder_for, capped_count, export_job_create
from dudao.core.pagination import CappedPaginator
from dudao.surveys import results
from dudao.surveys.models import Question, QuestionType, RespondentGroup, Survey

PER_PAGE = 20
TEXTS_PER_PAGE = 30


def _group(request: HttpRequest) -> str:
    group = request.GET.get("group", "")
    return group if group in RespondentGroup.values else ""


# --- the list of surveys with their index -----------------------------------------------------------------
@login_required
@require_GET
def results_index(request: HttpRequest) -> HttpResponse:
    surveys = Survey.objects.visible_to(request.user).select_related("office__region", "region", "questionnaire")
    year = request.GET.get("year", "")
    if year.isdigit():
        surveys = surveys.filter(year=int(year))
    page = CappedPaginator(surveys.order_by("-year", "-opens_on", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"survey": s, "total": results.survey_total(request.user, s)} for s in page.object_list]
    years = sorted(set(Survey.objects.visible_to(request.user).values_list("year", flat=True)), reverse=True)
    return render(request, "surveys/results_index.html", {"page": page, "rows": rows, "years": years, "year": year})


# --- one survey's results ------------------------------------------------------------------------------------
def _index_chart(title: str, rows: list[results.IndexRow], pass_line: Decimal) -> dict | None:
    rated = [r for r in rows if r.rate is not None]
    if not rated:
        return None
    option = charts.bar_chart(title, [(r.label, 0) for r in rated], _("满意度指数（%）"))
    option["yAxis"] = {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}}
    option["series"][0]["markLine"] = {"symbol": "none", "data": [{"yAxis": float(pass_line), "name": _("达标线")}],
                                       "lineStyle": {"type": "dashed", "color": "#d63939"}}
    option["series"][0]["data"] = [
        {"value": _number(r.rate), "itemStyle": {"color": "#2fb344" if r.passes else "#d63939"}} for r in rated]
    if len(rated) > 15:
        option["dataZoom"] = [{"type": "slider", "bottom": 8, "height": 14, "startValue": 0, "endValue": 14}]
    return option


def _question_chart(d: results.Distribution) -> dict | None:
    question = d.question
    if not d.counted or not any(c.answered for c in d.counted):
        return None
    if question.type == QuestionType.MATRIX:
        labels = [o.label for o in d.counted[0].options]
        series = [(label, [c.options[i].count if i < len(c.options) else 0 for c in d.counted])
                  for i, label in enumerate(labels)]
        return charts.stacked_bar_chart(question.text, [c.label for c in d.counted], series)
    counted = d.counted[0]
    if question.type == QuestionType.MULTIPLE:
        return charts.bar_chart(question.text, [(o.label, o.count) for o in counted.options], _("人次"))
    return charts.pie_chart(question.text, [(o.label, o.count) for o in counted.options])


@login_required
@require_GET
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    survey = results.access_survey(user, pk)
    group = _group(request)
    total = results.survey_total(user, survey, group=group)
    schools = results.school_rows(user, survey, group=group)
    regions = {level: results.region_rows(user, survey, level=level, group=group)
               for level in results.region_levels(survey)}
    distributions = results.question_distributions(user, survey, group=group) if total.n else []
    for d in distributions:
        d.chart = _question_chart(d)  # type: ignore[attr-defined]
    whole = results.sees_whole_survey(user, survey)
    return render(request, "surveys/results.html", {
        "survey": survey, "group": group, "groups": RespondentGroup.choices, "total": total, "schools": schools,
        "regions": regions, "distributions": distributions,
        "by_group": results.group_rows(user, survey), "years": results.year_rows(user, survey),
        "progress": results.link_progress(user, survey),
        "school_chart": _index_chart(_("各校满意度指数"), schools, survey.pass_line),
        "low": [r for r in schools if r.passes is False],
        "whole": whole, "may_manage": can_manage_office(user, survey.office),
    })


@login_required
@require_GET
def survey_texts(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The answers to one text question, 30 a page, newest first."""
    user = request.user
    survey = results.access_survey(user, pk)
    question = Question.objects.filter(questionnaire_id=survey.questionnaire_id, code=code,
                                       type=QuestionType.TEXT).first()
    if question is None:
        raise Http404
    group = _group(request)
    answers = (results.text_answers(results.result_responses(user, survey, group=group), code)
               .select_related("school").only("id", "submitted_at", "group", "school__name", "answers"))
    page = CappedPaginator(answers, TEXTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "surveys/results_texts.html", {"survey": survey, "question": question, "page": page,
                                                          "group": group})


# --- Excel -------------------------------------------------------------------------------------------------
def _survey_param(user, params: QueryDict) -> Survey:
    return results.access_survey(user, params.get("survey", ""))


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _index_line(row: results.IndexRow, *, with_target: bool = True) -> list:
    line = [row.label, row.n, row.rated, row.satisfied, _number(row.rate),
            "" if row.passes is None else (_("达标") if row.passes else _("未达标"))]
    if with_target:
        line[2:2] = [row.target, _number(row.progress)]
    return line


def results_workbook(user, params: QueryDict) -> Workbook:
    """The per-school results (and the total, townships or counties, groups): the page's figures."""
    survey = _survey_param(user, params)
    group = params.get("group", "") if params.get("group", "") in RespondentGroup.values else ""
    head = [_("有效答卷"), _("样本目标"), _("完成率（%）"), _("计入指数题次"), _("满意题次"), _("满意度指数（%）"), _("是否达标")]
    total = results.survey_total(user, survey, group=group)
    schools = [[*_index_line(r)] for r in results.school_rows(user, survey, group=group)]
    schools.append([_("合计（%(region)s）") % {"region": survey.region.name}, *_index_line(total)[1:]])
    sheets: list[tuple[str, Sequence[str], Iterable[Sequence]]] = [(_("各校"), [_("学校"), *head], schools)]
    for level, rows in ((lv, results.region_rows(user, survey, level=lv, group=group))
                        for lv in results.region_levels(survey)):
        sheets.append((_("各区县") if level == "county" else _("各乡镇"), [_("区域"), *head],
                       [_index_line(r) for r in rows]))
    sheets.append((_("各类对象"), [_("调查对象"), _("有效答卷"), _("计入指数题次"), _("满意题次"), _("满意度指数（%）"),
                                   _("是否达标")], [_index_line(r, with_target=False)
                                               for r in results.group_rows(user, survey)]))
    notes = [_("%(name)s（%(year)s年）：满意度指数 = 满意题次 ÷ 计入指数题次 × 100，已作废的答卷不计；达标线 %(line)s%%。") % {
        "name": survey.name, "year": survey.year, "line": survey.pass_line.normalize()},
        _("计入指数题次：每份有效答卷中已作答的计入指数题目数（矩阵题每行计一题）；满意题次：其中选择“满意”类选项的题数。")]
    return Workbook(f"{survey.name}-调查结果", sheets, notes=notes)


def responses_workbook(user, params: QueryDict) -> Workbook:
    """One row per response, a column per question (a matrix: per row); voided ones flagged."""
    survey = _survey_param(user, params)
    responses = results.export_responses(user, survey).select_related("school")
    columns = results.response_columns(survey)
    groups = dict(RespondentGroup.choices)
    headers = [_("答卷编号"), _("提交时间"), _("学校"), _("区划代码"), _("调查对象"),
               *[header for _q, _k, header in columns], _("计入指数题次"), _("满意题次"), _("已作废"), _("作废理由")]

    def rows():
        for r in responses.iterator(chunk_size=2000):
            answers = r.answers if isinstance(r.answers, dict) else {}
            line = [r.pk, r.submitted_at.strftime("%Y-%m-%d %H:%M"), r.school.name if r.school else "", r.region_code,
                    str(groups.get(r.group, r.group))]
            for question, key, _header in columns:
                value = answers.get(question.code)
                if key is not None:
                    value = value.get(key) if isinstance(value, dict) else None
                line.append(results.answer_text(question, value))
            line += [r.rated, r.satisfied, _("是") if r.voided else "", r.void_reason]
            yield line

    return Workbook(f"{survey.name}-答卷", [(_("答卷"), headers, rows())], total=responses.count,
                    notes=[_("每行一份答卷；已作废的答卷标注“是”，不计入满意度指数。")])


def _export(request: HttpRequest, survey: Survey, kind: str, *, rows: int, title: str) -> HttpResponse:
    """As core.exports.export_response, with the survey in the job's parameters (it is in the path)."""
    params = request.GET.copy()
    params["survey"] = str(survey.pk)
    if rows < async_rows():
        book = builder_for(kind)(request.user, params)
        return xlsx_sheets_response(book.filename, book.sheets, notes=book.notes)
    job = export_job_create(by=request.user, kind=kind, title=title,
                            params={key: params.getlist(key) for key in params if key != "page"}, rows=rows)
    return redirect("core:export_job", pk=job.pk)


@login_required
@require_GET
def results_export(request: HttpRequest, pk: int) -> HttpResponse:
    survey = results.access_survey(request.user, pk)
    return _export(request, survey, "dudao.surveys.views_results.results_workbook", rows=0,
                   title=_("%(name)s 调查结果") % {"name": survey.name})


@login_required
@require_GET
def responses_export(request: HttpRequest, pk: int) -> HttpResponse:
    survey = results.access_survey(request.user, pk)
    rows = capped_count(results.export_responses(request.user, survey))
    return _export(request, survey, "dudao.surveys.views_results.responses_workbook", rows=rows,
                   title=_("%(name)s 答卷") % {"name": survey.name})


# --- low scores become findings -----------------------------------------------------------------------------
@login_required
@require_POST
def results_findings(request: HttpRequest, pk: int) -> HttpResponse:
    survey = results.access_survey(request.user, pk)
    if not can_manage_office(request.user, survey.office):
        raise PermissionDenied(_("只有组织调查的督导室工作人员可以登记整改问题。"))
    deadline = None
    if request.POST.get("deadline"):
        try:
            deadline = date.fromisoformat(request.POST["deadline"])
        except ValueError:
            messages.error(request, _("整改期限格式不正确。"))
            return redirect("surveys:results", pk=survey.pk)
    try:
        created, skipped = results.survey_findings_create(
            survey=survey, by=request.user, deadline=deadline, requirement=request.POST.get("requirement", ""),
            with_questions=request.POST.get("questions") == "1")
    except ValidationError as exc:
        messages.error(request, joined_messages(exc))
        return redirect("surveys:results", pk=survey.pk)
    if created or skipped:
        messages.success(request, _("已登记整改问题 %(n)s 条（已在台账中的 %(s)s 条未重复登记）。") % {
            "n": len(created), "s": skipped})
    else:
        messages.info(request, _("没有满意度指数低于达标线的学校，无需登记。"))
    return redirect("surveys:results", pk=survey.pk)
