"""The built-in frameworks: data files in `builtin/` (one YAML file per framework), transcribed from
frameworks.md §1–2 with their source and evidence grade, installed read-only (no owner).

A file holds the framework's fields, the version's (`weighting`, `total_score`, `note` — where the
source's own figures do not add up, the note says so instead of the figures being "fixed"), the
defaults for its leaves (`default_scoring`, `default_levels`, `default_methods`) and the tree
(`indicators`, each with optional `children`). Item texts are the source's Chinese, verbatim.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from dudao.frameworks.models import (
    Framework,
    FrameworkVersion,
    GradeBand,
    Indicator,
    VersionState,
)

BUILTIN_DIR = Path(__file__).with_name("builtin")
LEAF_DEFAULTS = ("scoring", "levels", "methods", "max_score")
FIELDS = ("scoring", "max_score", "weight", "levels", "evidence", "methods", "scoring_rule", "is_veto", "is_key",
          "computed_key", "note", "active")


def builtin_files() -> list[Path]:
    return sorted(BUILTIN_DIR.glob("*.yaml"))


def builtin_load(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    data.setdefault("key", path.stem)
    return data


def _nodes(items: list[dict], data: dict, parent: dict | None, level: int):
    for item in items or []:
        yield item, parent, level
        yield from _nodes(item.get("children") or [], data, item, level + 1)


def _indicator(item: dict, data: dict, version: FrameworkVersion, parent: Indicator | None, level: int,
               order: int) -> Indicator:
    values = {f: item[f] for f in FIELDS if f in item}
    if not item.get("children"):
        for key in LEAF_DEFAULTS:
            if key not in values and data.get(f"default_{key}") is not None:
                values[key] = data[f"default_{key}"]
    for key in ("max_score", "weight"):
        if values.get(key) is not None:
            values[key] = Decimal(str(values[key]))
    if isinstance(values.get("evidence"), str):
        values["evidence"] = [values["evidence"]]
    values["levels"] = [{"label": lv, "descriptor": ""} if isinstance(lv, str) else {"descriptor": "", **lv}
                        for lv in values.get("levels") or []]
    return Indicator.objects.create(version=version, parent=parent, code=str(item["code"]), text=item["text"].strip(),
                                    level=level, order=order, **values)


@transaction.atomic
def builtin_install(data: dict[str, Any]) -> Framework | None:
    """Install one built-in unless its key is already there (an installed built-in is never
    overwritten: campaigns may have pinned its version)."""
    if Framework.objects.filter(builtin_key=data["key"]).exists():
        return None
    framework = Framework.objects.create(
        name=data["name"], shape=data["shape"], builtin_key=data["key"], topic=data.get("topic", ""),
        description=(data.get("description") or "").strip(), source=(data.get("source") or "").strip(),
        evidence_grade=data.get("evidence_grade", "L"), for_governments=bool(data.get("for_governments", False)))
    total = data.get("total_score")
    version = FrameworkVersion.objects.create(
        framework=framework, number=1, state=VersionState.PUBLISHED, weighting=data.get("weighting", "none"),
        total_score=Decimal(str(total)) if total is not None else None, note=(data.get("note") or "").strip(),
        published_at=timezone.now())
    created: dict[int, Indicator] = {}
    for order, (item, parent, level) in enumerate(_nodes(data.get("indicators") or [], data, None, 1), start=1):
        created[id(item)] = _indicator(item, data, version, created[id(parent)] if parent else None, level, order)
    for i, band in enumerate(data.get("grade_bands") or []):
        GradeBand.objects.create(version=version, label=band["label"], min_score=Decimal(str(band["min_score"])), order=i)
    return framework


def frameworks_install_builtin() -> int:
    """Install the built-ins that are missing; answers how many were installed (idempotent: 0 the
    second time). Called by `manage.py install_defaults` and the demo."""
    return sum(1 for path in builtin_files() if builtin_install(builtin_load(path)) is not None)
