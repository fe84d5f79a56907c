"""Reads of schools and yearly data for pages, exports and the API; all through the scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Max, QuerySet, Sum

from dudao.access import get_visible_or_404, require_writable
from dudao.schools.models import School, SchoolKind, SchoolYearData, Stage

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from dudao.people.models import User


@dataclass(frozen=True)
class SchoolFilters:
    q: str = ""
    kind: str = ""
    ownership: str = ""
    locality: str = ""
    region: str = ""  # a region code: the school's region code starts with it
    stage: str = ""

    @classmethod
    def from_params(cls, params) -> SchoolFilters:
        def clean(name: str, allowed: set[str] | None = None) -> str:
            value = (params.get(name) or "").strip()[:100]
            return value if allowed is None or value in allowed else ""

        from dudao.schools.models import Locality, Ownership

        region = clean("region")
        return cls(
            q=clean("q"),
            kind=clean("kind", set(SchoolKind.values)),
            ownership=clean("ownership", set(Ownership.values)),
            locality=clean("locality", set(Locality.values)),
            region=region if region.isdigit() else "",
            stage=clean("stage", set(Stage.values)),
        )

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


def school_list(*, user: User, filters: SchoolFilters | None = None) -> QuerySet[School]:
    filters = filters or SchoolFilters()
    qs = School.objects.visible_to(user).select_related("region")
    if filters.q:
        qs = qs.search(filters.q)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.ownership:
        qs = qs.filter(ownership=filters.ownership)
    if filters.locality:
        qs = qs.filter(locality=filters.locality)
    if filters.region:
        qs = qs.under(filters.region)
    if filters.stage:
        from dudao.schools.models import STAGES_OF_KIND

        qs = qs.filter(kind__in=[k for k, stages in STAGES_OF_KIND.items() if filters.stage in stages])
    return qs.order_by("region_code", "code")


def access_school(user: User, pk: int, *, write: bool = False) -> School:
    school = get_visible_or_404(School.objects.visible_to(user).select_related("region"), pk=pk)
    if write:
        require_writable(School.objects.visible_to(user, write=True), school)
    return school


def school_year_data(*, school: School) -> QuerySet[SchoolYearData]:
    """Yearly data of a school the caller has already accessed through `access_school`."""
    return school.year_data.order_by("-year", "stage")


@dataclass
class ScopeStats:
    school_count: int
    by_kind: list[tuple[str, StrOrPromise, int]]  # labels stay lazy: translated when the page renders
    by_ownership: list[tuple[StrOrPromise, int]]
    by_locality: list[tuple[StrOrPromise, int]]
    by_region: list[tuple[str, str, int]]
    year: int | None
    by_stage: list[tuple[str, StrOrPromise, int, int, int]]  # stage, label, sections, students, classes


def school_stats(*, user: User, region_code: str = "") -> ScopeStats:
    """Counts for the home page and region pages: by kind, ownership, locality, region, stage."""
    from dudao.access import get_scope
    from dudao.regions.models import Region
    from dudao.schools.models import Locality, Ownership

    schools = School.objects.visible_to(user)
    if region_code:
        schools = schools.under(region_code)
    kinds = dict(schools.values_list("kind").annotate(n=Count("id")))
    by_kind: list[tuple[str, StrOrPromise, int]] = [(k.value, k.label, kinds.get(k.value, 0)) for k in SchoolKind if kinds.get(k.value)]
    own = dict(schools.values_list("ownership").annotate(n=Count("id")))
    loc = dict(schools.values_list("locality").annotate(n=Count("id")))

    # By the next level down from the region in view (or from the widest visible region).
    by_region: list[tuple[str, str, int]] = []
    children = Region.objects.visible_to(user)
    if region_code:
        children = children.filter(parent__code=region_code)
    else:
        from django.db.models.functions import Length

        top = children.annotate(width=Length("code")).order_by("width", "code").first()
        if top is not None and top.parent_id is None and get_scope(user).everything:
            children = children.filter(parent__isnull=True)  # a national view: the provinces
        else:
            children = children.filter(parent=top) if top else children.none()
    areas = list(children.filter(level__in=["province", "city", "county", "township"])[:60])
    if areas:
        width = len(areas[0].code)
        counts: dict[str, int] = {}
        for code in schools.values_list("region_code", flat=True):
            counts[code[:width]] = counts.get(code[:width], 0) + 1
        by_region = [(r.code, r.name, counts.get(r.code, 0)) for r in areas]

    year = SchoolYearData.objects.filter(school__in=schools).aggregate(y=Max("year"))["y"]
    by_stage: list[tuple[str, StrOrPromise, int, int, int]] = []
    if year:
        rows = (
            SchoolYearData.objects.filter(school__in=schools, year=year)
            .values("stage")
            .annotate(n=Count("id"), students=Sum("students"), classes=Sum("classes"))
        )
        found = {r["stage"]: r for r in rows}
        by_stage = [
            (s.value, s.label, found[s.value]["n"], found[s.value]["students"] or 0, found[s.value]["classes"] or 0)
            for s in Stage
            if s.value in found
        ]
    return ScopeStats(
        school_count=sum(kinds.values()),
        by_kind=by_kind,
        by_ownership=[(Ownership(k).label, n) for k, n in own.items()],
        by_locality=[(Locality(k).label, n) for k, n in loc.items()],
        by_region=by_region,
        year=year,
        by_stage=by_stage,
    )
