"""The framework library over the API: list, detail with the tree, Excel export; create, copy and
publish for the offices' staff — the same selectors, services and scope as the pages
(frameworks/views.py)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from dudao.access import may_edit_framework
from dudao.api.errors import ErrorOut, invalid, problem
from dudao.frameworks import excel, services
from dudao.frameworks.models import Framework, FrameworkVersion, Indicator, VersionState, Weighting
from dudao.frameworks.selectors import (
    FrameworkFilters,
    access_framework,
    access_version,
    access_writable_framework,
    framework_list,
    version_rows,
    versions_for,
    writable_offices,
)

router = Router(tags=["指标体系 frameworks"])


class FrameworkOut(Schema):
    id: int
    name: str
    shape: str
    shape_label: str
    topic: str
    owner_id: int | None
    owner_name: str | None
    builtin: bool
    evidence_grade: str
    source: str
    active: bool
    copied_from_id: int | None
    can_edit: bool


class IndicatorOut(Schema):
    code: str
    parent_code: str | None
    level: int
    text: str
    scoring: str
    max_score: Decimal | None
    weight: Decimal | None
    levels: list[dict]
    evidence: list[str]
    methods: list[str]
    scoring_rule: str
    is_veto: bool
    is_key: bool
    computed_key: str
    note: str
    active: bool


class BandOut(Schema):
    label: str
    min_score: Decimal


class VersionOut(Schema):
    number: int
    state: str
    weighting: str
    total_score: Decimal | None
    note: str
    published_at: datetime | None
    grade_bands: list[BandOut]
    indicators: list[IndicatorOut]
    problems: list[str]


class VersionBriefOut(Schema):
    number: int
    state: str
    published_at: datetime | None


class FrameworkDetailOut(FrameworkOut):
    description: str
    versions: list[VersionBriefOut]
    version: VersionOut


class FrameworkIn(Schema):
    name: str
    shape: str
    owner_id: int | None = None
    weighting: str = Weighting.POINTS
    total_score: Decimal | None = None
    topic: str = ""
    source: str = ""
    description: str = ""


class CopyIn(Schema):
    owner_id: int | None = None
    name: str = ""


def _framework_out(user, f: Framework) -> dict:
    return {"id": f.pk, "name": f.name, "shape": f.shape, "shape_label": f.get_shape_display(), "topic": f.topic,
            "owner_id": f.owner_id, "owner_name": f.owner.name if f.owner else None, "builtin": f.is_builtin,
            "evidence_grade": f.evidence_grade, "source": f.source, "active": f.active, "copied_from_id": f.copied_from_id,
            "can_edit": may_edit_framework(user, f)}


def _indicator_out(i: Indicator, codes: dict[int, str]) -> dict:
    return {"code": i.code, "parent_code": codes.get(i.parent_id) if i.parent_id else None, "level": i.level,
            "text": i.text, "scoring": i.scoring, "max_score": i.max_score, "weight": i.weight, "levels": i.levels,
            "evidence": i.evidence, "methods": i.methods, "scoring_rule": i.scoring_rule, "is_veto": i.is_veto,
            "is_key": i.is_key, "computed_key": i.computed_key, "note": i.note, "active": i.active}


def _version_out(v: FrameworkVersion) -> dict:
    rows = version_rows(v)
    codes = {i.pk: i.code for i in rows}
    return {"number": v.number, "state": v.state, "weighting": v.weighting, "total_score": v.total_score, "note": v.note,
            "published_at": v.published_at, "grade_bands": list(v.grade_bands.all()),
            "indicators": [_indicator_out(i, codes) for i in rows],
            "problems": services.version_problems(v) if v.state == VersionState.DRAFT else []}


def _detail(user, framework: Framework, number: int | None = None) -> dict:
    version = access_version(user, framework, number)
    return {**_framework_out(user, framework), "description": framework.description,
            "versions": versions_for(user, framework), "version": _version_out(version)}


def _office(user, owner_id: int | None):
    """The office to write into: the given one among the person's, or their only one."""
    offices = writable_offices(user)
    if owner_id is not None:
        office = offices.filter(pk=owner_id).first()
        if office is None:
            raise PermissionDenied
        return office
    if offices.count() != 1:
        return None
    return offices.first()


@router.get("", response=list[FrameworkOut], summary="可见的指标体系（内置与各督导室）")
def list_frameworks(request, shape: str = "", topic: str = "", owner: str = "", q: str = "", include_inactive: bool = False):
    filters = FrameworkFilters(q=q[:100], shape=shape, topic=topic[:64], owner=owner, active="" if include_inactive else "1")
    return [_framework_out(request.user, f) for f in framework_list(user=request.user, filters=filters)]


@router.get("/{framework_id}", response=FrameworkDetailOut, summary="指标体系详情（含指标树；version 指定版本号）")
def get_framework(request, framework_id: int, version: int | None = None):
    return _detail(request.user, access_framework(request.user, framework_id), version)


@router.get("/{framework_id}/export", summary="导出某版本为 Excel")
def export_framework(request, framework_id: int, version: int | None = None):
    framework = access_framework(request.user, framework_id)
    return excel.export_response(access_version(request.user, framework, version))


@router.post("", response={201: FrameworkDetailOut, 400: ErrorOut, 403: ErrorOut}, summary="新建指标体系（草稿）")
def create_framework(request, payload: FrameworkIn):
    if not writable_offices(request.user).exists():
        raise PermissionDenied
    office = _office(request.user, payload.owner_id)
    if office is None:
        return problem(400, "请用 owner_id 指定所属督导室。", field="owner_id")
    framework = services.framework_create(
        by=request.user, owner=office, name=payload.name, shape=payload.shape, weighting=payload.weighting,
        total_score=payload.total_score, topic=payload.topic, source=payload.source, description=payload.description)
    return Status(201, _detail(request.user, framework))


@router.post("/{framework_id}/copy", response={201: FrameworkDetailOut, 400: ErrorOut, 403: ErrorOut},
             summary="复制到本督导室（新指标体系，草稿）")
def copy_framework(request, framework_id: int, payload: CopyIn):
    source = access_framework(request.user, framework_id)
    if not writable_offices(request.user).exists():
        raise PermissionDenied
    office = _office(request.user, payload.owner_id)
    if office is None:
        return problem(400, "请用 owner_id 指定复制到的督导室。", field="owner_id")
    copy = services.framework_copy(by=request.user, source=source, owner=office, name=payload.name)
    return Status(201, _detail(request.user, copy))


@router.post("/{framework_id}/publish", response={200: FrameworkDetailOut, 400: ErrorOut, 403: ErrorOut},
             summary="发布草稿版本（分值、权重核对无误时）")
def publish_framework(request, framework_id: int):
    framework = access_writable_framework(request.user, framework_id)
    draft = services.latest_version(framework)
    if draft is None or draft.state != VersionState.DRAFT:
        return problem(400, "没有可发布的草稿版本。")
    services.version_publish(by=request.user, version=draft)
    return _detail(request.user, framework)


class ImportOut(FrameworkDetailOut):
    imported: int


@router.post("/{framework_id}/import", response={200: ImportOut, 400: ErrorOut, 403: ErrorOut},
             summary="从 Excel 导入指标（替换草稿版本；已发布时先建下一版草稿；全部校验通过才保存）")
def import_framework(request, framework_id: int, file: File[UploadedFile]):
    """The page's import (frameworks:import) over the API: the same checks of the file (type by content,
    size, zip-bomb, rows in a capped child process) and the same all-or-nothing service; the errors are
    the page's 第N行「列名」 lines, all of them in `errors.file`, the first in `detail`."""
    framework = access_writable_framework(request.user, framework_id)
    try:
        version, parsed = excel.framework_import(by=request.user, framework=framework, upload=file)
    except excel.FrameworkImportError as exc:
        return problem(400, exc.errors[0], field="file", errors={"file": list(exc.errors)})
    except ValidationError as exc:
        return invalid(exc)
    return {**_detail(request.user, framework, version.number), "imported": len(parsed.rows)}
