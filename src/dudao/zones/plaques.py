"""督导公示牌: one uniform A4 landscape plaque per school, and the school's public page.

挂牌办法 Art 2 and Art 4: every school hangs a plaque that names its responsible supervisor(s) with
photo and contact details, lists the eight supervision items and gives the complaint phone. The
plaque carries the **full** phone (the rule requires it on the wall); the public web page, which
anyone can scrape, shows only the masked phone.

Flow: `plaque_pdf(schools)` renders a handful of plaques in the request (one school, a small
zone). Larger sets go through a `PlaqueBatch`: `plaque_batch_create` → `plaque_batch_start`
(inline up to INLINE_MAX_SCHOOLS, otherwise enqueued) → `plaque_batch_run`, which renders
CHUNK_SIZE schools at a time, saves the progress after each chunk (outside any transaction, so
the progress bar moves) and joins the chunks with pypdf. Rendering chunk by chunk keeps memory
flat: one WeasyPrint document of 1,000 plaques peaks near 600 MB; in chunks of 50 the whole worker
stays near 430 MB, most of it the CJK fonts (bench/README.md).
"""

from __future__ import annotations

import base64
import io
import ipaddress
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.access import is_system_admin, sees_office_details
from dudao.core.documents import PDF, html_to_pdf, render_chinese
from dudao.core.downloads import download_response, open_stored
from dudao.people.models import Role, RoleGrant
from dudao.regions.models import Office
from dudao.regions.selectors import offices_by_code
from dudao.schools.models import School
from dudao.schools.selectors import access_school
from dudao.system.models import DictionaryItem
from dudao.zones.coverage import zone_level_of
from dudao.zones.models import Assignment, PlaqueBatch, PlaqueBatchStatus, ZoneLevel

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from dudao.people.models import User
    from dudao.supervisors.models import Supervisor

logger = logging.getLogger(__name__)

PLAQUE_TITLE = "责任督学挂牌督导公示牌"
SUPERVISION_ITEMS = "supervision_item"  # system.DictionaryItem type (挂牌办法 Art 4), editable by offices
CHUNK_SIZE = 50
# Up to this many schools a batch renders in the request (a second or two); more go to the worker.
INLINE_MAX_SCHOOLS = 20
# Photos are shrunk before they go into a PDF or a page: 300 × 400 px fill the 30 × 40 mm box at 250 dpi.
PHOTO_PIXELS = (300, 400)
PHOTO_CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class PlaqueSupervisor:
    name: str
    phone: str
    masked_phone: str
    photo: str  # a data: URI, or "" for the placeholder with the surname

    @property
    def surname(self) -> str:
        return self.name[:1]


@dataclass
class Plaque:
    """What one plaque (and the school's public page) shows."""

    school: School
    public_url: str
    supervisors: list[PlaqueSupervisor] = field(default_factory=list)
    items: list[DictionaryItem] = field(default_factory=list)
    office: Office | None = None
    complaint_phone: str = ""

    @property
    def name_size(self) -> str:
        """Long official names get a smaller type so that they stay on one or two lines."""
        n = len(self.school.name)
        return "l" if n <= 16 else "m" if n <= 24 else "s"

    @property
    def people_size(self) -> str:
        """Usually one or two supervisors; smaller photos let up to five fit on the plaque."""
        n = len(self.supervisors)
        return "" if n <= 2 else "compact" if n == 3 else "tiny"

    def qr_data_uri(self) -> str:
        import segno

        # A small PNG drawn without smoothing (image-rendering: pixelated) stays sharp at any size
        # and is cheaper for WeasyPrint than an SVG path of several hundred segments.
        return segno.make(self.public_url, error="m").png_data_uri(border=4, scale=4)


# --- the public address the QR codes encode ----------------------------------------------------------
@dataclass(frozen=True)
class PublicAddress:
    """DUDAO_PUBLIC_BASE_URL as the plaques will print it, and what is wrong with it for a parent's phone."""

    base: str
    problem: str = ""  # "" when parents can reach it; otherwise one Chinese sentence

    @property
    def ok(self) -> bool:
        return not self.problem

    def url_for(self, code: str) -> str:
        return f"{self.base}/s/{code}/"


def address_problem(base: str) -> str:
    """Why a plaque QR code with this base would not open on a parent's phone ("" if it would).

    A plaque hangs on the school's wall for years: printed with the development default
    (http://127.0.0.1:8000) or a `localhost` name, every QR code points at the parent's own phone.
    """
    host = urlsplit(base).hostname if base else None
    if not host:
        return _("未设置对外公开网址（DUDAO_PUBLIC_BASE_URL），二维码无法打开。")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if host == "localhost" or host.endswith(".localhost") or (ip is not None and (ip.is_loopback or ip.is_unspecified)):
        return _("对外公开网址 %(base)s 是本机地址，家长扫码只会打开自己手机上的地址，无法访问学校公示页面。") % {"base": base}
    return ""


def public_address() -> PublicAddress:
    base = (getattr(settings, "DUDAO_PUBLIC_BASE_URL", "") or "").rstrip("/")
    return PublicAddress(base=base, problem=address_problem(base))


# --- reads -------------------------------------------------------------------------------------------
def public_url(school: School) -> str:
    """The stable address printed under the QR code; it must never change for a school."""
    return public_address().url_for(school.code)


def supervision_items() -> list[DictionaryItem]:
    return list(DictionaryItem.objects.filter(dict_type=SUPERVISION_ITEMS, is_active=True).order_by("order", "code"))


def _office_codes(school: School) -> list[str]:
    """Where the complaint phone comes from, nearest first: the county office, then the city and
    province offices. City-level schools (senior stage, 市直) are the city office's, so they start
    there (seed 001: city zones cover them)."""
    code = school.region_code
    chain = [code[:6], code[:4], code[:2]]
    return chain[1:] if zone_level_of(school) == ZoneLevel.CITY else chain


def _pick_office(chain: list[str], offices: dict[str, Office]) -> Office | None:
    """The nearest office with a complaint phone; failing that, the nearest office."""
    found = [offices[c] for c in chain if c in offices]
    return next((o for o in found if o.complaint_phone), found[0] if found else None)


def plaque_office(school: School) -> Office | None:
    chain = _office_codes(school)
    return _pick_office(chain, offices_by_code(chain))


def _photo_data_uri(supervisor: Supervisor) -> str:
    """A small JPEG of the photo as a data: URI, or "" when there is none or it cannot be read.

    Uploads are never served publicly (docs/deployment.md), so the public page embeds the same
    thumbnail; it is cached by file name (a new upload gets a new name).
    """
    if not supervisor.photo:
        return ""
    key = f"plaque-photo:{supervisor.photo.name}"
    uri = cache.get(key)
    if uri is None:
        uri = _thumbnail(supervisor)
        cache.set(key, uri, PHOTO_CACHE_SECONDS)
    return uri


def _thumbnail(supervisor: Supervisor) -> str:
    from PIL import Image, ImageOps

    try:
        with supervisor.photo.open("rb") as fh, Image.open(fh) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail(PHOTO_PIXELS)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=85)
    except (OSError, ValueError):
        logger.warning("photo of supervisor %s cannot be read: %s", supervisor.pk, supervisor.photo.name)
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def plaques_for(schools: Sequence[School], *, items: list[DictionaryItem] | None = None) -> list[Plaque]:
    """The plaques of `schools`, in their order, in three queries whatever their number."""
    items = supervision_items() if items is None else items
    assignments = (
        Assignment.objects.current().filter(school__in=[s.pk for s in schools])
        .select_related("supervisor").order_by("school_id", "starts_on", "id")
    )
    by_school: dict[int, list[PlaqueSupervisor]] = {}
    photos: dict[int, str] = {}
    for a in assignments:
        s = a.supervisor
        if s.pk not in photos:
            photos[s.pk] = _photo_data_uri(s)
        by_school.setdefault(a.school_id, []).append(
            PlaqueSupervisor(name=s.name, phone=s.phone, masked_phone=s.masked_phone, photo=photos[s.pk])
        )
    chains = {s.pk: _office_codes(s) for s in schools}
    codes = {c for chain in chains.values() for c in chain}
    offices = offices_by_code(codes)
    plaques = []
    for school in schools:
        office = _pick_office(chains[school.pk], offices)
        plaques.append(Plaque(
            school=school, public_url=public_url(school), supervisors=by_school.get(school.pk, []), items=items,
            office=office, complaint_phone=office.complaint_phone if office else "",
        ))
    return plaques


def public_school(code: str) -> Plaque:
    """The public page of a school: active schools only, looked up by their 学校标识码.

    Deliberately outside the scope mechanism: the page is for parents and the public, who have no
    account, and it shows only what the plaque on the school's wall already shows (masked phone).
    """
    school = School.objects.filter(code=code, is_active=True).select_related("region").first()
    if school is None:
        raise Http404
    return plaques_for([school])[0]


# --- access ------------------------------------------------------------------------------------------
def access_school_plaque(user: User, pk: int) -> School:
    """The plaque carries full phone numbers, so seeing the school is not enough. Allowed: the
    office and those above it (staff, leaders, admins: `sees_office_details`), the school's current
    responsible supervisor, and supervisor or school accounts whose grant lists the school.
    Outside the scope: 404; visible but none of these (an evaluator, a zone colleague): 403."""
    school = access_school(user, pk)
    if is_system_admin(user):
        return school
    office = plaque_office(school)
    if office is not None and sees_office_details(user, office):
        return school
    if Assignment.objects.current().filter(school=school, supervisor__user=user).exists():
        return school
    if RoleGrant.objects.filter(user=user, role__in=(Role.SUPERVISOR, Role.SCHOOL_USER), schools=school).exists():
        return school
    raise PermissionDenied


def zone_plaque_schools(user: User, pk: int) -> tuple[str, QuerySet[School]]:
    """A zone's active schools to print, with the batch title: for the zone's office and those above
    it (staff, leaders, admins); zone heads and members print only their own schools' plaques.
    Outside the scope 404, visible but not allowed 403 (pages and API alike)."""
    from dudao.zones.selectors import access_zone, zone_schools

    zone = access_zone(user, pk)
    if not sees_office_details(user, zone.office):
        raise PermissionDenied
    title = _("%(office)s %(zone)s 公示牌") % {"office": zone.office.name, "zone": zone.name}
    return title, zone_schools(zone=zone).filter(is_active=True)


def office_plaque_schools(user: User, pk: int) -> tuple[str, QuerySet[School]]:
    """Every school an office's zones cover (coverage.schools_for_office), for the office and those
    above it (staff, leaders, admins)."""
    from dudao.access import get_visible_or_404
    from dudao.zones.coverage import schools_for_office

    office = get_visible_or_404(Office.objects.visible_to(user).select_related("region"), pk=pk)
    if not sees_office_details(user, office):
        raise PermissionDenied
    return _("%(office)s 全部学校公示牌") % {"office": office.name}, schools_for_office(office).order_by("region_code", "code")


# --- rendering ---------------------------------------------------------------------------------------
def plaque_html(plaques: Sequence[Plaque]) -> str:
    # The plaque is a Chinese official document (挂牌办法's uniform format) whatever the language
    # of the person who prints it.
    return render_chinese("zones/plaque_pdf.html", {"plaques": plaques, "title": PLAQUE_TITLE})


def plaque_pdf(schools: Sequence[School]) -> bytes:
    """One page per school, in the given order."""
    return html_to_pdf(plaque_html(plaques_for(schools)))


def plaque_batch_file_response(batch: PlaqueBatch) -> HttpResponse:
    """The finished batch's PDF (page and API download alike); 404 until it has succeeded."""
    if batch.status != PlaqueBatchStatus.SUCCEEDED or not batch.file:
        raise Http404
    return download_response(open_stored(batch.file), f"{batch.title}.pdf", PDF)


# --- batches -----------------------------------------------------------------------------------------
def plaque_batch_create(*, by: User, title: str, schools: Iterable[School]) -> PlaqueBatch:
    """Record what to print; the caller has checked that `by` may print these schools."""
    ids = [s.pk for s in schools]
    if not ids:
        raise ValidationError(_("没有可打印公示牌的在办学校。"))
    return PlaqueBatch.objects.create(title=title[:200], school_ids=ids, total=len(ids), created_by=by)


def plaque_batch_start(*, batch: PlaqueBatch) -> PlaqueBatch:
    """Small batches render now; larger ones go to the worker and the page shows progress."""
    if batch.total <= getattr(settings, "DUDAO_PLAQUE_INLINE_MAX_SCHOOLS", INLINE_MAX_SCHOOLS):
        plaque_batch_run(batch_id=batch.pk)
        batch.refresh_from_db()
    else:
        from dudao.zones.tasks import plaque_batch_run_task

        transaction.on_commit(lambda: plaque_batch_run_task.enqueue(batch_id=batch.pk))
    return batch


def plaque_batch_check_stalled(batch: PlaqueBatch, now=None) -> PlaqueBatch:
    """A batch lost by the worker: enqueued again, or failed with a message (core/jobs.py)."""
    from dudao.core.jobs import revive_or_fail
    from dudao.zones.tasks import plaque_batch_run_task

    if revive_or_fail(batch, pending=PlaqueBatchStatus.PENDING, running=[PlaqueBatchStatus.RUNNING],
                      failed=PlaqueBatchStatus.FAILED, enqueue=lambda: plaque_batch_run_task.enqueue(batch_id=batch.pk),
                      message=_("生成中断：处理进程意外停止。请重新生成公示牌。"), now=now):
        batch.refresh_from_db()
    return batch


def plaque_batch_run(*, batch_id: int) -> None:
    """Render and store the PDF. Safe to call twice: a running or finished batch is left alone."""
    claimed = PlaqueBatch.objects.filter(pk=batch_id, status=PlaqueBatchStatus.PENDING).update(
        status=PlaqueBatchStatus.RUNNING, done=0, updated_at=timezone.now()
    )
    if not claimed:
        return  # another worker got there first, or the batch already ran
    batch = PlaqueBatch.objects.get(pk=batch_id)
    try:
        _run(batch)
    except Exception:
        logger.exception("plaque batch %s crashed", batch_id)
        batch.status = PlaqueBatchStatus.FAILED
        batch.message = _("生成公示牌时发生系统错误，请稍后重试或联系管理员。")
        batch.finished_at = timezone.now()
        batch.save(update_fields=["status", "message", "finished_at", "updated_at"])


def _run(batch: PlaqueBatch) -> None:
    from pypdf import PdfWriter

    items = supervision_items()
    address = public_address()
    if not address.ok:
        logger.warning("plaque batch %s: QR codes encode %s: %s", batch.pk, address.base, address.problem)
    writer = PdfWriter()
    done = printed = unassigned = 0
    for start in range(0, len(batch.school_ids), CHUNK_SIZE):
        ids = batch.school_ids[start:start + CHUNK_SIZE]
        found = School.objects.in_bulk(ids)
        chunk = [found[i] for i in ids if i in found]  # a school deleted since stays out
        if chunk:
            plaques = plaques_for(chunk, items=items)
            unassigned += sum(1 for p in plaques if not p.supervisors)
            writer.append(io.BytesIO(html_to_pdf(plaque_html(plaques))))
            printed += len(chunk)
        done += len(ids)
        PlaqueBatch.objects.filter(pk=batch.pk).update(done=done, updated_at=timezone.now())  # heartbeat, core/jobs.py
    out = io.BytesIO()
    writer.write(out)
    batch.file.save(f"plaques-{batch.pk}.pdf", ContentFile(out.getvalue()), save=False)
    batch.status = PlaqueBatchStatus.SUCCEEDED
    batch.qr_base = address.base
    batch.done = done
    batch.finished_at = timezone.now()
    batch.message = _("已生成 %(n)s 所学校的公示牌。") % {"n": printed}
    if unassigned:
        batch.message += _("其中 %(n)s 所学校暂无责任督学，公示牌上显示“待确定”。") % {"n": unassigned}
    if not address.ok:
        batch.message += _("注意：二维码地址不可用，请勿打印张贴。")
    batch.message = batch.message[:300]
    batch.save()
