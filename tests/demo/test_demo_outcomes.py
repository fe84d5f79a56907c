"""Issue [11] item 6: the demo's 结果运用 — the 宁乡 office's 约谈 of the school with overdue findings and a
通报表扬, on the schools' pages and the sheet for nx_office and nx_leader; the school account sees none."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dudao.findings.models import FINISHED_STATES, Finding
from dudao.outcomes.models import OutcomeDecision
from dudao.people.models import User


def test_decisions_of_the_demo(demo_city, db):
    decisions = list(OutcomeDecision.objects.filter(school__region_code__startswith="430182").order_by("id"))
    kinds = [d.kind for d in decisions]
    assert kinds == ["interview", "commendation", "funding"]
    interview = decisions[0]
    assert Finding.objects.filter(school=interview.school, deadline__lt=timezone.localdate()).exclude(
        state__in=FINISHED_STATES).exists()
    assert interview.finding is not None and interview.principal_name == interview.school.head_name
    client = Client()
    client.force_login(User.objects.get(username="nx_office"))
    html = client.get(reverse("schools:detail", args=[interview.school.pk])).content.decode()
    assert interview.basis in html
    sheet = client.get(reverse("outcomes:index"))
    assert sheet.status_code == 200
    assert client.get(reverse("outcomes:cockpit")).status_code == 200
    client.force_login(User.objects.get(username="nx_school"))  # the school account reads no decision
    html = client.get(reverse("schools:detail", args=[interview.school.pk]))
    assert interview.basis not in html.content.decode()
    client.force_login(User.objects.get(username="nx_leader"))
    assert client.get(reverse("outcomes:school", args=[decisions[1].school.pk])).status_code == 200
