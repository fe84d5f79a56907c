"""The public results portal (/public/, no login): published documents by region, year and kind, one
document with its frozen PDF, a school's page, search, open data and 公示.

Outside the scope mechanism on purpose — the public has no account — every read goes through
`portal.selectors`, which starts from `Document.objects.published()` and `Publicity.objects.public()`:
what was not published does not exist here (404, absent from lists, search and files).

Pages are lean (portal/base.html: no script, no form that posts), cacheable for anonymous visitors
(`public_page`), and cost a fixed number of queries. Search and downloads have per-address limits
(abuse.py).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET

from dudao.core.documents import PDF
from dudao.core.downloads import download_response, stored_file_response
from dudao.core.excel import xlsx_response
from dudao.core.pagination import CappedPaginator
from dudao.core.ratelimit import RateLimited
from dudao.documents.models import DocumentKind
from dudao.portal import abuse, rules, selectors
from dudao.portal.figures import kept
from dudao.zones.plaques import public_school


def _cache_headers(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Anonymous visitors' pages may be kept a few minutes by browsers and shared caches; a signed-in
    person's page carries their name and is not shared."""
    if response.status_code == 200 and not response.has_header("Cache-Control"):
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, public=True, max_age=rules.PUBLIC_MAX_AGE)
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return _cache_headers(request, view(request, *args, **kwargs))

    return require_GET(wrapper)


class KeptPaginator(CappedPaginator):
    """The capped count kept with the portal's figures (figures.py) under `key`; the rows stay live."""

    def __init__(self, object_list, per_page, *, key: str, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.key = key

    @cached_property
    def count(self) -> int:
        found, self.capped = kept("count", self.key, lambda: (CappedPaginator.count.func(self), self.capped))
        return found


def _page(request: HttpRequest, qs, per_page: int = rules.PER_PAGE, *, key: str | None = None,
          cap: int = rules.COUNT_CAP):
    number = request.GET.get("page")
    if key is None:
        return CappedPaginator(qs, per_page, cap=cap).get_page(number)
    return KeptPaginator(qs, per_page, cap=cap, key=key).get_page(number)


def _kinds() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in DocumentKind.choices]


@public_page
def index(request: HttpRequest) -> HttpResponse:
    """公开结果: the documents the filters choose (newest first, paginated), the regions one level
    down with their counts, the years, and the 公示 open today."""
    filters = selectors.read_filters(request.GET)
    page = _page(request, selectors.document_rows(selectors.filtered(filters)), key=f"index:{filters.key()}")
    return render(request, "portal/index.html", {
        "filters": filters, "page": page, "children": selectors.region_drilldown(filters),
        "breadcrumb": selectors.breadcrumb(filters), "years": selectors.years(filters), "kinds": _kinds(),
        "publicities": list(selectors.current_publicities(limit=5)) if not request.GET else [],
        "params": filters.params(),
    })


@public_page
def document(request: HttpRequest, pk: int) -> HttpResponse:
    doc = selectors.public_document(pk)
    return render(request, "portal/document.html", {"doc": doc, "version": selectors.public_version(doc)})


@require_GET
def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The frozen PDF of the latest version, with its SHA-256 as the ETag (the file never changes)."""
    doc = selectors.public_document(pk)
    version = selectors.public_version(doc)
    if version is None:
        raise Http404
    etag = f'"{version.sha256}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        name = f"{doc.number} {doc.title}".strip()[:120] + ".pdf"
        response = stored_file_response(version.pdf, PDF, filename=name, inline=True, cache_control=None, nosniff=True)
    response["ETag"] = etag
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, max_age=0)
    else:
        patch_cache_control(response, public=True, max_age=rules.PUBLIC_MAX_AGE)
    return response


@public_page
def school(request: HttpRequest, code: str) -> HttpResponse:
    """A school's public page: what its plaque page shows (zones.plaques.public_school: active schools
    only, masked phones) and its published results."""
    plaque = public_school(code)
    page = _page(request, selectors.school_documents(plaque.school))
    return render(request, "portal/school.html", {"plaque": plaque, "school": plaque.school, "page": page})


@public_page
def search(request: HttpRequest) -> HttpResponse:
    q = selectors.clean_query(request.GET.get("q", ""))
    context: dict = {"q": q, "page": None, "schools": []}
    status = 200
    if q:
        try:
            abuse.search_check(request)
        except RateLimited as exc:
            context["error"], status = exc.message, 429
        else:
            # No count: a rare word would make the count read every document a second time; the page
            # reads one row more than it shows to know whether there is a next page.
            number = min(int(raw) if (raw := request.GET.get("page", "1")).isdigit() and int(raw) > 0 else 1,
                         rules.SEARCH_MAX_PAGES)
            start = (number - 1) * rules.PER_PAGE
            context["schools"], school_ids = selectors.search_schools(q)
            rows = list(selectors.search_documents(q, school_ids)[start:start + rules.PER_PAGE + 1])
            params = request.GET.copy()
            context["page"] = rows[: rules.PER_PAGE]
            if number > 1:
                params["page"] = str(number - 1)
                context["previous_url"] = "?" + params.urlencode()
            if len(rows) > rules.PER_PAGE and number < rules.SEARCH_MAX_PAGES:
                params["page"] = str(number + 1)
                context["next_url"] = "?" + params.urlencode()
    return render(request, "portal/search.html", context, status=status)


def _export_name(filters: selectors.Filters, ext: str) -> str:
    parts = ["公开结果", filters.region.name if filters.region else "全部地区", str(filters.year or "全部年度")]
    if filters.kind:
        parts.append(str(DocumentKind(filters.kind).label))
    return "-".join(parts) + f".{ext}"


def _export(request: HttpRequest, ext: str) -> HttpResponse:
    filters = selectors.read_filters(request.GET)
    try:
        abuse.download_check(request)
    except RateLimited as exc:
        return HttpResponse(exc.message, status=429, content_type="text/plain; charset=utf-8")
    rows = selectors.export_rows(filters, base_url=settings.DUDAO_PUBLIC_BASE_URL)
    if ext == "xlsx":
        notes = [f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}",
                 "只含已公开的督导报告、通报等公文；等级、总分仅在学校督导报告有该数据时填写。"]
        response = xlsx_response(_export_name(filters, "xlsx").removesuffix(".xlsx"), "公开结果",
                                 selectors.EXPORT_HEADERS, rows, notes=notes)
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(selectors.EXPORT_HEADERS)
        writer.writerows(rows)
        # utf-8-sig: Excel (and WPS) open a CSV as UTF-8 only with the byte-order mark.
        response = download_response(out.getvalue().encode("utf-8-sig"), _export_name(filters, "csv"),
                                     "text/csv; charset=utf-8")
    return _cache_headers(request, response)


@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")


@public_page
def data(request: HttpRequest) -> HttpResponse:
    """开放数据: what the files hold, and the links for the chosen region, year and kind."""
    filters = selectors.read_filters(request.GET)
    return render(request, "portal/data.html", {
        "filters": filters, "breadcrumb": selectors.breadcrumb(filters), "kinds": _kinds(),
        "years": selectors.years(filters), "params": filters.params(), "headers": selectors.EXPORT_HEADERS,
        "count": selectors.filtered(filters).count(), "max_rows": rules.EXPORT_MAX_ROWS,
    })


# --- 公示 -------------------------------------------------------------------------------------------
@public_page
def publicity_list(request: HttpRequest) -> HttpResponse:
    """公示: those open today, then the ended ones (公示已结束), paginated."""
    return render(request, "portal/publicity_list.html", {
        "current": list(selectors.current_publicities()), "page": _page(request, selectors.ended_publicities()),
        "today": timezone.localdate(),
    })


@public_page
def publicity(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.public_publicity(pk)
    return render(request, "portal/publicity.html", {
        "item": item, "state": item.state(), "attachments": list(item.attachments.all())})


@require_GET
def publicity_attachment(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    item = selectors.public_publicity(pk)
    attachment = item.attachments.filter(pk=file_pk).first()
    if attachment is None:
        raise Http404
    import mimetypes

    content_type = mimetypes.guess_type(attachment.name)[0] or "application/octet-stream"
    inline = content_type in (PDF, "image/jpeg", "image/png")
    response = stored_file_response(attachment.file, content_type, filename=attachment.name, inline=inline,
                                    cache_control=None, nosniff=True)
    return _cache_headers(request, response)
