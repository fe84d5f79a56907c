"""A paginator whose cost follows the page, not the scope.

Django's Paginator counts every row of the filtered list (`SELECT COUNT(*)`) to number the pages.
For a province office's visit ledger that is all 500,000 visits of the province on every request,
whatever page is shown. `CappedPaginator` counts at most `cap` + 1 rows (100 pages): below the cap the count
and the page links are exact; above it the page says "more than 3,000" and numbers the first
pages only — a list that long is narrowed with its filters, not read page by page.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 3_000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap or COUNT_CAP
        self.capped = False

    @cached_property
    def count(self) -> int:
        """Rows of the list up to the cap: `SELECT COUNT(*) FROM (… LIMIT cap + 1)`."""
        qs = self.object_list
        if hasattr(qs, "order_by"):
            found = qs.order_by().select_related(None)[: self.cap + 1].count()
        else:
            found = len(qs[: self.cap + 1])
        self.capped = found > self.cap
        return min(found, self.cap)
