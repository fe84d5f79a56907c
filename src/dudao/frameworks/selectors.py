"""Reads of the framework library for the pages, the API and the Excel export: always through
`Framework.objects.visible_to(user)` (the one scope rule, `dudao.access.framework_q`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from dudao.access import get_scope, get_visible_or_404, may_edit_framework, sees_framework_drafts
from dudao.frameworks.models import Framework, FrameworkVersion, Indicator, VersionState

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Office


@dataclass
class FrameworkFilters:
    q: str = ""
    shape: str = ""
    topic: str = ""
    owner: str = ""  # "builtin", "mine" (the offices of the person's grants), or "" for all
    active: str = "1"  # "1" active only, "" all

    @property
    def is_empty(self) -> bool:
        return not (self.q or self.shape or self.topic or self.owner) and self.active == "1"


def framework_list(*, user: User, filters: FrameworkFilters | None = None) -> QuerySet[Framework]:
    filters = filters or FrameworkFilters()
    rows = Framework.objects.visible_to(user).select_related("owner__region", "copied_from")
    if filters.q:
        rows = rows.filter(Q(name__icontains=filters.q) | Q(topic__icontains=filters.q) | Q(source__icontains=filters.q))
    if filters.shape:
        rows = rows.filter(shape=filters.shape)
    if filters.topic:
        rows = rows.filter(topic=filters.topic)
    if filters.owner == "builtin":
        rows = rows.filter(owner__isnull=True)
    elif filters.owner == "mine":  # the offices of the person's grants (staff or leader)
        rows = rows.filter(owner__region__code__in=get_scope(user).region_codes)
    if filters.active == "1":
        rows = rows.filter(active=True)
    return rows.order_by("owner__region__code", "name", "pk")


def framework_topics(*, user: User) -> list[str]:
    topics = Framework.objects.visible_to(user).exclude(topic="").values_list("topic", flat=True)
    return sorted(set(topics))


def access_framework(user: User, pk: int) -> Framework:
    """The framework or 404 (outside what the person reads: its existence is not disclosed)."""
    return get_visible_or_404(Framework.objects.visible_to(user).select_related("owner__region", "copied_from"), pk=pk)


def versions_for(user: User, framework: Framework) -> list[FrameworkVersion]:
    """The versions the person reads: drafts only for the owning office, those above it and admins."""
    versions = framework.versions.all().order_by("-number")
    if not sees_framework_drafts(user, framework):
        versions = versions.filter(state=VersionState.PUBLISHED)
    return list(versions)


def access_version(user: User, framework: Framework, number: int | None = None) -> FrameworkVersion:
    """A version the person reads (the latest one without `number`), or 404."""
    versions = versions_for(user, framework)
    for version in versions:
        if number is None or version.number == number:
            return version
    from django.http import Http404

    raise Http404


def access_writable_framework(user: User, pk: int) -> Framework:
    """A framework the person reads and may edit: 404 outside, 403 for readers (built-ins included)."""
    from django.core.exceptions import PermissionDenied

    framework = access_framework(user, pk)
    if not may_edit_framework(user, framework):
        raise PermissionDenied
    return framework


def writable_offices(user: User) -> QuerySet[Office]:
    """The offices the person may create or copy frameworks into (`may_own_framework`): their own
    offices as staff; every office for admins."""
    from dudao.regions.models import Office

    scope = get_scope(user)
    if scope.write_everything:
        return Office.objects.select_related("region").order_by("region__code")
    return Office.objects.filter(region__code__in=scope.write_region_codes).select_related("region").order_by("region__code")


@dataclass
class Node:
    indicator: Indicator
    children: list[Node] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return self.indicator.level


def version_tree(version: FrameworkVersion) -> list[Node]:
    """The version's indicators as a tree in order (one query)."""
    nodes = {i.pk: Node(i) for i in version.indicators.all().order_by("order", "pk")}
    roots: list[Node] = []
    kids: dict[int, list[Node]] = defaultdict(list)
    for node in nodes.values():
        if node.indicator.parent_id and node.indicator.parent_id in nodes:
            kids[node.indicator.parent_id].append(node)
        else:
            roots.append(node)
    for pk, node in nodes.items():
        node.children = kids.get(pk, [])
    return roots


def version_rows(version: FrameworkVersion) -> list[Indicator]:
    """The indicators depth-first (each parent right before its children): the page's and the
    Excel's row order."""
    out: list[Indicator] = []

    def walk(nodes: list[Node]) -> None:
        for node in nodes:
            out.append(node.indicator)
            walk(node.children)

    walk(version_tree(version))
    return out


def version_choices(*, user: User) -> QuerySet[FrameworkVersion]:
    """The versions a campaign may pin: published versions of the active frameworks the person
    reads, newest first (a campaign's form and API offer these; the campaign keeps its pin when a
    framework is later deactivated or gets a new version)."""
    frameworks = Framework.objects.visible_to(user).filter(active=True).values("pk")
    return (FrameworkVersion.objects.filter(framework__in=frameworks, state=VersionState.PUBLISHED)
            .select_related("framework__owner").order_by("framework__name", "-number"))
