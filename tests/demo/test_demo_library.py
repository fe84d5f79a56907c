"""The demo's library and notices walk with the printed accounts: nx_school and nx_supervisor find 宁乡's
notice unread, open it (a receipt), nx_office sees the count move; the handbook is found by words of
its text; cs_office's city plan is read in 宁乡 too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.library.models import Announcement
from dudao.people.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_notice_and_library_walk(demo_city, client):
    notice = Announcement.objects.get(office__region__code="430182", published_at__isnull=False)
    client.force_login(User.objects.get(username="nx_school"))
    page = client.get(reverse("library:notices")).content.decode()
    assert notice.title in page and 'data-testid="unread"' in page
    client.force_login(User.objects.get(username="nx_office"))
    before = client.get(reverse("library:notice_receipts", args=[notice.pk])).content.decode()
    client.force_login(User.objects.get(username="nx_school"))
    assert client.get(reverse("library:notice", args=[notice.pk])).status_code == 200
    client.force_login(User.objects.get(username="nx_office"))
    after = client.get(reverse("library:notice_receipts", args=[notice.pk])).content.decode()
    read_before = int(before.split("已阅 ")[1].split(" /")[0])
    assert f"已阅 {read_before + 1} /" in after
    found = client.get(reverse("library:index"), {"q": "约谈 逾期"}).content.decode()
    assert "宁乡市责任督学工作手册" in found
    client.force_login(User.objects.get(username="nx_supervisor"))
    city = client.get(reverse("library:index"), {"q": "实施细则"}).content.decode()
    assert "长沙市中小学校责任督学挂牌督导实施细则" in city
