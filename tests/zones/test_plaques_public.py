"""The public school page behind the plaque's QR code, as a parent reads it on a phone (no login)."""

from __future__ import annotations

import re

from django.urls import reverse

from dudao.system.models import DictionaryItem
from tests.factories import SchoolFactory
from tests.zones.conftest import COMPLAINT_PHONE


def test_public_page_works_without_login_at_the_printed_address(cast, team, client):
    response = client.get(f"/s/{cast.A1.code}/")

    assert response.status_code == 200
    assert reverse("public:school", args=[cast.A1.code]) == f"/s/{cast.A1.code}/"
    page = response.content.decode()
    assert f'<h1 class="page-title">{cast.A1.name}</h1>' in page
    assert 'name="viewport"' in page  # laid out for a phone


def test_shows_masked_phones_never_the_full_ones(cast, team, client):
    page = client.get(reverse("public:school", args=[cast.A1.code])).content.decode()

    assert re.findall(r'data-testid="masked-phone">([^<]*)<', page) == ["138****5678", "139****4321"]
    assert team.wang.phone not in page and team.li.phone not in page
    assert team.wang.name in page and team.li.name in page


def test_shows_items_complaint_phone_and_the_complaint_form_link(cast, team, client):
    page = client.get(reverse("public:school", args=[cast.A1.code])).content.decode()

    labels = DictionaryItem.objects.filter(dict_type="supervision_item", is_active=True).values_list("label", flat=True)
    items = re.search(r'data-testid="supervision-items">(.*?)</ol>', page, re.S).group(1)
    assert re.findall(r'<li class="mb-1">([^<]+)</li>', items) == list(labels.order_by("order"))
    assert f'href="tel:{COMPLAINT_PHONE}"' in page and team.office.name in page
    assert f'href="/s/{cast.A1.code}/complaint/"' in page  # the complaint form (issue [4])
    assert cast.A1.get_kind_display() in page


def test_photo_is_embedded_not_linked_to_the_private_media_folder(cast, team, client):
    page = client.get(reverse("public:school", args=[cast.A1.code])).content.decode()

    assert 'src="data:image/jpeg;base64,' in page
    assert "/media/" not in page


def test_unknown_code_answers_a_chinese_404(cast, client):
    response = client.get("/s/9999999999/")

    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    assert client.get("/s/12345/").status_code == 404


def test_closed_school_answers_404(cast, client):
    closed = SchoolFactory(name="已撤并学校", is_active=False)

    response = client.get(reverse("public:school", args=[closed.code]))

    assert response.status_code == 404
    assert closed.name not in response.content.decode()


def test_page_is_the_same_for_anonymous_and_signed_in_people(cast, team, client):
    anonymous = client.get(reverse("public:school", args=[cast.B1.code])).status_code
    client.force_login(cast.nobody)
    signed_in = client.get(reverse("public:school", args=[cast.B1.code])).status_code

    assert anonymous == signed_in == 200


def test_query_budget(cast, team, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        client.get(reverse("public:school", args=[cast.A1.code]))


def test_english_readers_get_the_english_item_labels(cast, team, client):
    page = client.get(reverse("public:school", args=[cast.A1.code]), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Supervision items" in page
    assert "Enrolment, fees, school choice" in page and "招生、收费、择校情况" not in page
