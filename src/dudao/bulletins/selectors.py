"""Reads of bulletins for the pages: every read starts from `Bulletin.objects.visible_to(user)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from dudao.access import get_visible_or_404
from dudao.bulletins.models import Bulletin
from dudao.documents.models import DocumentStatus

if TYPE_CHECKING:
    from dudao.campaigns.models import Campaign
    from dudao.people.models import User
    from dudao.regions.models import Office

NOT_DRAFTED = "computed"  # the state filter's value for a bulletin whose document is not written yet


def access_bulletin(user: User, pk) -> Bulletin:
    """A bulletin the user reads (its office and those above); 404 outside."""
    qs = Bulletin.objects.visible_to(user).select_related("office__region", "campaign", "document", "created_by")
    return get_visible_or_404(qs, pk=pk)


@dataclass(frozen=True)
class BulletinFilters:
    q: str = ""
    year: str = ""
    state: str = ""
    source: str = ""
    office: str = ""

    @classmethod
    def from_params(cls, params) -> BulletinFilters:
        def clean(name: str) -> str:
            return str(params.get(name) or "").strip()[:100]

        year, state, source, office = clean("year"), clean("state"), clean("source"), clean("office")
        return cls(q=clean("q"), year=year if year.isdigit() and len(year) == 4 else "",
                   state=state if state in {*DocumentStatus.values, NOT_DRAFTED} else "",
                   source=source if source in {"campaign", "period"} else "",
                   office=office if office.isdigit() else "")

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


def bulletin_list(user: User, filters: BulletinFilters | None = None) -> QuerySet[Bulletin]:
    """The bulletins the user reads, newest first, with the read receipts counted (已阅 n / m)."""
    f = filters or BulletinFilters()
    qs = Bulletin.objects.visible_to(user).select_related("office", "campaign", "document")
    if f.q:
        qs = qs.filter(Q(subject__icontains=f.q) | Q(document__number__icontains=f.q))
    if f.year:
        qs = qs.filter(created_at__year=int(f.year))
    if f.state == NOT_DRAFTED:
        qs = qs.filter(document__isnull=True)
    elif f.state:
        qs = qs.filter(document__status=f.state)
    if f.source == "campaign":
        qs = qs.filter(campaign__isnull=False)
    elif f.source == "period":
        qs = qs.filter(campaign__isnull=True)
    if f.office:
        qs = qs.filter(office_id=int(f.office))
    return qs.annotate(
        recipient_count=Count("document__recipients", distinct=True),
        read_count=Count("document__recipients", filter=Q(document__recipients__read_at__isnull=False), distinct=True),
    ).order_by("-created_at", "-id")


def bulletin_years(user: User) -> list[int]:
    return sorted({d.year for d in Bulletin.objects.visible_to(user).dates("created_at", "year")}, reverse=True)


def bulletin_offices(user: User) -> list[Office]:
    from dudao.regions.models import Office

    ids = Bulletin.objects.visible_to(user).values("office_id")
    return list(Office.objects.filter(pk__in=ids).order_by("region__code"))


def drafting_offices(user: User) -> list[Office]:
    """Offices the user may write bulletins for (office staff of the region or above, admins)."""
    from dudao.regions.selectors import managed_offices

    return list(managed_offices(user))


def campaigns_for(user: User, offices: list[Office]) -> list[Campaign]:
    """Campaigns the user reads organised by one of the offices or an office below them, past 草拟; not
    督政 (its units are governments, not schools: governance has its own opinion and findings)."""
    from functools import reduce
    from operator import or_

    from dudao.campaigns.models import Campaign

    if not offices:
        return []
    under = reduce(or_, [Q(office__region__code__startswith=o.region.code) for o in offices])
    return list(Campaign.objects.visible_to(user).filter(under).exclude(state="draft").exclude(kind="government")
                .select_related("office__region").order_by("-year", "-id")[:300])


def read_receipts(bulletin: Bulletin) -> tuple[int, int]:
    document = bulletin.document
    if document is None:
        return 0, 0
    rows = document.recipients.all()
    return rows.filter(read_at__isnull=False).count(), rows.count()
