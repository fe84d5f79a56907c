"""Reads about accounts that other apps use."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from dudao.people.models import REGION_ROLES, User

if TYPE_CHECKING:
    from dudao.regions.models import Office


def office_staff(office: Office | None, roles: Iterable[str] = REGION_ROLES) -> QuerySet[User]:
    """The **active** accounts whose role grant names this office (staff and leaders by default):
    who is told about the office's work. A deactivated account is never told anything."""
    if office is None:
        return User.objects.none()
    return (User.objects.filter(is_active=True, role_grants__office=office, role_grants__role__in=list(roles))
            .distinct().order_by("pk"))
