from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dudao.regions.models import Office
from dudao.supervisors.services import supervisor_create


@pytest.fixture
def ningxiang(cast):
    return Office.objects.get(region__code="430182")


@pytest.fixture
def liuyang(cast):
    return Office.objects.get(region__code="430181")


@pytest.fixture
def make_supervisor(ningxiang):
    """A supervisor registered through the service (so the entry event exists), 宁乡 by default."""
    counter = iter(range(1000))

    def _make(name: str | None = None, office=None, kind: str = "full_time", **extra):
        n = next(counter)
        fields = {"phone": f"1391234{n:04d}", "level": "county", **extra}
        return supervisor_create(by=None, office=office or ningxiang, name=name or f"督学{n}", kind=kind, **fields)

    return _make


def image_upload(name: str = "photo.png", size: tuple[int, int] = (1200, 800), fmt: str = "PNG") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buf, format=fmt)
    return SimpleUploadedFile(name, buf.getvalue(), content_type=f"image/{fmt.lower()}")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded photos go to a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
