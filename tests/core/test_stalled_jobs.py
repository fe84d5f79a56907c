"""Jobs a worker lost (core/jobs.py): the page that shows one fails it with a clear message, or
enqueues it again when no worker ever took it — never a progress bar that stays put forever."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from dudao.imports.models import ImportJob
from dudao.imports.services import import_job_create
from dudao.zones.models import PlaqueBatch
from dudao.zones.plaques import plaque_batch_create
from tests.imports.helpers import csv_bytes, upload

HEADER = ["学校标识码", "学年", "学段", "在校生数"]


def _age(model, pk, minutes):
    model.objects.filter(pk=pk).update(updated_at=timezone.now() - timedelta(minutes=minutes))


def _job(cast, code):
    return import_job_create(user=cast.county_staff, kind="year_data",
                             upload=upload("年度.csv", csv_bytes(HEADER, [[code, "2024", "小学", "300"]])))


def test_an_import_whose_worker_died_fails_with_a_message(cast, client):
    job = _job(cast, cast.A1.code)
    ImportJob.objects.filter(pk=job.pk).update(status="writing")
    _age(ImportJob, job.pk, 16)
    client.force_login(cast.county_staff)
    page = client.get(reverse("imports:detail", kwargs={"pk": job.pk})).content.decode()
    job.refresh_from_db()
    assert job.status == "failed" and job.finished_at is not None
    assert "导入中断" in job.message and "导入中断" in page


def test_the_import_list_shows_a_dead_job_as_failed(cast, client):
    job = _job(cast, cast.A1.code)
    ImportJob.objects.filter(pk=job.pk).update(status="validating")
    _age(ImportJob, job.pk, 16)
    client.force_login(cast.county_staff)
    assert client.get(reverse("imports:list")).status_code == 200
    assert ImportJob.objects.get(pk=job.pk).status == "failed"


def test_a_working_import_is_left_alone(cast, client):
    job = _job(cast, cast.A1.code)
    ImportJob.objects.filter(pk=job.pk).update(status="validating")
    _age(ImportJob, job.pk, 5)  # its last heartbeat five minutes ago: slow, not dead
    client.force_login(cast.county_staff)
    client.get(reverse("imports:detail", kwargs={"pk": job.pk}))
    assert ImportJob.objects.get(pk=job.pk).status == "validating"


def test_an_import_no_worker_took_is_enqueued_again(cast, client, django_capture_on_commit_callbacks):
    job = _job(cast, cast.A1.code)
    _age(ImportJob, job.pk, 20)
    client.force_login(cast.county_staff)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.get(reverse("imports:detail", kwargs={"pk": job.pk}))
    assert callbacks  # enqueued again (then the finished import asks monitoring for a recompute)
    assert ImportJob.objects.get(pk=job.pk).status == "succeeded"  # the (immediate) test worker ran it


def test_a_plaque_batch_whose_worker_died_fails_with_a_message(cast, client):
    batch = plaque_batch_create(by=cast.county_staff, title="宁乡公示牌", schools=[cast.A1])
    PlaqueBatch.objects.filter(pk=batch.pk).update(status="running", done=0)
    _age(PlaqueBatch, batch.pk, 30)
    client.force_login(cast.county_staff)
    page = client.get(reverse("zones:plaque_batch", args=[batch.pk])).content.decode()
    batch.refresh_from_db()
    assert batch.status == "failed" and "生成中断" in batch.message and "生成中断" in page
