"""Plaque benchmark: 1,000 plaques (督导公示牌) in one batch through `plaque_batch_run`, as the worker
renders a county's plaques. Target: < 60 s on the 2-core bench machine.

bench/run.py calls `bench_plaques` on its dataset after the import. Alone, on a database that
run.py has built (`dudao_bench`), everything it adds is rolled back at the end:

    .venv/bin/python bench/plaques.py [--schools 1000] [--profile]

Set-up (not timed): the first 1,000 Hunan schools in code order, the office of each of their
counties with a complaint phone, one supervisor per 5 schools (挂牌办法 Art 1: "按1人负责5所左右")
each with a 600 × 800 photo, the eight supervision items. Timed: `plaque_batch_run` alone.
Checked: the batch succeeded and its PDF has one page per school.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from collections import defaultdict
from typing import TYPE_CHECKING

from common import OUT_DIR, configure, production_password

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.schools.models import School

SCHOOLS = 1000
SCHOOLS_PER_SUPERVISOR = 5
TARGET_SECONDS = 60.0


def photo(n: int):
    """A plain 600 × 800 JPEG, about the size of an ID photo taken with a phone and cropped."""
    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), (40 + n % 180, 90, 140))
    ImageDraw.Draw(image).ellipse((150, 120, 450, 480), fill=(230, 200, 170))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return ContentFile(out.getvalue(), name=f"bench-{n}.jpg")


def prepare(count: int) -> list[School]:
    """The schools, their counties' offices and their responsible supervisors, made by the services."""
    from dudao.regions.models import Region
    from dudao.regions.services import office_ensure
    from dudao.schools.models import School
    from dudao.supervisors.services import supervisor_create
    from dudao.system.services import dictionaries_install_builtin
    from dudao.zones.services import assignment_create
    from province_data import GIVEN, SURNAMES

    dictionaries_install_builtin()
    schools = list(School.objects.filter(region_code__startswith="43", is_active=True).order_by("region_code", "code")[:count])
    if len(schools) < count:
        sys.exit(f"only {len(schools)} Hunan schools in the database: run bench/run.py first")
    by_county: dict[str, list[School]] = defaultdict(list)
    for school in schools:
        by_county[school.region_code[:6]].append(school)
    n = 0
    for code, county_schools in by_county.items():
        office = office_ensure(region=Region.objects.get(code=code), complaint_phone=f"0731-{88000000 + int(code[-2:])}")
        for start in range(0, len(county_schools), SCHOOLS_PER_SUPERVISOR):
            name = SURNAMES[n % len(SURNAMES)] + GIVEN[n * 7 % len(GIVEN)] + GIVEN[n * 3 % len(GIVEN)]
            supervisor = supervisor_create(by=None, office=office, name=name, kind="part_time", level="county",
                                           phone=f"139{n:08d}", photo=photo(n))
            for school in county_schools[start:start + SCHOOLS_PER_SUPERVISOR]:
                assignment_create(supervisor=supervisor, school=school)
            n += 1
    return schools


def bench_plaques(user: User, count: int = SCHOOLS, profile: bool = False) -> dict:
    from pypdf import PdfReader

    from dudao.zones.models import PlaqueBatchStatus
    from dudao.zones.plaques import CHUNK_SIZE, plaque_batch_create, plaque_batch_run

    print(f"… plaques: {count:,} schools, their supervisors and photos", flush=True)
    schools = prepare(count)
    batch = plaque_batch_create(by=user, title=f"基准测试 {count} 所学校公示牌", schools=schools)
    print(f"… plaque_batch_run ({count:,} schools, chunks of {CHUNK_SIZE})", flush=True)
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    plaque_batch_run(batch_id=batch.pk)
    seconds = time.perf_counter() - started
    if profiler:
        import pstats

        profiler.disable()
        profiler.dump_stats(OUT_DIR / "plaques.prof")
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    batch.refresh_from_db()
    if batch.status != PlaqueBatchStatus.SUCCEEDED:
        raise SystemExit(f"plaque batch failed: {batch.message}")
    with batch.file.open("rb") as fh:
        data = fh.read()
    pages = len(PdfReader(io.BytesIO(data)).pages)
    if pages != count:
        raise SystemExit(f"expected {count} pages, the PDF has {pages}")
    figures = {"schools": count, "pages": pages, "seconds": round(seconds, 2),
               "pages_per_second": round(pages / seconds, 1), "file_mb": round(len(data) / 1048576, 1),
               "chunk_size": CHUNK_SIZE, "profiled": profile}
    print(f"  {pages:,} pages in {figures['seconds']:.2f} s — {figures['pages_per_second']:.1f} pages/s, "
          f"{figures['file_mb']} MB PDF" + (" — under cProfile" if profile else ""), flush=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=SCHOOLS, help=f"plaques in the batch (default {SCHOOLS})")
    parser.add_argument("--profile", action="store_true", help="cProfile the run, hot spots on stderr")
    args = parser.parse_args()
    configure()
    import django

    django.setup()
    from django.db import transaction

    from dudao.people.models import User

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        user = User.objects.create(username="bench_plaques", password=production_password("Bench-only-2026!"),
                                   full_name="公示牌基准测试")
        figures = bench_plaques(user, args.schools, args.profile)
        transaction.set_rollback(True)  # leave run.py's database as it was (the PDF stays in var/bench/media)
    print(json.dumps(figures, ensure_ascii=False))
    return 1 if not args.profile and figures["seconds"] >= TARGET_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
