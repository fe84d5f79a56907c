"""What the public answer page needs besides the services: the link's address and QR code, and the
questions prepared for the template (fields, current values, errors, skip-logic attributes)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from dudao.surveys import logic
from dudao.surveys.models import Question, QuestionType


def link_url(token: str) -> str:
    """The address printed under a link's QR code (the same public base as the plaques)."""
    from dudao.zones.plaques import public_address

    return f"{public_address().base}/q/{token}/" if token else f"{public_address().base}/q/"


def qr_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m").png_data_uri(border=4, scale=4)


@dataclass
class Field:
    question: Question
    name: str
    error: str = ""
    value: Any = None
    rows: list[dict] = field(default_factory=list)
    hidden: bool = False

    @property
    def options(self) -> list[str]:
        return logic.option_values(self.question)

    @property
    def chosen(self) -> list[str]:
        if isinstance(self.value, list):
            return self.value
        return [] if self.value in (None, "") else [str(self.value)]

    @property
    def show_question(self) -> str:
        return (self.question.show_if or {}).get("question", "")

    @property
    def show_in(self) -> str:
        return json.dumps((self.question.show_if or {}).get("in") or [], ensure_ascii=False)

    @property
    def is_choice(self) -> bool:
        return self.question.type in (QuestionType.SINGLE, QuestionType.SCALE)


def form_fields(questions: list[Question], group: str, data=None, errors: dict[str, list[str]] | None = None) -> list[Field]:
    """The questions of this group with what was typed (kept on error) and their errors; questions
    hidden by skip logic start hidden (the script shows them as answers change)."""
    errors = errors or {}
    answers: dict[str, Any] = {}
    if data is not None:
        answers, _ = logic.read_answers(questions, group, data)
    shown = {q.code for q in logic.visible_questions(questions, group, answers)}
    out = []
    for question in questions:
        if not logic.applies_to(question, group):
            continue
        name = logic.field_name(question)
        f = Field(question=question, name=name, error=" ".join(errors.get(name, [])), hidden=question.code not in shown)
        if data is not None:
            if question.type == QuestionType.MULTIPLE:
                f.value = [v for v in data.getlist(name)]
            elif question.type != QuestionType.MATRIX:
                f.value = data.get(name, "")
        for i, row in enumerate(question.rows or [], start=1):
            row_name = logic.field_name(question, i)
            f.rows.append({"text": row, "name": row_name, "value": data.get(row_name, "") if data is not None else ""})
        out.append(f)
    return out
