"""One page of a queryset for django-ninja's paginator, turned into output rows only for that page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class MappedRows:
    """The paginator counts and slices the queryset (one page is read); `convert` makes each row of
    the page (a dict or a schema) — so a list endpoint never builds the rows it does not return."""

    def __init__(self, qs, convert: Callable[[Any], Any]) -> None:
        self.qs, self.convert = qs, convert

    def all(self) -> MappedRows:
        return self

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        rows = self.qs[item]
        return [self.convert(row) for row in rows] if isinstance(item, slice) else self.convert(rows)
