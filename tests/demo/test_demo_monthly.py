"""The demo's 工作月报: 宁乡市's summary of last month issued with its 发文字号, this month's a draft, both
drawn from the demo's own data."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.documents.models import DocumentStatus
from dudao.monthly.models import MonthlySummary
from dudao.monthly.services import last_month
from dudao.people.models import User

pytestmark = pytest.mark.django_db


def test_last_month_issued_and_this_month_drafted(demo_city, client):
    today = timezone.localdate()
    summaries = {(s.year, s.month): s for s in MonthlySummary.objects.filter(office__region__code="430182")
                 .select_related("document")}
    issued, draft = summaries[last_month(today)], summaries[(today.year, today.month)]
    assert issued.document.status == DocumentStatus.ISSUED and issued.document.number
    assert issued.document.versions.count() == 1 and issued.figures["complete"]
    assert "（请填写下月工作打算。）" not in str(issued.document.body)
    assert draft.document.status == DocumentStatus.DRAFT and not draft.figures["complete"]
    assert issued.figures["visits"]["schools"] > 0 and issued.figures["team"]["after"] > 0
    client.force_login(User.objects.get(username="nx_leader"))
    page = client.get(reverse("monthly:index"))
    assert page.status_code == 200 and issued.document.number in page.content.decode()
    assert client.get(reverse("monthly:detail", args=[issued.pk])).status_code == 200
