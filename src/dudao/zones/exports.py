"""Excel export of zones, their schools and their supervisors, in the columns of the importers
(`zones.importers`): an exported file imports back without a change."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from dudao.zones.importers import IMPORTERS, ROLE_LABELS
from dudao.zones.models import Zone, ZoneSchool

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Office

TITLES = {"zones": "督学责任区", "zone_schools": "责任区学校", "zone_supervisors": "责任区督学"}


def export_headers(kind: str) -> list[str]:
    return [col.title for col in IMPORTERS[kind].columns]


def _zones(user: User, offices: list[Office]):
    zones = Zone.objects.visible_to(user).filter(office__in=offices).distinct().select_related("office__region", "head")
    return zones.order_by("office__region__code", "name")


def export_rows(kind: str, user: User, offices: list[Office]) -> Iterator[list]:
    """Rows of the offices given (the caller has checked the user sees their details)."""
    zones = _zones(user, offices)
    if kind == "zones":
        for z in zones:
            yield [z.office.region.code, z.name, z.office_address, z.note]
    elif kind == "zone_schools":
        memberships = (ZoneSchool.objects.filter(zone__in=zones.values("pk")).select_related("school", "zone__office__region")
                       .order_by("zone__office__region__code", "zone__name", "school__code"))
        for m in memberships:
            yield [m.school.code, m.school.name, m.zone.name, m.zone.office.region.code]
    elif kind == "zone_supervisors":
        for z in zones.prefetch_related("members"):
            people = ([(z.head, "head")] if z.head else []) + [(s, "member") for s in sorted(z.members.all(), key=lambda s: s.name)
                                                               if s.pk != z.head_id]
            for s, role in people:
                yield [s.name, s.phone, s.certificate_no, z.name, ROLE_LABELS[role], z.office.region.code]
    else:
        raise KeyError(kind)
