"""Recording visits. Every write is keyed by a client-generated id, so a double tap, a retry after
a dropped connection or a replayed offline draft never makes two records (issue [3])."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.visits.geo import distance_m
from dudao.visits.models import (
    METHOD_DICTIONARY,
    PROBLEM_CATEGORY_DICTIONARY,
    TOPIC_DICTIONARIES,
    LocationStatus,
    Visit,
    VisitBasis,
    VisitMode,
    VisitPhoto,
    VisitProblem,
    VisitStatus,
)

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.schools.models import School
    from dudao.supervisors.models import Supervisor

MAX_PHOTO_BYTES = 15 * 1024 * 1024
PHOTO_LONG_SIDE = 1600
MAX_PROBLEMS = 30


@dataclass
class ProblemInput:
    category: str
    description: str
    requirement: str
    deadline: date | None  # None: not typed yet (a draft keeps only problems with a deadline)
    photos: list[str] = field(default_factory=list)  # client ids of this visit's photos that show it


@dataclass
class VisitInput:
    client_id: uuid.UUID
    school: School
    mode: str = VisitMode.ANNOUNCED
    device_started_at: datetime | None = None
    device_ended_at: datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    location_accuracy_m: int | None = None
    location_status: str = LocationStatus.NONE
    methods: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    narrative: str = ""
    opinions: str = ""
    refused: bool = False
    refusal_note: str = ""
    problems: list[ProblemInput] = field(default_factory=list)
    # a non-routine basis's own answers (a campaign's items: {indicator id: {value, choice, note}})
    answers: dict = field(default_factory=dict)


def supervisor_of(user: User) -> Supervisor:
    """The signed-in user's supervisor record, if they are an active supervisor."""
    from dudao.supervisors.models import Supervisor, SupervisorStatus

    supervisor = Supervisor.objects.filter(user=user).select_related("office__region").first()
    if supervisor is None or supervisor.status != SupervisorStatus.ACTIVE:
        raise PermissionDenied(_("只有在岗的责任督学可以填写督导记录。"))
    return supervisor


def visit_may_write(user: User, visit: Visit) -> None:
    """May the user still edit this (their own) draft? A routine visit: an active supervisor (the
    school is checked on save); another basis: the rule its app registered (visits/bases.py)."""
    if visit.basis == VisitBasis.ROUTINE:
        supervisor_of(user)
        return
    from dudao.visits.bases import basis_rule

    basis_rule(visit.basis).may_record(user, visit.school, visit.basis_ref, visit.visit_date)


def visitable_schools(supervisor: Supervisor, day: date | None = None):
    """The schools a supervisor may record a visit at: those assigned to them on that day (挂牌)."""
    from dudao.schools.models import School
    from dudao.zones.models import Assignment

    assigned = Assignment.objects.current(day).filter(supervisor=supervisor).values("school_id")
    return School.objects.filter(pk__in=assigned).order_by("name")


def _active_codes(dict_types: tuple[str, ...] | str) -> set[str]:
    from dudao.system.models import DictionaryItem

    types = (dict_types,) if isinstance(dict_types, str) else dict_types
    return {f"{t}:{c}" if len(types) > 1 else c
            for t, c in DictionaryItem.objects.filter(dict_type__in=types, is_active=True).values_list("dict_type", "code")}


def _validate(data: VisitInput, *, submitting: bool, routine: bool = True) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    bad_methods = set(data.methods) - _active_codes(METHOD_DICTIONARY)
    if bad_methods:
        errors.setdefault("methods", []).append(_("未知的督导方法：%(codes)s") % {"codes": "、".join(sorted(bad_methods))})
    bad_topics = set(data.topics) - _active_codes(TOPIC_DICTIONARIES)
    if bad_topics:
        errors.setdefault("topics", []).append(_("未知的督导内容：%(codes)s") % {"codes": "、".join(sorted(bad_topics))})
    if data.mode not in VisitMode.values:
        errors.setdefault("mode", []).append(_("请选择明查或暗访。"))
    if len(data.problems) > MAX_PROBLEMS:
        errors.setdefault("problems", []).append(_("一次督导最多记录 %(n)s 个问题。") % {"n": MAX_PROBLEMS})
    if not submitting:
        # A draft is work in progress: a half-written problem or refusal note is kept as typed and
        # checked when the visit is submitted (visit_save stores only problems with a deadline).
        return errors
    categories = _active_codes(PROBLEM_CATEGORY_DICTIONARY)
    for i, p in enumerate(data.problems, start=1):
        for _field, value, label in (("description", p.description, _("问题描述")), ("requirement", p.requirement, _("整改要求"))):
            if not value.strip():
                errors.setdefault("problems", []).append(_("第 %(i)s 个问题：请填写%(label)s。") % {"i": i, "label": label})
        if p.category not in categories:
            errors.setdefault("problems", []).append(_("第 %(i)s 个问题：请选择问题类别。") % {"i": i})
        if p.deadline is None:
            errors.setdefault("problems", []).append(_("第 %(i)s 个问题：请填写整改期限。") % {"i": i})
        elif p.deadline < timezone.localdate():
            errors.setdefault("problems", []).append(_("第 %(i)s 个问题：整改期限不能早于今天。") % {"i": i})
    if data.refused and not data.refusal_note.strip():
        errors.setdefault("refusal_note", []).append(_("请说明拒绝、阻挠或提供虚假材料的情况。"))
    if not routine:
        return errors  # a campaign inspection's record is its items (checked by the basis's rule)
    if not data.methods:
        errors.setdefault("methods", []).append(_("请至少选择一种督导方法。"))
    if not data.topics:
        errors.setdefault("topics", []).append(_("请至少选择一项督导内容。"))
    if not data.narrative.strip():
        errors.setdefault("narrative", []).append(_("请填写督导情况。"))
    return errors


@transaction.atomic
def visit_save(*, by: User, data: VisitInput, submit: bool = False, basis: str = VisitBasis.ROUTINE,
               basis_ref: str = "") -> tuple[Visit, bool]:
    """Create or update the visit with this client id (a draft, or the submission).

    Returns (visit, created). A submitted visit is final: saving it again returns it unchanged,
    which is what a retried request must see. `basis`/`basis_ref` apply when the visit is created;
    later saves keep the visit's own. A routine visit needs an active supervisor at one of their
    挂牌 schools; any other basis asks the rule its app registered (`visits/bases.py`)."""
    existing = Visit.objects.select_for_update().filter(client_id=data.client_id).first()
    if existing is not None:
        basis, basis_ref = existing.basis, existing.basis_ref
    routine = basis == VisitBasis.ROUTINE
    supervisor = supervisor_of(by) if routine else None
    if existing is not None:
        if existing.created_by_id != by.pk:
            raise PermissionDenied(_("这不是您的督导记录。"))
        if existing.status == VisitStatus.SUBMITTED:
            return existing, False
    now = timezone.now()
    day = timezone.localdate(existing.started_at) if existing else timezone.localdate(now)
    if routine:
        if not visitable_schools(cast("Supervisor", supervisor), day).filter(pk=data.school.pk).exists():
            raise ValidationError({"school": [_("%(school)s 不是您当天的挂牌学校，不能填写督导记录。") % {"school": data.school.name}]})
        errors = _validate(data, submitting=submit)
    else:
        from dudao.visits.bases import basis_rule

        rule = basis_rule(basis)
        rule.may_record(by, data.school, basis_ref, day)
        errors = _validate(data, submitting=submit, routine=False)
        if submit and "methods" in rule.needs and not data.methods:
            errors.setdefault("methods", []).append(_("请至少选择一种督导方法。"))
        if submit and "narrative" in rule.needs and not data.narrative.strip():
            errors.setdefault("narrative", []).append(_("请填写督导情况。"))
        errors.update(rule.check(basis_ref, data.school, data.answers, submit))
        data.problems, data.topics, data.refused, data.refusal_note = [], [], False, ""  # not on this form
        data.mode = (rule.fixed_mode(basis_ref) if rule.fixed_mode else None) or data.mode
    if errors:
        raise ValidationError(errors)
    visit = existing or Visit(client_id=data.client_id, supervisor=supervisor, created_by=by, started_at=now, visit_date=day,
                              basis=basis, basis_ref=basis_ref)
    visit.school = data.school
    for name in ("mode", "device_ended_at", "methods", "topics", "narrative", "opinions", "refused", "refusal_note", "answers"):
        setattr(visit, name, getattr(data, name))
    visit.device_started_at = visit.device_started_at or data.device_started_at
    # The location is evidence of presence at the start: the first one recorded stays.
    if existing is None or existing.location_status == LocationStatus.NONE:
        _set_location(visit, data)
    if submit:
        visit.status = VisitStatus.SUBMITTED
        visit.ended_at = visit.ended_at or now
        visit.submitted_at = now
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        # Two requests with the same client id raced: the other one saved it first.
        return Visit.objects.get(client_id=data.client_id), False
    visit.problems.all().delete()
    kept = [p for p in data.problems if p.deadline is not None]
    rows = VisitProblem.objects.bulk_create([
        VisitProblem(visit=visit, category=p.category[:40], description=p.description.strip(), requirement=p.requirement.strip(),
                     deadline=cast(date, p.deadline)) for p in kept
    ])
    _link_problem_photos(visit, list(zip(rows, kept, strict=True)))
    if submit and routine:
        from dudao.findings.services import findings_from_visit

        findings_from_visit(visit)  # each problem becomes a finding, in this transaction (issue [4])
    elif submit:
        rule.on_submit(visit, by)  # e.g. a campaign's Score rows, in this transaction
    if submit and visit.refused:
        transaction.on_commit(lambda: _escalate_refusal(visit.pk))
    return visit, existing is None


def _link_problem_photos(visit: Visit, rows: list[tuple[VisitProblem, ProblemInput]]) -> None:
    """Each problem keeps the photos chosen for it, among this visit's own uploaded photos only: a
    photo still waiting on the phone is linked by the next save (the submission sends them all)."""
    wanted = {cid for _row, p in rows for cid in p.photos}
    if not wanted:
        return
    photos = {str(photo.client_id): photo.pk for photo in visit.photos.filter(client_id__in=_uuids(wanted))}
    links = [VisitProblem.photos.through(visitproblem_id=row.pk, visitphoto_id=photos[cid])
             for row, p in rows for cid in dict.fromkeys(p.photos) if cid in photos]
    VisitProblem.photos.through.objects.bulk_create(links)


def _uuids(values) -> list[uuid.UUID]:
    out = []
    for value in values:
        try:
            out.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return out


def _set_location(visit: Visit, data: VisitInput) -> None:
    """The browser's position at the start and its distance to the school's coordinates (if known);
    without a position the reason is kept (denied / unavailable) and the record is marked."""
    if data.latitude is not None and data.longitude is not None:
        visit.latitude, visit.longitude = data.latitude, data.longitude
        visit.location_accuracy_m = data.location_accuracy_m
        visit.location_status = LocationStatus.OK
        school = data.school
        visit.distance_m = (distance_m(float(data.latitude), float(data.longitude), float(school.latitude), float(school.longitude))
                            if school.latitude is not None and school.longitude is not None else None)
    else:
        visit.latitude = visit.longitude = visit.location_accuracy_m = visit.distance_m = None
        visit.location_status = data.location_status if data.location_status in LocationStatus.values else LocationStatus.NONE
        if visit.location_status == LocationStatus.OK:
            visit.location_status = LocationStatus.NONE


@transaction.atomic
def visit_draft_discard(*, by: User, visit: Visit) -> None:
    """Delete one of the supervisor's own drafts (a visit opened by mistake); submitted visits stay."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.created_by_id != by.pk or visit.status != VisitStatus.DRAFT:
        raise PermissionDenied(_("只能删除自己尚未提交的草稿。"))
    files = [(photo.image.storage, photo.image.name) for photo in visit.photos.all() if photo.image and photo.image.name]
    visit.delete()

    def delete_files() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)


def _escalate_refusal(visit_id: int) -> None:
    """Seed 001: refusal, concealment or false material is recorded and escalated to the office."""
    from dudao.notifications.models import NotificationLevel
    from dudao.notifications.services import notify
    from dudao.people.selectors import office_staff

    visit = Visit.objects.select_related("school", "supervisor__office__region").get(pk=visit_id)
    assert visit.supervisor is not None  # a refusal is recorded on routine visits only (visit_save)
    for user in office_staff(visit.supervisor.office):  # staff and leaders; never a deactivated account
        notify(recipient=user, level=NotificationLevel.URGENT, title=_("%(school)s 拒绝或阻挠督导") % {"school": visit.school.name},
               body=visit.refusal_note, url=f"/visits/{visit.pk}/", dedupe_key=f"refusal:{visit.pk}")


@dataclass
class PhotoFacts:
    content: bytes
    width: int
    height: int
    taken_at: datetime | None
    latitude: Decimal | None
    longitude: Decimal | None


def _exif_facts(image) -> tuple[datetime | None, Decimal | None, Decimal | None]:
    """Read the shooting time and GPS position from EXIF, ignoring anything malformed."""
    taken_at = lat = lng = None
    try:
        exif = image.getexif()
        sub = exif.get_ifd(0x8769)
        raw = sub.get(36867) or exif.get(306)
        if raw:
            taken_at = timezone.make_aware(datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S"))
        gps = exif.get_ifd(0x8825)
        if gps and 2 in gps and 4 in gps:
            def degrees(values) -> float:
                d, m, s = (float(v) for v in values)
                return d + m / 60 + s / 3600

            lat_value, lng_value = degrees(gps[2]), degrees(gps[4])
            if gps.get(1) == "S":
                lat_value = -lat_value
            if gps.get(3) == "W":
                lng_value = -lng_value
            if -90 <= lat_value <= 90 and -180 <= lng_value <= 180:
                lat, lng = Decimal(f"{lat_value:.6f}"), Decimal(f"{lng_value:.6f}")
    except (ValueError, TypeError, KeyError, ZeroDivisionError, AttributeError, OverflowError):
        return None, None, None
    return taken_at, lat, lng


def photo_facts(raw: bytes) -> PhotoFacts:
    """Check that `raw` is a real, complete JPEG/PNG/WebP photo, read its EXIF, and store it shrunk
    and re-encoded without any metadata (core/images.py: no location leaks, no hidden comment)."""
    from dudao.core.images import image_clean

    if len(raw) > MAX_PHOTO_BYTES:
        raise ValidationError(_("照片过大（%(mb).1f MB），单张不超过 15 MB。") % {"mb": len(raw) / 1048576})
    clean = image_clean(raw, max_side=PHOTO_LONG_SIDE, quality=82, inspect=_exif_facts)
    taken_at, lat, lng = clean.facts
    return PhotoFacts(clean.content, clean.width, clean.height, taken_at, lat, lng)


@transaction.atomic
def photo_add(*, by: User, visit: Visit, client_id: uuid.UUID, raw: bytes, caption: str = "") -> tuple[VisitPhoto, bool]:
    """Attach a photo; retrying the same upload (same client id or same content) adds nothing."""
    if visit.created_by_id != by.pk:
        raise PermissionDenied(_("只能为自己的督导记录上传照片。"))
    done = VisitPhoto.objects.filter(client_id=client_id).first()
    if done is not None:
        if done.visit_id != visit.pk:
            raise PermissionDenied
        return done, False
    digest = hashlib.sha256(raw).hexdigest()
    same = visit.photos.filter(content_hash=digest).first()
    if same is not None:
        return same, False
    if visit.status == VisitStatus.SUBMITTED:
        raise PermissionDenied(_("督导记录已提交，不能再添加照片。"))
    facts = photo_facts(raw)
    photo = VisitPhoto(visit=visit, client_id=client_id, content_hash=digest, width=facts.width, height=facts.height,
                       original_bytes=len(raw), taken_at=facts.taken_at, exif_latitude=facts.latitude,
                       exif_longitude=facts.longitude, caption=caption[:200])
    photo.image.save(f"{visit.client_id}-{digest[:12]}.jpg", ContentFile(facts.content), save=False)
    photo.save()
    return photo, True


@transaction.atomic
def photo_remove(*, by: User, photo: VisitPhoto) -> None:
    if photo.visit.created_by_id != by.pk or photo.visit.status == VisitStatus.SUBMITTED:
        raise PermissionDenied
    photo.image.delete(save=False)
    photo.delete()
