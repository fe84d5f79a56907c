"""Scope of the monthly app: every URL as every persona (tests/personas.py) and anonymous, named in
tests/access/coverage_monthly.py. Outside what the person reads 404; read but not theirs to change 403.

Who reads 宁乡's summary: its office (staff, leader) and the offices above (province, city), admins —
through the summary's document (documents `document_q`). Who drafts and regenerates: the staff of 宁乡
and above, admins; the leader reads (403) and signs off on the document page. 望城's staff (multi) and
the supervisors and schools of 宁乡 see 宁乡's office only through their schools: 403 on its pages, 404
on its summaries.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dudao.monthly import services
from dudao.monthly.models import MonthlySummary
from dudao.regions.models import Office
from tests.personas import PERSONAS

pytestmark = pytest.mark.django_db

READERS = {"admin", "province_staff", "city_staff", "county_staff", "county_leader"}
WRITERS = {"admin", "province_staff", "city_staff", "county_staff"}
SEES_NINGXIANG_OFFICE = READERS | {"multi", "supervisor", "school_user"}  # Office.visible_to: through a school
DRAFTS_SOMEWHERE = WRITERS | {"multi"}
REPORTS_SOMEWHERE = READERS | {"multi"}
TODAY = date(2026, 11, 15)


@pytest.fixture
def summary(cast):
    office = Office.objects.get(region__code="430182")
    return services.draft_summary(by=cast.county_staff, office=office, year=2026, month=10, today=TODAY)[0]


def _office_page(persona: str, ok: int = 200, *, write: bool = False) -> int:
    if persona not in SEES_NINGXIANG_OFFICE:
        return 404
    allowed = WRITERS if write else READERS
    return ok if persona in allowed else 403


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url(cast, summary, client, persona):
    client.force_login(getattr(cast, persona))
    office = summary.office_id
    pk = summary.pk
    checks = [
        ("get", reverse("monthly:index"), None, 200 if persona in REPORTS_SOMEWHERE else 403),
        ("get", reverse("monthly:index") + f"?office={office}", None, _office_page(persona)),
        ("get", reverse("monthly:draft"), None, 200 if persona in DRAFTS_SOMEWHERE else 403),
        ("get", reverse("monthly:draft") + f"?office={office}", None, _office_page(persona, write=True)),
        ("post", reverse("monthly:draft"), {"office": office, "month": "2026-10"}, _office_page(persona, 302, write=True)),
        ("get", reverse("monthly:detail", args=[pk]), None, 200 if persona in READERS else 404),
        ("get", reverse("monthly:export", args=[pk]), None, 200 if persona in READERS else 404),
        ("post", reverse("monthly:regenerate", args=[pk]), {},
         404 if persona not in READERS else 302 if persona in WRITERS else 403),
    ]
    for method, url, data, expected in checks:
        response = client.post(url, data) if method == "post" else client.get(url)
        assert response.status_code == expected, (persona, method, url, response.status_code)
    assert MonthlySummary.objects.count() == 1  # the second draft opened the first


def test_anonymous_is_sent_to_sign_in(cast, summary, client):
    pk = summary.pk
    for method, url in [("get", reverse("monthly:index")), ("get", reverse("monthly:draft")),
                        ("post", reverse("monthly:draft")), ("get", reverse("monthly:detail", args=[pk])),
                        ("get", reverse("monthly:export", args=[pk])), ("post", reverse("monthly:regenerate", args=[pk]))]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and reverse("login") in response.url, (method, url)


def test_another_office_cannot_read_or_draft(cast, summary, client):
    """望城's staff (multi) drafts 望城's summary; 宁乡's staff neither reads it nor drafts for 望城."""
    wangcheng = Office.objects.get(region__code="430112")
    theirs, created = services.draft_summary(by=cast.multi, office=wangcheng, year=2026, month=10, today=TODAY)
    assert created
    client.force_login(cast.county_staff)
    assert client.get(reverse("monthly:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("monthly:export", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("monthly:regenerate", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("monthly:draft"), {"office": wangcheng.pk, "month": "2026-09"}).status_code == 404
    assert client.get(reverse("monthly:index") + f"?office={wangcheng.pk}").status_code == 404
    assert not MonthlySummary.objects.filter(office=wangcheng, month=9).exists()
    client.force_login(cast.multi)
    assert client.get(reverse("monthly:detail", args=[summary.pk])).status_code == 404
    listing = client.get(reverse("monthly:index")).content.decode()
    assert reverse("monthly:detail", args=[theirs.pk]) in listing
    assert reverse("monthly:detail", args=[summary.pk]) not in listing


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_to_follows_the_document(cast, summary, persona):
    visible = set(MonthlySummary.objects.visible_to(getattr(cast, persona)))
    assert visible == ({summary} if persona in READERS else set()), persona
