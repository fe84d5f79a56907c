from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.db.models.functions import Length

from dudao.access import get_visible_or_404
from dudao.regions.models import Office, Region

if TYPE_CHECKING:
    from dudao.people.models import User


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
    codes = School.objects.visible_to(user).filter(region_code__startswith=common).values_list("region_code", flat=True)
    for code in codes:
        for width in widths:
            key = code[:width]
            if key in counts:
                counts[key] += 1
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
