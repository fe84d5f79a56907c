"""Who may read which field: one rule per (model, field), used by page, export and API alike.

A person who may open an object does not always read all of it. The visit is the first case: the
school reads the feedback (methods, topics, opinions, problems) but not what the supervisor
observed — the location, the distance to the school, the narrative, the photos, the refusal flag.
A page, an Excel export and an API serialiser ask `may_read_field` (or filter rows with
`full_read_q` when a filter would reveal a field) instead of deciding for themselves.

Models are named by their label ("visits.Visit"), so this module imports no domain app.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.db.models import Q

from dudao.access.scope import get_scope

if TYPE_CHECKING:
    from dudao.people.models import User

# What the office and the visit's supervisor read and the school does not (domain-rules §2.5:
# the record of what was observed is the office's; the school gets the feedback).
VISIT_FULL_FIELDS = frozenset({
    "started_at", "ended_at", "narrative", "location_status", "latitude", "longitude", "location_accuracy_m",
    "distance_m", "refused", "refusal_note", "photos",
})


def sees_full_visit(user: User, visit) -> bool:
    """The office (staff and leaders of the school's region or above, admins) and the visit's own
    supervisor read everything; everyone else whose scope holds the school reads the feedback."""
    if getattr(user, "is_authenticated", False) and visit.created_by_id == user.pk:
        return True
    scope = get_scope(user)
    return scope.everything or any(visit.school.region_code.startswith(code) for code in scope.region_codes)


def full_visit_q(user: User, *, prefix: str = "") -> Q:
    """`sees_full_visit` as a filter over visits: a list filtered on a restricted field (the
    ledger's 拒绝阻挠 filter) keeps only the rows whose field the user reads."""
    scope = get_scope(user)
    if scope.everything:
        return Q()
    parts = [Q(**{f"{prefix}school__region_code__startswith": code}) for code in scope.region_codes]
    if getattr(user, "is_authenticated", False):
        parts.append(Q(**{f"{prefix}created_by_id": user.pk}))
    return reduce(or_, parts) if parts else Q(**{f"{prefix}pk__in": []})


FieldRule = Callable[["User", object], bool]
_FIELD_RULES: dict[tuple[str, str], FieldRule] = {("visits.Visit", name): sees_full_visit for name in VISIT_FULL_FIELDS}
_FIELD_FILTERS: dict[tuple[str, str], Callable[..., Q]] = {("visits.Visit", name): full_visit_q for name in VISIT_FULL_FIELDS}


def may_read_field(user: User, obj, field: str) -> bool:
    """Whether `user`, who may open `obj`, reads its `field`. Fields without a rule are readable."""
    rule = _FIELD_RULES.get((obj._meta.label, field))
    return rule is None or rule(user, obj)


def readable_fields(user: User, obj) -> frozenset[str]:
    """Of `obj`'s restricted fields, those the user reads (a template asks `"refused" in reads`)."""
    label = obj._meta.label
    return frozenset(name for (lbl, name), rule in _FIELD_RULES.items() if lbl == label and rule(user, obj))


def field_read_q(user: User, model, field: str) -> Q:
    """The rows of `model` whose `field` the user reads, as a filter (Q() when there is no rule)."""
    rule = _FIELD_FILTERS.get((model._meta.label, field))
    return Q() if rule is None else rule(user)


def restricted_fields(model) -> frozenset[str]:
    """The fields of `model` that have a rule (what a comparison test walks)."""
    label = model._meta.label
    return frozenset(name for (lbl, name) in _FIELD_RULES if lbl == label)
