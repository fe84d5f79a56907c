"""Every list export that may be large (schools, supervisors, the visit ledger) gives the same file
written in the background (core/exports.py) as at once, cell for cell."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dudao.core.models import ExportJob, ExportStatus


def _sheets(response) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


@pytest.mark.parametrize(("url", "params"), [
    ("schools:export", {}), ("schools:export", {"q": "宁乡"}), ("supervisors:export", {}),
    ("visits:log_export", {"region": "430182"}), ("visits:log_export", {}),
])
def test_the_background_file_is_the_file_at_once(cast, client, office_world, settings, url, params,
                                                 django_capture_on_commit_callbacks):
    client.force_login(cast.city_staff)
    at_once = _sheets(client.get(reverse(url), params))
    rows = sum(len(sheet) - 1 for name, sheet in at_once.items() if name != "说明")
    assert rows >= 1
    settings.EXPORT_ASYNC_ROWS = 1
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse(url), params)
    # then
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:export_job", args=[job.pk])
    assert (job.status, job.total_rows, job.processed_rows) == (ExportStatus.SUCCEEDED, rows, rows)
    assert _sheets(client.get(reverse("core:export_download", args=[job.pk]))) == at_once
