"""Results of questionnaires (问卷调查): distributions per question, the satisfaction index per school,
township and county against the survey's pass line (85 %, domain-rules §4.1.4 社会认可度 and §4.2 公众满意度),
comparisons across respondent groups and years, sample progress, and low scores as findings.

The index is one ratio of two sums over stored counts (see docs/surveys-results.md):

    index = Σ satisfied ÷ Σ rated × 100        (voided responses excluded)

where each `Response` carries `rated` (answered items `in_index`, a matrix row counting one) and
`satisfied` (those answered with an option flagged ``"satisfied": true``), counted when it was stored.
Per school and per region this is one GROUP BY over indexed columns, never a loop over responses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum, TextField
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.access import can_manage_office, school_q, sees_office_details
from dudao.surveys.models import (
    PASS_LINE,
    Question,
    QuestionType,
    RespondentGroup,
    Response,
    Survey,
    SurveyLink,
)

if TYPE_CHECKING:
    from dudao.findings.models import Finding
    from dudao.people.models import User
    from dudao.regions.models import Region

CENT = Decimal("0.01")


def rate_of(satisfied: int, rated: int) -> Decimal | None:
    """Σsatisfied ÷ Σrated × 100, two places (half up); None when nothing was rated."""
    if not rated:
        return None
    return (Decimal(satisfied) * 100 / Decimal(rated)).quantize(CENT, rounding=ROUND_HALF_UP)


def passes(rate: Decimal | None, pass_line: Decimal) -> bool | None:
    return None if rate is None else rate >= pass_line


@dataclass(frozen=True)
class Recognition:
    """社会认可度 / 公众满意度 of one county for the county evaluation (evaluations app)."""

    rate: Decimal | None
    valid: int
    target: int
    pass_line: Decimal
    passes: bool | None
    surveys: list[int] = field(default_factory=list)


def county_recognition(region: Region, *, year: int, kind: str) -> Recognition:
    """The recognition rate of a county over every survey of `kind` held in `year` whose region is the
    county or inside it (a township's survey counts for its county). Not scoped: the caller (the
    county evaluation) decides who sees the dossier. Valid responses are the ones not voided; the pass
    line is the strictest of the surveys' (85 % by default)."""
    surveys = list(Survey.objects.filter(kind=kind, year=year, region__code__startswith=region.code)
                   .order_by("id").values_list("id", "pass_line"))
    ids = [pk for pk, _line in surveys]
    pass_line = max((line for _pk, line in surveys), default=PASS_LINE)
    if not ids:
        return Recognition(rate=None, valid=0, target=0, pass_line=pass_line, passes=None, surveys=[])
    sums = Response.objects.filter(survey_id__in=ids, voided=False).aggregate(
        n=Count("id"), rated=Sum("rated"), satisfied=Sum("satisfied"))
    target = SurveyLink.objects.filter(survey_id__in=ids).aggregate(t=Sum("target"))["t"] or 0
    rate = rate_of(sums["satisfied"] or 0, sums["rated"] or 0)
    return Recognition(rate=rate, valid=sums["n"] or 0, target=target, pass_line=pass_line,
                       passes=passes(rate, pass_line), surveys=ids)




# --- who sees which responses -------------------------------------------------------------------------
def access_survey(user: User, pk: Any) -> Survey:
    """A survey of an office the user sees (`Survey.objects.visible_to`); anything else 404."""
    survey = (Survey.objects.visible_to(user).select_related("office__region", "region", "questionnaire")
              .filter(pk=pk).first())
    if survey is None:
        raise Http404
    return survey


def sees_whole_survey(user: User, survey: Survey) -> bool:
    """The office that ran the survey and the offices above it read every response; a supervisor or a
    school reads only the responses of its own schools (a county's figures are not theirs to see)."""
    return sees_office_details(user, survey.office)


def result_responses(user: User, survey: Survey, *, group: str = "") -> QuerySet[Response]:
    """The valid responses (not voided) the user's figures are computed from — every figure of the
    page, the Excel file and the API starts here, so the three agree."""
    qs = Response.objects.filter(survey=survey, voided=False)
    if not sees_whole_survey(user, survey):
        qs = qs.filter(school__isnull=False).filter(school_q(user, prefix="school__"))
    if group:
        qs = qs.filter(group=group)
    return qs


def result_links(user: User, survey: Survey) -> QuerySet[SurveyLink]:
    """The survey's links whose targets and progress the user reads (same rule as the responses)."""
    qs = SurveyLink.objects.filter(survey=survey)
    if not sees_whole_survey(user, survey):
        qs = qs.filter(school__isnull=False).filter(school_q(user, prefix="school__"))
    return qs


# --- the index per school, region, group and year -------------------------------------------------------
@dataclass(frozen=True)
class IndexRow:
    """One line of an index table: valid responses `n`, the two sums, the sample target."""

    key: str
    label: str
    n: int
    rated: int
    satisfied: int
    target: int
    pass_line: Decimal
    parent: str = ""  # the township (school rows) or county (township rows) it lies in

    @property
    def rate(self) -> Decimal | None:
        return rate_of(self.satisfied, self.rated)

    @property
    def passes(self) -> bool | None:
        return passes(self.rate, self.pass_line)

    @property
    def progress(self) -> Decimal | None:
        """Responses received as a share of the target (%, one place); None without a target."""
        if not self.target:
            return None
        return (Decimal(self.n) * 100 / Decimal(self.target)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _sums(qs: QuerySet[Response], by: str) -> dict[Any, tuple[int, int, int]]:
    rows = qs.order_by().values(by).annotate(n=Count("id"), rated=Sum("rated"), satisfied=Sum("satisfied"))
    return {row[by]: (row["n"], row["rated"] or 0, row["satisfied"] or 0) for row in rows}


def survey_total(user: User, survey: Survey, *, group: str = "") -> IndexRow:
    """The survey as a whole (for the office: the county or area total)."""
    sums = result_responses(user, survey, group=group).aggregate(
        n=Count("id"), rated=Sum("rated"), satisfied=Sum("satisfied"))
    target = 0 if group else result_links(user, survey).aggregate(t=Sum("target"))["t"] or 0
    return IndexRow(key="", label=survey.region.name, n=sums["n"] or 0, rated=sums["rated"] or 0,
                    satisfied=sums["satisfied"] or 0, target=target, pass_line=survey.pass_line)


def _township_of(code: str) -> str:
    return code[:9] if len(code) >= 9 else code[:6]


def school_rows(user: User, survey: Survey, *, group: str = "") -> list[IndexRow]:
    """The index of every school with a link or a response, ordered by township and name. Two GROUP BYs
    (responses; link targets with the school's name, a join): no query per school, no IN list of
    14,000 ids (a province survey, bench/surveys.py)."""
    from dudao.schools.models import School

    sums = _sums(result_responses(user, survey, group=group).filter(school__isnull=False), "school_id")
    schools: dict[int, tuple[str, str]] = {}
    targets: dict[int, int] = {}
    for pk, name, code, target in (result_links(user, survey).filter(school__isnull=False).order_by()
                                   .values_list("school_id", "school__name", "school__region_code")
                                   .annotate(t=Sum("target"))):
        schools[pk] = (name, code)
        targets[pk] = 0 if group else target or 0
    missing = set(sums) - set(schools)  # a response whose link has no school any more: looked up apart
    if missing:
        schools.update((pk, (name, code)) for pk, name, code in
                       School.objects.filter(pk__in=missing).values_list("id", "name", "region_code"))
    rows = []
    for pk, (name, code) in schools.items():
        n, rated, satisfied = sums.get(pk, (0, 0, 0))
        rows.append(IndexRow(key=str(pk), label=name, n=n, rated=rated, satisfied=satisfied,
                             target=targets.get(pk, 0), pass_line=survey.pass_line, parent=_township_of(code)))
    rows.sort(key=lambda r: (r.parent, r.label, int(r.key)))
    return rows


def region_rows(user: User, survey: Survey, *, level: str, group: str = "") -> list[IndexRow]:
    """The index per county (`level="county"`) or per township (`"township"`: schools and links placed
    directly under the county form the county's own line, 县直属), from the region code copied onto
    each response."""
    from dudao.regions.models import Region

    fold = (lambda code: code[:6]) if level == "county" else _township_of
    totals: dict[str, list[int]] = {}
    for code, (n, rated, satisfied) in _sums(result_responses(user, survey, group=group), "region_code").items():
        line = totals.setdefault(fold(code), [0, 0, 0, 0])
        line[0] += n
        line[1] += rated
        line[2] += satisfied
    if not group:
        for row in result_links(user, survey).order_by().values("region__code").annotate(t=Sum("target")):
            totals.setdefault(fold(row["region__code"]), [0, 0, 0, 0])[3] += row["t"] or 0
    names = dict(Region.objects.filter(code__in=list(totals)).values_list("code", "name"))
    rows = []
    for code in sorted(totals):
        n, rated, satisfied, target = totals[code]
        label = names.get(code, code)
        if level == "township" and len(code) == 6:
            label = _("%(county)s（县直属）") % {"county": label}
        rows.append(IndexRow(key=code, label=label, n=n, rated=rated, satisfied=satisfied, target=target,
                             pass_line=survey.pass_line, parent=code[:6]))
    return rows


def region_levels(survey: Survey) -> list[str]:
    """Which region tables the page shows: counties for a city's or province's survey, townships for a
    county's."""
    level = survey.region.level
    if level in ("province", "city"):
        return ["county"]
    if level == "county":
        return ["township"]
    return []


def group_rows(user: User, survey: Survey) -> list[IndexRow]:
    """The index per respondent group (家长、学生、教师…), in the order of the groups."""
    sums = _sums(result_responses(user, survey), "group")
    return [IndexRow(key=value, label=str(label), n=sums[value][0], rated=sums[value][1], satisfied=sums[value][2],
                     target=0, pass_line=survey.pass_line)
            for value, label in RespondentGroup.choices if value in sums]


@dataclass(frozen=True)
class YearRow:
    survey_id: int
    year: int
    name: str
    row: IndexRow
    current: bool


def year_rows(user: User, survey: Survey) -> list[YearRow]:
    """The same kind of survey over the same region in every year the user sees, oldest first."""
    others = (Survey.objects.visible_to(user).filter(kind=survey.kind, region_id=survey.region_id)
              .select_related("office__region", "region").order_by("year", "id"))
    return [YearRow(survey_id=other.pk, year=other.year, name=other.name, row=survey_total(user, other),
                    current=other.pk == survey.pk) for other in others]


@dataclass(frozen=True)
class LinkProgress:
    link_id: int
    token: str
    label: str
    group: str
    target: int
    n: int

    @property
    def progress(self) -> Decimal | None:
        if not self.target:
            return None
        return (Decimal(self.n) * 100 / Decimal(self.target)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def reached(self) -> bool:
        return bool(self.target) and self.n >= self.target


def link_progress(user: User, survey: Survey) -> list[LinkProgress]:
    """Sample progress per link: valid responses against the link's target."""
    links = (result_links(user, survey).select_related("school", "region")
             .annotate(n=Count("responses", filter=Q(responses__voided=False))).order_by("region__code", "school_id",
                                                                                          "group", "id"))
    groups = dict(RespondentGroup.choices)
    return [LinkProgress(link_id=link.pk, token=link.token, label=link.school.name if link.school else link.region.name,
                         group=str(groups.get(link.group, _("不限"))) if link.group else _("不限"),
                         target=link.target, n=link.n) for link in links]


# --- answers per question -------------------------------------------------------------------------------
def _value_label(option: Any) -> tuple[str, str, bool]:
    if isinstance(option, dict):
        value = str(option.get("value", option.get("label", "")))
        return value, str(option.get("label", value)), bool(option.get("satisfied"))
    return str(option), str(option), False


def row_keys(question: Question) -> list[tuple[str, str]]:
    """A matrix's rows as (key in the answers, label): rows are {"value"/"code", "label"/"text"} or text."""
    keys = []
    for row in question.rows or ():
        if isinstance(row, dict):
            key = str(row.get("value", row.get("code", row.get("label", ""))))
            keys.append((key, str(row.get("label", row.get("text", key)))))
        else:
            keys.append((str(row), str(row)))
    return keys


def share(count: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(count) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class OptionCount:
    value: str
    label: str
    count: int
    share: Decimal | None
    satisfied: bool


@dataclass
class Counted:
    """The answers to one choice question (or one matrix row): counts and shares per option, of those
    who answered it. For a multiple-choice question the shares may add up to more than 100 %."""

    key: str
    label: str
    answered: int
    options: list[OptionCount]

    @property
    def satisfied_share(self) -> Decimal | None:
        return share(sum(o.count for o in self.options if o.satisfied), self.answered)


@dataclass
class NumberStats:
    n: int
    mean: Decimal | None
    low: Decimal | None
    high: Decimal | None


@dataclass
class Distribution:
    question: Question
    counted: list[Counted] = field(default_factory=list)  # one for a choice question, one per matrix row
    numbers: NumberStats | None = None
    texts: int = 0


def _counted(question: Question, key: str, label: str, counts: dict[str, int], answered: int) -> Counted:
    options = []
    known = set()
    for option in question.options or ():
        value, text, satisfied = _value_label(option)
        known.add(value)
        options.append(OptionCount(value, text, counts.get(value, 0), share(counts.get(value, 0), answered), satisfied))
    for value in sorted(set(counts) - known):  # an answer outside the options (a changed questionnaire)
        options.append(OptionCount(value, value, counts[value], share(counts[value], answered), False))
    return Counted(key=key, label=label, answered=answered, options=options)


def _grouped(qs: QuerySet[Response], expression) -> dict[str, int]:
    rows = qs.order_by().annotate(v=expression).exclude(v__isnull=True).values("v").annotate(n=Count("id"))
    return {str(row["v"]): row["n"] for row in rows if str(row["v"]) != ""}


def _stream(qs: QuerySet[Response], code: str) -> Iterator[Any]:
    values = qs.order_by().annotate(v=KeyTextTransform(code, "answers")).exclude(v__isnull=True)
    yield from values.values_list("v", flat=True).iterator(chunk_size=5000)


def _as_list(raw: Any) -> list[str]:
    if isinstance(raw, list):
        return [str(v) for v in raw]
    try:
        parsed = json.loads(raw)
    except (TypeError, ValueError):
        return [str(raw)] if raw not in (None, "") else []
    if isinstance(parsed, list):
        return [str(v) for v in parsed]
    return [] if parsed in (None, "") else [str(parsed)]


def _number(raw: Any) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip())
    except (ArithmeticError, ValueError):
        return None
    return value if value.is_finite() else None


def distribution(qs: QuerySet[Response], question: Question) -> Distribution:
    """One question's answers over the given responses. Choice questions and matrix rows are one GROUP BY
    on the answer's key each; multiple choice and numbers are read key by key."""
    result = Distribution(question=question)
    code = question.code
    counts: dict[str, int]
    if question.type in (QuestionType.SINGLE, QuestionType.SCALE):
        counts = _grouped(qs, KeyTextTransform(code, "answers"))
        result.counted.append(_counted(question, code, question.text, counts, sum(counts.values())))
    elif question.type == QuestionType.MATRIX:
        for key, label in row_keys(question):
            counts = _grouped(qs, KeyTextTransform(key, KeyTransform(code, "answers")))
            result.counted.append(_counted(question, key, label, counts, sum(counts.values())))
    elif question.type == QuestionType.MULTIPLE:
        counts = {}
        answered = 0
        for raw in _stream(qs, code):
            chosen = set(_as_list(raw))
            if chosen:
                answered += 1
                for value in chosen:
                    counts[value] = counts.get(value, 0) + 1
        result.counted.append(_counted(question, code, question.text, counts, answered))
    elif question.type == QuestionType.NUMBER:
        numbers = [n for n in (_number(raw) for raw in _stream(qs, code)) if n is not None]
        mean = (sum(numbers, Decimal(0)) / len(numbers)).quantize(CENT, rounding=ROUND_HALF_UP) if numbers else None
        result.numbers = NumberStats(n=len(numbers), mean=mean, low=min(numbers, default=None),
                                     high=max(numbers, default=None))
    else:
        result.texts = text_answers(qs, code).count()
    return result


def question_distributions(user: User, survey: Survey, *, group: str = "") -> list[Distribution]:
    qs = result_responses(user, survey, group=group)
    return [distribution(qs, q) for q in survey.questionnaire.questions.order_by("order", "id")]


def text_answers(qs: QuerySet[Response], code: str) -> QuerySet[Response]:
    """The non-empty answers to a text question, newest first (the page paginates them)."""
    text = Cast(KeyTextTransform(code, "answers"), output_field=TextField())
    return (qs.annotate(text=text).exclude(text__isnull=True).exclude(text="")
            .order_by("-submitted_at", "-id"))


# --- low scores become findings -------------------------------------------------------------------------
FINDING_CATEGORY = "other"  # problem_category: 其他 (a survey is not one of the 挂牌 items)
RECTIFICATION_DAYS = 30


def weak_questions(qs: QuerySet[Response], survey: Survey) -> list[tuple[str, Decimal]]:
    """The index questions whose satisfied share over `qs` is under the pass line (a matrix: over
    all its rows), as (code text, share)."""
    weak = []
    for question in survey.questionnaire.questions.filter(in_index=True).order_by("order", "id"):
        counted = distribution(qs, question).counted
        answered = sum(c.answered for c in counted)
        satisfied = sum(o.count for c in counted for o in c.options if o.satisfied)
        ratio = share(satisfied, answered)
        if ratio is not None and ratio < survey.pass_line:
            weak.append((f"{question.code} {question.text}", ratio))
    return weak


def _existing_schools(survey: Survey) -> set[int]:
    from dudao.findings.models import Finding, FindingSource

    found = set()
    for data in Finding.objects.filter(source=FindingSource.SURVEY, source_data__survey=survey.pk
                                       ).values_list("source_data", flat=True):
        if isinstance(data, dict) and data.get("school"):
            found.add(int(data["school"]))
    return found


def low_schools(user: User, survey: Survey) -> list[IndexRow]:
    return [row for row in school_rows(user, survey) if row.passes is False]


def survey_findings_create(*, survey: Survey, by: User, requirement: str = "", deadline: date | None = None,
                           with_questions: bool = True) -> tuple[list[Finding], int]:
    """Each school whose index is under the pass line becomes one finding in the ledger (source 问卷调查),
    naming, when asked, the index questions whose share is under the line at that school. A school
    already registered for this survey is skipped, so a second run creates nothing. Returns
    (created, skipped)."""
    from dudao.findings.models import FindingSource
    from dudao.findings.services import findings_bulk_create
    from dudao.schools.models import School

    if not can_manage_office(by, survey.office):
        raise PermissionDenied(_("只有组织调查的督导室工作人员可以登记整改问题。"))
    with transaction.atomic():
        # two clicks: the second waits for the first, then finds its rows
        Survey.objects.select_for_update().filter(pk=survey.pk).values_list("pk", flat=True).first()
        low = low_schools(by, survey)
        done = _existing_schools(survey)
        todo = [row for row in low if int(row.key) not in done]
        if not todo:
            return [], len(low)
        schools = School.objects.in_bulk([int(row.key) for row in todo])
        items = []
        for row in todo:
            text = _("问卷调查“%(survey)s”（%(year)s年）：满意度指数 %(rate)s%%，低于达标线 %(line)s%%（有效答卷 %(n)s 份）。") % {
                "survey": survey.name, "year": survey.year, "rate": row.rate, "line": survey.pass_line.normalize(),
                "n": row.n}
            if with_questions:
                weak = weak_questions(result_responses(by, survey).filter(school_id=int(row.key)), survey)
                if weak:
                    text += "\n" + _("低于达标线的题目：") + "；".join(f"{label} {ratio}%" for label, ratio in weak)
            items.append({"office": survey.office, "school": schools[int(row.key)], "category": FINDING_CATEGORY,
                          "description": text,
                          "source_data": {"survey": survey.pk, "school": int(row.key), "rate": str(row.rate),
                                          "n": row.n}})
        created = findings_bulk_create(
            by=by, items=items, source=FindingSource.SURVEY,
            requirement=requirement.strip() or _("针对问卷反映的问题查找原因，制定整改措施，并在期限内报送整改情况。"),
            deadline=deadline or timezone.localdate() + timedelta(days=RECTIFICATION_DAYS),
            source_label=survey.name[:200], source_url=reverse("surveys:results", args=[survey.pk]))
    return created, len(low) - len(todo)




# --- the responses as rows (the Excel file of responses) ---------------------------------------------------
def export_responses(user: User, survey: Survey) -> QuerySet[Response]:
    """Every response of the survey, voided ones included (flagged): for the office that ran it and those
    above only — free-text answers may name people, so a school or a supervisor does not get them."""
    if not sees_whole_survey(user, survey):
        raise PermissionDenied(_("只有组织调查的督导室及上级督导室可以导出答卷。"))
    return Response.objects.filter(survey=survey).order_by("id")


def response_columns(survey: Survey) -> list[tuple[Question, str | None, str]]:
    """One column per question, one per matrix row: (question, row key or None, header)."""
    columns: list[tuple[Question, str | None, str]] = []
    for question in survey.questionnaire.questions.order_by("order", "id"):
        if question.type == QuestionType.MATRIX:
            columns += [(question, key, f"{question.code} {question.text}：{label}") for key, label in row_keys(question)]
        else:
            columns.append((question, None, f"{question.code} {question.text}"))
    return columns


def answer_text(question: Question, value: Any) -> Any:
    """An answer as the file shows it: option labels (several joined by 、), numbers as numbers."""
    if value is None or value == "" or value == []:
        return ""
    labels = {v: label for v, label, _s in (_value_label(o) for o in question.options or ())}
    if question.type == QuestionType.NUMBER:
        number = _number(value)
        return float(number) if number is not None else str(value)
    if isinstance(value, list):
        return "、".join(labels.get(str(v), str(v)) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}:{labels.get(str(v), str(v))}" for k, v in value.items())
    return labels.get(str(value), str(value))
