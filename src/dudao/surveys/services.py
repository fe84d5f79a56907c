"""Every write of the surveys app: questionnaires and their questions (the builder), surveys (open,
close), links and targets, storing a response (`response_submit`, the one path) and voiding one.
Each service asks the access rule itself (`by` = the acting user; None for the demo and built-ins)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.access import may_edit_questionnaire, may_own_questionnaire, may_run_survey
from dudao.surveys import logic
from dudao.surveys.models import (
    Question,
    Questionnaire,
    RespondentGroup,
    Response,
    Survey,
    SurveyKind,
    SurveyLink,
    SurveyState,
)

COMPULSORY_KINDS = ("primary", "junior", "nine_year", "twelve_year", "complete_secondary", "special_education",
                    "teaching_point")


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- questionnaires -------------------------------------------------------------------------------------
def _free_code(office, base: str) -> str:
    taken = set(Questionnaire.objects.filter(office=office).values_list("code", flat=True))
    code, n = base[:36], 2
    while code in taken:
        code, n = f"{base[:34]}-{n}", n + 1
    return code


@transaction.atomic
def questionnaire_copy(*, by, source: Questionnaire, office, name: str = "") -> Questionnaire:
    """Copy a questionnaire (a built-in or another office's) into an office, to adapt it."""
    if by is not None:
        _require(may_own_questionnaire(by, office))
    copy = Questionnaire.objects.create(
        office=office, code=_free_code(office, source.code), name=(name or source.name)[:120], kind=source.kind,
        intro=source.intro, source=source.source, groups=list(source.groups), copied_from=source, created_by=by)
    Question.objects.bulk_create([
        Question(questionnaire=copy, order=q.order, code=q.code, text=q.text, type=q.type, required=q.required,
                 options=q.options, rows=q.rows, groups=q.groups, show_if=q.show_if, in_index=q.in_index)
        for q in source.questions.all()])
    return copy


def questionnaire_update(*, by, questionnaire: Questionnaire, name: str, kind: str, intro: str,
                         groups: list[str]) -> Questionnaire:
    if by is not None:
        _require(may_edit_questionnaire(by, questionnaire))
    unknown = [g for g in groups if g not in RespondentGroup.values]
    if unknown:
        raise ValidationError(_("未知的调查对象：%(g)s。") % {"g": "、".join(unknown)})
    questionnaire.name, questionnaire.kind, questionnaire.intro, questionnaire.groups = name, kind, intro, groups
    questionnaire.save()
    return questionnaire


def _require_unanswered(questionnaire: Questionnaire) -> None:
    """Questions answered in a survey are fixed: the stored answers and counts refer to them."""
    if Response.objects.filter(survey__questionnaire=questionnaire).exists():
        raise ValidationError(_("问卷已有答卷，不能再修改题目；如需调整，请复制后修改。"))


def _check_order(questionnaire: Questionnaire) -> None:
    problems = logic.questionnaire_problems(list(questionnaire.questions.order_by("order", "id")))
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def question_save(*, by, questionnaire: Questionnaire, question: Question | None = None, **fields: Any) -> Question:
    """Add or change a question. Fields: code, text, type, required, options (stored form), rows,
    groups, show_if, in_index. Refused (ValidationError, Chinese) when the question is not valid
    where it stands, or when a later question's skip logic no longer fits it."""
    if by is not None:
        _require(may_edit_questionnaire(by, questionnaire))
    _require_unanswered(questionnaire)
    if question is None:
        top = questionnaire.questions.aggregate(m=Max("order"))["m"] or 0
        question = Question(questionnaire=questionnaire, order=top + 1)
    for key, value in fields.items():
        setattr(question, key, value)
    others = list(questionnaire.questions.exclude(pk=question.pk).order_by("order", "id"))
    if any(q.code == question.code for q in others):
        raise ValidationError({"code": [_("题号“%(code)s”已被其他题目使用。") % {"code": question.code}]})
    earlier = [q for q in others if (q.order, q.pk or 0) < (question.order, question.pk or 10**12)]
    later = [q.code for q in others if q not in earlier]
    problems = logic.question_problems(question, earlier, later)
    if problems:
        raise ValidationError(problems)
    question.save()
    _check_order(questionnaire)  # a later question's show_if may point at options that were removed
    return question


@transaction.atomic
def question_delete(*, by, question: Question) -> None:
    questionnaire = question.questionnaire
    if by is not None:
        _require(may_edit_questionnaire(by, questionnaire))
    _require_unanswered(questionnaire)
    users = [q.code for q in questionnaire.questions.exclude(pk=question.pk) if (q.show_if or {}).get("question") == question.code]
    if users:
        raise ValidationError(_("题目 %(codes)s 的显示条件引用了本题，请先修改它们。") % {"codes": "、".join(users)})
    question.delete()


@transaction.atomic
def question_move(*, by, question: Question, up: bool) -> None:
    """Swap with the neighbour; refused when skip logic would then point at a later question."""
    questionnaire = question.questionnaire
    if by is not None:
        _require(may_edit_questionnaire(by, questionnaire))
    _require_unanswered(questionnaire)
    ordered = list(questionnaire.questions.order_by("order", "id"))
    i = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    j = i - 1 if up else i + 1
    if not 0 <= j < len(ordered):
        return
    ordered[i], ordered[j] = ordered[j], ordered[i]
    for n, q in enumerate(ordered, start=1):
        q.order = n
    Question.objects.bulk_update(ordered, ["order"])
    _check_order(questionnaire)


# --- surveys --------------------------------------------------------------------------------------------
@transaction.atomic
def survey_create(*, by, office, questionnaire: Questionnaire, name: str, year: int, region, opens_on: dt.date,
                  closes_on: dt.date, campaign=None, pass_line=None, min_student_grade: int | None = None) -> Survey:
    """A survey of `office` over `region` (inside the office's region). A campaign's survey counts as
    its 问卷调查 method (shown on the campaign's page)."""
    if by is not None:
        _require(may_run_survey(by, Survey(office=office)))
    errors: dict[str, list[str]] = {}
    if not region.code.startswith(office.region.code):
        errors["region"] = [_("调查范围必须在本督导室的行政区域内。")]
    if closes_on < opens_on:
        errors["closes_on"] = [_("截止日期不能早于开始日期。")]
    if campaign is not None and campaign.office_id != office.pk:
        errors["campaign"] = [_("只能关联本督导室组织的督导项目。")]
    if not questionnaire.questions.exists():
        errors["questionnaire"] = [_("问卷还没有题目。")]
    else:
        problems = logic.questionnaire_problems(list(questionnaire.questions.all()))
        if problems:
            errors["questionnaire"] = [_("问卷有待修改的题目：%(p)s") % {"p": "；".join(problems[:3])}]
    if errors:
        raise ValidationError(errors)
    extra: dict[str, Any] = {}
    if pass_line is not None:
        extra["pass_line"] = pass_line
    if min_student_grade is not None:
        extra["min_student_grade"] = min_student_grade
    kind = SurveyKind.CAMPAIGN if campaign is not None and questionnaire.kind == SurveyKind.OTHER else questionnaire.kind
    return Survey.objects.create(office=office, questionnaire=questionnaire, name=name, kind=kind, year=year,
                                 region=region, campaign=campaign, opens_on=opens_on, closes_on=closes_on,
                                 created_by=by, **extra)


def survey_set_state(*, by, survey: Survey, state: str) -> Survey:
    if by is not None:
        _require(may_run_survey(by, survey))
    if state not in SurveyState.values:
        raise ValidationError(_("未知的状态。"))
    if state == SurveyState.OPEN and not survey.links.filter(active=True).exists():
        raise ValidationError(_("请先生成调查链接再开始收集。"))
    if state == SurveyState.DRAFT and survey.responses.exists():
        raise ValidationError(_("已有答卷的调查不能退回未发布。"))
    survey.state = state
    survey.save(update_fields=["state", "updated_at"])
    return survey


def _token() -> str:
    return secrets.token_urlsafe(9)  # 12 characters, ≈ 72 bits: not guessable, short on a QR code


@transaction.atomic
def links_generate(*, by, survey: Survey, mode: str, groups: list[str] | None = None, target: int = 0) -> int:
    """Create the missing links: `schools` — every compulsory-education school in the survey's region
    (in operation), `areas` — each region directly below it (counties of a city, townships of a
    county), `whole` — one for the whole region (the campaign's link). One per respondent group when
    `groups` is given, else one for every group (the respondent chooses). Answers how many were created."""
    from dudao.regions.models import Region
    from dudao.schools.models import School

    if by is not None:
        _require(may_run_survey(by, survey))
    wanted = [g for g in (groups or []) if g in RespondentGroup.values] or [""]
    existing = set(survey.links.values_list("school_id", "region_id", "group"))
    new: list[SurveyLink] = []
    places: list[tuple[int | None, int]]
    if mode == "schools":
        schools = School.objects.filter(region_code__startswith=survey.region.code, kind__in=COMPULSORY_KINDS,
                                        is_active=True).order_by("region_code", "code")
        places = [(s.pk, s.region_id) for s in schools]
    elif mode == "areas":
        places = [(None, pk) for pk in Region.objects.filter(parent=survey.region).order_by("code").values_list("pk", flat=True)]
    elif mode == "whole":
        places = [(None, survey.region_id)]
    else:
        raise ValidationError(_("未知的链接方式。"))
    for school_id, region_id in places:
        for group in wanted:
            if (school_id, region_id, group) not in existing:
                new.append(SurveyLink(survey=survey, token=_token(), school_id=school_id, region_id=region_id,
                                      group=group, target=max(0, int(target))))
    SurveyLink.objects.bulk_create(new, batch_size=500)
    return len(new)


def link_update(*, by, link: SurveyLink, target: int, active: bool) -> SurveyLink:
    if by is not None:
        _require(may_run_survey(by, link.survey))
    if target < 0 or target > 1_000_000:
        raise ValidationError({"target": [_("样本目标应为 0 到 1000000 之间的整数。")]})
    link.target, link.active = target, active
    link.save(update_fields=["target", "active", "updated_at"])
    return link


# --- responses ------------------------------------------------------------------------------------------
def link_groups(link: SurveyLink) -> list[str]:
    """The respondent groups this link may be answered as."""
    if link.group:
        return [link.group]
    allowed = link.survey.questionnaire.groups or list(RespondentGroup.values)
    return [g for g in RespondentGroup.values if g in allowed]


def survey_accepting(survey: Survey, *, today: dt.date | None = None) -> str:
    """"" when the survey accepts responses today, else why not (Chinese)."""
    today = today or timezone.localdate()
    if survey.state == SurveyState.DRAFT:
        return _("本调查尚未开始。")
    if survey.state == SurveyState.CLOSED or today > survey.closes_on:
        return _("本调查已经结束，感谢您的关注。")
    if today < survey.opens_on:
        return _("本调查将于 %(d)s 开始。") % {"d": survey.opens_on.isoformat()}
    return ""


def response_submit(*, link: SurveyLink, group: str, data, device_hash: str, ip_hash: str = "",
                    grade: int | None = None, seconds: int | None = None,
                    now: dt.datetime | None = None) -> Response:
    """Store one response: the survey must accept answers, the group be allowed on the link, a
    student be in a grade the survey allows, every shown required question answered (skip logic
    re-applied on the server); `rated`/`satisfied` counted from the `in_index` questions. One
    response per device per survey (checked, then the constraint). ValidationError keyed by field
    ("q-<code>", "group", "grade", "__all__")."""
    now = now or timezone.now()
    survey = link.survey
    closed = survey_accepting(survey, today=timezone.localdate(now))
    if closed or not link.active:
        raise ValidationError(closed or _("这个调查链接已停用。"))
    if group not in link_groups(link):
        raise ValidationError({"group": [_("请选择您的身份。")]})
    if group == RespondentGroup.STUDENT:
        if grade is None:
            raise ValidationError({"grade": [_("请选择你所在的年级。")]})
        if grade < survey.min_student_grade:
            raise ValidationError({"grade": [_("本调查面向 %(n)s 年级及以上的学生，感谢你的参与。") % {"n": survey.min_student_grade}]})
    questions = list(survey.questionnaire.questions.order_by("order", "id"))
    answers, errors = logic.read_answers(questions, group, data)
    if errors:
        raise ValidationError({logic.field_name(q): [errors[q.code]] for q in questions if q.code in errors})
    if Response.objects.filter(survey=survey, device_hash=device_hash).exists():
        raise ValidationError(_("这台设备已经提交过本次调查，感谢您的参与。"))
    rated, satisfied = logic.index_counts(questions, answers)
    school = link.school
    try:
        with transaction.atomic():
            return Response.objects.create(
                survey=survey, link=link, school=school, region_code=school.region_code if school else link.region.code,
                group=group, grade=grade if group == RespondentGroup.STUDENT else None, answers=answers, rated=rated,
                satisfied=satisfied, device_hash=device_hash, ip_hash=ip_hash, submitted_at=now, seconds=seconds)
    except IntegrityError as exc:  # the same device twice at the same moment
        raise ValidationError(_("这台设备已经提交过本次调查，感谢您的参与。")) from exc


def response_void(*, by, response: Response, reason: str) -> Response:
    """Void a suspicious response with a reason: it stays stored and leaves every result."""
    if by is not None:
        _require(may_run_survey(by, response.survey))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写作废理由。")]})
    if response.voided:
        raise ValidationError(_("这份答卷已经作废。"))
    response.voided, response.void_reason, response.voided_by, response.voided_at = True, reason[:200], by, timezone.now()
    response.save(update_fields=["voided", "void_reason", "voided_by", "voided_at"])
    return response
