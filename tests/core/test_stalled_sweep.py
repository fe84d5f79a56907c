"""Nothing runs forever (issue [6] item 4): the scheduler's sweep (core/jobs.py, core/schedule.py)
re-queues a job whose worker was lost a capped number of times, then fails it with a Chinese
message; an import whose worker died mid-run is failed at once (its file may be the cause); the
monitoring page stops polling a dead run and offers 重新计算 again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.core import schedule
from dudao.core.jobs import MAX_ATTEMPTS, sweep_stalled
from dudao.core.models import ScheduledRun
from dudao.imports.models import ImportJob
from dudao.imports.services import import_job_create
from dudao.monitoring.models import MonitoringRun, RunStatus
from dudao.regions.models import Region
from dudao.zones.models import PlaqueBatch
from dudao.zones.plaques import plaque_batch_create
from tests.imports.helpers import csv_bytes, upload
from tests.monitoring.dash_support import YEAR, build

HEADER = ["学校标识码", "学年", "学段", "在校生数"]


@pytest.fixture(autouse=True)
def _no_other_runs(request):
    """The cast's base data queued recomputes of its own (signals): only the runs made here count."""
    if "cast" in request.fixturenames or "world" in request.fixturenames:
        request.getfixturevalue("world" if "world" in request.fixturenames else "cast")
        MonitoringRun.objects.all().delete()


def _run(status: str, *, started_minutes: int | None = None, requested_minutes: int = 0, attempts: int = 0):
    now = timezone.now()
    run = MonitoringRun.objects.create(year=YEAR, region=Region.objects.get(code="430182"), trigger="manual",
                                       status=status, attempts=attempts)
    MonitoringRun.objects.filter(pk=run.pk).update(
        requested_at=now - timedelta(minutes=requested_minutes),
        started_at=None if started_minutes is None else now - timedelta(minutes=started_minutes))
    return run


def test_a_monitoring_run_stuck_in_running_is_requeued_by_the_sweep(cast, django_capture_on_commit_callbacks):
    run = _run(RunStatus.RUNNING, started_minutes=25, requested_minutes=26)
    fresh = _run(RunStatus.RUNNING, started_minutes=5, requested_minutes=6)  # slow, not dead
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert sweep_stalled() == {"monitoring.MonitoringRun": 1}
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED and run.attempts == 1 and len(callbacks) == 1
    assert MonitoringRun.objects.get(pk=fresh.pk).status == RunStatus.RUNNING
    with django_capture_on_commit_callbacks(execute=True):
        sweep_stalled()  # requested a moment ago: left alone
    assert MonitoringRun.objects.get(pk=run.pk).status == RunStatus.QUEUED


def test_a_run_that_died_max_times_is_failed_not_requeued(cast, django_capture_on_commit_callbacks):
    run = _run(RunStatus.RUNNING, started_minutes=25, attempts=MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sweep_stalled()
    run.refresh_from_db()
    assert callbacks == [] and run.status == RunStatus.FAILED and run.finished_at is not None
    assert run.message.startswith("计算中断") and f"已自动重试 {MAX_ATTEMPTS} 次" in run.message
    assert run.attempts == MAX_ATTEMPTS


def test_a_queued_run_no_worker_took_is_requeued_then_failed(cast, django_capture_on_commit_callbacks):
    run = _run(RunStatus.QUEUED, requested_minutes=30)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            sweep_stalled(timezone.now() + timedelta(minutes=30 * attempt))
        run.refresh_from_db()
        assert run.status == RunStatus.QUEUED and run.attempts == attempt and len(callbacks) == 1
    sweep_stalled(timezone.now() + timedelta(minutes=30 * (MAX_ATTEMPTS + 1)))
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "计算中断" in run.message


def test_an_import_whose_worker_died_is_failed_by_the_sweep_never_requeued(cast, django_capture_on_commit_callbacks):
    job = import_job_create(user=cast.county_staff, kind="year_data",
                            upload=upload("年度.csv", csv_bytes(HEADER, [[cast.A1.code, "2024", "小学", "300"]])))
    ImportJob.objects.filter(pk=job.pk).update(status="validating", updated_at=timezone.now() - timedelta(minutes=16))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert sweep_stalled() == {"imports.ImportJob": 1}
    job.refresh_from_db()
    assert callbacks == [] and job.status == "failed" and job.attempts == 0
    assert job.message.startswith("导入中断") and "未写入任何数据" in job.message
    assert not cast.A1.year_data.filter(year=2024, students=300).exists()


def test_an_import_never_claimed_is_requeued_at_most_max_times(cast, django_capture_on_commit_callbacks):
    job = import_job_create(user=cast.county_staff, kind="year_data",
                            upload=upload("年度.csv", csv_bytes(HEADER, [[cast.A1.code, "2024", "小学", "300"]])))
    ImportJob.objects.filter(pk=job.pk).update(attempts=MAX_ATTEMPTS, updated_at=timezone.now() - timedelta(minutes=20))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sweep_stalled()
    job.refresh_from_db()
    assert callbacks == [] and job.status == "failed" and f"已自动重试 {MAX_ATTEMPTS} 次" in job.message


def test_a_plaque_batch_whose_worker_died_is_failed_by_the_sweep(cast):
    batch = plaque_batch_create(by=cast.county_staff, title="宁乡公示牌", schools=[cast.A1])
    PlaqueBatch.objects.filter(pk=batch.pk).update(status="running", updated_at=timezone.now() - timedelta(minutes=30))
    sweep_stalled()
    batch.refresh_from_db()
    assert batch.status == "failed" and "生成中断" in batch.message


def test_the_scheduler_tick_sweeps(cast, monkeypatch):
    run = _run(RunStatus.RUNNING, started_minutes=25, attempts=MAX_ATTEMPTS)
    monkeypatch.setattr(schedule, "due_jobs", lambda now=None: [])
    schedule.run_due(inline=True)  # cron mode (`dudao scheduler --once`) sweeps too
    assert MonitoringRun.objects.get(pk=run.pk).status == RunStatus.FAILED


def test_a_daily_run_whose_worker_died_is_run_again_then_closed(db, django_capture_on_commit_callbacks):
    now = timezone.now()
    run = ScheduledRun.objects.create(name="core.media_cleanup", run_date=timezone.localdate(now))
    ScheduledRun.objects.filter(pk=run.pk).update(started_at=now - timedelta(hours=3))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert schedule.requeue_lost(now) == [run.pk]
    run.refresh_from_db()
    assert run.started_at is None and run.attempts == 1 and len(callbacks) == 1
    ScheduledRun.objects.filter(pk=run.pk).update(started_at=now - timedelta(hours=3), attempts=MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert schedule.requeue_lost(now) == []
    run.refresh_from_db()
    assert callbacks == [] and run.status == "failed" and "运行中断" in run.error and "--run core.media_cleanup" in run.error


@pytest.fixture
def world(cast):
    return cast, build(cast)


def test_the_polling_fragment_stops_polling_a_dead_run_and_offers_recompute(world, client):
    cast, _made = world
    run = _run(RunStatus.RUNNING, started_minutes=25, attempts=MAX_ATTEMPTS)
    MonitoringRun.objects.filter(pk=run.pk).update(requested_at=timezone.now() + timedelta(hours=1))  # the newest
    client.force_login(cast.county_staff)
    response = client.get(reverse("monitoring:run_status"), {"region": "430182", "year": YEAR, "watching": "1"},
                          HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'data-status="failed"' in html and "计算中断" in html
    assert "hx-trigger" not in html  # polling stops
    button = html[html.index('data-testid="recompute"'):]
    assert button[:button.index(">")].count("disabled") == 0  # 重新计算 offered again
    assert "重新计算" in html


def test_a_failed_run_is_not_polled_on_the_page(world, client):
    cast, _made = world
    run = _run(RunStatus.FAILED, started_minutes=1)
    MonitoringRun.objects.filter(pk=run.pk).update(requested_at=timezone.now() + timedelta(hours=1), message="计算中断：测试。")
    client.force_login(cast.county_staff)
    html = client.get(reverse("monitoring:index"), {"region": "430182", "year": YEAR}).content.decode()
    assert 'data-status="failed"' in html and 'hx-trigger="every 2s"' not in html


def test_the_import_progress_fragment_stops_polling_a_dead_job(cast, client):
    job = import_job_create(user=cast.county_staff, kind="year_data",
                            upload=upload("年度.csv", csv_bytes(HEADER, [[cast.A1.code, "2024", "小学", "300"]])))
    ImportJob.objects.filter(pk=job.pk).update(status="validating", updated_at=timezone.now() - timedelta(minutes=16))
    client.force_login(cast.county_staff)
    html = client.get(reverse("imports:detail", kwargs={"pk": job.pk}), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="failed"' in html and "hx-trigger" not in html and "导入中断" in html
