"""The portal in English (the language cookie): every heading, label, table header and button of the public
pages and the staff pages is English; the data (titles, names of offices, schools and regions) stays
Chinese."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.portal.models import Publicity
from dudao.regions.models import Office
from tests.english_ui import chinese_ui, english

pytestmark = pytest.mark.django_db


def test_portal_pages_in_english(world, cast, client):
    office = Office.objects.get(region__code="430182")
    today = timezone.localdate()
    notice = Publicity.objects.create(office=office, kind="supervisor_appointment", title="宁乡市拟聘任责任督学公示",
                                      body="张三", starts_on=today, ends_on=today + timedelta(days=14))
    english(client)
    doc = world["published"]
    # the document's own headings and table are its text (always Chinese: an official document)
    data = (doc.title, office.name, cast.A1.name, notice.title, "湖南省", "长沙市", "宁乡市", "望城区", "一、基本情况",
            "项目", "得分")
    pages = [
        reverse("portal:index"), reverse("portal:index") + "?region=4301", reverse("portal:document", args=[doc.pk]),
        reverse("portal:school", args=[cast.A1.code]), reverse("portal:search") + "?q=宁乡",
        reverse("portal:data"), reverse("portal:publicity_list"), reverse("portal:publicity", args=[notice.pk]),
        reverse("public:school", args=[cast.A1.code]),
    ]
    for url in pages:
        response = client.get(url)
        assert chinese_ui(response, data) == [], url
    assert "Reports and bulletins" in client.get(reverse("portal:index")).content.decode()
    client.force_login(cast.county_staff)
    for url in (reverse("portal:manage"), reverse("portal:create"), reverse("portal:edit", args=[notice.pk])):
        assert chinese_ui(client.get(url), data) == [], url
