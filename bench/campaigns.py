"""A province-wide campaign aggregated, graded, ranked and flagged (issue [9] item 10).

In the bench database (after bench/run.py built the schools of Hunan and Hubei, > 20,000), this:

1. creates a 60-item points framework (3 sections × 20 items: 40 points items 0–5, 10 yes/no
   items worth 2 of which 2 are veto items, 10 rubric items 好 5 / 中 3 / 差 1; total 270; bands
   优秀 ≥ 243, 良好 ≥ 203, 合格 ≥ 162) and a campaign over 20,000 schools with three raters each;
2. COPYs the scores: per school and item one self answer and three raters' answers
   (20,000 × 60 × 4 = 4.8 million `Score` rows), the self answer sometimes higher than the raters';
3. times `campaign_results_compute` (the office's "计算结果"): one query over the score tally the
   triggers filled during the COPY (1.2 million rows), the math of campaigns/scoring.py, one COPY
   of the results — first time (every result inserted) and again (every result updated), and
   checks five schools' stored totals against `school_outcome` (computed from the scores).

Target: < 5 s on PostgreSQL. Alone, on a database of its own (`dudao_bench_campaigns`, rebuilt
with the same school generator as run.py): `.venv/bin/python bench/campaigns.py [--keep] [--schools N] [--database NAME]`.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from decimal import Decimal

TARGET_SECONDS = 5.0
SCHOOLS = 20_000
RATERS = 3
STANDALONE_DB = "dudao_bench_campaigns"


def _framework():
    from dudao.frameworks.models import (
        Framework,
        FrameworkShape,
        FrameworkVersion,
        GradeBand,
        Indicator,
        ScoringType,
        VersionState,
        Weighting,
    )

    framework = Framework.objects.create(name="基准测试·学校综合督导评估", shape=FrameworkShape.WEIGHTED, source="bench")
    version = FrameworkVersion.objects.create(framework=framework, number=1, state=VersionState.PUBLISHED,
                                              weighting=Weighting.POINTS, total_score=Decimal(270))
    order = 0
    for s in range(3):
        order += 1
        section = Indicator.objects.create(version=version, code=f"A{s + 1}", text=f"一级指标{s + 1}", level=1, order=order,
                                           max_score=Decimal(90))
        leaves = []
        for i in range(20):
            order += 1
            n = s * 20 + i
            code = f"B{n + 1}"
            if n % 6 == 4:
                leaves.append(Indicator(version=version, parent=section, code=code, text=f"是否{code}", level=2, order=order,
                                        scoring=ScoringType.YES_NO, max_score=Decimal(2), is_veto=n in (4, 34)))
            elif n % 6 == 5:
                leaves.append(Indicator(version=version, parent=section, code=code, text=f"等级{code}", level=2, order=order,
                                        scoring=ScoringType.RUBRIC, max_score=Decimal(5),
                                        levels=[{"label": "好", "score": 5}, {"label": "中", "score": 3},
                                                {"label": "差", "score": 1}]))
            else:
                leaves.append(Indicator(version=version, parent=section, code=code, text=f"分值{code}", level=2, order=order,
                                        scoring=ScoringType.POINTS, max_score=Decimal(5)))
        Indicator.objects.bulk_create(leaves)
    for label, low in (("优秀", 243), ("良好", 203), ("合格", 162), ("不合格", 0)):
        GradeBand.objects.create(version=version, label=label, min_score=Decimal(low))
    return version


def build_campaign(schools: int):
    """The campaign, its schools and 4.8 million scores (COPY). Returns (campaign, office user, seconds)."""
    from django.db import connection
    from django.utils import timezone

    from dudao.campaigns.models import Campaign, CampaignKind, CampaignSchool, CampaignState, Score
    from dudao.frameworks.models import Indicator
    from dudao.people.models import Role, User
    from dudao.people.services import role_grant_add
    from dudao.regions.models import Region
    from dudao.regions.services import office_ensure
    from dudao.schools.models import School

    started = time.perf_counter()
    office = office_ensure(region=Region.objects.get(code="43"))
    user, _created = User.objects.get_or_create(username="bench_campaign_office", defaults={"full_name": "基准·督导室"})
    role_grant_add(user=user, role=Role.OFFICE_STAFF, office=office)
    raters = [User.objects.get_or_create(username=f"bench_rater_{i}", defaults={"full_name": f"评分员{i}"})[0]
              for i in range(RATERS)]
    version = _framework()
    campaign = Campaign.objects.create(kind=CampaignKind.COMPREHENSIVE, name="基准测试·全省学校综合督导", office=office,
                                       year=2026, framework_version=version, created_by=user,
                                       state=CampaignState.ONSITE, discrepancy_threshold=Decimal(1))
    school_ids = list(School.objects.filter(region_code__startswith="43").order_by("id").values_list("id", flat=True)[:schools])
    if len(school_ids) < schools:
        school_ids += list(School.objects.exclude(id__in=school_ids).order_by("id").values_list("id", flat=True)
                           [:schools - len(school_ids)])
    CampaignSchool.objects.bulk_create([CampaignSchool(campaign=campaign, school_id=sid) for sid in school_ids],
                                       batch_size=5000)
    items = list(Indicator.objects.filter(version=version).exclude(scoring="").order_by("order")
                 .values_list("id", "scoring"))
    rng = random.Random(2029)
    now = timezone.now()
    table = Score._meta.db_table
    columns = "created_at, updated_at, campaign_id, school_id, indicator_id, kind, rater_id, value, choice, note"
    rubric = (("好", 5), ("中", 3), ("差", 1))
    rows = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for sid in school_ids:
            quality = rng.random()
            for indicator, kind in items:
                answers = []
                for _r in range(RATERS):
                    if kind == "yes_no":
                        yes = rng.random() < 0.97 + 0.03 * quality
                        answers.append((2 if yes else 0, "yes" if yes else "no"))
                    elif kind == "rubric":
                        label, score = rubric[0 if rng.random() < quality else rng.randint(1, 2)]
                        answers.append((score, label))
                    else:
                        answers.append((round(min(5.0, max(0.0, rng.gauss(2.5 + 2.5 * quality, 0.8))), 1), ""))
                best = max(answers, key=lambda a: a[0])
                own = best if rng.random() < 0.9 else ((2, "yes") if kind == "yes_no" else
                                                      ((5, "好") if kind == "rubric" else (5, "")))
                copy.write_row((now, now, campaign.pk, sid, indicator, "self", None, own[0], own[1], ""))
                for rater, (value, choice) in zip(raters, answers, strict=True):
                    copy.write_row((now, now, campaign.pk, sid, indicator, "onsite", rater.pk, value, choice, ""))
                rows += RATERS + 1
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
        cursor.execute("ANALYZE campaigns_scoretally")  # filled by the scores' triggers during the COPY
    return campaign, user, rows, len(school_ids), round(time.perf_counter() - started, 1)


def _verify(campaign, sample: int = 5) -> int:
    """Stored totals of a few schools equal the same computation for that school alone."""
    from dudao.campaigns.models import SchoolResult
    from dudao.campaigns.results import load_tree, school_outcome

    tree = load_tree(campaign.framework_version)
    rows = list(SchoolResult.objects.filter(campaign=campaign).order_by("?")[:sample])
    for row in rows:
        outcome, _answers = school_outcome(campaign, row.school_id, tree)
        if (outcome.verified_total, outcome.self_total, outcome.grade, len(outcome.flags)) != (
                row.verified_total, row.self_total, row.grade, row.flag_count):
            raise AssertionError(f"school {row.school_id}: stored {row.verified_total}/{row.grade}, "
                                 f"recomputed {outcome.verified_total}/{outcome.grade}")
    return len(rows)


def bench_campaigns(schools: int = SCHOOLS) -> dict:
    from django.db.models import Count

    from dudao.campaigns.models import SchoolResult
    from dudao.campaigns.results import campaign_results_compute

    print(f"… campaigns: generating a campaign over {schools:,} schools × 60 items × {RATERS} raters (COPY)", flush=True)
    campaign, user, rows, school_count, build_s = build_campaign(schools)
    print(f"  {rows:,} score rows for {school_count:,} schools in {build_s:.1f} s", flush=True)
    timings = {}
    for label in ("first", "again"):
        started = time.perf_counter()
        report = campaign_results_compute(campaign=campaign, by=user)
        timings[label] = round(time.perf_counter() - started, 2)
        print(f"  campaigns: results {label}: {timings[label]:.2f} s "
              f"({report.created:,} created, {report.updated:,} updated, {report.vetoed:,} vetoed, "
              f"{report.flagged:,} flagged)", flush=True)
    grades = dict(SchoolResult.objects.filter(campaign=campaign).values("grade").annotate(n=Count("id"))
                  .values_list("grade", "n"))
    figures = {"schools": school_count, "items": 60, "raters": RATERS, "score_rows": rows, "build_seconds": build_s,
               "seconds": timings["first"], "again_seconds": timings["again"], "grades": grades,
               "vetoed": report.vetoed, "flagged": report.flagged, "verified_schools": _verify(campaign)}
    print(f"  campaigns: {school_count:,} schools aggregated, graded, ranked and flagged in {figures['seconds']} s "
          f"(again {figures['again_seconds']} s; target < {TARGET_SECONDS:.0f} s); grades {grades}", flush=True)
    figures["dashboard"] = bench_dashboard(campaign, user)
    return figures


DASHBOARD_TARGET_MS = 150.0
DASHBOARD_TEAMS = 20


def bench_dashboard(campaign, user, requests: int = 40) -> dict:
    """The campaign dashboard (campaigns:dashboard) on the generated campaign: the schools spread over
    20 teams, 80 % of them with a submitted self-inspection, the results computed; the page requested
    through Django's test client as the office (full view, template and middleware), p50/p95 of
    `requests` reads after one warm-up read (timed apart as `first_ms`: it sums the results per team
    again after the allocation, and reads the live progress that is then kept), and the
    summary page and the dashboard API once each. The results per team and per item are stored with
    the results (campaigns/figures.py; the allocation here forgets the ones per team, so the first
    read sums them again); the live progress by team (schools, submitted, scored) is kept for
    CAMPAIGN_DASHBOARD_CACHE_SECONDS (60 s): it is timed alone too, with the stored figures
    (`grouped_ms`, the median of five, uncached). The tables written here are vacuumed and analysed
    first, as a live server's autovacuum would. Target: p95 < 150 ms; the queries per read are
    reported too (`queries`)."""
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from dudao.campaigns import dashboard
    from dudao.campaigns.figures import figures_forget
    from dudao.campaigns.models import CampaignSchool, SelfInspection, Team

    teams = [Team.objects.create(campaign=campaign, name=f"第{n + 1}组", order=n + 1) for n in range(DASHBOARD_TEAMS)]
    entries = list(CampaignSchool.objects.filter(campaign=campaign).order_by("id").values_list("id", "school_id"))
    for n, team in enumerate(teams):
        CampaignSchool.objects.filter(id__in=[pk for pk, _sid in entries[n::DASHBOARD_TEAMS]]).update(team=team)
    figures_forget(campaign)  # as the allocation services do: the results per team are summed again
    now = timezone.now()
    SelfInspection.objects.bulk_create([
        SelfInspection(campaign=campaign, school_id=sid, state="submitted" if k % 5 else "draft",
                       submitted_at=now if k % 5 else None) for k, (_pk, sid) in enumerate(entries)], batch_size=5000)
    with connection.cursor() as cursor:  # a live server's autovacuum would (the bench server runs without it)
        cursor.execute("VACUUM ANALYZE campaigns_campaignschool, campaigns_selfinspection, campaigns_schoolresult")
    grouped = []
    for _k in range(5):
        started = time.perf_counter()
        dashboard._progress_by_team(campaign)
        grouped.append((time.perf_counter() - started) * 1000)
    client = Client()
    client.force_login(user)
    url = reverse("campaigns:dashboard", args=[campaign.pk])

    def timed(address: str) -> float:
        started = time.perf_counter()
        response = client.get(address)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise AssertionError(f"{address}: {response.status_code}")
        return elapsed

    def queries(address: str) -> int:
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            client.get(address)
        return len(captured.captured_queries)

    first = timed(url)
    times = sorted(timed(url if k % 4 else f"{url}?page={k + 2}") for k in range(requests))
    figures = {"schools": len(entries), "teams": DASHBOARD_TEAMS, "first_ms": round(first, 1),
               "p50_ms": round(times[len(times) // 2], 1), "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
               "summary_ms": round(timed(reverse("campaigns:summary", args=[campaign.pk])), 1),
               "api_ms": round(timed(f"/api/v1/campaigns/{campaign.pk}/dashboard"), 1),
               "grouped_ms": round(sorted(grouped)[2], 1), "queries": queries(url),
               "queries_page_2": queries(f"{url}?page=2")}
    print(f"  campaigns: dashboard over {figures['schools']:,} schools in {DASHBOARD_TEAMS} teams: "
          f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms (target < {DASHBOARD_TARGET_MS:.0f} ms); "
          f"first read after computing {figures['first_ms']} ms; summary {figures['summary_ms']} ms, "
          f"API {figures['api_ms']} ms; the grouped read by team uncached {figures['grouped_ms']} ms; "
          f"{figures['queries']} queries per read ({figures['queries_page_2']} on page 2)", flush=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help=f"reuse {STANDALONE_DB}'s schools if it exists")
    parser.add_argument("--database", default=STANDALONE_DB, help=f"database name (default {STANDALONE_DB})")
    parser.add_argument("--schools", type=int, default=SCHOOLS, help=f"schools in the campaign (default {SCHOOLS:,})")
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from common import standalone_database

    standalone_database(args.database, keep=args.keep)
    figures = bench_campaigns(args.schools)
    return 0 if figures["seconds"] < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
