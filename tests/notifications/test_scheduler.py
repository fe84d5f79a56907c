"""The daily-job scheduler (core/schedule.py, `dudao scheduler`): once per day, even with two
schedulers; a failing job is recorded and the others still run; reruns change nothing."""

from __future__ import annotations

import io
import threading
from datetime import date, datetime, time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from dudao.core import schedule
from dudao.core.models import ScheduledRun

CALLS: list[str] = []


def job_ok() -> dict:
    CALLS.append("ok")
    return {"sent": 3, "day": date(2025, 10, 20)}


def job_fails() -> None:
    CALLS.append("fails")
    raise RuntimeError("邮件服务器不可用")


def job_late() -> str:
    CALLS.append("late")
    return "done"


def _at(day: date, hh: int, mm: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hh, mm)))


@pytest.fixture
def registry(monkeypatch):
    """A registry of our own test jobs instead of the apps' (the real one is tested at the end)."""
    monkeypatch.setattr(schedule, "_REGISTRY", {})
    monkeypatch.setattr(schedule, "_discovered", True)
    CALLS.clear()
    schedule.daily("test.ok", "tests.notifications.test_scheduler.job_ok", at="06:30")
    schedule.daily("test.fails", "tests.notifications.test_scheduler.job_fails", at="06:00")
    schedule.daily("test.late", "tests.notifications.test_scheduler.job_late", at="22:15")
    return schedule._REGISTRY


DAY = date(2025, 10, 20)


@pytest.fixture
def always_due(registry):
    """The same jobs, due from midnight: for what runs on the real clock (the command, the loop)."""
    registry.clear()
    for name in ("ok", "fails", "late"):
        schedule.daily(f"test.{name}", f"tests.notifications.test_scheduler.job_{name}", at="00:00")
    return registry


def test_registering_is_one_line_and_checked(registry):
    assert schedule.daily("test.ok", "tests.notifications.test_scheduler.job_ok", at="06:30") == registry["test.ok"]
    with pytest.raises(ImproperlyConfigured):
        schedule.daily("test.ok", "tests.notifications.test_scheduler.job_late", at="06:30")
    with pytest.raises(ImproperlyConfigured):
        schedule.daily("test.bad", "tests.notifications.test_scheduler.job_ok", at="6 点半")
    with pytest.raises(ImproperlyConfigured):
        schedule.daily("test.bad", "job_ok")
    assert [j.name for j in schedule.registered()] == ["test.fails", "test.ok", "test.late"]  # by time of day


def test_jobs_run_from_their_time_once_a_day(db, registry):
    assert schedule.run_due(now=_at(DAY, 5, 59), inline=True) == []
    runs = schedule.run_due(now=_at(DAY, 6, 45), inline=True)
    assert sorted(r.name for r in runs) == ["test.fails", "test.ok"] and sorted(CALLS) == ["fails", "ok"]
    assert schedule.run_due(now=_at(DAY, 6, 46), inline=True) == []
    assert schedule.run_due(now=_at(DAY, 23, 0), inline=True)[0].name == "test.late"
    assert schedule.run_due(now=_at(DAY, 23, 59), inline=True) == []
    assert sorted(CALLS) == ["fails", "late", "ok"]
    # the next day, everything again
    assert len(schedule.run_due(now=_at(date(2025, 10, 21), 23, 0), inline=True)) == 3
    assert ScheduledRun.objects.count() == 6 and len(CALLS) == 6


def test_a_failing_job_is_recorded_and_the_others_still_run(db, registry):
    schedule.run_due(now=_at(DAY, 7), inline=True)
    failed = ScheduledRun.objects.get(name="test.fails", run_date=DAY)
    assert failed.status == "failed" and "RuntimeError: 邮件服务器不可用" in failed.error and failed.finished_at
    ok = ScheduledRun.objects.get(name="test.ok", run_date=DAY)
    assert ok.status == "done" and ok.error == "" and ok.result == {"sent": 3, "day": "2025-10-20"}
    assert ok.started_at <= ok.finished_at


def test_two_schedulers_run_a_job_once(db, registry):
    job = registry["test.ok"]
    first = schedule.claim(job, DAY)
    assert first is not None and schedule.claim(job, DAY) is None  # the second process loses the row
    runs = schedule.run_due(now=_at(DAY, 7), inline=True)
    assert [r.name for r in runs] == ["test.fails"]  # test.ok belongs to the first process
    schedule.execute(first.pk)
    schedule.execute(first.pk)  # a duplicate delivery of the task does nothing
    assert CALLS.count("ok") == 1


def test_enqueued_runs_go_through_the_task_queue(db, registry, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        runs = schedule.run_due(now=_at(DAY, 7))
        assert CALLS == []  # only claimed and queued so far
    assert len(callbacks) == 2 and sorted(CALLS) == ["fails", "ok"]  # the (immediate) test worker ran them
    assert {r.name: r.status for r in ScheduledRun.objects.filter(pk__in=[r.pk for r in runs])} == {
        "test.ok": "done", "test.fails": "failed"}


def test_a_run_whose_task_was_lost_is_enqueued_again(db, registry, django_capture_on_commit_callbacks):
    from datetime import timedelta

    noon = _at(DAY, 12)
    run = ScheduledRun.objects.create(name="test.ok", run_date=DAY)  # claimed at 06:30, its task lost
    ScheduledRun.objects.filter(pk=run.pk).update(updated_at=noon - timedelta(minutes=31))
    fresh = ScheduledRun.objects.create(name="test.fails", run_date=DAY)  # claimed a minute ago: left alone
    ScheduledRun.objects.filter(pk=fresh.pk).update(updated_at=noon - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        schedule.run_due(now=noon)
    run.refresh_from_db()
    assert run.status == "done" and CALLS.count("ok") == 1
    assert ScheduledRun.objects.get(pk=fresh.pk).started_at is None
    with django_capture_on_commit_callbacks(execute=True) as again:
        assert schedule.requeue_lost(noon) == []  # started now: never again
    assert again == [] and CALLS.count("ok") == 1


def test_an_unknown_job_is_recorded_as_an_error(db, registry):
    run = ScheduledRun.objects.create(name="test.gone", run_date=DAY)
    run = schedule.execute(run.pk)
    assert run.status == "failed" and "test.gone" in run.error


def test_the_command_once_list_and_run(db, always_due):
    out, err = io.StringIO(), io.StringIO()
    call_command("scheduler", "--once", stdout=out, stderr=err)
    assert "✓ test.ok" in out.getvalue() and "✓ test.late" in out.getvalue()
    assert "✗ test.fails" in err.getvalue() and "邮件服务器不可用" in err.getvalue()
    assert sorted(CALLS) == ["fails", "late", "ok"]
    out = io.StringIO()
    call_command("scheduler", "--once", stdout=out)
    assert "没有到点的任务" in out.getvalue() and len(CALLS) == 3  # rerun: nothing
    call_command("scheduler", "--run", "test.ok", stdout=io.StringIO())  # the operator forces a rerun
    assert CALLS.count("ok") == 2 and ScheduledRun.objects.filter(name="test.ok").count() == 1
    out = io.StringIO()
    call_command("scheduler", "--list", stdout=out)
    assert "test.ok" in out.getvalue() and "done" in out.getvalue() and "failed" in out.getvalue()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("scheduler", "--run", "test.nope")


class OneTick(threading.Event):
    """Stops the loop after its first tick instead of sleeping a minute."""

    def wait(self, timeout=None):
        self.set()
        return True


def test_the_loop_enqueues_due_jobs_and_survives_a_broken_tick(transactional_db, always_due, monkeypatch):
    schedule.loop(stop=OneTick())  # enqueued after the (autocommit) claim; the immediate test worker runs them
    assert sorted(CALLS) == ["fails", "late", "ok"]
    assert {r.name: r.status for r in ScheduledRun.objects.all()} == {
        "test.ok": "done", "test.fails": "failed", "test.late": "done"}
    schedule.loop(stop=OneTick())
    assert len(CALLS) == 3  # the next tick finds nothing due
    ticks = []

    def broken(**kwargs):
        ticks.append(1)
        raise ConnectionError("database restarting")

    monkeypatch.setattr(schedule, "run_due", broken)
    schedule.loop(stop=OneTick())  # logged, not raised
    assert ticks == [1]


def test_seconds_to_next_minute():
    assert schedule.seconds_to_next_minute(_at(DAY, 7, 0).replace(second=45)) == 15
    assert schedule.seconds_to_next_minute(_at(DAY, 7, 0).replace(second=59, microsecond=900000)) == 1.0


def test_the_real_registry_finds_the_apps_jobs_and_they_import():
    jobs = {job.name: job for job in schedule.registered()}
    assert jobs["visits.reminders"].path == "dudao.visits.reminders.reminders_send"
    assert jobs["visits.reminders"].at == time(7, 0)
    for job in jobs.values():
        assert callable(job.load()), job.name
