"""Reads of the documents pages and API: always from `Document.objects.visible_to(user)` (404 outside)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from dudao.access import get_scope, get_visible_or_404
from dudao.documents.models import Document, DocumentKind, DocumentStatus

if TYPE_CHECKING:
    from django.http import QueryDict

    from dudao.people.models import User

# 待办: the statuses a person must act on now (status "todo" in the filters).
TODO = "todo"


@dataclass
class DocumentFilters:
    kind: str = ""
    status: str = ""
    year: int | None = None
    q: str = ""

    @classmethod
    def from_params(cls, params: QueryDict | dict) -> DocumentFilters:
        kind = params.get("kind") or ""
        status = params.get("status") or ""
        year_text = str(params.get("year") or "").strip()
        return cls(kind=kind if kind in DocumentKind.values else "",
                   status=status if status in {*DocumentStatus.values, TODO} else "",
                   year=int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None,
                   q=str(params.get("q") or "").strip()[:50])

    def as_query(self) -> dict[str, str]:
        return {k: str(v) for k, v in (("kind", self.kind), ("status", self.status), ("year", self.year or ""),
                                       ("q", self.q)) if v}

    @property
    def is_empty(self) -> bool:
        return not self.as_query()


def visible(user: User) -> QuerySet[Document]:
    return Document.objects.visible_to(user)


def access_document(user: User, pk: int) -> Document:
    """The document if the person reads it, else 404."""
    return get_visible_or_404(visible(user).select_related("office__region", "series", "created_by", "checked_by",
                                                            "signed_by", "school"), pk=pk)


def todo_q(user: User) -> Q:
    """What waits for this person: 待审核 they may check (staff of the office or above, leaders; not
    their own drafts), 待签发 they may sign (leaders, admins). Mirrors documents/access.py."""
    from dudao.access.scope import document_q

    scope = get_scope(user)
    staff = document_q(user, write=True)
    if scope.write_everything:
        return Q(status__in=[DocumentStatus.CHECKING, DocumentStatus.SIGNING])
    lead_codes = _leader_codes(user)
    leads = Q(pk__in=[])
    for code in lead_codes:
        leads |= Q(office__region__code__startswith=code)
    checking = Q(status=DocumentStatus.CHECKING) & ~Q(created_by=user) & (staff | leads)
    signing = Q(status=DocumentStatus.SIGNING) & leads
    return checking | signing


def _leader_codes(user: User) -> list[str]:
    from dudao.people.models import Role

    return [g.office.region.code for g in user.role_grants.select_related("office__region")
            if g.role == Role.OFFICE_LEADER and g.office is not None]


def document_list(user: User, filters: DocumentFilters) -> QuerySet[Document]:
    qs = visible(user).select_related("office", "series")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status == TODO:
        qs = qs.filter(todo_q(user))
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.year:
        qs = qs.filter(Q(issued_on__year=filters.year) | Q(issued_on__isnull=True, created_at__year=filters.year))
    if filters.q:
        qs = qs.filter(Q(title__contains=filters.q) | Q(number__contains=filters.q))
    return qs.order_by("-created_at", "-id")


def status_counts(user: User) -> dict[str, int]:
    """Documents the person reads by status, and `todo`: those waiting for them (one query)."""
    qs = visible(user).order_by()
    aggregates = {s: Count("pk", filter=Q(status=s)) for s in DocumentStatus.values}
    aggregates[TODO] = Count("pk", filter=todo_q(user))
    return Document.objects.filter(pk__in=qs.values("pk")).aggregate(**aggregates)


def years(user: User) -> list[int]:
    issued = set(visible(user).exclude(issued_on=None).values_list("issued_on__year", flat=True).distinct())
    made = set(visible(user).values_list("created_at__year", flat=True).distinct())
    return sorted(issued | made, reverse=True)


def receipts(document: Document) -> dict[str, int]:
    rows = list(document.recipients.all())
    read = sum(1 for r in rows if r.read_at)
    return {"total": len(rows), "read": read, "unread": len(rows) - read}



# What a recipient unit sees of the history: the acts addressed to it, not the office's internal
# 审核/退回 notes (those stay with the office and the offices above).
UNIT_EVENTS = ("issued", "shared", "version", "published", "unpublished")


def events_for(user: User, document: Document) -> list:
    from dudao.access import sees_office_details

    events = document.events.select_related("by")
    if not sees_office_details(user, document.office):
        events = events.filter(action__in=UNIT_EVENTS)
    return list(events)
