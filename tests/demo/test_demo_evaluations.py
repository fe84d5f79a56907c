"""Issue [10] item 2 in the demo: 宁乡市's 优质均衡 dossier waits at the city; the city reviewer
(`cs_shenhe`, printed with the demo accounts) opens it, sees every part and the missing evidence,
and returns it; the county (`nx_office`) then edits it again."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from dudao.demo.build import DEMO_PASSWORD, DEMO_YEARS, demo_accounts_table
from dudao.evaluations.checklist import dossier_checklist, missing_count
from dudao.evaluations.models import Dossier
from dudao.evaluations.verdict import dossier_verdict


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{username} cannot sign in"
    return client


def test_the_dossier_waits_at_the_city_and_the_reviewer_returns_it(demo_city, db):
    _schools, _rows, accounts = demo_city
    assert "cs_shenhe" in demo_accounts_table(accounts)
    dossier = Dossier.objects.get(region__code="430182", kind="quality", year=DEMO_YEARS[-1])
    assert dossier.state == "city_review"
    verdict = dossier_verdict(dossier)
    assert [p.part for p in verdict.parts] == ["resources", "guarantee", "quality", "recognition", "conditions", "veto"]
    assert verdict.part("resources").stages[0].verdict in ("pass", "fail", "insufficient")  # read from the demo recompute
    assert verdict.part("recognition").recognition.valid > 0  # the demo's 社会认可度 survey of this year
    assert dossier.items.filter(computed=True).count() >= 5  # G3 G4 G5 G9 G12 (and C1) from the base data
    checklist = dossier_checklist(verdict, basic_passed_on=dossier.basic_passed_on)
    assert missing_count(checklist) > 0 and dossier.evidence.count() == 8

    reviewer = signed_in("cs_shenhe")
    listed = reviewer.get(reverse("evaluations:list")).content.decode()
    assert f'data-dossier="{dossier.pk}"' in listed
    page = reviewer.get(reverse("evaluations:detail", kwargs={"pk": dossier.pk}))
    assert page.status_code == 200 and 'data-step="city_return"' in page.content.decode()
    assert reviewer.get(reverse("evaluations:checklist", kwargs={"pk": dossier.pk})).status_code == 200
    returned = reviewer.post(reverse("evaluations:step", kwargs={"pk": dossier.pk, "step": "city_return"}),
                             {"note": "请补充 G10、G14 的佐证材料。"})
    assert returned.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == "draft"

    county = signed_in("nx_office")
    form = county.get(reverse("evaluations:item", kwargs={"pk": dossier.pk, "code": "G14"}))
    assert form.status_code == 200
    leader = signed_in("nx_leader")
    assert leader.get(reverse("evaluations:item", kwargs={"pk": dossier.pk, "code": "G14"})).status_code == 403
