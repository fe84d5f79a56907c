"""后台任务需处理 (core:jobs_attention) and the workbench's "jobs" tile: failed or stalled imports,
monitoring runs and plaque batches of the last week in the user's scope; the tile counts exactly
the page's rows (page and API), checked by hand for the county and the city office; the page is
walked as every persona (tests/access/coverage_core.py)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.imports.models import ImportJob
from dudao.monitoring.models import MonitoringRun
from dudao.regions.models import Region
from dudao.zones.models import PlaqueBatch
from tests.personas import PERSONAS

WRITERS = {"admin", "province_staff", "city_staff", "county_staff", "multi"}


def _run(code: str, *, status: str, year: int = 2024, minutes_ago: int = 0, attempts: int = 0, message: str = "") -> MonitoringRun:
    now = timezone.now()
    run = MonitoringRun.objects.create(year=year, region=Region.objects.get(code=code), trigger="manual", status=status,
                                       started_at=now - timedelta(minutes=minutes_ago), attempts=attempts, message=message)
    MonitoringRun.objects.filter(pk=run.pk).update(requested_at=now - timedelta(minutes=minutes_ago))
    return run


@pytest.fixture
def jobs(cast):
    """By hand — 宁乡 office staff: their failed import, 宁乡's stalled run (retried 3 times: the page
    fails it), their failed plaque batch = 3. 长沙 office staff: their failed import, 宁乡's run,
    望城's failed run = 3 (imports and batches are their creator's only). Outside both: a failed run of
    北京东城区, the 浏阳 supervisor's failed import, an old failed batch, a 宁乡 run redone since."""
    old = timezone.now() - timedelta(days=10)
    ImportJob.objects.create(kind="schools", original_name="宁乡学校名录.xlsx", created_by=cast.county_staff,
                             status="failed", message="第 3 行：学校标识码重复")
    ImportJob.objects.create(kind="schools", original_name="长沙学校名录.xlsx", created_by=cast.city_staff,
                             status="failed", message="文件已损坏")
    ImportJob.objects.create(kind="schools", original_name="浏阳学校名录.xlsx", created_by=cast.outsider, status="failed")
    _run("430182", status="running", minutes_ago=30, attempts=3)
    _run("430112", status="failed", message="计算失败：望城区基础数据不完整")
    _run("110101", status="failed", message="计算失败：东城区")
    redone = _run("430182", status="failed", year=2023, minutes_ago=60)
    _run("43", status="succeeded", year=2023, minutes_ago=5)  # a province run after it covers 宁乡 2023
    PlaqueBatch.objects.create(title="宁乡市督导公示牌", created_by=cast.county_staff, status="failed", message="生成失败")
    stale = PlaqueBatch.objects.create(title="宁乡市旧批次", created_by=cast.county_staff, status="failed")
    PlaqueBatch.objects.filter(pk=stale.pk).update(created_at=old)
    return redone


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-job="[^"]+">(.*?)</tr>', html, re.S)


def _tile(client) -> tuple[int, str]:
    html = client.get(reverse("core:home")).content.decode()
    m = re.search(r'href="([^"]+)" data-testid="tile-jobs">.*?data-testid="tile-count">(\d+)<', html, re.S)
    return int(m.group(2)), m.group(1)


@pytest.mark.parametrize(("persona", "expected", "absent"), [
    ("county_staff", ["宁乡学校名录.xlsx", "宁乡市 2024 学年", "宁乡市督导公示牌"],
     ["长沙学校名录.xlsx", "望城区", "东城区", "浏阳学校名录.xlsx", "宁乡市旧批次", "2023 学年"]),
    ("city_staff", ["长沙学校名录.xlsx", "宁乡市 2024 学年", "望城区 2024 学年"],
     ["宁乡学校名录.xlsx", "宁乡市督导公示牌", "东城区", "浏阳学校名录.xlsx", "2023 学年"]),
])
def test_the_tile_counts_exactly_the_rows_of_the_page(cast, client, jobs, persona, expected, absent):
    client.force_login(getattr(cast, persona))
    count, url = _tile(client)
    assert url == reverse("core:jobs_attention")
    html = client.get(url).content.decode()
    rows = _rows(html)
    assert count == len(rows) == 3, (persona, count, rows)
    assert 'data-testid="result-count">共 3 条<' in html
    text = "".join(rows)
    assert all(e in text for e in expected), persona
    assert not [a for a in absent if a in html], persona
    api = {t["key"]: t for t in client.get(reverse("api-1:get_workbench")).json()["office"]}
    assert (api["jobs"]["count"], api["jobs"]["url"]) == (3, url)
    assert api["jobs"]["label"] == "失败或中断的后台任务"


def test_each_row_says_who_when_what_failed_and_where_to_act(cast, client, jobs):
    client.force_login(cast.county_staff)
    html = client.get(reverse("core:jobs_attention")).content.decode()
    by_kind = dict(re.findall(r'<tr data-job="([^"]+)">(.*?)</tr>', html, re.S))
    imp = ImportJob.objects.get(original_name="宁乡学校名录.xlsx")
    assert "第 3 行：学校标识码重复" in by_kind["import"] and f'href="/imports/{imp.pk}/"' in by_kind["import"]
    assert str(cast.county_staff) in by_kind["import"] and "学校名录：宁乡学校名录.xlsx" in by_kind["import"]
    # the stalled run was failed by the page, with the sweep's message, and links to its monitoring page
    run = MonitoringRun.objects.get(region__code="430182", year=2024)
    assert run.status == "failed" and "已自动重试 3 次" in run.message
    assert run.message in by_kind["monitoring"] and "系统（手动重新计算）" in by_kind["monitoring"]
    link = re.search(r'href="([^"]+)" data-testid="job-link">去重新计算<', by_kind["monitoring"]).group(1).replace("&amp;", "&")
    assert link == reverse("monitoring:index") + "?region=430182&year=2024"
    page = client.get(link).content.decode()
    assert 'data-testid="recompute"' in page and 'data-status="failed"' in page
    batch = PlaqueBatch.objects.get(title="宁乡市督导公示牌")
    assert f'href="{reverse("zones:plaque_batch", args=[batch.pk])}"' in by_kind["plaque"]
    assert client.get(reverse("zones:plaque_batch", args=[batch.pk])).status_code == 200


def test_a_stalled_run_that_is_requeued_is_not_counted(cast, client):
    """A run whose worker died with retries left is enqueued again: nothing for the office to do."""
    run = _run("430182", status="running", minutes_ago=30, attempts=0)
    client.force_login(cast.county_staff)
    count, url = _tile(client)
    run.refresh_from_db()
    assert (count, run.status, run.attempts) == (0, "queued", 1)
    assert 'data-testid="jobs-empty"' in client.get(url).content.decode()


def test_empty_state_and_pagination(cast, client):
    client.force_login(cast.county_staff)
    html = client.get(reverse("core:jobs_attention")).content.decode()
    assert 'data-testid="jobs-empty"' in html and "近 7 天内没有失败或中断的后台任务" in html
    PlaqueBatch.objects.bulk_create([PlaqueBatch(title=f"批次{i:02d}", created_by=cast.county_staff, status="failed")
                                     for i in range(25)])
    assert _tile(client)[0] == 25
    first = client.get(reverse("core:jobs_attention")).content.decode()
    second = client.get(reverse("core:jobs_attention") + "?page=2").content.decode()
    assert len(_rows(first)) == 20 and len(_rows(second)) == 5
    assert 'data-testid="result-count">共 25 条<' in second


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona(cast, client, jobs, persona):
    """The scope walk of "core:jobs_attention": office staff and admins get their rows, nobody sees
    a job outside their scope, everyone else is refused (403) like the import pages."""
    client.force_login(getattr(cast, persona))
    response = client.get(reverse("core:jobs_attention"))
    if persona not in WRITERS:
        assert response.status_code == 403, persona
        assert 'data-testid="tile-jobs"' not in client.get(reverse("core:home")).content.decode()
        return
    assert response.status_code == 200
    html = response.content.decode()
    rows = _rows(html)
    if persona != "admin":
        assert "东城区" not in html and "浏阳学校名录.xlsx" not in html, persona
    else:
        assert "东城区" in html and "浏阳学校名录.xlsx" in html
    assert _tile(client)[0] == len(rows), persona


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("core:jobs_attention"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_page_and_tile_in_english(cast, client, jobs):
    client.force_login(cast.county_staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    home = client.get(reverse("core:home")).content.decode()
    assert "Failed or stalled background jobs" in home and "失败或中断的后台任务" not in home
    html = client.get(reverse("core:jobs_attention")).content.decode()
    assert "Background jobs needing attention" in html and "Started by" in html
    assert "System (manual recompute)" in html and "后台任务需处理" not in html
