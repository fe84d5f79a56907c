"""Files no row refers to are removed by the daily `core.media_cleanup`, and nothing else is."""

from __future__ import annotations

import os
import time
from datetime import date

import pytest
from django.core.files.base import ContentFile

from dudao.core import schedule
from dudao.core.media import media_cleanup
from dudao.regions.models import Region
from dudao.regions.services import office_ensure
from dudao.supervisors.models import Supervisor
from dudao.supervisors.services import supervisor_create

DAY = 24 * 3600


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _file(media, name: str, *, age_days: float) -> str:
    path = media / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * 100)
    old = time.time() - age_days * DAY
    os.utime(path, (old, old))
    return name


def test_only_old_unreferenced_files_in_our_upload_folders_go(media, db):
    office = office_ensure(region=Region.objects.get(code="430182"))
    kept_photo = supervisor_create(by=None, office=office, name="有照片", kind="full_time", level="county",
                                   phone="13712340000", appointed_on=date(2020, 1, 1))
    kept_photo.photo.save("kept.jpg", ContentFile(b"jpeg"), save=True)
    os.utime(media / kept_photo.photo.name, (time.time() - 9 * DAY,) * 2)
    orphan = _file(media, "supervisors/photos/replaced.jpg", age_days=3)  # a photo since replaced
    fresh = _file(media, "visits/photos/2026/12/uploading.jpg", age_days=0.1)  # an upload in progress
    rolled_back = _file(media, "findings/evidence/2026/11/refused.pdf", age_days=2)
    elsewhere = _file(media, "backups/keep-me.xlsx", age_days=30)  # not one of our upload folders (exports/ is: core/exports.py)

    result = media_cleanup()

    assert result["deleted"] == 2 and result["bytes"] == 200
    assert not (media / orphan).exists() and not (media / rolled_back).exists()
    assert (media / kept_photo.photo.name).exists() and (media / fresh).exists() and (media / elsewhere).exists()
    assert Supervisor.objects.get(pk=kept_photo.pk).photo.name == kept_photo.photo.name
    assert media_cleanup()["deleted"] == 0  # nothing left to do


def test_an_empty_media_folder_is_fine(media, db):
    assert media_cleanup() == {"checked": 0, "deleted": 0, "bytes": 0}


def test_the_job_is_registered():
    job = schedule.get_job("core.media_cleanup")
    assert job is not None and job.load() is media_cleanup
