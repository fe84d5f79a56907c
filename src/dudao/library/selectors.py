from __future__ import annotations

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.db.models import Exists, F, OuterRef, Q, Subquery

from dudao.access import get_scope, get_visible_or_404
from dudao.library.models import Announcement, AnnouncementReceipt, Policy

if TYPE_CHECKING:
    from dudao.people.models import User


def access_policy(user: User, pk: int) -> Policy:
    return get_visible_or_404(Policy.objects.visible_to(user).select_related("office"), pk=pk)


def access_notice(user: User, pk: int) -> Announcement:
    return get_visible_or_404(Announcement.objects.visible_to(user).select_related("office__region"), pk=pk)


def received_notices(user: User):
    """Published, not withdrawn notices the person was sent (their receipt), unread first."""
    mine = AnnouncementReceipt.objects.filter(announcement=OuterRef("pk"), user=user)
    return (Announcement.objects.filter(published_at__isnull=False, withdrawn_at__isnull=True)
            .annotate(is_mine=Exists(mine), my_read_at=Subquery(mine.values("read_at")[:1]))
            .filter(is_mine=True).select_related("office")
            .order_by(F("my_read_at").asc(nulls_first=True), "-pinned", "-published_at"))


def sent_notices(user: User):
    """The notices of the offices in the person's office subtrees (staff and leaders; drafts too)."""
    scope = get_scope(user)
    qs = Announcement.objects.select_related("office").order_by("-created_at")
    if scope.everything:
        return qs
    if not scope.region_codes:
        return qs.none()
    return qs.filter(reduce(or_, [Q(office__region__code__startswith=c) for c in scope.region_codes]))
