"""Issue [6] item 6: visit photos reach the problems they document, and the phone problem form
proposes the office's default rectification deadline.

On the phone form each problem lists the visit's photos to tick; the ticked ones are kept with the
problem, and when the visit is submitted they become the finding's first evidence (督导现场照片):
on the finding's page — for the school too, which never reads the visit's own photos — and as the
attachment of the rectification notice (PDF and Word)."""

from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dudao.findings.models import Finding, FindingPolicy
from dudao.findings.notices import notice_docx, notice_pdf
from dudao.regions.models import Office
from dudao.visits.models import Visit, VisitPhoto, VisitProblem
from tests.visits.field_support import category_code, draft_visit, jpeg, method_codes
from tests.zones.plaques_helpers import pdf_text


@pytest.fixture
def draft(cast, field) -> Visit:
    return draft_visit(cast.supervisor, cast.A1, photo=False, problems=[])


def _upload(client, visit: Visit, color) -> VisitPhoto:
    response = client.post(reverse("visits:photo_upload", args=[visit.client_id]),
                           {"client_id": str(uuid.uuid4()),
                            "file": SimpleUploadedFile("现场.jpg", jpeg(800, 600, color=color), content_type="image/jpeg")},
                           HTTP_ACCEPT="application/json")
    assert response.status_code == 201, response.content
    return VisitPhoto.objects.get(pk=response.json()["id"])


def _stored(photo: VisitPhoto) -> str:
    """The SHA-256 of the photo as stored (re-encoded), which its evidence copy carries."""
    with photo.image.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def _body(problems: list[dict]) -> str:
    return json.dumps({"mode": "announced", "methods": method_codes()[:1], "topics": ["supervision_item:1"],
                       "narrative": "巡视校园，查看实验室。", "opinions": "", "problems": problems})


def _problem(photos: list[str], description: str = "实验室灭火器已过有效期") -> dict:
    return {"category": category_code(), "description": description, "requirement": "立即更换过期消防器材",
            "deadline": (timezone.localdate() + timedelta(days=15)).isoformat(), "photos": photos}


# --- the proposed deadline ---------------------------------------------------------------------------


def _deadline_values(page: str) -> list[str]:
    return re.findall(r'name="problem_deadline"[^>]*value="([^"]*)"', page)


def test_a_new_problem_proposes_the_offices_default_deadline(cast, client, draft):
    # given: 宁乡's own time limits say 12 days (the model default would be 30)
    FindingPolicy.objects.create(office=Office.objects.get(region__code="430182"), default_deadline_days=12)
    client.force_login(cast.supervisor)
    # when
    page = client.get(reverse("visits:field_form", args=[draft.client_id])).content.decode()
    # then: the script's template and the script-less row both carry today + 12 days, with a hint
    expected = (timezone.localdate() + timedelta(days=12)).isoformat()
    assert _deadline_values(page) == [expected, expected]
    assert "按督导室设置默认 12 天，可修改。" in page


def test_without_an_office_setting_the_default_row_applies(cast, client, draft):
    client.force_login(cast.supervisor)
    page = client.get(reverse("visits:field_form", args=[draft.client_id])).content.decode()
    assert _deadline_values(page)[0] == (timezone.localdate() + timedelta(days=30)).isoformat()  # §1.8 default


def test_the_proposed_deadline_is_editable_and_alone_makes_no_problem(cast, client, draft):
    FindingPolicy.objects.create(office=Office.objects.get(region__code="430182"), default_deadline_days=12)
    client.force_login(cast.supervisor)
    proposed = (timezone.localdate() + timedelta(days=12)).isoformat()
    typed = (timezone.localdate() + timedelta(days=5)).isoformat()
    form = {"mode": "announced", "methods": method_codes()[:1], "topics": ["supervision_item:1"],
            "narrative": "随堂听课两节。", "opinions": ""}
    # the script-less form with two rows: one problem whose deadline was changed, one untouched row
    response = client.post(reverse("visits:field_submit", args=[draft.client_id]), {
        **form, "problem_category": [category_code(), ""], "problem_description": ["食堂留样记录不全", ""],
        "problem_requirement": ["完善留样记录", ""], "problem_deadline": [typed, proposed]})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [p.deadline.isoformat() for p in VisitProblem.objects.filter(visit=draft)] == [typed]
    assert Finding.objects.get(visit_problem__visit=draft).deadline.isoformat() == typed


# --- photos on problems -----------------------------------------------------------------------------


def test_photos_chosen_for_a_problem_become_its_evidence(cast, client, field, draft):
    client.force_login(cast.supervisor)
    extinguisher, canteen, unrelated = (_upload(client, draft, c) for c in ((200, 0, 0), (0, 200, 0), (0, 0, 200)))
    # another visit's photo and rubbish: never linked
    other = draft_visit(cast.supervisor, cast.A2, photo=True, problems=[])
    stranger = other.photos.get()
    problems = [_problem([str(extinguisher.client_id), str(stranger.client_id), "not-an-id"]),
                _problem([str(canteen.client_id), str(extinguisher.client_id)], "食堂留样柜温度记录不全"),
                _problem([], "校务公开栏内容未及时更新")]
    # when: an autosave keeps the choice, the draft page shows it ticked, then the submission
    response = client.post(reverse("visits:field_autosave", args=[draft.client_id]), _body(problems),
                           content_type="application/json")
    assert response.status_code == 200, response.content
    first, second, third = VisitProblem.objects.filter(visit=draft).order_by("id")
    assert set(first.photos.all()) == {extinguisher} and set(second.photos.all()) == {canteen, extinguisher}
    page = client.get(reverse("visits:field_form", args=[draft.client_id])).content.decode()
    assert re.search(rf'value="0:{extinguisher.client_id}" data-photo-choice checked', page)
    assert re.search(rf'value="0:{canteen.client_id}" data-photo-choice >', page)
    response = client.post(reverse("visits:field_submit", args=[draft.client_id]), _body(problems),
                           content_type="application/json")
    assert response.status_code == 200, response.content
    # then: each finding has exactly its photos as evidence, filed with its "created" step
    findings = list(Finding.objects.filter(visit_problem__visit=draft).order_by("visit_problem_id"))
    hashes = [sorted(f.evidence.values_list("content_hash", flat=True)) for f in findings]
    assert hashes == [[_stored(extinguisher)], sorted([_stored(canteen), _stored(extinguisher)]), []]
    evidence = findings[0].evidence.get()
    assert evidence.event.action == "created" and evidence.uploaded_by == cast.supervisor
    assert evidence.content_type == "image/jpeg" and evidence.original_name.startswith("督导现场照片")
    with evidence.file.open("rb") as copied, extinguisher.image.open("rb") as original:
        assert copied.read() == original.read()
    assert not Finding.objects.filter(evidence__content_hash=_stored(unrelated)).exists()


def test_the_school_sees_the_site_photos_on_its_finding(cast, client, field, draft):
    client.force_login(cast.supervisor)
    photo = _upload(client, draft, (200, 0, 0))
    client.post(reverse("visits:field_submit", args=[draft.client_id]), _body([_problem([str(photo.client_id)])]),
                content_type="application/json")
    finding = Finding.objects.get(visit_problem__visit=draft)
    evidence = finding.evidence.get()
    url = reverse("findings:evidence", args=[evidence.pk])
    # the visit's page shows the supervisor the photo under its problem …
    block = f'data-testid="problem-photos-{finding.visit_problem_id}"'
    page = client.get(reverse("visits:detail", args=[draft.pk])).content.decode()
    assert block in page and reverse("visits:photo", args=[photo.pk]) in page.split(block)[1].split("</div></div>")[0]
    # … the school does not read the visit's photos …
    client.force_login(cast.school_user)
    assert client.get(reverse("visits:photo", args=[photo.pk])).status_code == 404
    assert block not in client.get(reverse("visits:detail", args=[draft.pk])).content.decode()
    # … but sees the ones of its problem on the finding's page, and may open them
    page = client.get(reverse("findings:detail", args=[finding.pk])).content.decode()
    block = re.search(r'data-testid="site-photos"(.*?)</div>\s*</div>\s*</div>', page, re.S).group(1)
    assert block.count("<img") == 1 and f'src="{url}"' in block
    assert "现场照片" in re.search(r'data-testid="evidence"(.*?)</div>', page, re.S).group(1)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    # someone outside the scope sees neither
    client.force_login(cast.outsider)
    assert client.get(url).status_code == 404
    assert client.get(reverse("findings:detail", args=[finding.pk])).status_code == 404


def test_photos_are_chosen_without_script_too(cast, client, field, draft):
    client.force_login(cast.supervisor)
    photo = _upload(client, draft, (200, 0, 0))
    other = _upload(client, draft, (0, 200, 0))
    today = timezone.localdate()
    response = client.post(reverse("visits:field_submit", args=[draft.client_id]), {
        "mode": "announced", "methods": method_codes()[:1], "topics": ["supervision_item:1"], "narrative": "巡视校园。",
        "problem_category": [category_code(), category_code()], "problem_description": ["灭火器过期", "通道堆物"],
        "problem_requirement": ["更换", "清理"], "problem_deadline": [(today + timedelta(days=9)).isoformat()] * 2,
        "problem_photos": [f"1:{other.client_id}", f"0:{photo.client_id}", f"1:{photo.client_id}"]})
    assert response.status_code == 302
    first, second = VisitProblem.objects.filter(visit=draft).order_by("id")
    assert set(first.photos.all()) == {photo} and set(second.photos.all()) == {photo, other}
    assert Finding.objects.get(visit_problem=first).evidence.count() == 1
    assert Finding.objects.get(visit_problem=second).evidence.count() == 2


def test_the_notice_carries_the_site_photos_as_its_attachment(cast, client, field, draft):
    from docx import Document

    client.force_login(cast.supervisor)
    photos = [_upload(client, draft, c) for c in ((200, 0, 0), (0, 200, 0))]
    problems = [_problem([str(p.client_id) for p in photos]), _problem([], "校务公开栏内容未及时更新")]
    client.post(reverse("visits:field_submit", args=[draft.client_id]), _body(problems), content_type="application/json")
    with_photos, without = Finding.objects.filter(visit_problem__visit=draft).order_by("visit_problem_id")
    # a later upload by the office is not part of the notice: only what was seen on the visit
    from dudao.findings.services import evidence_add

    evidence_add(by=cast.county_staff, finding=with_photos,
                 upload=SimpleUploadedFile("整改后.jpg", jpeg(300, 200, color=(9, 9, 9)), content_type="image/jpeg"))
    assert with_photos.evidence.count() == 3
    text = pdf_text(notice_pdf(with_photos))
    assert "附件：督导现场照片（2张）" in text and "督导现场照片" in text.split("附件：督导现场照片（2张）")[1]
    assert "附件" not in pdf_text(notice_pdf(without))
    doc = Document(io.BytesIO(notice_docx(with_photos)))
    assert len(doc.inline_shapes) == 2
    assert any(p.text == "附件：督导现场照片（2张）" for p in doc.paragraphs)
    assert len(Document(io.BytesIO(notice_docx(without))).inline_shapes) == 0
