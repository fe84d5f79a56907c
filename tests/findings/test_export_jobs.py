"""Large Excel exports are written in the background (core/exports.py, issue [7]): the ledger's export
queues a job from `EXPORT_ASYNC_ROWS` rows, its page shows the progress and then the download, and the
file is the one the same filters give at once, cell for cell. Only its owner sees the job."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from dudao.core.exports import export_job_check_stalled, export_job_run, export_jobs_expire
from dudao.core.models import ExportJob, ExportStatus
from tests.personas import PERSONAS
from tests.xlsx import xlsx_rows


def _sheets(data: bytes) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


@pytest.fixture
def twelve(ledger):
    cast = ledger.cast
    today = timezone.localdate()
    return [ledger.make(cast.A1 if i % 2 else cast.A2, description=f"问题{i:02d}", deadline=today + timedelta(days=i - 6),
                        found_on=today - timedelta(days=10))
            for i in range(12)]


def _queue(client, settings, django_capture_on_commit_callbacks, params=None):
    settings.EXPORT_ASYNC_ROWS = 10
    with django_capture_on_commit_callbacks(execute=True):  # the tests' task backend runs the job at once
        response = client.get(reverse("findings:export"), params or {})
    assert response.status_code == 302
    return ExportJob.objects.get(), response


def test_a_large_export_is_written_in_the_background_with_the_same_content(
        twelve, cast, client, settings, django_capture_on_commit_callbacks):
    client.force_login(cast.county_staff)
    params = {"state": "open"}
    at_once = _sheets(b"".join(client.get(reverse("findings:export"), params).streaming_content))
    # when
    job, response = _queue(client, settings, django_capture_on_commit_callbacks, params)
    # then
    assert response["Location"] == reverse("core:export_job", args=[job.pk])
    assert (job.status, job.total_rows, job.processed_rows, job.created_by) == (ExportStatus.SUCCEEDED, 12, 12, cast.county_staff)
    assert job.params == {"state": ["open"]}
    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page and "已写入 12 / 12 行" in page and 'hx-trigger' not in page
    download = client.get(reverse("core:export_download", args=[job.pk]))
    assert download["Content-Disposition"] == "attachment; filename*=UTF-8''" + job.filename.replace("整改台账", "%E6%95%B4%E6%94%B9%E5%8F%B0%E8%B4%A6")
    assert _sheets(b"".join(download.streaming_content)) == at_once
    assert len(at_once["整改台账"]) == 13


def test_a_small_export_is_still_sent_at_once(twelve, cast, client, settings):
    settings.EXPORT_ASYNC_ROWS = 13
    client.force_login(cast.county_staff)
    rows = xlsx_rows(client.get(reverse("findings:export")))
    assert len(rows) == 13 and not ExportJob.objects.exists()


def test_only_the_owner_sees_the_job_and_its_file(twelve, cast, client, settings, django_capture_on_commit_callbacks):
    client.force_login(cast.county_staff)
    job, _response = _queue(client, settings, django_capture_on_commit_callbacks)
    for persona in PERSONAS:
        other = getattr(cast, persona)
        if other == cast.county_staff:
            continue
        client.force_login(other)
        assert client.get(reverse("core:export_job", args=[job.pk])).status_code == 404
        assert client.get(reverse("core:export_download", args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("core:export_download", args=[job.pk])).status_code == 302  # to the login page


def test_a_waiting_job_polls_and_offers_no_download(twelve, cast, client, settings):
    settings.EXPORT_ASYNC_ROWS = 10
    client.force_login(cast.county_staff)
    response = client.get(reverse("findings:export"))  # not committed yet: no worker has it
    job = ExportJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert job.status == ExportStatus.PENDING and "排队中" in page and 'hx-trigger="every 2s"' in page
    assert client.get(reverse("core:export_download", args=[job.pk])).status_code == 404
    # the worker's run, then the page
    export_job_run(job_id=job.pk)
    export_job_run(job_id=job.pk)  # a second delivery of the task changes nothing
    job.refresh_from_db()
    assert (job.status, job.processed_rows) == (ExportStatus.SUCCEEDED, 12)


def test_a_builder_that_fails_fails_the_job_with_a_message(cast):
    job = ExportJob.objects.create(kind="dudao.findings.views.no_such_builder", title="整改台账", created_by=cast.county_staff)
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "导出失败" in job.message and not job.file


def test_a_job_whose_worker_died_is_queued_again(twelve, cast, django_capture_on_commit_callbacks):
    job = ExportJob.objects.create(kind="dudao.findings.views.ledger_workbook", title="整改台账", status=ExportStatus.RUNNING,
                                   created_by=cast.county_staff)
    ExportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_check_stalled(ExportJob.objects.get(pk=job.pk))
    job.refresh_from_db()
    assert (job.status, job.attempts, job.processed_rows) == (ExportStatus.SUCCEEDED, 1, 12)


def test_old_exports_are_deleted_with_their_file(twelve, cast, client, settings, django_capture_on_commit_callbacks):
    client.force_login(cast.county_staff)
    job, _response = _queue(client, settings, django_capture_on_commit_callbacks)
    path = job.file.path
    assert export_jobs_expire() == {"deleted": 0}
    assert export_jobs_expire(now=timezone.now() + timedelta(days=8)) == {"deleted": 1}
    assert not ExportJob.objects.exists()
    import os

    assert not os.path.exists(path)
