"""Which schools a campaign covers (its scope), three ways (issue [9] item 2):

- region: every school in service of a region inside the office's region, filtered by kind, stage,
  urban/rural type (School.locality) and ownership;
- picked: schools chosen by hand, each visible to the user and inside the office's region;
- sample: a stratified random sample of the region's (filtered) schools: strata by a field, the sample
  size shared among the strata in proportion to their sizes (largest remainders), every stratum
  getting at least one school when the size allows, the schools of a stratum drawn with a
  `random.Random` seeded by the recorded seed and the stratum's name — the same seed always gives
  the same sample.

`preview` counts without saving; `services.campaign_scope_apply` stores the result as
`CampaignSchool` rows (with the stratum of each sampled school).
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from fractions import Fraction
from math import floor
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dudao.campaigns.models import ScopeMode
from dudao.schools.models import STAGES_OF_KIND, Locality, Ownership, School, SchoolKind, Stage

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Office, Region

FILTER_CHOICES = {
    "kinds": SchoolKind.choices, "stages": Stage.choices, "urban_rural": Locality.choices,
    "ownership": Ownership.choices,
}
STRATA = {
    "kind": gettext_lazy("办学类型"), "township": gettext_lazy("乡镇（街道）"), "county": gettext_lazy("县（市、区）"),
    "locality": gettext_lazy("城乡类型"), "ownership": gettext_lazy("举办者"),
}
MAX_SEED = 2**31 - 1


@dataclass
class ScopeSpec:
    mode: str = ScopeMode.REGION
    region: Region | None = None
    filters: dict[str, list[str]] = field(default_factory=dict)
    school_ids: list[int] = field(default_factory=list)
    sample_size: int | None = None
    strata: str = ""
    seed: int | None = None


def clean_filters(raw: dict | None) -> dict[str, list[str]]:
    """Only the known filters and values, sorted (what is stored in Campaign.scope_filters)."""
    cleaned: dict[str, list[str]] = {}
    for name, choices in FILTER_CHOICES.items():
        allowed = {value for value, _label in choices}
        values = sorted({str(v) for v in (raw or {}).get(name) or [] if str(v) in allowed})
        if values:
            cleaned[name] = values
    return cleaned


def filter_q(filters: dict[str, list[str]]) -> Q:
    q = Q()
    if filters.get("kinds"):
        q &= Q(kind__in=filters["kinds"])
    if filters.get("stages"):
        kinds = [k for k, stages in STAGES_OF_KIND.items() if set(stages) & set(filters["stages"])]
        q &= Q(kind__in=kinds)
    if filters.get("urban_rural"):
        q &= Q(locality__in=filters["urban_rural"])
    if filters.get("ownership"):
        q &= Q(ownership__in=filters["ownership"])
    return q


def stratum_of(school: School, strata: str) -> str:
    if strata == "kind":
        return school.kind
    if strata == "township":
        return school.region_code[:9] if len(school.region_code) >= 9 else school.region_code
    if strata == "county":
        return school.region_code[:6]
    if strata == "locality":
        return school.locality
    if strata == "ownership":
        return school.ownership
    return ""


def allocate(sizes: dict[str, int], n: int) -> dict[str, int]:
    """Share a sample of `n` among strata of the given sizes in proportion to their sizes.

    Every stratum gets at least one when n ≥ the number of strata (else the n largest strata get
    one each, ties by name); no stratum gets more than it holds; the shares add up to
    min(n, total). Quotas n·Nₕ/N are rounded down, then the remaining places go to the largest
    remainders (ties: the larger stratum, then the name)."""
    keys = sorted(k for k, size in sizes.items() if size > 0)
    total = sum(sizes[k] for k in keys)
    if n >= total:
        return {k: sizes[k] for k in keys}
    if n <= 0:
        return {k: 0 for k in keys}
    if n < len(keys):
        chosen = set(sorted(keys, key=lambda k: (-sizes[k], k))[:n])
        return {k: int(k in chosen) for k in keys}
    quota = {k: Fraction(n * sizes[k], total) for k in keys}
    alloc = {k: min(sizes[k], max(1, floor(quota[k]))) for k in keys}
    while sum(alloc.values()) < n:
        k = min((k for k in keys if alloc[k] < sizes[k]), key=lambda k: (-(quota[k] - alloc[k]), -sizes[k], k))
        alloc[k] += 1
    while sum(alloc.values()) > n:
        k = min((k for k in keys if alloc[k] > 1), key=lambda k: (-(alloc[k] - quota[k]), sizes[k], k))
        alloc[k] -= 1
    return alloc


def draw(schools: list[School], *, n: int, strata: str, seed: int) -> list[tuple[School, str]]:
    """The stratified sample: (school, stratum) pairs, ordered by stratum then school code."""
    groups: dict[str, list[School]] = {}
    for school in schools:
        groups.setdefault(stratum_of(school, strata), []).append(school)
    shares = allocate({k: len(v) for k, v in groups.items()}, n)
    picked: list[tuple[School, str]] = []
    for key in sorted(groups):
        members = sorted(groups[key], key=lambda s: s.code)
        rng = random.Random(f"{seed}:{key}")
        chosen = rng.sample(members, shares.get(key, 0))
        picked.extend((s, key) for s in sorted(chosen, key=lambda s: s.code))
    return picked


def new_seed() -> int:
    return secrets.randbelow(MAX_SEED) + 1


# --- against the database -------------------------------------------------------------------------------
def region_schools(region: Region, filters: dict[str, list[str]]) -> QuerySet[School]:
    return School.objects.filter(region_code__startswith=region.code, is_active=True).filter(filter_q(filters))


def _check_region(office: Office, region: Region | None) -> Region:
    if region is None:
        raise ValidationError({"scope_region": [_("请选择范围区域。")]})
    if not region.code.startswith(office.region.code):
        raise ValidationError({"scope_region": [_("范围区域须在组织督导室的辖区（%(name)s）之内。") % {
            "name": office.region.name}]})
    return region


def resolve(*, user: User, office: Office, spec: ScopeSpec) -> list[tuple[School, str]]:
    """The schools the spec selects, as (school, stratum) pairs; ValidationError (Chinese, by field)
    when the spec is incomplete or reaches outside the office or the user's scope."""
    if spec.mode == ScopeMode.PICKED:
        ids = sorted({int(i) for i in spec.school_ids})
        if not ids:
            raise ValidationError({"school_ids": [_("请至少选择一所学校。")]})
        allowed = (School.objects.visible_to(user).filter(pk__in=ids, region_code__startswith=office.region.code)
                   .order_by("code"))
        found = list(allowed)
        if len(found) != len(ids):
            raise ValidationError({"school_ids": [_("所选学校中有 %(n)s 所不在您的权限范围或组织督导室的辖区之内。") % {
                "n": len(ids) - len(found)}]})
        return [(s, "") for s in found]
    region = _check_region(office, spec.region)
    schools = region_schools(region, spec.filters).order_by("code")
    if spec.mode == ScopeMode.REGION:
        return [(s, "") for s in schools]
    if spec.mode != ScopeMode.SAMPLE:
        raise ValidationError({"scope_mode": [_("未知的范围方式。")]})
    if spec.strata not in STRATA:
        raise ValidationError({"sample_strata": [_("请选择分层依据。")]})
    if not spec.sample_size or spec.sample_size < 1:
        raise ValidationError({"sample_size": [_("请填写抽样数（至少 1 所）。")]})
    if spec.seed is None:
        spec.seed = new_seed()
    return draw(list(schools.only("pk", "code", "kind", "region_code", "locality", "ownership")),
                n=spec.sample_size, strata=spec.strata, seed=spec.seed)


@dataclass
class Preview:
    count: int
    population: int  # schools in the region after the filters (sample: what was drawn from)
    strata: list[tuple[str, int, int]]  # (stratum label, population, selected)
    seed: int | None
    sample: list[tuple[School, str]]


def stratum_label(strata: str, key: str) -> str:
    if strata == "kind":
        return str(SchoolKind(key).label) if key in SchoolKind.values else key
    if strata == "locality":
        return str(Locality(key).label) if key in Locality.values else key
    if strata == "ownership":
        return str(Ownership(key).label) if key in Ownership.values else key
    if strata in ("township", "county"):
        from dudao.regions.models import Region

        name = Region.objects.filter(code=key).values_list("name", flat=True).first()
        return name or key
    return key


def preview(*, user: User, office: Office, spec: ScopeSpec) -> Preview:
    """How many schools the spec selects (and per stratum for a sample), without saving anything."""
    picked = resolve(user=user, office=office, spec=spec)
    population = len(picked)
    strata: list[tuple[str, int, int]] = []
    if spec.mode == ScopeMode.SAMPLE and spec.region is not None:
        sizes: dict[str, int] = {}
        for school in region_schools(spec.region, spec.filters).only("code", "kind", "region_code", "locality",
                                                                    "ownership"):
            key = stratum_of(school, spec.strata)
            sizes[key] = sizes.get(key, 0) + 1
        population = sum(sizes.values())
        chosen: dict[str, int] = {}
        for _school, key in picked:
            chosen[key] = chosen.get(key, 0) + 1
        strata = [(stratum_label(spec.strata, k), sizes[k], chosen.get(k, 0)) for k in sorted(sizes)]
    return Preview(count=len(picked), population=population, strata=strata, seed=spec.seed, sample=picked)
