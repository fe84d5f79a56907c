"""The rules of a questionnaire as pure functions (no database): which questions a respondent sees
(respondent groups, skip logic), the answers read from a submitted form, the index counts, and the
builder's checks. The public page applies the same skip logic in the browser (static/surveys/survey.js);
the server re-applies it here, so a hidden question's answer is never stored or required.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.utils.translation import gettext as _

from dudao.surveys.models import QuestionType, RespondentGroup

OPTION_TYPES = {QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.SCALE, QuestionType.MATRIX}
INDEX_TYPES = {QuestionType.SINGLE, QuestionType.SCALE, QuestionType.MATRIX, QuestionType.MULTIPLE}
CONDITION_TYPES = {QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.SCALE}
CODE_RE = re.compile(r"^[A-Za-z0-9_]{1,20}$")
TEXT_MAX = 2000
NUMBER_MAX = Decimal("1000000")


class QuestionLike(Protocol):
    code: str
    text: str
    type: str
    required: bool
    options: list
    rows: list
    groups: list
    show_if: dict
    in_index: bool


# --- reading a question -------------------------------------------------------------------------------
def option_values(question: QuestionLike) -> list[str]:
    return [str(o["value"]) for o in question.options or []]


def satisfied_values(question: QuestionLike) -> set[str]:
    return {str(o["value"]) for o in question.options or [] if o.get("satisfied")}


def field_name(question: QuestionLike, row: int | None = None) -> str:
    """The form field of a question (`q-YZ1`), of a matrix row (`q-B-3`, rows from 1)."""
    return f"q-{question.code}" if row is None else f"q-{question.code}-{row}"


def applies_to(question: QuestionLike, group: str) -> bool:
    return not question.groups or group in question.groups


def _chosen(value: Any) -> set[str]:
    if isinstance(value, list):
        return {str(v) for v in value}
    return {str(value)} if value not in (None, "") else set()


def is_shown(question: QuestionLike, answers: Mapping[str, Any], shown: set[str]) -> bool:
    """Skip logic: a question with `show_if` {"question": code, "in": [answers]} is shown when that
    earlier question was shown and one of its chosen answers is listed."""
    condition = question.show_if or {}
    code = condition.get("question")
    if not code:
        return True
    if code not in shown:
        return False
    return bool(_chosen(answers.get(code)) & {str(v) for v in condition.get("in") or []})


def visible_questions(questions: Iterable[QuestionLike], group: str, answers: Mapping[str, Any]) -> list[QuestionLike]:
    """The questions this respondent was asked, given their answers (in order)."""
    shown: set[str] = set()
    out = []
    for question in questions:
        if applies_to(question, group) and is_shown(question, answers, shown):
            shown.add(question.code)
            out.append(question)
    return out


# --- reading the submitted form -----------------------------------------------------------------------
class FormData(Protocol):
    def get(self, key: str, default: Any = ...) -> Any: ...
    def getlist(self, key: str) -> list: ...


def _parse_one(question: QuestionLike, data: FormData) -> tuple[Any, str]:
    """(value or None when unanswered, error)."""
    name = field_name(question)
    kind = question.type
    if kind in (QuestionType.SINGLE, QuestionType.SCALE):
        raw = (data.get(name) or "").strip()
        if not raw:
            return None, ""
        return (raw, "") if raw in option_values(question) else (None, _("请选择列出的选项。"))
    if kind == QuestionType.MULTIPLE:
        picked = [v.strip() for v in data.getlist(name) if v.strip()]
        if not picked:
            return None, ""
        allowed = option_values(question)
        if any(v not in allowed for v in picked):
            return None, _("请选择列出的选项。")
        return [v for v in allowed if v in picked], ""
    if kind == QuestionType.MATRIX:
        allowed = option_values(question)
        values: dict[str, str] = {}
        for i, row in enumerate(question.rows or [], start=1):
            raw = (data.get(field_name(question, i)) or "").strip()
            if raw:
                if raw not in allowed:
                    return None, _("请选择列出的选项。")
                values[str(row)] = raw
        if not values:
            return None, ""
        if len(values) < len(question.rows or []):
            return values, _("请回答每一行。")
        return values, ""
    if kind == QuestionType.NUMBER:
        raw = (data.get(name) or "").strip()
        if not raw:
            return None, ""
        try:
            number = Decimal(raw.replace("，", "").replace(",", ""))
        except InvalidOperation:
            return None, _("请填写数字。")
        if not number.is_finite() or number < 0 or number > NUMBER_MAX:
            return None, _("请填写 0 到 1000000 之间的数字。")
        return (int(number) if number == number.to_integral_value() else float(number)), ""
    raw = (data.get(name) or "").strip()
    if len(raw) > TEXT_MAX:
        return None, _("最多填写 %(n)s 个字。") % {"n": TEXT_MAX}
    return (raw or None), ""


def read_answers(questions: Iterable[QuestionLike], group: str, data: FormData) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers of the questions this respondent sees, and the errors keyed by question code.
    Skip logic is applied in order with the answers as submitted: answers to hidden questions are
    dropped (whatever the browser sent), required questions that are shown must be answered."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    shown: set[str] = set()
    for question in questions:
        if not applies_to(question, group) or not is_shown(question, answers, shown):
            continue
        shown.add(question.code)
        value, error = _parse_one(question, data)
        if value is not None:
            answers[question.code] = value
        if error:
            errors[question.code] = error
        elif value is None and question.required:
            errors[question.code] = _("请回答此题。")
    return answers, errors


# --- the index counts ---------------------------------------------------------------------------------
def index_counts(questions: Iterable[QuestionLike], answers: Mapping[str, Any]) -> tuple[int, int]:
    """(rated, satisfied) over the answered questions `in_index`: a single/scale answer counts one,
    satisfied when its option is flagged; a matrix counts one per answered row; a multiple-choice
    question counts one, satisfied when any chosen option is flagged."""
    rated = satisfied = 0
    for question in questions:
        if not question.in_index or question.code not in answers:
            continue
        good = satisfied_values(question)
        value = answers[question.code]
        if question.type == QuestionType.MATRIX:
            for v in value.values():
                rated += 1
                satisfied += str(v) in good
        elif question.type in INDEX_TYPES:
            rated += 1
            satisfied += bool(_chosen(value) & good)
    return rated, satisfied


# --- the builder's checks -----------------------------------------------------------------------------
def question_problems(question: QuestionLike, earlier: Sequence[QuestionLike], later_codes: Iterable[str] = ()) -> list[str]:
    """What is wrong with one question given the questions before it (Chinese, for the form)."""
    problems: list[str] = []
    if not CODE_RE.match(question.code or ""):
        problems.append(_("题号只能由字母、数字和下划线组成（不超过 20 个字符），如 Q1、YZ10。"))
    values = option_values(question)
    if question.type in OPTION_TYPES:
        if len(values) < 2:
            problems.append(_("单选、多选、量表和矩阵题至少要有两个选项。"))
        if len(set(values)) != len(values):
            problems.append(_("选项不能重复。"))
    elif question.options:
        problems.append(_("填空题和数字题不设选项。"))
    if question.type == QuestionType.MATRIX:
        rows = [str(r) for r in question.rows or []]
        if not rows:
            problems.append(_("矩阵题至少要有一行。"))
        elif len(set(rows)) != len(rows):
            problems.append(_("矩阵行不能重复。"))
    elif question.rows:
        problems.append(_("只有矩阵题设矩阵行。"))
    if question.in_index:
        if question.type not in INDEX_TYPES:
            problems.append(_("填空题和数字题不能计入满意度指数。"))
        elif not satisfied_values(question):
            problems.append(_("计入满意度指数的题目至少要有一个“计为满意”的选项。"))
    unknown_groups = [g for g in question.groups or [] if g not in RespondentGroup.values]
    if unknown_groups:
        problems.append(_("未知的调查对象：%(g)s。") % {"g": "、".join(unknown_groups)})
    problems += condition_problems(question, earlier, later_codes)
    return problems


def condition_problems(question: QuestionLike, earlier: Sequence[QuestionLike], later_codes: Iterable[str] = ()) -> list[str]:
    condition = question.show_if or {}
    code = condition.get("question")
    if not code:
        return []
    if code == question.code:
        return [_("显示条件不能引用本题。")]
    target = next((q for q in earlier if q.code == code), None)
    if target is None:
        if code in set(later_codes):
            return [_("显示条件只能引用排在本题之前的题目（“%(code)s”排在本题之后）。") % {"code": code}]
        return [_("显示条件引用的题目“%(code)s”不存在。") % {"code": code}]
    if target.type not in CONDITION_TYPES:
        return [_("显示条件只能引用单选、多选或量表题（“%(code)s”不是）。") % {"code": code}]
    wanted = [str(v) for v in condition.get("in") or []]
    if not wanted:
        return [_("请填写显示条件的答案（引用题目的哪些选项时显示本题）。")]
    allowed = option_values(target)
    wrong = [v for v in wanted if v not in allowed]
    if wrong:
        return [_("显示条件中的答案“%(v)s”不是题目“%(code)s”的选项。") % {"v": "、".join(wrong), "code": code}]
    return []


def questionnaire_problems(questions: Sequence[QuestionLike]) -> list[str]:
    """Every problem of the questions in order, prefixed by the question code ("Q3：…")."""
    out: list[str] = []
    codes = [q.code for q in questions]
    if len(set(codes)) != len(codes):
        out.append(_("题号不能重复。"))
    for i, question in enumerate(questions):
        for problem in question_problems(question, questions[:i], codes[i + 1:]):
            out.append(f"{question.code}：{problem}")
    return out


def normalise_options(values: Iterable[str], satisfied: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Options as stored: [{"value": "满意", "satisfied": true}, …] in the given order."""
    good = {str(s).strip() for s in satisfied}
    out = []
    for value in values:
        value = str(value).strip()
        if value:
            out.append({"value": value, "satisfied": True} if value in good else {"value": value})
    return out
