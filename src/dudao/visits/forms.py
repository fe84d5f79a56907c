"""Parsing the phone visit form: the JSON the form's script sends (autosave, submit) and the plain
POST of the same form without JavaScript both become one `VisitInput` for `visit_save`."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from dudao.visits.models import LocationStatus, VisitMode
from dudao.visits.services import MAX_PROBLEMS, ProblemInput, VisitInput

if TYPE_CHECKING:
    from django.http import QueryDict

    from dudao.schools.models import School

MAX_TEXT = 20_000
MAX_CODES = 60


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    return str(value or "").replace("\x00", "")[:limit]


def _codes(value: Any) -> list[str]:
    if not isinstance(value, list | tuple):
        value = [value] if value else []
    seen: list[str] = []
    for code in value[:MAX_CODES]:
        code = _text(code, 80).strip()
        if code and code not in seen:
            seen.append(code)
    return seen


def _moment(value: Any, label: str, errors: dict[str, list[str]]) -> datetime | None:
    if not value:
        return None
    try:
        moment = parse_datetime(str(value))
    except ValueError:
        moment = None
    if moment is None:
        errors.setdefault("device", []).append(_("%(label)s格式不正确。") % {"label": label})
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _coordinate(value: Any, limit: int, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or abs(number) > limit:
        errors.setdefault("location", []).append(_("定位坐标不正确。"))
        return None
    return number


def _problems(rows: list[Any], errors: dict[str, list[str]]) -> list[ProblemInput]:
    problems = []
    for i, row in enumerate(rows[: MAX_PROBLEMS + 1], start=1):
        if not isinstance(row, dict):
            continue
        category, description = _text(row.get("category"), 40).strip(), _text(row.get("description")).strip()
        requirement, raw_deadline = _text(row.get("requirement")).strip(), _text(row.get("deadline"), 20).strip()
        if not (category or description or requirement):
            continue  # an empty row: nothing typed yet (the proposed deadline alone is no problem)
        try:
            deadline = parse_date(raw_deadline) if raw_deadline else None
        except ValueError:
            deadline = None
        if raw_deadline and deadline is None:
            errors.setdefault("problems", []).append(_("第 %(i)s 个问题：整改期限不是有效日期。") % {"i": i})
        problems.append(ProblemInput(category=category, description=description, requirement=requirement, deadline=deadline,
                                     photos=_photo_ids(row.get("photos"))))
    return problems


def _photo_ids(value: Any) -> list[str]:
    """Client ids of the visit's photos chosen for a problem (anything not an id is dropped)."""
    ids: list[str] = []
    for item in (value if isinstance(value, list | tuple) else [])[:MAX_CODES]:
        try:
            text = str(uuid.UUID(_text(item, 40).strip()))
        except ValueError:
            continue
        if text not in ids:
            ids.append(text)
    return ids


MAX_ANSWERS = 500
ANSWER_KEYS = ("value", "choice", "note")


def _answers(value: Any) -> dict[str, dict[str, Any]]:
    """A basis's answers as {item key: {value, choice, note}} of plain text, plus `photos`: the client
    ids of the visit's photos taken for that item (the item's tag, kept in the draft); the basis
    checks them."""
    out: dict[str, dict[str, Any]] = {}
    if not isinstance(value, dict):
        return out
    for key, row in list(value.items())[:MAX_ANSWERS]:
        if not isinstance(row, dict):
            continue
        kept: dict[str, Any] = {k: _text(row.get(k), 2000 if k == "note" else 40).strip()
                                for k in ANSWER_KEYS if row.get(k) not in (None, "")}
        photos = _photo_ids(row.get("photos"))
        if photos:
            kept["photos"] = photos
        if kept:
            out[_text(key, 20)] = kept
    return out


def visit_input(data: dict[str, Any], *, client_id: uuid.UUID, school: School) -> VisitInput:
    """A `VisitInput` from the form's JSON (the shape of `selectors.visit_as_draft`). Malformed values
    raise ValidationError with Chinese messages per field; the rules of a visit stay in the service."""
    errors: dict[str, list[str]] = {}
    mode = _text(data.get("mode"), 20) or VisitMode.ANNOUNCED
    latitude = _coordinate(data.get("latitude"), 90, errors)
    longitude = _coordinate(data.get("longitude"), 180, errors)
    if (latitude is None) != (longitude is None):
        latitude = longitude = None
    accuracy = data.get("accuracy")
    try:
        accuracy = min(max(int(float(accuracy)), 0), 1_000_000) if accuracy not in (None, "") else None
    except (TypeError, ValueError):
        accuracy = None
    status = _text(data.get("location_status"), 20)
    problems = data.get("problems") if isinstance(data.get("problems"), list) else []
    result = VisitInput(
        client_id=client_id, school=school, mode=mode,
        device_started_at=_moment(data.get("device_started_at"), _("设备开始时间"), errors),
        device_ended_at=_moment(data.get("device_ended_at"), _("设备结束时间"), errors),
        latitude=latitude, longitude=longitude, location_accuracy_m=accuracy,
        location_status=status if status in LocationStatus.values else LocationStatus.NONE,
        methods=_codes(data.get("methods")), topics=_codes(data.get("topics")),
        narrative=_text(data.get("narrative")), opinions=_text(data.get("opinions")),
        refused=data.get("refused") in (True, "1", "on", "true"), refusal_note=_text(data.get("refusal_note")),
        problems=_problems(problems, errors), answers=_answers(data.get("answers")),
    )
    if errors:
        raise ValidationError(errors)
    return result


def post_as_data(post: QueryDict) -> dict[str, Any]:
    """The same form posted without JavaScript: problems come as parallel lists, one row each; a
    problem's photos as "<row>:<photo client id>" checkboxes."""
    rows = zip(post.getlist("problem_category"), post.getlist("problem_description"), post.getlist("problem_requirement"),
               post.getlist("problem_deadline"), strict=False)
    answers: dict[str, dict[str, str]] = {}
    for key in post:  # a basis's items: "answers.<item>.<value|choice|note>"
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "answers" and parts[2] in ANSWER_KEYS:
            answers.setdefault(parts[1], {})[parts[2]] = post.get(key) or ""
    chosen: dict[str, list[str]] = {}
    for value in post.getlist("problem_photos"):
        index, _sep, client_id = value.partition(":")
        chosen.setdefault(index, []).append(client_id)
    return {
        "mode": post.get("mode"), "device_started_at": post.get("device_started_at"),
        "device_ended_at": post.get("device_ended_at"),
        "latitude": post.get("latitude"), "longitude": post.get("longitude"), "accuracy": post.get("accuracy"),
        "location_status": post.get("location_status"),
        "methods": post.getlist("methods"), "topics": post.getlist("topics"),
        "narrative": post.get("narrative"), "opinions": post.get("opinions"),
        "refused": post.get("refused"), "refusal_note": post.get("refusal_note"),
        "problems": [{"category": c, "description": d, "requirement": r, "deadline": dl, "photos": chosen.get(str(i), [])}
                     for i, (c, d, r, dl) in enumerate(rows)],
        "answers": answers,
    }


