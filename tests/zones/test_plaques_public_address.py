"""The address the plaque QR codes encode: a loud warning while it is loopback or unset, and a preview
of the exact URL before printing; silent (preview only) once it is a real public address."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from dudao.zones.models import PlaqueBatch
from dudao.zones.plaques import address_problem, public_address
from dudao.zones.services import zone_add_schools, zone_create

PUBLIC = "https://dudao.example.gov.cn"


@pytest.mark.parametrize("base", ["", "http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000",
                                  "http://0.0.0.0", "http://127.3.4.5", "http://dudao.localhost", "not a url"])
def test_loopback_or_unset_addresses_are_refused(base):
    assert address_problem(base)


@pytest.mark.parametrize("base", [PUBLIC, "http://10.2.3.4:8080", "https://dudao.nx.gov.cn/sub"])
def test_reachable_addresses_pass(base):
    assert address_problem(base) == ""


def test_public_address_drops_the_trailing_slash(settings):
    settings.DUDAO_PUBLIC_BASE_URL = PUBLIC + "/"
    assert public_address().url_for("4301820001") == PUBLIC + "/s/4301820001/"


@pytest.fixture
def zone(team, cast):
    zone = zone_create(office=team.office, name="玉潭责任区", head=team.wang)
    zone_add_schools(zone=zone, schools=[cast.A1, cast.A2])
    return zone


def test_loopback_address_warns_on_every_plaque_page_and_at_generation(cast, team, zone, client, settings):
    settings.DUDAO_PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    client.force_login(cast.county_staff)
    school_url = f"http://127.0.0.1:8000/s/{cast.A1.code}/"
    for url in (reverse("zones:school", args=[cast.A1.pk]), reverse("zones:detail", args=[zone.pk]),
                reverse("zones:index") + f"?office={team.office.pk}"):
        html = client.get(url).content.decode()
        assert 'data-testid="plaque-address-warning"' in html, url
        assert "http://127.0.0.1:8000 是本机地址" in html, url
        assert 'data-testid="plaque-qr-url"' in html, url
    school_page = client.get(reverse("zones:school", args=[cast.A1.pk])).content.decode()
    assert f'data-testid="plaque-qr-url">{school_url}</code>' in school_page
    assert 'data-testid="plaque-qr-preview"' in school_page

    response = client.post(reverse("zones:plaque_zone", args=[zone.pk]), follow=True)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("公示牌二维码地址不可用" in t for t in texts), texts
    batch = PlaqueBatch.objects.get()
    assert batch.qr_base == "http://127.0.0.1:8000"
    assert "请勿打印张贴" in batch.message
    html = response.content.decode()
    assert 'data-testid="plaque-address-warning"' in html

    # Fixed afterwards: the old PDF still encodes the loopback address, so its page still warns.
    settings.DUDAO_PUBLIC_BASE_URL = PUBLIC
    html = client.get(reverse("zones:plaque_batch", args=[batch.pk])).content.decode()
    assert 'data-testid="plaque-address-warning"' in html


def test_public_address_shows_the_preview_without_a_warning(cast, team, zone, client, settings):
    settings.DUDAO_PUBLIC_BASE_URL = PUBLIC
    client.force_login(cast.county_staff)
    html = client.get(reverse("zones:school", args=[cast.A1.pk])).content.decode()
    assert 'data-testid="plaque-address-warning"' not in html
    assert f'data-testid="plaque-qr-url">{PUBLIC}/s/{cast.A1.code}/</code>' in html
    response = client.post(reverse("zones:plaque_zone", args=[zone.pk]), follow=True)
    assert not [m for m in get_messages(response.wsgi_request) if "二维码" in str(m)]
    batch = PlaqueBatch.objects.get()
    assert batch.qr_base == PUBLIC and "请勿打印" not in batch.message
    assert 'data-testid="plaque-address-warning"' not in response.content.decode()


def test_people_who_cannot_print_see_no_address_card(cast, team, zone, client, settings):
    settings.DUDAO_PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    client.force_login(cast.county_leader)  # reads the zone, manages nothing
    response = client.get(reverse("zones:detail", args=[zone.pk]))
    assert response.status_code == 200
    assert "plaque-address" not in response.content.decode()


def test_deploy_check_warns_about_a_loopback_address(settings):
    from dudao.zones.apps import check_public_address

    settings.DUDAO_PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    assert [w.id for w in check_public_address()] == ["dudao.W010"]
    settings.DUDAO_PUBLIC_BASE_URL = PUBLIC
    assert check_public_address() == []
