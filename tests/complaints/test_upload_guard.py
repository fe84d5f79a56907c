"""The public complaint form and API (issue [6] item 5): every attempt counts toward the rate
limit, and the number and size of photos are capped before any file is read (complaints/guard.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.request import HttpRequest
from django.urls import reverse

from dudao.complaints.models import Complaint
from tests.complaints.conftest import PHONE, jpeg_bytes, solved

TEXT = "学校要求每个学生缴纳 300 元“自愿”捐资助学款。"


def _form(client, school, **fields):
    token, answer = solved()
    data = {"category": "fees", "text": TEXT, "phone": PHONE, "contact_name": "张女士", "token": token,
            "answer": answer, "website": ""}
    data.update(fields)
    return client.post(reverse("public:complaint", args=[school.code]), data)


def _api(client, school, **fields):
    token, answer = solved()
    data = {"school_code": school.code, "category": "safety", "text": "校门口没有护学岗，放学时车辆很多。",
            "token": token, "answer": answer}
    data.update(fields)
    return client.post(reverse("api-1:complaint_submit"), data)


@pytest.fixture
def unread(monkeypatch):
    """Fails the test if a photo is decoded (and records whether the body was parsed at all)."""
    parsed = []
    original = HttpRequest._load_post_and_files

    def load(self):
        parsed.append(self.path)
        return original(self)

    def no_decoding(raw):
        raise AssertionError("a refused photo was read")

    monkeypatch.setattr(HttpRequest, "_load_post_and_files", load)
    monkeypatch.setattr("dudao.visits.services.photo_facts", no_decoding)
    return parsed


def test_failed_attempts_count_toward_the_limit(cast, team, client, settings):
    settings.DUDAO_COMPLAINT_ATTEMPTS_PER_IP_PER_HOUR = 3
    assert _form(client, cast.A1, answer="99").status_code == 400  # wrong answers: refused, but counted
    assert _api(client, cast.A1, answer="99").status_code == 400  # the API shares the count
    assert _form(client, cast.A1, website="x").status_code == 400  # the honeypot too
    limited = _form(client, cast.A1)  # right this time, but the address is spent
    assert limited.status_code == 429 and "太频繁" in limited.content.decode()
    response = _api(client, cast.A2)
    assert response.status_code == 429 and "太频繁" in response.json()["detail"]
    assert not Complaint.objects.exists()


def test_a_body_larger_than_the_photos_allowed_is_refused_unread(cast, team, client, settings, unread):
    settings.DUDAO_COMPLAINT_MAX_PHOTO_BYTES = 10_000
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"\0" * 400_000, content_type="image/jpeg")  # > 3 × 10 KB + text
    response = _form(client, cast.A1, photos=[big])
    assert response.status_code == 413 and "提交的内容过大" in response.content.decode()
    big.seek(0)
    api = _api(client, cast.A1, photos=[big])
    assert api.status_code == 413 and "最多 3 张照片" in api.json()["detail"]
    assert api.json()["code"] == "too_large" and set(api.json()) == {"code", "detail", "field", "errors"}
    assert unread == [] and not Complaint.objects.exists()  # the body was never parsed


def test_a_fourth_photo_is_never_stored(cast, team, client, unread):
    photos = [SimpleUploadedFile(f"p{n}.jpg", jpeg_bytes((10 + n, 10)), content_type="image/jpeg") for n in range(4)]
    response = _form(client, cast.A1, photos=photos)
    assert response.status_code == 400 and "最多上传 3 张照片" in response.content.decode()
    for p in photos:
        p.seek(0)
    api = _api(client, cast.A1, photos=photos)
    assert api.status_code == 400 and "最多上传 3 张照片" in api.json()["detail"]
    assert not Complaint.objects.exists()


def test_an_oversized_photo_is_skipped_while_it_arrives(cast, team, client, settings, unread):
    settings.DUDAO_COMPLAINT_MAX_PHOTO_BYTES = 2 * 1048576
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"\0" * (2 * 1048576 + 10), content_type="image/jpeg")
    response = _form(client, cast.A1, photos=[big])  # the body fits 3 photos, this one file does not
    assert response.status_code == 400 and "照片过大" in response.content.decode()
    assert not Complaint.objects.exists()
