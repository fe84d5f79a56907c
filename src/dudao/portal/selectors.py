"""Reads of the public portal (no login) and of its staff pages.

The public side is deliberately outside the scope mechanism — its readers have no account — and
reads exactly one thing: `Document.objects.published()` (issued and published), never a draft, a
document in 审核/签发, an issued one not yet published or one withdrawn from publication. Every public
query starts from `published_documents()`; a page about one document answers 404 for anything else.
公示 are read through `Publicity.objects.public()` (started, not withdrawn). The staff pages read
`Publicity.objects.visible_to(user)`.

Each page costs a fixed number of queries, whatever the number of rows (tests/portal/test_queries.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear, Substr
from django.http import Http404
from django.utils.http import urlencode

from dudao.documents.models import Document, DocumentKind, DocumentVersion
from dudao.portal import rules
from dudao.portal.figures import kept
from dudao.portal.models import Publicity
from dudao.regions.models import Region
from dudao.regions.selectors import region_ancestors
from dudao.schools.models import School

if TYPE_CHECKING:
    from dudao.people.models import User

REGION_CODE = re.compile(r"^\d{2}(\d{2}){0,2}$")
# The columns a list shows (and nothing else is read: the body of 20 documents is not needed for a list).
LIST_FIELDS = ("id", "kind", "title", "number", "issued_on", "published_at", "office", "office__name", "school",
               "school__name", "school__code", "school__is_active", "region", "region__name", "region__code")


def published_documents() -> QuerySet[Document]:
    """The one starting point of every public read of documents."""
    return Document.objects.published()


def newest_first(qs: QuerySet[Document]) -> QuerySet[Document]:
    return qs.order_by("-issued_on", "-published_at", "-id")


@dataclass(frozen=True)
class Filters:
    """What the visitor chose (validated: a wrong value is dropped, never an error page)."""

    region: Region | None = None
    year: int | None = None
    kind: str = ""

    def key(self) -> str:
        return urlencode(sorted(self.params().items()))

    def params(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.region is not None:
            out["region"] = self.region.code
        if self.year:
            out["year"] = str(self.year)
        if self.kind:
            out["kind"] = self.kind
        return out


def read_filters(get: Any) -> Filters:
    """region (a province, city or county code), year, kind from the query string. An unknown region
    code answers 404 (a drill-down link that points nowhere); a malformed year or kind is ignored."""
    code = (get.get("region") or "").strip()
    region = None
    if code:
        if not REGION_CODE.match(code):
            raise Http404
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise Http404
    raw_year = (get.get("year") or "").strip()
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else None
    kind = (get.get("kind") or "").strip()
    return Filters(region=region, year=year, kind=kind if kind in DocumentKind.values else "")


def filtered(filters: Filters, *, with_region: bool = True) -> QuerySet[Document]:
    qs = published_documents()
    if with_region and filters.region is not None:
        # the region's subtree as ids (a small set by the code's prefix index), not a join: the database
        # may then walk the newest-first index or the region index, whichever is cheaper
        qs = qs.filter(region_id__in=Region.objects.filter(code__startswith=filters.region.code).values("pk"))
    if filters.year:
        qs = qs.filter(issued_on__year=filters.year)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs


def document_rows(qs: QuerySet[Document]) -> QuerySet[Document]:
    """A list's rows: newest first, the few columns shown, office, school and region joined (no N+1)."""
    return newest_first(qs.select_related("office", "school", "region").only(*LIST_FIELDS))


@dataclass(frozen=True)
class RegionCount:
    region: Region
    count: int


def _grouped(qs: QuerySet[Document], width: int) -> dict[str, int]:
    rows = (qs.annotate(prefix=Substr("region__code", 1, width)).values("prefix")
            .annotate(n=Count("id")).order_by())
    return {r["prefix"]: r["n"] for r in rows if r["prefix"] and len(r["prefix"]) == width}


def region_drilldown(filters: Filters) -> list[RegionCount]:
    return kept("drilldown", filters.key(), lambda: _region_drilldown(filters))


def _region_drilldown(filters: Filters) -> list[RegionCount]:
    """The regions one level below the chosen one (provinces at the top, then cities, then counties)
    that hold published documents, with their counts, in one or two queries. Counties of a
    direct-controlled municipality hang from the province (11 → 110101): a prefix without a region row
    is opened one level further."""
    code = filters.region.code if filters.region is not None else ""
    if len(code) >= 6:
        return []
    base = filtered(filters, with_region=False)
    if code:
        base = base.filter(region__code__startswith=code)
    width = len(code) + 2
    counts = _grouped(base, width)
    regions = {r.code: r for r in Region.objects.filter(code__in=list(counts))}
    missing = [p for p in counts if p not in regions]
    if missing and width < 6:
        deeper = base.filter(Q(*[Q(region__code__startswith=p) for p in missing], _connector=Q.OR))
        more = _grouped(deeper, width + 2)
        counts.update(more)
        regions.update({r.code: r for r in Region.objects.filter(code__in=list(more))})
    return sorted((RegionCount(regions[c], n) for c, n in counts.items() if c in regions), key=lambda rc: rc.region.code)


def breadcrumb(filters: Filters) -> list[Region]:
    return [*region_ancestors(filters.region), filters.region] if filters.region is not None else []


def years(filters: Filters) -> list[int]:
    """The years that hold published documents in the chosen region and kind (newest first)."""
    return kept("years", Filters(region=filters.region, kind=filters.kind).key(), lambda: _years(filters))


def _years(filters: Filters) -> list[int]:
    qs = filtered(Filters(region=filters.region, kind=filters.kind))
    found = qs.annotate(y=ExtractYear("issued_on")).values_list("y", flat=True).distinct().order_by()
    return sorted({y for y in found if y}, reverse=True)


# --- one document ----------------------------------------------------------------------------------
def public_document(pk: int) -> Document:
    """A published document, or 404 — never a draft, a document in the workflow, an issued one not
    published, or one withdrawn from publication."""
    doc = published_documents().select_related("office", "school", "region").filter(pk=pk).first()
    if doc is None:
        raise Http404
    return doc


def public_version(doc: Document) -> DocumentVersion | None:
    """The frozen files the public reads: the latest version of a published document."""
    return DocumentVersion.objects.filter(document=doc).order_by("-version").first()


# --- a school -------------------------------------------------------------------------------------
def school_documents(school: School) -> QuerySet[Document]:
    return document_rows(published_documents().filter(school=school))


# --- search ---------------------------------------------------------------------------------------
def clean_query(raw: str) -> str:
    """The typed text, trimmed, control characters removed, cut to SEARCH_MAX_CHARS."""
    text = "".join(ch for ch in (raw or "") if ch.isprintable()).strip()
    return " ".join(text.split())[: rules.SEARCH_MAX_CHARS]


SCHOOL_IDS_CAP = 500


def search_documents(q: str, school_ids: list[int] | None = None) -> QuerySet[Document]:
    """Published documents whose title, 文号 or school name holds the text (every word of it).
    `school_ids`: for a one-word query, the schools whose name holds it when the caller already read
    them all (search_schools), so the schools are not scanned a second time."""
    qs = published_documents()
    words = q.split()[:5]
    for word in words:
        if school_ids is not None and len(words) == 1:
            by_school = Q(school_id__in=school_ids)
        else:
            # the school through a subquery, not a join: the newest-first index is walked and stops at a page
            by_school = Q(school_id__in=School.objects.filter(name__icontains=word).values("pk"))
        qs = qs.filter(Q(title__icontains=word) | Q(number__icontains=word) | by_school)
    return document_rows(qs)


def search_schools(q: str, limit: int = 10) -> tuple[list[School], list[int] | None]:
    """Active schools whose name holds the text, or whose 学校标识码 it is (their public pages, at most
    `limit`), and — for a one-word query matching at most SCHOOL_IDS_CAP schools — the ids of every school
    whose name holds it (for search_documents), else None."""
    words = q.split()[:5]
    if not words:
        return [], None
    if len(words) == 1 and words[0].isdigit() and len(words[0]) == 10:
        rows = list(School.objects.filter(code=words[0]).values_list("pk", "code", "name", "region_id", "is_active"))
        ids = None
    else:
        qs = School.objects.all()
        for word in words:
            qs = qs.filter(name__icontains=word)
        # by 学校标识码 (its unique index): a common word stops early instead of sorting every match
        rows = list(qs.order_by("code").values_list("pk", "code", "name", "region_id", "is_active")[: SCHOOL_IDS_CAP + 1])
        ids = [r[0] for r in rows] if len(words) == 1 and len(rows) <= SCHOOL_IDS_CAP else None
    shown = [r for r in rows if r[4]][:limit]
    names = dict(Region.objects.filter(pk__in={r[3] for r in shown}).values_list("pk", "name"))
    found = []
    for pk, code, name, region_id, _active in shown:
        school = School(pk=pk, code=code, name=name, region_id=region_id)
        setattr(school, "region_name", names.get(region_id, ""))  # noqa: B010 — shown beside the name
        found.append(school)
    return found, ids


# --- open data ------------------------------------------------------------------------------------
EXPORT_HEADERS = ("发文字号", "标题", "文种", "发文机关", "成文日期", "公开日期", "地区代码", "地区", "学校标识码",
                  "学校名称", "等级", "总分", "网址")


def _campaign_results(rows: Sequence[Mapping[str, Any]]) -> dict[int, tuple[str, str]]:
    """(document id, …) → (grade, total) of a school report drafted from a campaign's result: the
    document's `source` names the campaign (campaigns.Campaign:<id>) or the result itself
    (campaigns.SchoolResult:<id>). Only the grade and the verified total, which the report states."""
    from dudao.campaigns.models import SchoolResult

    campaigns: set[int] = set()
    results: set[int] = set()
    for r in rows:
        source, _sep, ref = (r["source"] or "").partition(":")
        if not ref.isdigit() or r["school_id"] is None or r["kind"] != DocumentKind.REPORT:
            continue
        if source == "campaigns.Campaign":
            campaigns.add(int(ref))
        elif source == "campaigns.SchoolResult":
            results.add(int(ref))
    if not campaigns and not results:
        return {}
    found = SchoolResult.objects.filter(Q(campaign_id__in=campaigns) | Q(pk__in=results)).values_list(
        "pk", "campaign_id", "school_id", "grade", "verified_total")
    by_campaign = {(c, s): (g, t) for _pk, c, s, g, t in found}
    by_pk = {pk: (g, t) for pk, _c, _s, g, t in found}
    out: dict[int, tuple[str, str]] = {}
    for r in rows:
        source, _sep, ref = (r["source"] or "").partition(":")
        if not ref.isdigit():
            continue
        hit = (by_campaign.get((int(ref), r["school_id"])) if source == "campaigns.Campaign"
               else by_pk.get(int(ref)) if source == "campaigns.SchoolResult" else None)
        if hit is not None:
            grade, total = hit
            out[r["id"]] = (grade or "", "" if total is None else f"{total:.2f}".rstrip("0").rstrip("."))
    return out


def export_rows(filters: Filters, *, base_url: str) -> list[list[str]]:
    """The open-data table of the published documents the filters choose, newest first, at most
    EXPORT_MAX_ROWS rows; public fields only (the page shows the same)."""
    rows = list(newest_first(filtered(filters)).values(
        "id", "number", "title", "kind", "office__name", "issued_on", "published_at", "region__code", "region__name",
        "school_id", "school__code", "school__name", "source")[: rules.EXPORT_MAX_ROWS])
    grades = _campaign_results(rows)
    labels = dict(DocumentKind.choices)
    from django.utils import timezone

    out = []
    for r in rows:
        grade, total = grades.get(r["id"], ("", ""))
        published = timezone.localtime(r["published_at"]).date().isoformat() if r["published_at"] else ""
        out.append([r["number"], r["title"], str(labels.get(r["kind"], r["kind"])), r["office__name"] or "",
                    r["issued_on"].isoformat() if r["issued_on"] else "", published, r["region__code"] or "",
                    r["region__name"] or "", r["school__code"] or "", r["school__name"] or "", grade, total,
                    f"{base_url}/public/d/{r['id']}/"])
    return out


# --- 公示 -----------------------------------------------------------------------------------------
def current_publicities(today: date | None = None, limit: int | None = None) -> QuerySet[Publicity]:
    qs = Publicity.objects.current(today).select_related("office").order_by("ends_on", "-id")
    return qs[:limit] if limit else qs


def ended_publicities(today: date | None = None) -> QuerySet[Publicity]:
    return Publicity.objects.ended(today).select_related("office").order_by("-ends_on", "-id")


def public_publicity(pk: int) -> Publicity:
    """A 公示 that has started and is not withdrawn (open or ended), or 404."""
    publicity = Publicity.objects.public().select_related("office").filter(pk=pk).first()
    if publicity is None:
        raise Http404
    return publicity


def staff_publicities(user: User) -> QuerySet[Publicity]:
    return Publicity.objects.visible_to(user).select_related("office").annotate(files=Count("attachments"))
