"""Photos on the phone form: type and size checked, EXIF time and position read, shrunk without EXIF,
stored with their SHA-256 so a retried or repeated upload adds nothing."""

from __future__ import annotations

import hashlib
import io
import uuid
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from dudao.visits.models import VisitPhoto
from dudao.visits.services import MAX_PHOTO_BYTES
from tests.visits.field_support import draft_visit, jpeg, submitted_visit


@pytest.fixture
def draft(cast, field):
    return draft_visit(cast.supervisor, cast.A1, photo=False)


def _upload(client, visit, raw: bytes, *, name="现场.jpg", content_type="image/jpeg", client_id=None):
    return client.post(reverse("visits:photo_upload", args=[visit.client_id]),
                       {"client_id": str(client_id or uuid.uuid4()), "file": SimpleUploadedFile(name, raw, content_type=content_type)},
                       HTTP_ACCEPT="application/json")


def test_photo_is_resized_exif_read_and_hashed(cast, client, draft):
    client.force_login(cast.supervisor)
    raw = jpeg(4000, 3000, exif=True)
    response = _upload(client, draft, raw)
    assert response.status_code == 201
    data = response.json()
    photo = VisitPhoto.objects.get()
    assert (photo.width, photo.height) == (1600, 1200) and (data["width"], data["height"]) == (1600, 1200)
    assert photo.content_hash == hashlib.sha256(raw).hexdigest() and photo.original_bytes == len(raw)
    assert timezone.localtime(photo.taken_at).replace(tzinfo=None) == datetime(2026, 3, 5, 9, 41)
    assert photo.exif_latitude == Decimal("28.250000") and photo.exif_longitude == Decimal("112.550000")
    with photo.image.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert stored.format == "JPEG" and stored.size == (1600, 1200)
    assert not stored.getexif().get_ifd(0x8825)  # the stored copy carries no position
    assert data["url"] == reverse("visits:photo", args=[photo.pk])


def test_same_photo_twice_is_stored_once(cast, client, draft):
    client.force_login(cast.supervisor)
    raw = jpeg(800, 600)
    retry_id = uuid.uuid4()
    first = _upload(client, draft, raw, client_id=retry_id)
    retried = _upload(client, draft, raw, client_id=retry_id)  # the same upload after a dropped connection
    again = _upload(client, draft, raw)  # the same picture chosen a second time
    assert first.status_code == 201 and retried.status_code == 200 and again.status_code == 200
    assert first.json()["id"] == retried.json()["id"] == again.json()["id"]
    assert VisitPhoto.objects.count() == 1


@pytest.mark.parametrize(("name", "raw", "content_type", "message"), [
    ("资料.pdf", b"%PDF-1.4 not a photo", "application/pdf", "只支持 JPG、PNG、WebP 格式的照片"),
    ("假图.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg", "文件不是有效的图片。"),
])
def test_not_a_photo_is_refused(cast, client, draft, name, raw, content_type, message):
    client.force_login(cast.supervisor)
    response = _upload(client, draft, raw, name=name, content_type=content_type)
    assert response.status_code == 400 and message in response.json()["error"]
    assert not VisitPhoto.objects.exists()


def test_a_gif_is_refused_by_its_content(cast, client, draft):
    client.force_login(cast.supervisor)
    out = io.BytesIO()
    Image.new("RGB", (40, 40)).save(out, format="GIF")
    response = _upload(client, draft, out.getvalue(), name="动图.jpg", content_type="image/jpeg")
    assert response.status_code == 400 and "只支持 JPG、PNG、WebP" in response.json()["error"]


def test_too_large_is_refused(cast, client, draft):
    client.force_login(cast.supervisor)
    response = _upload(client, draft, b"\xff\xd8" + b"0" * (MAX_PHOTO_BYTES + 1))
    assert response.status_code == 400 and "单张不超过 15 MB" in response.json()["error"]


def test_png_is_accepted_and_stored_as_jpeg(cast, client, draft):
    client.force_login(cast.supervisor)
    out = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 0, 0, 0)).save(out, format="PNG")
    response = _upload(client, draft, out.getvalue(), name="截图.png", content_type="image/png")
    assert response.status_code == 201
    assert VisitPhoto.objects.get().image.name.endswith(".jpg")


def test_photo_upload_without_script_redirects_back(cast, client, draft):
    client.force_login(cast.supervisor)
    response = client.post(reverse("visits:photo_upload", args=[draft.client_id]),
                           {"file": SimpleUploadedFile("a.jpg", jpeg(100, 100), content_type="image/jpeg")})
    assert response.status_code == 302 and response["Location"] == reverse("visits:field_form", args=[draft.client_id])
    assert VisitPhoto.objects.count() == 1


def test_remove_a_photo_from_a_draft(cast, client, draft):
    client.force_login(cast.supervisor)
    _upload(client, draft, jpeg(100, 100))
    photo = VisitPhoto.objects.get()
    name = photo.image.name
    response = client.post(reverse("visits:photo_remove", args=[photo.client_id]), HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and not VisitPhoto.objects.exists()
    assert not photo.image.storage.exists(name)


def test_no_photo_added_or_removed_once_submitted(cast, client, field):
    visit = submitted_visit(cast.supervisor, cast.A1)
    client.force_login(cast.supervisor)
    response = _upload(client, visit, jpeg(120, 90, color=(1, 2, 3)))
    assert response.status_code == 403 and "已提交" in response.json()["error"]
    photo = visit.photos.get()
    removed = client.post(reverse("visits:photo_remove", args=[photo.client_id]), HTTP_ACCEPT="application/json")
    assert removed.status_code == 403 and visit.photos.count() == 1
