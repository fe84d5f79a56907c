"""Every write of the framework library (issue [9] item 1; docs/campaigns.md "Framework library").

A campaign pins a `FrameworkVersion`, so a published version never changes: editing a framework
whose latest version is published first makes a new draft that copies the tree
(`version_new_draft`). Only drafts are edited, and a draft is published only when its figures add
up (`version_problems`). Built-ins (no owner) are read-only for everyone, admins included: they
are transcriptions of their sources, and an office adapts one by copying it (`framework_copy`).

Who may act is one rule of the access layer (`may_own_framework`, `may_edit_framework`), asked
here whenever the acting person is given (`by`); `by=None` is the installer and the Excel import of
a new framework, whose callers checked it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dudao.access import may_edit_framework, may_own_framework
from dudao.frameworks.models import (
    Framework,
    FrameworkShape,
    FrameworkVersion,
    GradeBand,
    Indicator,
    Method,
    ScoringType,
    VersionState,
    Weighting,
)

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Office

BUILTIN_READ_ONLY = gettext_lazy("内置指标体系只读，不能修改：请先“复制到本督导室”，再修改复制后的指标体系。")
PUBLISHED_READ_ONLY = gettext_lazy("已发布的版本不能修改（督导项目可能已在使用）：请点击“修改”生成新的草稿版本。")
NOT_OWNER = gettext_lazy("只有该指标体系所属督导室的工作人员或系统管理员可以修改。")
NOT_OWN_OFFICE = gettext_lazy("只能为本督导室新建或复制指标体系（督导室工作人员或系统管理员）。")
ONE = Decimal(1)
# Indicator fields a caller may set (the tree's own fields — version, parent, level — are the service's).
INDICATOR_FIELDS = ("code", "text", "scoring", "max_score", "weight", "levels", "evidence", "methods",
                    "scoring_rule", "is_veto", "is_key", "computed_key", "note", "active", "order")
SCORED_TYPES = {ScoringType.POINTS, ScoringType.RUBRIC, ScoringType.YES_NO}


# --- checks ---------------------------------------------------------------------------------------------
def _check_writer(by: User | None, framework: Framework) -> None:
    if framework.is_builtin:
        raise ValidationError(BUILTIN_READ_ONLY, code="builtin_read_only")
    if by is not None and not may_edit_framework(by, framework):
        raise PermissionDenied(NOT_OWNER)


def _check_draft(by: User | None, version: FrameworkVersion) -> None:
    """The version may be changed: a draft of a framework the person may edit."""
    _check_writer(by, version.framework)
    if version.state != VersionState.DRAFT:
        raise ValidationError(PUBLISHED_READ_ONLY, code="published_read_only")


def _decimal(value: Any, label: str, *, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (ArithmeticError, ValueError) as exc:
        raise ValidationError({field: _("%(label)s应为数字。") % {"label": label}}) from exc
    if not number.is_finite() or number < 0:
        raise ValidationError({field: _("%(label)s应为不小于 0 的数字。") % {"label": label}})
    return number


def _clean_levels(levels: Iterable[Any]) -> list[dict]:
    """Rubric levels as stored: [{"label", "descriptor", "score"}]; the score may be absent (达标判断)."""
    out = []
    for item in levels or []:
        if isinstance(item, str):
            item = {"label": item}
        label = str(item.get("label", "")).strip()
        if not label:
            raise ValidationError({"levels": _("等级名称不能为空。")})
        score = item.get("score")
        entry: dict[str, Any] = {"label": label, "descriptor": str(item.get("descriptor", "") or "").strip()}
        if score is not None and score != "":
            number = _decimal(score, _("等级“%(label)s”的分值") % {"label": label}, field="levels")
            entry["score"] = float(number) if number is not None and number != int(number) else int(number or 0)
        out.append(entry)
    if len({e["label"] for e in out}) != len(out):
        raise ValidationError({"levels": _("等级名称不能重复。")})
    return out


def _clean_methods(methods: Iterable[str]) -> list[str]:
    valid = set(Method.values)
    out = [str(m) for m in methods or []]
    bad = [m for m in out if m not in valid]
    if bad:
        raise ValidationError({"methods": _("未知的检查方式：%(methods)s。") % {"methods": "、".join(bad)}})
    return out


def _clean_indicator_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise TypeError(f"unknown indicator fields: {sorted(unknown)}")
    out = dict(fields)
    if "code" in out:
        out["code"] = str(out["code"] or "").strip()
        if not out["code"]:
            raise ValidationError({"code": _("编号不能为空。")})
        if len(out["code"]) > 32:
            raise ValidationError({"code": _("编号不能超过 32 个字符。")})
    if "text" in out:
        out["text"] = str(out["text"] or "").strip()
        if not out["text"]:
            raise ValidationError({"text": _("内容不能为空。")})
    if "scoring" in out:
        out["scoring"] = out["scoring"] or ""
        if out["scoring"] and out["scoring"] not in ScoringType.values:
            raise ValidationError({"scoring": _("未知的评分类型：%(scoring)s。") % {"scoring": out["scoring"]}})
    if "max_score" in out:
        out["max_score"] = _decimal(out["max_score"], _("分值"), field="max_score")
    if "weight" in out:
        out["weight"] = _decimal(out["weight"], _("权重"), field="weight")
        if out["weight"] is not None and out["weight"] > ONE:
            raise ValidationError({"weight": _("权重应在 0 到 1 之间（如 0.15）。")})
    if "levels" in out:
        out["levels"] = _clean_levels(out["levels"])
    if "evidence" in out:
        out["evidence"] = [str(e).strip() for e in out["evidence"] or [] if str(e).strip()]
    if "methods" in out:
        out["methods"] = _clean_methods(out["methods"])
    for key in ("scoring_rule", "computed_key", "note"):
        if key in out:
            out[key] = str(out[key] or "").strip()
    return out


# --- frameworks -----------------------------------------------------------------------------------------
@transaction.atomic
def framework_create(*, by: User | None, owner: Office, name: str, shape: str, topic: str = "",
                     description: str = "", source: str = "", weighting: str = Weighting.POINTS,
                     total_score: Decimal | None = None) -> Framework:
    """A new framework of an office, with an empty draft version 1 to fill in."""
    if by is not None and not may_own_framework(by, owner):
        raise PermissionDenied(NOT_OWN_OFFICE)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("名称不能为空。")})
    if shape not in FrameworkShape.values:
        raise ValidationError({"shape": _("请选择形式（检查表或加权指标体系）。")})
    if weighting not in Weighting.values:
        raise ValidationError({"weighting": _("请选择计分方式。")})
    framework = Framework.objects.create(name=name[:200], shape=shape, owner=owner, topic=topic.strip()[:64],
                                         description=description.strip(), source=source.strip(), created_by=by)
    FrameworkVersion.objects.create(framework=framework, number=1, weighting=weighting, created_by=by,
                                    total_score=_decimal(total_score, _("总分"), field="total_score"))
    return framework


@transaction.atomic
def framework_update(*, by: User | None, framework: Framework, name: str, topic: str = "", description: str = "",
                     source: str = "") -> Framework:
    """Name, topic, description and source: they describe the framework, not a version's figures."""
    _check_writer(by, framework)
    if not (name or "").strip():
        raise ValidationError({"name": _("名称不能为空。")})
    framework.name, framework.topic = name.strip()[:200], topic.strip()[:64]
    framework.description, framework.source = description.strip(), source.strip()
    framework.save(update_fields=["name", "topic", "description", "source", "updated_at"])
    return framework


@transaction.atomic
def framework_set_active(*, by: User | None, framework: Framework, active: bool) -> Framework:
    """Deactivate (停用) or reactivate: a deactivated framework is no longer offered to new campaigns;
    campaigns that pinned one of its versions keep it."""
    _check_writer(by, framework)
    framework.active = active
    framework.save(update_fields=["active", "updated_at"])
    return framework


def _copy_tree(source: FrameworkVersion, target: FrameworkVersion) -> None:
    """Indicators (parents before children, new ids) and grade bands of one version into another."""
    new_ids: dict[int, Indicator] = {}
    for node in sorted(source.indicators.all(), key=lambda n: (n.level, n.order, n.pk)):
        parent = new_ids[node.parent_id] if node.parent_id else None
        copy = Indicator(version=target, parent=parent, **{f: getattr(node, f) for f in (*INDICATOR_FIELDS, "level")})
        copy.save()
        new_ids[node.pk] = copy
    GradeBand.objects.bulk_create(GradeBand(version=target, label=b.label, min_score=b.min_score, order=b.order)
                                  for b in source.grade_bands.all())


def latest_version(framework: Framework, *, published_only: bool = False) -> FrameworkVersion | None:
    versions = framework.versions.all()
    if published_only:
        versions = versions.filter(state=VersionState.PUBLISHED)
    return versions.order_by("-number").first()


@transaction.atomic
def framework_copy(*, by: User | None, source: Framework, owner: Office, name: str = "") -> Framework:
    """Copy a built-in (or any framework the person reads) into their office as a new framework whose
    version 1 is a draft holding the source's latest published tree; `copied_from` keeps the origin."""
    if by is not None and not may_own_framework(by, owner):
        raise PermissionDenied(NOT_OWN_OFFICE)
    version = latest_version(source, published_only=True)
    if version is None:
        raise ValidationError(_("该指标体系还没有已发布的版本，不能复制。"))
    copy = Framework.objects.create(
        name=(name.strip() or _("%(name)s（副本）") % {"name": source.name})[:200], shape=source.shape, owner=owner, topic=source.topic,
        description=source.description, source=source.source, evidence_grade=source.evidence_grade,
        copied_from=source, created_by=by, for_governments=source.for_governments)
    target = FrameworkVersion.objects.create(
        framework=copy, number=1, weighting=version.weighting, total_score=version.total_score, created_by=by,
        note=_("复制自“%(name)s”第 %(n)s 版。") % {"name": source.name, "n": version.number}
        + (f"\n{version.note}" if version.note else ""))
    _copy_tree(version, target)
    return copy


# --- versions -------------------------------------------------------------------------------------------
@transaction.atomic
def version_new_draft(*, by: User | None, framework: Framework) -> FrameworkVersion:
    """The draft to edit: the existing draft, or a new version copying the latest published tree."""
    _check_writer(by, framework)
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    latest = latest_version(framework)
    if latest is not None and latest.state == VersionState.DRAFT:
        return latest
    number = (framework.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = FrameworkVersion.objects.create(
        framework=framework, number=number, created_by=by,
        weighting=latest.weighting if latest else Weighting.POINTS,
        total_score=latest.total_score if latest else None)
    if latest is not None:
        _copy_tree(latest, draft)
    return draft


@transaction.atomic
def version_update(*, by: User | None, version: FrameworkVersion, weighting: str, total_score: Any = None,
                   note: str = "") -> FrameworkVersion:
    _check_draft(by, version)
    if weighting not in Weighting.values:
        raise ValidationError({"weighting": _("请选择计分方式。")})
    version.weighting = weighting
    version.total_score = _decimal(total_score, _("总分"), field="total_score")
    version.note = note.strip()
    version.save(update_fields=["weighting", "total_score", "note", "updated_at"])
    return version


def _active_tree(version: FrameworkVersion) -> tuple[list[Indicator], dict[int | None, list[Indicator]]]:
    nodes = [n for n in version.indicators.all() if n.active]
    active_ids = {n.pk for n in nodes}
    children: dict[int | None, list[Indicator]] = defaultdict(list)
    for node in nodes:
        # a child of an inactive section is inactive with it
        if node.parent_id is None or node.parent_id in active_ids:
            children[node.parent_id].append(node)
    return nodes, children


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = format(value.normalize(), "f")
    return text


def version_problems(version: FrameworkVersion) -> list[str]:
    """What keeps a version from being published, one Chinese sentence each, naming the indicator code.

    - points (分值累加): the children's points add up to their parent's (海南: A1 130 = B1 70 + …), and
      the top level adds up to the total;
    - weights (百分制乘权重): weights among siblings add up to 1 (湖北幼儿园: A1 ×0.15 …), and each
      node's children's points add up to its points (each A out of 100);
    - every style: a scored item has its points where points are counted, rubric levels do not exceed
      the item's points, grade bands are distinct and within the total.
    Inactive indicators (year-specific items shipped `active: false`) count for nothing.
    """
    problems: list[str] = []
    children = _active_tree(version)[1]
    reachable: list[Indicator] = []
    stack = list(children.get(None, []))
    while stack:
        node = stack.pop()
        reachable.append(node)
        stack.extend(children.get(node.pk, []))
    counted = version.weighting in (Weighting.POINTS, Weighting.WEIGHTS)
    for node in sorted(reachable, key=lambda n: (n.order, n.pk)):
        kids = children.get(node.pk, [])
        if kids and counted and node.max_score is not None:
            scored = [k for k in kids if k.max_score is not None]
            total = sum((k.max_score for k in scored if k.max_score is not None), Decimal(0))
            if len(scored) != len(kids):
                missing = "、".join(f"「{k.code}」" for k in kids if k.max_score is None)
                problems.append(_("「%(code)s」的下级指标 %(missing)s 没有分值。") % {"code": node.code, "missing": missing})
            elif total != node.max_score:
                problems.append(_("「%(code)s」的下级指标分值合计 %(sum)s，与其分值 %(points)s 不一致。")
                                % {"code": node.code, "sum": _fmt(total), "points": _fmt(node.max_score)})
        if not kids and counted and node.scoring in SCORED_TYPES and node.max_score is None:
            problems.append(_("「%(code)s」是计分项，但没有分值。") % {"code": node.code})
        if node.scoring == ScoringType.RUBRIC and not node.levels:
            problems.append(_("「%(code)s」的评分类型为等级，但没有列出等级。") % {"code": node.code})
        if node.max_score is not None:
            over = [lv["label"] for lv in node.levels if lv.get("score") is not None and Decimal(str(lv["score"])) > node.max_score]
            if over:
                problems.append(_("「%(code)s」的等级 %(levels)s 的分值超过该项分值 %(points)s。")
                                % {"code": node.code, "levels": "、".join(over), "points": _fmt(node.max_score)})
    if version.weighting == Weighting.WEIGHTS:
        for parent_id, kids in children.items():
            weighted = [k for k in kids if k.weight is not None]
            if not weighted:
                continue
            where = _("一级指标") if parent_id is None else _("「%(code)s」的下级指标") % {"code": _code_of(children, parent_id)}
            if len(weighted) != len(kids):
                missing = "、".join(f"「{k.code}」" for k in kids if k.weight is None)
                problems.append(_("%(where)s中 %(missing)s 没有权重。") % {"where": where, "missing": missing})
                continue
            total = sum((k.weight for k in weighted if k.weight is not None), Decimal(0))
            if total != ONE:
                codes = "、".join(f"「{k.code}」{_fmt(k.weight)}" for k in kids)
                problems.append(_("%(where)s的权重合计 %(sum)s（%(codes)s），应为 1。") % {"where": where, "sum": _fmt(total), "codes": codes})
    top = children.get(None, [])
    if version.weighting == Weighting.POINTS and version.total_score is not None and top:
        if all(n.max_score is not None for n in top):
            total = sum((n.max_score for n in top if n.max_score is not None), Decimal(0))
            if total != version.total_score:
                problems.append(_("一级指标分值合计 %(sum)s，与总分 %(total)s 不一致。") % {"sum": _fmt(total), "total": _fmt(version.total_score)})
        else:
            missing = "、".join(f"「{n.code}」" for n in top if n.max_score is None)
            problems.append(_("一级指标 %(missing)s 没有分值，无法与总分 %(total)s 核对。") % {"missing": missing, "total": _fmt(version.total_score)})
    if not reachable:
        problems.append(_("该版本还没有任何指标。"))
    bands = list(version.grade_bands.all())
    if len({b.min_score for b in bands}) != len(bands):
        problems.append(_("等级线的最低分不能重复。"))
    if version.total_score is not None:
        problems += [_("等级“%(label)s”的最低分 %(low)s 超过总分 %(total)s。")
                     % {"label": b.label, "low": _fmt(b.min_score), "total": _fmt(version.total_score)}
                     for b in bands if b.min_score > version.total_score]
    return problems


def _code_of(children: dict[int | None, list[Indicator]], pk: int) -> str:
    for kids in children.values():
        for k in kids:
            if k.pk == pk:
                return k.code
    return str(pk)


def points_total(version: FrameworkVersion) -> Decimal | None:
    """The sum of the active top level's points (None when one of them has none)."""
    children = _active_tree(version)[1]
    top = children.get(None, [])
    if not top or any(n.max_score is None for n in top):
        return None
    return sum((n.max_score for n in top if n.max_score is not None), Decimal(0))


@transaction.atomic
def version_publish(*, by: User | None, version: FrameworkVersion) -> FrameworkVersion:
    """Publish a draft whose figures add up; from now on it never changes (campaigns pin it). A points
    framework without a total gets the sum of its top level as total."""
    _check_draft(by, version)
    version = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
    if version.weighting == Weighting.POINTS and version.total_score is None:
        version.total_score = points_total(version)
    problems = version_problems(version)
    if problems:
        raise ValidationError(problems, code="framework_invalid")
    version.state = VersionState.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["state", "published_at", "total_score", "updated_at"])
    return version


# --- the tree of a draft --------------------------------------------------------------------------------
def _check_parent(version: FrameworkVersion, parent: Indicator | None, node: Indicator | None = None) -> int:
    """The level a node takes under `parent`; refuses a parent of another version or inside the node."""
    if parent is None:
        return 1
    if parent.version_id != version.pk:
        raise ValidationError({"parent": _("上级指标不属于该版本。")})
    walk: Indicator | None = parent
    while walk is not None:
        if node is not None and walk.pk == node.pk:
            raise ValidationError({"parent": _("不能把「%(code)s」移到它自己或它的下级指标之下。") % {"code": node.code}})
        walk = walk.parent
    return parent.level + 1


def _check_code(version: FrameworkVersion, code: str, exclude: int | None = None) -> None:
    taken = Indicator.objects.filter(version=version, code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError({"code": _("编号「%(code)s」在该版本中已存在。") % {"code": code}})


@transaction.atomic
def indicator_add(*, by: User | None, version: FrameworkVersion, parent: Indicator | None = None,
                  **fields: Any) -> Indicator:
    """Add a node to a draft; without `order` it goes after its last sibling."""
    _check_draft(by, version)
    data = _clean_indicator_fields(fields)
    for required in ("code", "text"):
        if required not in data:
            raise ValidationError({required: _("编号和内容不能为空。")})
    _check_code(version, data["code"])
    level = _check_parent(version, parent)
    if data.get("order") is None:
        data["order"] = (version.indicators.aggregate(n=Max("order"))["n"] or 0) + 1
    return Indicator.objects.create(version=version, parent=parent, level=level, **data)


@transaction.atomic
def indicator_update(*, by: User | None, indicator: Indicator, **fields: Any) -> Indicator:
    version = indicator.version
    _check_draft(by, version)
    data = _clean_indicator_fields(fields)
    if "code" in data:
        _check_code(version, data["code"], exclude=indicator.pk)
    for key, value in data.items():
        setattr(indicator, key, value)
    indicator.save()
    return indicator


def _relevel(node: Indicator, level: int) -> None:
    node.level = level
    node.save(update_fields=["level"])
    for child in node.children.all():
        _relevel(child, level + 1)


@transaction.atomic
def indicator_move(*, by: User | None, indicator: Indicator, parent: Indicator | None, order: int | None = None) -> Indicator:
    """Move a node (with its subtree) under another parent, or to another place among its siblings."""
    version = indicator.version
    _check_draft(by, version)
    level = _check_parent(version, parent, indicator)
    indicator.parent = parent
    if order is not None:
        indicator.order = order
    indicator.save(update_fields=["parent", "order"])
    _relevel(indicator, level)
    return indicator


@transaction.atomic
def indicator_delete(*, by: User | None, indicator: Indicator) -> None:
    """Delete a node of a draft and its subtree (published versions never lose a node)."""
    _check_draft(by, indicator.version)
    indicator.delete()


@dataclass(frozen=True)
class Band:
    label: str
    min_score: Decimal


@transaction.atomic
def grade_bands_set(*, by: User | None, version: FrameworkVersion, bands: Sequence[Band]) -> list[GradeBand]:
    """Replace a draft's grade bands (优秀/良好/合格/不合格 and their lowest totals)."""
    _check_draft(by, version)
    labels = [b.label.strip() for b in bands]
    if any(not label for label in labels):
        raise ValidationError({"grade_bands": _("等级名称不能为空。")})
    if len(set(labels)) != len(labels):
        raise ValidationError({"grade_bands": _("等级名称不能重复。")})
    if any(b.min_score < 0 for b in bands):
        raise ValidationError({"grade_bands": _("等级线的最低分不能小于 0。")})
    version.grade_bands.all().delete()
    ordered = sorted(bands, key=lambda b: -b.min_score)
    return GradeBand.objects.bulk_create(
        GradeBand(version=version, label=b.label.strip(), min_score=b.min_score, order=i) for i, b in enumerate(ordered))


@transaction.atomic
def version_replace_tree(*, by: User | None, version: FrameworkVersion, rows: Sequence[dict[str, Any]],
                         bands: Sequence[Band]) -> FrameworkVersion:
    """Replace a draft's whole tree (Excel import): `rows` in file order, each with `code`,
    `parent_code` (empty at the top) and the indicator fields. Parents come before their children."""
    _check_draft(by, version)
    version.indicators.all().delete()
    by_code: dict[str, Indicator] = {}
    for order, row in enumerate(rows, start=1):
        data = _clean_indicator_fields({k: v for k, v in row.items() if k != "parent_code"})
        parent = by_code[row["parent_code"]] if row.get("parent_code") else None
        node = Indicator.objects.create(version=version, parent=parent, level=parent.level + 1 if parent else 1,
                                        **{"order": order, **data})
        by_code[node.code] = node
    grade_bands_set(by=by, version=version, bands=bands)
    return version
