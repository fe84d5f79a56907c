"""Scope of draft review and the units' inbox (documents/views_review.py): every URL as every persona
(tests/personas.py), a 政府单位用户 of each of two units (tests/governance/conftest.py) and anonymous.
Named in tests/documents/test_scope.py (index) and tests/access/coverage_documents.py.

The world: two documents of the 宁乡 office sent to the school A1 and the government unit A — a draft
out for comments (with one comment of A1) and an issued one. Who reads them: the 宁乡 office and the
offices above (staff, leader, admin); A1's school account and A1's supervisor; unit A's account.
Outside that 404. The office's side (all units' comments, answers, receipts, print) is the office's:
403 for the units and the supervisor; acting there is the office staff's (403 for the leader).
Commenting is the units' own accounts' (403 for the supervisor and the office).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.documents import review, services
from dudao.documents.models import Document
from dudao.regions.models import Office
from tests.personas import PERSONAS

OFFICE = {"admin", "province_staff", "city_staff", "county_staff", "county_leader"}
MANAGERS = {"admin", "province_staff", "city_staff", "county_staff"}
UNITS = {"school_user", "gov_a"}
READERS = OFFICE | UNITS | {"supervisor"}
EVERYONE = [*PERSONAS, "gov_a", "gov_b"]
TITLE = "关于测试宁乡一小的督导意见书（征求意见稿）"
ISSUED = "关于开展秋季开学专项督导的通知"


@pytest.fixture
def world(cast):
    from tests.governance.conftest import build_gov

    gov = build_gov(cast)
    office = Office.objects.get(region__code="430182")
    units = [{"school": cast.A1, "name": cast.A1.name}, {"government_unit_id": gov.unit_a.pk, "name": gov.unit_a.name}]
    draft = services.create_draft(by=cast.county_staff, office=office, kind="opinion", title=TITLE,
                                  body=[{"type": "p", "text": "学校办学规范。"}, {"type": "p", "text": "食堂台账不全。"}],
                                  recipients=units)
    review.send_for_review(draft, by=cast.county_staff)
    comment = review.add_comment(draft, by=cast.school_user, text="台账已补齐。", block_key=draft.body[1]["key"])
    issued = services.create_draft(by=cast.county_staff, office=office, kind="notice", title=ISSUED,
                                   body=[{"type": "p", "text": "检查开学准备情况。"}], recipients=units)
    services.submit(issued, by=cast.county_staff)
    services.check(issued, by=cast.admin)
    services.issue(issued, by=cast.county_leader, code="宁教督")
    return {"gov": gov, "office": office, "draft": draft, "comment": comment, "issued": issued}


def _user(cast, world, persona):
    return getattr(world["gov"], persona) if persona in {"gov_a", "gov_b"} else getattr(cast, persona)


def _expect(persona: str, *, may: bool, office_side: bool = False, ok: int = 200) -> int:
    if persona not in READERS:
        return 404
    if office_side and persona not in OFFICE:
        return 403
    return ok if may else 403


@pytest.mark.parametrize("persona", EVERYONE)
def test_every_url(cast, world, client, persona):
    client.force_login(_user(cast, world, persona))
    d, i, o = world["draft"].pk, world["issued"].pk, world["office"].pk
    c = world["comment"].pk
    checks = [
        ("get", "documents:inbox", {}, None, 200),
        ("get", "documents:inbox_document", {"pk": d}, None, _expect(persona, may=True)),
        ("get", "documents:inbox_document", {"pk": i}, None, _expect(persona, may=True)),
        ("get", "documents:inbox_download", {"pk": i}, None, _expect(persona, may=True)),
        ("get", "documents:inbox_download", {"pk": d}, None, 404),  # a draft has no issued file
        ("post", "documents:comment_add", {"pk": d}, {"text": "意见", "kind": "opinion", "block_key": ""},
         _expect(persona, may=persona in UNITS, ok=302)),
        ("get", "documents:review", {"pk": d}, None, _expect(persona, may=True, office_side=True)),
        ("post", "documents:comment_answer", {"pk": d, "comment": c}, {"answer": "adopted", "explanation": ""},
         _expect(persona, may=persona in MANAGERS, office_side=True, ok=302)),
        ("get", "documents:review_print", {"pk": d}, None, _expect(persona, may=True, office_side=True)),
        ("get", "documents:review_pdf", {"pk": d}, None,
         _expect(persona, may=True, office_side=True) if persona in {"county_staff", "school_user", "supervisor",
                                                                    "outsider"} else None),
        ("get", "documents:receipts", {"pk": i}, None, _expect(persona, may=True, office_side=True)),
        ("post", "documents:receipts_remind", {"pk": i}, {},
         _expect(persona, may=persona in MANAGERS, office_side=True, ok=302)),
        ("post", "documents:review_send", {"pk": d}, {"days": "5", "note": ""},
         _expect(persona, may=persona in MANAGERS, office_side=True, ok=302)),
        ("get", "documents:review_settings", {"office": o}, None, 200 if persona in OFFICE else 404),
        ("post", "documents:review_settings", {"office": o}, {"days": "6"},
         (302 if persona in MANAGERS else 403) if persona in OFFICE else 404),
    ]
    for method, name, kwargs, data, expected in checks:
        if expected is None:
            continue
        url = reverse(name, kwargs=kwargs or None)
        response = client.post(url, data) if method == "post" else client.get(url)
        assert response.status_code == expected, (persona, method, name, kwargs, response.status_code)
        if expected == 404:
            assert TITLE not in response.content.decode(errors="ignore")


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_inbox_holds_only_the_persons_units(cast, world, client, persona):
    client.force_login(_user(cast, world, persona))
    page = client.get(reverse("documents:inbox")).content.decode()
    mine = persona in UNITS  # the supervisor reads A1 but is not its account; the office sent it
    assert (TITLE in page, ISSUED in page) == (mine, mine), persona
    if mine:
        assert 'data-testid="count-unread">1<' in page and 'data-testid="count-review">1<' in page


@pytest.mark.parametrize("persona", EVERYONE)
def test_opening_counts_as_read_only_for_the_units_own_accounts(cast, world, client, persona):
    client.force_login(_user(cast, world, persona))
    client.get(reverse("documents:inbox_document", kwargs={"pk": world["issued"].pk}))
    read = {r.name for r in Document.objects.get(pk=world["issued"].pk).recipients.filter(read_at__isnull=False)}
    expected = {"school_user": {cast.A1.name}, "gov_a": {world["gov"].unit_a.name}}.get(persona, set())
    assert read == expected, persona


def test_the_office_page_shows_no_comment_to_another_unit(cast, world, client):
    """Unit A's account reads the draft but not A1's comment (each unit sees its own)."""
    client.force_login(world["gov"].gov_a)
    page = client.get(reverse("documents:inbox_document", kwargs={"pk": world["draft"].pk})).content.decode()
    assert TITLE in page and "台账已补齐。" not in page
    client.force_login(cast.school_user)
    page = client.get(reverse("documents:inbox_document", kwargs={"pk": world["draft"].pk})).content.decode()
    assert "台账已补齐。" in page


def test_after_the_deadline_the_unit_is_told_in_chinese(cast, world, client):
    from dudao.documents.models import DraftReview

    DraftReview.objects.filter(document=world["draft"]).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(cast.school_user)
    url = reverse("documents:comment_add", kwargs={"pk": world["draft"].pk})
    response = client.post(url, {"text": "晚到的意见", "kind": "opinion", "block_key": ""})
    page = response.content.decode()
    assert response.status_code == 400 and "截止，不能再提出意见" in page and "晚到的意见" in page


def test_anonymous_is_sent_to_sign_in(world, client):
    d, i = world["draft"].pk, world["issued"].pk
    for name, kwargs, method in [
        ("documents:inbox", {}, "get"), ("documents:inbox_document", {"pk": d}, "get"),
        ("documents:inbox_download", {"pk": i}, "get"), ("documents:comment_add", {"pk": d}, "post"),
        ("documents:review", {"pk": d}, "get"), ("documents:review_send", {"pk": d}, "post"),
        ("documents:comment_answer", {"pk": d, "comment": world["comment"].pk}, "post"),
        ("documents:review_print", {"pk": d}, "get"), ("documents:review_pdf", {"pk": d}, "get"),
        ("documents:receipts", {"pk": i}, "get"), ("documents:receipts_remind", {"pk": i}, "post"),
        ("documents:review_settings", {"office": world["office"].pk}, "get"),
    ]:
        url = reverse(name, kwargs=kwargs or None)
        response = client.post(url, {}) if method == "post" else client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
