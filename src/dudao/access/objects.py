"""Generic helpers for `access_*` functions: fetch through a scoped queryset or refuse."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


def get_visible_or_404(visible: QuerySet[M], **lookup) -> M:
    """Objects outside the scope answer 404: their existence is not disclosed."""
    try:
        return visible.get(**lookup)
    except (visible.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def require_writable(writable: QuerySet[M], obj: M) -> M:
    """Visible but read-only (a leader, a school user) answers 403."""
    if not writable.filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj
