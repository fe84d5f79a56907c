"""Reads about accounts: the user pages' reads, through the one account rule (`access.visible_users`:
the admin every account, office staff the accounts wholly inside their write subtrees, everyone else
their own), and the reads other apps use (`office_staff`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from dudao.access import get_visible_or_404, visible_users
from dudao.people.models import REGION_ROLES, User

if TYPE_CHECKING:
    from dudao.people.models import RoleGrant
    from dudao.regions.models import Office


def office_staff(office: Office | None, roles: Iterable[str] = REGION_ROLES) -> QuerySet[User]:
    """The **active** accounts whose role grant names this office (staff and leaders by default):
    who is told about the office's work. A deactivated account is never told anything."""
    if office is None:
        return User.objects.none()
    return (User.objects.filter(is_active=True, role_grants__office=office, role_grants__role__in=list(roles))
            .distinct().order_by("pk"))


# --- the user pages ------------------------------------------------------------------------------


def access_user(user: User, pk: int) -> User:
    """One account the user manages or reads (404 otherwise)."""
    return get_visible_or_404(visible_users(user), pk=pk)


def user_list(*, user: User, q: str = "", role: str = "") -> QuerySet[User]:
    """The accounts the user sees, by user name; `q`: part of the user name or the name, or of the
    phone number; `role`: holding a grant of that role."""
    users = visible_users(user).prefetch_related("role_grants__office")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(phone__contains=q))
    if role:
        users = users.filter(role_grants__role=role).distinct()
    return users.order_by("username")


def user_grants(target: User) -> QuerySet[RoleGrant]:
    """An account's role grants with their office and schools (the account's own page, its detail)."""
    return target.role_grants.select_related("office", "government_unit").prefetch_related("schools")
