"""Reads of the system administration pages (admins only, checked by the views): the code lists,
the operation log (django-auditlog) and the login log (django-axes)."""

from __future__ import annotations

from auditlog.models import LogEntry
from axes.models import AccessFailureLog, AccessLog
from django.db.models import Count, QuerySet

from dudao.system.models import DictionaryItem
from dudao.system.services import DICTIONARY_TYPES


def dictionary_items(*, dict_type: str = "") -> QuerySet[DictionaryItem]:
    """The code list's items, of one type when given."""
    items = DictionaryItem.objects.all()
    return items.filter(dict_type=dict_type) if dict_type else items


def dictionary_item(pk: int) -> DictionaryItem:
    """One item of the code lists (404 when there is none)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(DictionaryItem, pk=pk)


def dictionary_types() -> list[tuple[str, str | None, int]]:
    """(type, label, items) of every type that has items, by type."""
    types = dict(DictionaryItem.objects.values_list("dict_type").annotate(n=Count("id")))
    return [(t, DICTIONARY_TYPES.get(t, t), n) for t, n in sorted(types.items())]


def operation_log_entries(*, actor: str = "") -> QuerySet[LogEntry]:
    """The operation log, newest first; `actor`: part of the acting account's user name."""
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    return entries.filter(actor__username__icontains=actor) if actor else entries


def login_log_entries(*, show: str = "success", username: str = "") -> QuerySet:
    """Successful logins, or failed ones (`show="failure"`), newest first; `username`: part of it."""
    model = AccessFailureLog if show == "failure" else AccessLog
    entries = model.objects.order_by("-attempt_time")
    return entries.filter(username__icontains=username) if username else entries
