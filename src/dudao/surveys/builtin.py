"""The built-in questionnaires: data files in `builtin/` (one YAML file each), transcribed from
frameworks.md §5 with their sources, installed read-only (no office) by `install_defaults` and the
demo. Texts the sources did not give are marked 待核实 in the file, never invented silently.

A file holds `code`, `name`, `kind`, `groups`, `intro`, `source`, named `scales` (options and the
ones that count as satisfied) and `questions`; a question names a scale or lists its `options`
(and `satisfied`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from dudao.surveys.logic import normalise_options, questionnaire_problems
from dudao.surveys.models import Question, Questionnaire

BUILTIN_DIR = Path(__file__).with_name("builtin")


def builtin_files() -> list[Path]:
    return sorted(BUILTIN_DIR.glob("*.yaml"))


def builtin_load(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def builtin_questions(data: dict[str, Any]) -> list[Question]:
    """The file's questions as unsaved rows, in order (checked by `questionnaire_problems`)."""
    scales = data.get("scales") or {}
    out = []
    for order, item in enumerate(data.get("questions") or [], start=1):
        scale = scales.get(item.get("scale"), {}) if item.get("scale") else {}
        options = item.get("options", scale.get("options", []))
        satisfied = item.get("satisfied", scale.get("satisfied", []))
        show_if = item.get("show_if") or {}
        out.append(Question(
            order=order, code=str(item["code"]), text=str(item["text"]).strip(), type=item["type"],
            required=item.get("required", True), options=normalise_options(options, satisfied),
            rows=[str(r) for r in item.get("rows") or []], groups=list(item.get("groups") or []),
            show_if={"question": str(show_if["question"]), "in": [str(v) for v in show_if["in"]]} if show_if else {},
            in_index=bool(item.get("in_index"))))
    return out


@transaction.atomic
def builtin_install(data: dict[str, Any]) -> Questionnaire | None:
    """Install one built-in unless its code is there already (never overwritten: surveys use it)."""
    if Questionnaire.objects.filter(office__isnull=True, code=data["code"]).exists():
        return None
    questions = builtin_questions(data)
    problems = questionnaire_problems(questions)
    if problems:
        raise ImproperlyConfigured(f"内置问卷 {data['code']}：" + "；".join(problems))
    questionnaire = Questionnaire.objects.create(
        office=None, code=data["code"], name=data["name"], kind=data["kind"], groups=list(data.get("groups") or []),
        intro=(data.get("intro") or "").strip(), source=(data.get("source") or "").strip())
    for question in questions:
        question.questionnaire = questionnaire
    Question.objects.bulk_create(questions)
    return questionnaire


def questionnaires_install_builtin() -> int:
    """Install the built-ins that are missing; answers how many (0 the second time)."""
    return sum(1 for path in builtin_files() if builtin_install(builtin_load(path)) is not None)
