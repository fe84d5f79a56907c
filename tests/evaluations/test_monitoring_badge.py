"""Today's monitoring pages call the resource verdict what it is and link to the county's dossier."""

from __future__ import annotations

from django.urls import reverse


def test_county_page_relabels_and_links(cast, client, failing):
    client.force_login(cast.city_staff)
    html = client.get(reverse("monitoring:index"), {"region": "430182", "year": 2025, "stage": "primary"}).content.decode()
    assert "资源配置指标达标（优质均衡四项之一）" in html  # primary passes the resources only
    assert "资源配置指标未达标（优质均衡四项之一）" in html  # junior
    assert f'href="{reverse("evaluations:detail", kwargs={"pk": failing.pk})}"' in html
    # without a dossier of that year: the relabelled badge, no link
    html = client.get(reverse("monitoring:index"), {"region": "430182", "year": 2026, "stage": "primary"}).content.decode()
    assert 'data-testid="dossier-link"' not in html


def test_no_link_for_those_who_do_not_see_the_dossier(cast, client, failing):
    client.force_login(cast.supervisor)  # sees monitoring results of A1 and A2 only, not the dossier
    html = client.get(reverse("monitoring:index"), {"region": "430182", "year": 2025}).content.decode()
    assert 'data-testid="dossier-link"' not in html
