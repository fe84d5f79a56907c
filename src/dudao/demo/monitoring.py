"""Balance monitoring in the demo city: staffing closer to a county preparing for 优质均衡, then results.

The base data of demo/build.py has the right shapes (crowded urban primaries short of floor area
and sports ground, under-resourced village schools without PE/art teachers and with old
equipment, small teaching points), but its key-teacher and PE/art-teacher counts are so low that
no school anywhere would meet 优质均衡 — a dashboard of uniform red says nothing. So, for the
schools that are not under-resourced, key teachers (骨干教师), PE/music/art teachers and multimedia
rooms are set to plausible levels that improve year on year; under-resourced village schools are
left as they are. Then the results are computed from that data, as the worker would. In 宁乡 some
schools pass and some fail, and some indicators' CVs exceed their limits.

Deterministic: every figure comes from a generator seeded with the school code, year and stage,
so running the demo again gives the same data and the same results.
"""

from __future__ import annotations

import random

from dudao.demo.build import CITY, DEMO_YEARS

STAFFING_FIELDS = ["key_teachers", "pe_teachers", "music_teachers", "art_teachers", "multimedia_rooms"]


def _under_resourced(row) -> bool:
    """The builder's under-resourced village schools: rural, and no music or art teacher at all."""
    return row.school.locality == "rural" and row.music_teachers == 0 and row.art_teachers == 0


def improve_demo_staffing() -> int:
    from dudao.schools.models import SchoolYearData

    rows = list(SchoolYearData.objects.filter(school__region_code__startswith=CITY, stage__in=["primary", "junior"])
                .select_related("school").order_by("school__code", "year", "stage"))
    changed = []
    for row in rows:
        if _under_resourced(row) or row.students <= 0:
            continue
        rng = random.Random(f"{row.school.code}-{row.year}-{row.stage}")
        better = 1 + 0.06 * (row.year - DEMO_YEARS[0])  # a little better every year
        per100 = row.students / 100
        weak = rng.random() < 0.25  # a quarter of schools stay short of one standard or another
        # Key teachers gather in the county-town schools (a common finding of 均衡 inspections):
        # the spread, and so the CV of L2, is widest in the first year and narrows later.
        low, high = {"urban": (2.0, 3.6), "town": (0.9, 1.8)}.get(row.school.locality, (0.2, 0.9))
        if row.school.locality == "rural":
            low, high = low * better * better, high * better * better
        key = round(per100 * rng.uniform(low * (0.75 if weak else 1), high))
        arts = per100 * rng.uniform(0.7 if weak else 0.88, 1.35) * better
        pe = round(arts * 0.5)
        music = round(arts * 0.25)
        art = max(0, round(arts) - pe - music)
        rooms = round(per100 * rng.uniform(1.9 if weak else 2.35, 3.2) * (1.8 if row.stage == "junior" else 1))
        key, pe, music, art = min(key, row.teachers), min(pe, row.teachers), min(music, row.teachers), min(art, row.teachers)
        if pe + music + art > row.teachers:
            continue
        row.key_teachers, row.pe_teachers, row.music_teachers, row.art_teachers = key, pe, music, art
        row.multimedia_rooms = max(rooms, 1)
        changed.append(row)
    SchoolYearData.objects.bulk_update(changed, STAFFING_FIELDS, batch_size=500)
    return len(changed)


def build_demo_monitoring() -> list:
    """Improve the staffing figures, then one recompute per demo year over 长沙市 (its counties,
    the city and 湖南省's summary)."""
    from dudao.monitoring.services import monitoring_recompute
    from dudao.regions.models import Region

    improve_demo_staffing()
    city = Region.objects.get(code=CITY)
    return [monitoring_recompute(year=year, region=city, trigger="demo") for year in DEMO_YEARS]
