"""Writing the findings ledger: create a finding, move it through the workflow, attach evidence.

Every change writes a FindingEvent row in the same transaction, so the history can always be
read back; every step tells the people who must act next (the unit's accounts, the responsible
supervisor, the office) through the notification centre. The rules of who may do what live in
`workflow.py`; this module enforces them and nothing else decides.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao import access
from dudao.findings import workflow
from dudao.findings.models import (
    CATEGORY_DICTIONARY,
    Finding,
    FindingEvent,
    FindingEvidence,
    FindingPolicy,
    FindingSeverity,
    FindingSource,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from dudao.people.models import User
    from dudao.regions.models import Office, Region
    from dudao.schools.models import School
    from dudao.supervisors.models import Supervisor
    from dudao.visits.models import Visit, VisitProblem

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
IMAGE_KINDS = {"jpg", "png", "webp"}
EVIDENCE_IMAGE_SIDE = 2400  # long side of a stored evidence photo: documents stay legible
MAX_EVIDENCE_PER_FINDING = 60
# Detected content type -> (file extension, MIME type). The uploaded name's extension is never trusted.
EVIDENCE_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# --- people to tell -----------------------------------------------------------------------------
def finding_url(finding: Finding) -> str:
    """The finding's page, when the ledger pages are installed (they belong to the ledger views)."""
    try:
        return reverse("findings:detail", args=[finding.pk])
    except NoReverseMatch:
        return ""


def unit_users(finding: Finding) -> list[User]:
    """The school's own accounts (学校用户), or the government unit's (政府单位用户): the unit that must rectify."""
    from dudao.people.models import Role, User

    if not finding.school_id:
        if finding.government_unit_id:
            return list(User.objects.filter(is_active=True, role_grants__role=Role.GOVERNMENT_USER,
                                            role_grants__government_unit=finding.government_unit_id).distinct())
        return []
    return list(User.objects.filter(is_active=True, role_grants__role=Role.SCHOOL_USER,
                                    role_grants__schools=finding.school_id).distinct())


def office_users(office: Office | None, roles: Iterable[str] | None = None) -> list[User]:
    """Accounts granted a role at this office (staff by default)."""
    from dudao.people.models import Role
    from dudao.people.selectors import office_staff

    return list(office_staff(office, roles if roles is not None else [Role.OFFICE_STAFF]))


def supervisor_users(finding: Finding) -> list[User]:
    user = finding.supervisor.user if finding.supervisor is not None else None
    return [user] if user is not None and user.is_active else []


def tell(users: Iterable[User], *, finding: Finding, title: str, body: str = "", level: str = "info",
         dedupe_key: str = "", exclude: User | None = None) -> int:
    """Notify each user once (the actor is not told about their own step)."""
    from dudao.notifications.services import notify

    sent, seen = 0, set()
    url = finding_url(finding)
    for user in users:
        if user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        if notify(recipient=user, title=title, body=body, url=url, level=level, dedupe_key=dedupe_key):
            sent += 1
    return sent


def policy_for(office: Office | None) -> FindingPolicy:
    """The office's time limits: its own row, the nearest office above with one, the default row,
    or — before any default is installed — the model's defaults (§1.8 local values)."""
    if office is not None:
        from dudao.regions.selectors import offices_above

        chain = offices_above(office.region.code)
        found = {p.office_id: p for p in FindingPolicy.objects.filter(office__in=chain)}
        for owner in chain:
            if owner.pk in found:
                return found[owner.pk]
    return FindingPolicy.objects.filter(office__isnull=True).order_by("id").first() or FindingPolicy()


def _event(finding: Finding, *, action: str, by: User | None, from_state: str = "", to_state: str = "", note: str = "",
           data: dict | None = None) -> FindingEvent:
    return FindingEvent.objects.create(finding=finding, action=action, from_state=from_state, to_state=to_state,
                                       actor=by, note=note, data=data or {})


# --- creating --------------------------------------------------------------------------------------
def _active_categories() -> set[str]:
    from dudao.system.models import DictionaryItem

    return set(DictionaryItem.objects.filter(dict_type=CATEGORY_DICTIONARY, is_active=True).values_list("code", flat=True))


def _build(*, by: User | None, office: Office, source: str, category: str, description: str, requirement: str,
           deadline: date | None, school: School | None, region: Region | None, unit_name: str, severity: str,
           supervisor: Supervisor | None, visit_problem: VisitProblem | None, source_label: str, source_url: str,
           source_data: dict | None, responsible_unit: str, responsible_person: str, responsible_phone: str,
           found_on: date | None, categories: set[str], government_unit: Any = None) -> Finding:
    """Validate one finding (Chinese messages per field) and return it unsaved."""
    errors: dict[str, list[str]] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    found_on = found_on or timezone.localdate()
    description, requirement = (description or "").strip(), (requirement or "").strip()
    if source not in FindingSource.values:
        err("source", _("请选择问题来源。"))
    if severity not in FindingSeverity.values:
        err("severity", _("请选择严重程度。"))
    if category not in categories:
        err("category", _("请选择问题类别。"))
    if not description:
        err("description", _("请填写问题描述。"))
    if not requirement:
        err("requirement", _("请填写整改要求。"))
    if deadline is None:
        err("deadline", _("请填写整改期限。"))
    elif deadline < found_on:
        err("deadline", _("整改期限不能早于发现日期（%(day)s）。") % {"day": found_on.isoformat()})
    if government_unit is not None:
        school, region, unit_name = None, government_unit.region, government_unit.name
    if school is not None:
        region = school.region
        unit_name = school.name
        if not school.region_code.startswith(office.region.code):
            err("school", _("%(school)s 不在%(office)s的管辖范围内。") % {"school": school.name, "office": office.name})
    else:
        unit_name = (unit_name or "").strip()
        if not unit_name:
            err("unit_name", _("请填写被督导单位（学校或政府部门）。"))
        if region is None:
            err("region", _("请选择被督导单位所在区划。"))
        elif not region.code.startswith(office.region.code):
            err("region", _("%(region)s 不在%(office)s的管辖范围内。") % {"region": region.name, "office": office.name})
    if supervisor is None and school is not None:
        from dudao.zones.selectors import responsible_on

        responsible = responsible_on(school=school, day=found_on)
        supervisor = responsible[0] if responsible else None
    if errors:
        raise ValidationError(errors)
    assert deadline is not None  # refused above (请填写整改期限)
    return Finding(
        office=office, school=school, region=region, unit_name=unit_name[:200], supervisor=supervisor, source=source,
        source_label=source_label[:200], source_url=source_url[:300], source_data=source_data or {},
        visit_problem=visit_problem, category=category, severity=severity, description=description,
        requirement=requirement, responsible_unit=(responsible_unit or unit_name)[:200],
        responsible_person=responsible_person[:50], responsible_phone=responsible_phone[:30], found_on=found_on,
        deadline=deadline, created_by=by, government_unit=government_unit,
    )


def _announce_created(finding: Finding, by: User | None) -> None:
    title = _("新的整改问题：%(unit)s") % {"unit": finding.unit_name}
    body = _("%(description)s\n整改期限：%(deadline)s") % {"description": finding.description[:200],
                                                         "deadline": finding.deadline.isoformat()}
    tell([*unit_users(finding), *supervisor_users(finding)], finding=finding, title=title, body=body,
         dedupe_key=f"finding:{finding.pk}:created", exclude=by)


def _save_new(finding: Finding, by: User | None) -> Finding:
    finding.save()
    _event(finding, action="created", by=by, to_state=finding.state,
           data={"source": finding.source, "deadline": finding.deadline.isoformat()})
    _announce_created(finding, by)
    return finding


@transaction.atomic
def finding_create(*, by: User | None, office: Office, source: str, category: str, description: str,
                   requirement: str, deadline: date, school: School | None = None, region: Region | None = None,
                   unit_name: str = "", severity: str = "normal", supervisor: Supervisor | None = None,
                   visit_problem: VisitProblem | None = None, source_label: str = "", source_url: str = "",
                   source_data: dict | None = None, responsible_unit: str = "", responsible_person: str = "",
                   responsible_phone: str = "", found_on: date | None = None, government_unit: Any = None) -> Finding:
    """Record one problem in the ledger. `by=None` is the system (a monitoring warning, a job).

    A school's finding takes the school's region and name, and by default the supervisor
    responsible for the school on the day it was found; a government unit's finding names the
    unit and its region. Writes the "created" event and tells the unit and the supervisor."""
    if by is not None and not access.may_create_finding(by, office, school):
        raise PermissionDenied(_("您无权为该单位登记整改问题。"))
    finding = _build(by=by, office=office, source=source, category=category, description=description,
                     requirement=requirement, deadline=deadline, school=school, region=region, unit_name=unit_name,
                     severity=severity, supervisor=supervisor, visit_problem=visit_problem, source_label=source_label,
                     source_url=source_url, source_data=source_data, responsible_unit=responsible_unit,
                     responsible_person=responsible_person, responsible_phone=responsible_phone, found_on=found_on,
                     categories=_active_categories(), government_unit=government_unit)
    return _save_new(finding, by)


@transaction.atomic
def findings_bulk_create(*, by: User | None, items: list[dict[str, Any]], requirement: str, deadline: date,
                         source: str, **common: Any) -> list[Finding]:
    """Many findings with one requirement and one deadline (e.g. a monitoring warning over many
    schools). Each item holds the per-finding fields (office, school or unit, category,
    description, …) and may override the common ones. All or nothing: one bad item, none saved."""
    if not items:
        raise ValidationError(_("没有要登记的问题。"))
    categories = _active_categories()
    built: list[Finding] = []
    errors: list[str] = []
    for i, item in enumerate(items, start=1):
        fields: dict[str, Any] = {"requirement": requirement, "deadline": deadline, "source": source, "school": None,
                                  "region": None, "unit_name": "", "severity": FindingSeverity.NORMAL,
                                  "supervisor": None, "visit_problem": None, "source_label": "", "source_url": "",
                                  "source_data": None, "responsible_unit": "", "responsible_person": "",
                                  "responsible_phone": "", "found_on": None, "government_unit": None, **common, **item}
        unknown = set(fields) - set(_BUILD_FIELDS)
        if unknown:
            raise TypeError(f"findings_bulk_create: unknown fields {sorted(unknown)}")
        if "office" not in fields or "category" not in fields or "description" not in fields:
            errors.append(_("第 %(i)s 条：缺少督导室、问题类别或问题描述。") % {"i": i})
            continue
        if by is not None and not access.may_create_finding(by, fields["office"], fields["school"]):
            raise PermissionDenied(_("您无权为第 %(i)s 条的单位登记整改问题。") % {"i": i})
        try:
            built.append(_build(by=by, categories=categories, **fields))
        except ValidationError as exc:
            errors.extend(_("第 %(i)s 条：%(message)s") % {"i": i, "message": m} for m in exc.messages)
    if errors:
        raise ValidationError(errors)
    return [_save_new(finding, by) for finding in built]


_BUILD_FIELDS = ("office", "source", "category", "description", "requirement", "deadline", "school", "region",
                 "unit_name", "severity", "supervisor", "visit_problem", "source_label", "source_url", "source_data",
                 "responsible_unit", "responsible_person", "responsible_phone", "found_on", "government_unit")


def _visit_url(visit: Visit) -> str:
    try:
        return reverse("visits:detail", args=[visit.pk])
    except NoReverseMatch:
        return ""


@transaction.atomic
def finding_from_visit_problem(problem: VisitProblem) -> Finding:
    """The finding of a problem recorded on a submitted visit; asking again returns the same one."""
    existing = Finding.objects.filter(visit_problem=problem).first()
    if existing is not None:
        return existing
    visit = problem.visit
    supervisor = visit.supervisor
    assert supervisor is not None  # problems are recorded on routine visits only (visits/services.py)
    finding = _build(
        by=visit.created_by, office=supervisor.office, source=FindingSource.VISIT, category=problem.category,
        description=problem.description, requirement=problem.requirement, deadline=problem.deadline,
        school=visit.school, region=None, unit_name="", severity=FindingSeverity.NORMAL, supervisor=supervisor,
        visit_problem=problem, source_label=_("%(day)s 经常性督导（%(name)s）") % {"day": visit.visit_date.isoformat(),
                                                                             "name": supervisor.name},
        source_url=_visit_url(visit), source_data={"visit_id": visit.pk}, responsible_unit="", responsible_person="",
        responsible_phone="", found_on=visit.visit_date,
        # The visit validated the category when it was saved; a category retired since still counts.
        categories={problem.category},
    )
    finding = _save_new(finding, visit.created_by)
    _visit_photos_as_evidence(finding, problem)
    return finding


def _visit_photos_as_evidence(finding: Finding, problem: VisitProblem) -> None:
    """The visit photos chosen for the problem become its first evidence (督导现场照片), filed with
    the "created" step: the unit sees on its finding and notice what the supervisor saw. They were
    checked and re-encoded when uploaded (visits.services.photo_add); here they are copied, so the
    finding keeps its evidence whatever happens to the visit record."""
    photos = list(problem.photos.order_by("created_at", "id")[:MAX_EVIDENCE_PER_FINDING])
    if not photos:
        return
    event = finding.events.filter(action="created").order_by("id").first()
    day = problem.visit.visit_date.isoformat()
    for n, photo in enumerate(photos, start=1):
        try:
            with photo.image.open("rb") as handle:
                raw = handle.read(MAX_EVIDENCE_BYTES + 1)
        except (FileNotFoundError, ValueError, OSError):
            continue  # a file lost from storage: the link stays on the visit, nothing to copy
        if not raw or len(raw) > MAX_EVIDENCE_BYTES:
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if finding.evidence.filter(content_hash=digest).exists():
            continue
        evidence = FindingEvidence(finding=finding, event=event, original_name=_("督导现场照片 %(day)s-%(n)s.jpg") % {"day": day, "n": n},
                                   content_type="image/jpeg", size=len(raw), content_hash=digest,
                                   uploaded_by=problem.visit.created_by)
        evidence.file.save(f"{finding.pk}-{digest[:16]}.jpg", ContentFile(raw), save=False)
        evidence.save()


def findings_from_visit(visit: Visit) -> list[Finding]:
    """Called in the visit's submit transaction: each problem becomes a finding, exactly once."""
    return [finding_from_visit_problem(problem) for problem in visit.problems.all().order_by("id")]


# --- the workflow ------------------------------------------------------------------------------------
def _parse_deadline(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


@transaction.atomic
def finding_transition(*, by: User, finding: Finding, action: str, note: str = "",
                       files: Sequence[UploadedFile] = (), data: dict | None = None) -> Finding:
    """Take one step of the table in `workflow.ACTIONS` as `by`.

    PermissionDenied when the user's role on the finding may not take the step; ValidationError
    (Chinese) when the step does not apply to the current state or its reason/evidence is missing.
    The row is locked, so two people acting at once cannot both move it."""
    transition = workflow.ACTIONS.get(action)
    if transition is None:
        raise ValidationError(_("未知的操作。"))
    finding = (Finding.objects.select_for_update(of=("self",))
               .select_related("office__region", "supervisor__user", "school").get(pk=finding.pk))
    if not access.may_take_finding_step(by, finding, transition.roles):
        raise PermissionDenied(_("您无权对该问题执行“%(action)s”。") % {"action": transition.label})
    if finding.state not in transition.from_states:
        raise ValidationError(_("该问题当前状态为“%(state)s”，不能%(action)s。") % {
            "state": finding.get_state_display(), "action": transition.label})
    note = (note or "").strip()
    data = dict(data or {})
    if transition.needs_note and not note:
        raise ValidationError({"note": [_("请填写%(what)s。") % {"what": transition.note_label or _("说明")}]})
    pending = list(finding.evidence.filter(event__isnull=True))  # uploaded ahead of the step (API)
    if transition.needs_evidence and not files and not pending:
        raise ValidationError({"files": [_("请上传整改佐证材料（照片或文件）。")]})

    today = timezone.localdate()
    now = timezone.now()
    from_state = finding.state
    event_data: dict[str, Any] = {}
    if action == "extend":
        new_deadline = _parse_deadline(data.get("deadline"))
        if new_deadline is None:
            raise ValidationError({"deadline": [_("请填写新的整改期限。")]})
        if new_deadline <= finding.deadline or new_deadline < today:
            raise ValidationError({"deadline": [_("新的整改期限须晚于原期限（%(old)s）且不早于今天。") % {
                "old": finding.deadline.isoformat()}]})
        event_data = {"old_deadline": finding.deadline.isoformat(), "deadline": new_deadline.isoformat()}
        finding.deadline = new_deadline
    elif action == "notify":
        # The 整改通知书 is an official document: numbered from the office's series, dated today, frozen
        # (findings/notices.py). A typed 文号 is no longer taken.
        from dudao.findings.notices import issue_notice

        finding.notified_at = now
        notice = issue_notice(finding, by=by, issued_on=today)
        event_data = {"notice": {"issued_on": today.isoformat(), "number": notice.number, "document_id": notice.pk,
                                 "deadline": finding.deadline.isoformat(), "by": by.display_name}}
    elif action == "report":
        finding.reported_at = now
    elif action == "verify":
        finding.closed_at = now
    elif action == "dispute":
        days = policy_for(finding.office).dispute_answer_days
        finding.dispute_due = today + timedelta(days=days)
        event_data = {"dispute_due": finding.dispute_due.isoformat(), "answer_days": days}
    elif action in ("dispute_uphold", "dispute_accept"):
        event_data = {"dispute_due": finding.dispute_due.isoformat() if finding.dispute_due else ""}
        finding.dispute_due = None
    if action == "return":
        finding.reported_at = None
    finding.state = transition.target(from_state)
    finding.save()
    event = _event(finding, action=action, by=by, from_state=from_state, to_state=finding.state, note=note,
                   data=event_data)
    for upload in files:
        evidence_add(by=by, finding=finding, upload=upload, event=event)
    if pending:
        FindingEvidence.objects.filter(pk__in=[e.pk for e in pending]).update(event=event)
    _announce_step(finding, transition, by=by, note=note)
    return finding


def _announce_step(finding: Finding, transition: workflow.Transition, *, by: User, note: str) -> None:
    """Tell the people who act next (never the actor)."""
    unit, supervisor, office = unit_users(finding), supervisor_users(finding), office_users(finding.office)
    recipients = {
        "notify": unit + supervisor,
        "start": supervisor,
        "report": supervisor + office,
        "verify": unit + supervisor,
        "return": unit + supervisor,
        "dispute": office + supervisor,
        "dispute_uphold": unit + supervisor,
        "dispute_accept": unit + supervisor,
        "extend": unit + supervisor,
        "cancel": unit + supervisor,
    }[transition.name]
    title = _("%(unit)s 的整改问题：%(action)s") % {"unit": finding.unit_name, "action": transition.label}
    body = finding.description[:200]
    if note:
        body += "\n" + _("说明：%(note)s") % {"note": note[:300]}
    if transition.name in ("notify", "extend", "dispute_uphold"):
        body += "\n" + _("整改期限：%(day)s") % {"day": finding.deadline.isoformat()}
    level = "warning" if transition.name in ("return", "dispute") else "info"
    tell(recipients, finding=finding, title=title, body=body, level=level, exclude=by)


# --- evidence -------------------------------------------------------------------------------------
def _sniff(raw: bytes) -> str | None:
    """The file's real type from its bytes: jpg/png/webp/pdf/docx/xlsx, or None."""
    if raw[:3] == b"\xff\xd8\xff":
        kind = "jpg"
    elif raw[:8] == b"\x89PNG\r\n\x1a\n":
        kind = "png"
    elif raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        kind = "webp"
    elif raw[:5] == b"%PDF-":
        return "pdf" if b"%%EOF" in raw[-2048:] else None
    elif raw[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                names = set(archive.namelist())
                # Sizes from the directory before anything is inflated: a zip bomb is refused unread.
                infos = archive.infolist()
                if (len(infos) > 5000 or sum(i.file_size for i in infos) > 200 * 1048576
                        or any(i.file_size > 10 * 1048576 and i.file_size > 200 * max(i.compress_size, 1) for i in infos)):
                    return None
                if "[Content_Types].xml" not in names or archive.testzip() is not None:
                    return None
        except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, RuntimeError):
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return None
    else:
        return None
    return kind


def _read(upload: UploadedFile) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_EVIDENCE_BYTES:
        raise ValidationError(_("文件过大（%(mb).1f MB），单个文件不超过 10 MB。") % {"mb": size / 1048576})
    if hasattr(upload, "seek"):
        upload.seek(0)
    raw = upload.read(MAX_EVIDENCE_BYTES + 1)
    if len(raw) > MAX_EVIDENCE_BYTES:
        raise ValidationError(_("文件过大，单个文件不超过 10 MB。"))
    return raw


@transaction.atomic
def evidence_add(*, by: User, finding: Finding, upload: UploadedFile, event: FindingEvent | None = None) -> FindingEvidence:
    """Attach a photo or document. Its type is read from its bytes (a renamed .exe stays out), its
    size is capped at 10 MB and its SHA-256 stored; the same file twice is kept once."""
    if not access.may_add_finding_evidence(by, finding):
        raise PermissionDenied(_("您无权为该问题上传材料。"))
    if finding.is_finished and event is None:
        raise ValidationError(_("已销号或已撤销的问题不能再上传材料。"))
    raw = _read(upload)
    if not raw:
        raise ValidationError(_("文件是空的。"))
    kind = _sniff(raw)
    if kind is None:
        raise ValidationError(_("只支持 JPG、PNG、WebP 图片和 PDF、Word（docx）、Excel（xlsx）文件，且文件须完好。"))
    digest = hashlib.sha256(raw).hexdigest()
    same = finding.evidence.filter(content_hash=digest).first()
    if same is not None:
        if event is not None and same.event_id is None:
            same.event = event
            same.save(update_fields=["event", "updated_at"])
        return same
    if finding.evidence.count() >= MAX_EVIDENCE_PER_FINDING:
        raise ValidationError(_("每个问题最多上传 %(n)s 个材料。") % {"n": MAX_EVIDENCE_PER_FINDING})
    original = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:200] or f"{digest[:12]}.{kind}"
    stored = raw
    if kind in IMAGE_KINDS:  # decoded completely and stored re-encoded without metadata (core/images.py)
        from dudao.core.images import image_clean

        try:
            clean = image_clean(raw, max_side=EVIDENCE_IMAGE_SIDE, quality=85, keep_png=True)
        except ValidationError as exc:
            if exc.code != "invalid":
                raise
            raise ValidationError(_("只支持 JPG、PNG、WebP 图片和 PDF、Word（docx）、Excel（xlsx）文件，且文件须完好。")) from exc
        stored, kind = clean.content, clean.kind
    evidence = FindingEvidence(finding=finding, event=event, original_name=original, content_type=EVIDENCE_TYPES[kind],
                               size=len(stored), content_hash=digest, uploaded_by=by)
    evidence.file.save(f"{finding.pk}-{digest[:16]}.{kind}", ContentFile(stored), save=False)
    evidence.save()
    return evidence


# --- the upload checks, for other apps' evidence (campaigns' self-inspection) --------------------------
@dataclass(frozen=True)
class CheckedUpload:
    content: bytes  # what to store: an image re-encoded without metadata, any other file as uploaded
    kind: str  # jpg/png/webp/pdf/docx/xlsx, read from the bytes
    content_type: str
    sha256: str  # of the uploaded bytes (the same file twice is recognised)
    original_name: str


def upload_check(upload: UploadedFile) -> CheckedUpload:
    """The checks `evidence_add` makes, for evidence kept outside the ledger: size ≤ 10 MB, type
    from the bytes, images decoded and re-encoded, SHA-256. ValidationError (Chinese) otherwise."""
    raw = _read(upload)
    if not raw:
        raise ValidationError(_("文件是空的。"))
    kind = _sniff(raw)
    refused = _("只支持 JPG、PNG、WebP 图片和 PDF、Word（docx）、Excel（xlsx）文件，且文件须完好。")
    if kind is None:
        raise ValidationError(refused)
    digest = hashlib.sha256(raw).hexdigest()
    stored = raw
    if kind in IMAGE_KINDS:
        from dudao.core.images import image_clean

        try:
            clean = image_clean(raw, max_side=EVIDENCE_IMAGE_SIDE, quality=85, keep_png=True)
        except ValidationError as exc:
            if exc.code != "invalid":
                raise
            raise ValidationError(refused) from exc
        stored, kind = clean.content, clean.kind
    original = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:200] or f"{digest[:12]}.{kind}"
    return CheckedUpload(content=stored, kind=kind, content_type=EVIDENCE_TYPES[kind], sha256=digest,
                         original_name=original)
