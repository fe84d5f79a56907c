"""Every notifications URL as every persona: a notification is private to its recipient.

Pages: "notifications:list", "notifications:open", "notifications:read_all".
API:   "api-1:list_notifications", "api-1:get_unread_count", "api-1:mark_notification_read",
       "api-1:mark_all_notifications_read".

Each persona gets one notification; whoever walks the URLs sees, opens and marks only their own
— everyone else's answers 404 and stays unread, whatever the role (the admin included).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.notifications.models import Notification
from dudao.notifications.services import notify
from tests.access.coverage_notifications import COVERAGE
from tests.personas import PERSONAS


@pytest.fixture
def letters(cast):
    return {p: notify(recipient=getattr(cast, p), title=f"致{p}的私信", url="/schools/") for p in PERSONAS}


def test_coverage_names_every_notifications_url():
    assert set(COVERAGE) == {
        "notifications:list", "notifications:open", "notifications:read_all", "api-1:list_notifications",
        "api-1:get_unread_count", "api-1:mark_notification_read", "api-1:mark_all_notifications_read",
    }
    assert set(COVERAGE.values()) == {"own"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_show_and_open_only_my_own(cast, client, letters, persona):
    client.force_login(getattr(cast, persona))
    others = [p for p in PERSONAS if p != persona]
    for show in ("unread", "all"):
        page = client.get(reverse("notifications:list"), {"show": show}).content.decode()
        assert f"致{persona}的私信" in page
        assert [p for p in others if f"致{p}的私信" in page] == []
    for other in others:
        response = client.get(reverse("notifications:open", kwargs={"pk": letters[other].pk}))
        assert response.status_code == 404, (persona, other)
        assert f"致{other}的私信" not in response.content.decode()
    response = client.get(reverse("notifications:open", kwargs={"pk": letters[persona].pk}))
    assert response.status_code == 302 and response["Location"] == "/schools/"
    client.post(reverse("notifications:read_all"))
    unread = set(Notification.objects.filter(read_at__isnull=True).values_list("recipient__username", flat=True))
    assert unread == {getattr(cast, p).username for p in others}


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_shows_and_marks_only_my_own(cast, client, letters, persona):
    client.force_login(getattr(cast, persona))
    others = [p for p in PERSONAS if p != persona]
    listing = client.get(reverse("api-1:list_notifications"))
    assert [i["title"] for i in listing.json()["items"]] == [f"致{persona}的私信"]
    assert client.get(reverse("api-1:get_unread_count")).json() == {"unread": 1}
    for other in others:
        response = client.post(reverse("api-1:mark_notification_read", kwargs={"notification_id": letters[other].pk}))
        assert response.status_code == 404, (persona, other)
        assert f"致{other}的私信" not in response.content.decode()
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
    assert client.post(reverse("api-1:mark_all_notifications_read")).json() == {"marked": 1}
    assert set(Notification.objects.filter(read_at__isnull=False).values_list("recipient__username", flat=True)) == {
        getattr(cast, persona).username}


def test_signed_out_is_sent_to_login_or_refused(cast, client, letters):
    pk = letters["county_staff"].pk
    for name, kwargs in (("notifications:list", {}), ("notifications:open", {"pk": pk})):
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("api-1:list_notifications")).status_code == 401
    assert client.get(reverse("api-1:get_unread_count")).status_code == 401
    assert client.post(reverse("api-1:mark_notification_read", kwargs={"notification_id": pk})).status_code == 401
    assert client.post(reverse("api-1:mark_all_notifications_read")).status_code == 401
    assert not Notification.objects.filter(read_at__isnull=False).exists()
