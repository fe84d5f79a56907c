from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.db.models.functions import Length, Substr

from dudao.access import get_visible_or_404
from dudao.regions.codes import ancestor_codes, chain_codes  # re-exported: callers read the chain here
from dudao.regions.models import Office, Region

if TYPE_CHECKING:
    from dudao.people.models import User


# --- the chain above a region: one copy for scope, quotas, complaints, plaques, warnings, breadcrumbs ---
# The code arithmetic lives in regions/codes.py (no imports: the access layer uses it too).
def offices_by_code(codes: Iterable[str]) -> dict[str, Office]:
    """The offices of these region codes, by code, in one query (callers with many chains)."""
    return {o.region.code: o for o in Office.objects.filter(region__code__in=set(codes)).select_related("region")}


def offices_above(code: str, *, down_to: int = 12) -> list[Office]:
    """The offices at and above a region (or an office's region), nearest first: a township's
    school → county office, city office, province office. `down_to=6` starts at the county."""
    codes = chain_codes(code, down_to=down_to)
    found = offices_by_code(codes)
    return [found[c] for c in codes if c in found]


def region_ancestors(region: Region | None) -> list[Region]:
    """The breadcrumb above a region (province, city …), top first, without the region itself; one query."""
    if region is None:
        return []
    codes = ancestor_codes(region.code)[:-1]
    return sorted(Region.objects.filter(code__in=codes), key=lambda r: len(r.code))


def access_region(user: User, code: str) -> Region:
    return get_visible_or_404(Region.objects.visible_to(user).select_related("parent"), code=code)


def region_roots(*, user: User) -> list[Region]:
    """The top of what the user sees: visible regions whose parent they cannot see."""
    visible = Region.objects.visible_to(user)
    top = visible.annotate(width=Length("code")).order_by("width", "code").first()
    if top is None:
        return []
    if top.parent_id is None:
        return list(visible.filter(parent__isnull=True))
    return list(visible.filter(parent_id=top.parent_id))


def region_children(*, user: User, region: Region) -> QuerySet[Region]:
    return Region.objects.visible_to(user).filter(parent=region)


def school_counts_by_region(*, user: User, regions: list[Region]) -> dict[str, int]:
    """School counts in the user's scope for each region's subtree, in one query per width."""
    from dudao.schools.models import School

    counts: dict[str, int] = {r.code: 0 for r in regions}
    widths = {len(r.code) for r in regions}
    if not regions:
        return counts
    prefixes = {r.code for r in regions}
    common = _common_prefix(list(prefixes))
    # Counted by the database, one GROUP BY per code width: a province's 20,000 school codes are not
    # sent to Python to be counted there.
    scoped = School.objects.visible_to(user).filter(region_code__startswith=common).order_by()
    for width in sorted(widths):
        grouped = (scoped.annotate(unit=Substr("region_code", 1, width)).values("unit")
                   .annotate(n=Count("id")).values_list("unit", "n"))
        for key, n in grouped:
            if key in counts and len(key) == width:
                counts[key] += n
    return counts


def _common_prefix(codes: list[str]) -> str:
    if not codes:
        return ""
    first, last = min(codes), max(codes)
    i = 0
    while i < min(len(first), len(last)) and first[i] == last[i]:
        i += 1
    return first[:i]


def office_for_region(*, user: User, region: Region) -> Office | None:
    return Office.objects.visible_to(user).filter(region=region).first()


# --- the offices whose supervisor team the user sees or changes (supervisors, people, zones) ----------


def team_offices(user: User) -> list[Office]:
    """Offices whose whole team the user sees (their office's region and below), widest first."""
    from dudao.access import sees_office_details

    offices = Office.objects.visible_to(user).select_related("region")
    return sorted((o for o in offices if sees_office_details(user, o)), key=lambda o: (len(o.region.code), o.region.code))


def managed_offices(user: User) -> list[Office]:
    """Offices whose team the user may change (office staff of the region or above, admins)."""
    from dudao.access import can_manage_office

    return [o for o in team_offices(user) if can_manage_office(user, o)]
