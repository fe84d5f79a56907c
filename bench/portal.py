"""The public results portal under a province's published documents (issue [11] item 8).

On a database of its own (`dudao_bench_portal`: migrated, the regions of Hunan and Hubei with their
townships, the schools of run.py's generator — over 20,000 — and an office per province, city and
county), this writes 20,000 published documents over every county (16,000 school 督导报告 of random
schools and 4,000 county 通报, issued 2023–2026, each with its frozen version row) and 2,000 that are
not published (drafts and issued-unpublished: the pages must skip them), then requests the portal's
pages through `django.test.Client` in this process, as a phone would (anonymous, each request from an
address of its own so the search and download limits never trip):

- index         `/public/`
- region list   `/public/?region=<county>` and `?region=<city>&year=<year>` (drill-down counts included)
- document      `/public/d/<id>/` of random published documents
- school        `/public/s/<学校标识码>/` of random schools with reports (the plaque data + results)
- search        `/public/search/?q=<part of a school name | a 文号>`
- CSV           `/public/data.csv?region=<county>&year=<year>`

Prints p50/p95/max per page and in total. Target: p95 < 100 ms for every page. Figures printed, never
part of the tests.

`.venv/bin/python bench/portal.py [--requests N] [--keep]`
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

TARGET_MS = 100.0
STANDALONE_DB = "dudao_bench_portal"
PUBLISHED = 20_000
UNPUBLISHED = 2_000
WARM_UP = 5


def _fill(schools) -> str:
    """Offices and the documents (see the module docstring); answers the figures for the log line."""
    import hashlib
    from datetime import date, timedelta

    from django.utils import timezone

    from dudao.documents.models import Document, DocumentVersion
    from dudao.regions.models import Office, Region, RegionLevel

    rng = random.Random(2026)
    now = timezone.now()
    areas = list(Region.objects.filter(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY]))
    Office.objects.bulk_create([
        Office(region=r, name=f"{r.name}人民政府教育督导室", level=r.level, created_at=now, updated_at=now)
        for r in areas], ignore_conflicts=True)
    offices = {o.region.code: o for o in Office.objects.select_related("region")}
    counties = [r for r in areas if r.level == RegionLevel.COUNTY and r.code[:2] in ("43", "42")]
    by_county: dict[str, list] = {}
    for s in schools:
        by_county.setdefault(s.region_code[:6], []).append(s)
    body = [{"type": "h1", "text": "一、基本情况", "key": "a"},
            {"type": "p", "text": "根据年度督导计划，责任督学采取查阅资料、听课、座谈、实地查看等方式开展督导。" * 3, "key": "b"},
            {"type": "table", "header": ["项目", "得分"], "rows": [["办学条件", "18"], ["教育教学", "26"]], "key": "c"},
            {"type": "h1", "text": "二、督导意见", "key": "d"},
            {"type": "p", "text": "请学校对照问题制定整改方案，限期整改。" * 4, "key": "e"}]
    numbers: dict[tuple[str, int], int] = {}
    docs = []
    for i in range(PUBLISHED + UNPUBLISHED):
        published = i < PUBLISHED
        county = counties[rng.randrange(len(counties))]
        office = offices.get(county.code) or offices[county.code[:2]]
        year = rng.choice((2023, 2024, 2025, 2026))
        issued_on = date(year, 1, 1) + timedelta(days=rng.randrange(330))
        school = None
        if i % 5 and by_county.get(county.code):
            school = rng.choice(by_county[county.code])
        status = "issued" if published or i % 2 else "draft"
        key = (county.code, year)
        number = ""
        if status == "issued":
            numbers[key] = numbers.get(key, 0) + 1
            number = f"{county.name[:1]}教督〔{year}〕{numbers[key]}号"
        title = (f"关于{school.name}综合督导情况的督导报告" if school is not None
                 else f"关于{county.name}{year}年春季开学工作专项督导情况的通报")
        docs.append(Document(
            office=office, kind="report" if school is not None else "bulletin", status=status, masthead=office.name,
            title=title, number=number, body=body, addressee=school.name if school else "各学校",
            signatory=office.name, printer=office.name, issued_on=issued_on if status == "issued" else None,
            school=school, region_id=school.region_id if school is not None else county.pk,
            published_at=now if published else None, created_at=now, updated_at=now))
    created = Document.objects.bulk_create(docs, batch_size=2000)
    DocumentVersion.objects.bulk_create([
        DocumentVersion(document=d, version=1, pdf=f"documents/{d.office_id}/{d.pk}/{d.pk}-v1.pdf",
                        sha256=hashlib.sha256(str(d.pk).encode()).hexdigest(), created_at=now, updated_at=now)
        for d in created if d.status == "issued"], batch_size=5000)
    return f", {len(offices):,} offices, {PUBLISHED:,} published and {UNPUBLISHED:,} unpublished documents"


def _targets(rng: random.Random):
    from django.db.models import Count

    from dudao.documents.models import Document
    from dudao.schools.models import School

    published = Document.objects.published()
    ids = list(published.values_list("id", flat=True))
    county_years = list(published.values_list("region__code", "issued_on__year").distinct()[:5000])
    counties = sorted({c[:6] for c, _y in county_years})
    from dudao.regions.models import Region

    cities = sorted(Region.objects.filter(code__in={c[:4] for c in counties}).values_list("code", flat=True))
    school_ids = list(published.filter(school__isnull=False).values("school_id").annotate(n=Count("id"))
                      .values_list("school_id", flat=True)[:5000])
    codes = list(School.objects.filter(pk__in=school_ids).values_list("code", flat=True))
    names = list(School.objects.filter(pk__in=school_ids[:500]).values_list("name", flat=True))
    numbers = list(published.values_list("number", flat=True)[:500])
    years = (2023, 2024, 2025, 2026)

    def search() -> str:
        if rng.random() < 0.5:
            name = rng.choice(names)
            start = rng.randrange(max(1, len(name) - 4))
            return name[start:start + 4]
        return rng.choice(numbers)

    return {
        "index": lambda: ("/public/", {}),
        "region list": lambda: (("/public/", {"region": rng.choice(counties)}) if rng.random() < 0.6
                                else ("/public/", {"region": rng.choice(cities), "year": str(rng.choice(years))})),
        "document": lambda: (f"/public/d/{rng.choice(ids)}/", {}),
        "school": lambda: (f"/public/s/{rng.choice(codes)}/", {}),
        "search": lambda: ("/public/search/", {"q": search()}),
        "CSV": lambda: ("/public/data.csv", {"region": rng.choice(counties), "year": str(rng.choice(years))}),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--keep", action="store_true", help=f"reuse {STANDALONE_DB} if it exists")
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from common import standalone_database, summarise_ms

    standalone_database(STANDALONE_DB, keep=args.keep, fill=_fill)
    from django.test import Client

    rng = random.Random(11)
    targets = _targets(rng)
    client = Client()
    everything: list[float] = []
    failed = False
    request_no = 0
    for name, make in targets.items():
        latencies: list[float] = []
        for i in range(-WARM_UP, args.requests):
            path, params = make()
            request_no += 1
            address = f"10.{request_no // 62500 % 250}.{request_no // 250 % 250}.{request_no % 250 + 1}"
            t0 = time.perf_counter()
            response = client.get(path, params, REMOTE_ADDR=address)
            elapsed = time.perf_counter() - t0
            if response.status_code != 200:
                raise SystemExit(f"{name}: {path} {params} answered {response.status_code}")
            if i >= 0:
                latencies.append(elapsed)
        figures = summarise_ms(latencies)
        everything += latencies
        ok = figures["p95_ms"] < TARGET_MS
        failed |= not ok
        print(f"{name:12s} {figures}{'' if ok else '  ABOVE TARGET'}", flush=True)
    print(f"all pages    {summarise_ms(everything)} (target p95 < {TARGET_MS:.0f} ms per page)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
