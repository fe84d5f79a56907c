"""The school page asks whether the user may record a finding with one EXISTS (issue [7]): the
answer equals `bool(creatable_offices(user))` for every persona, a suspended supervisor and a
leader (who reads but does not manage), and the page shows "登记问题" accordingly."""

from __future__ import annotations

from django.urls import reverse

from dudao.findings.selectors import creatable_offices, may_create_findings
from dudao.regions.models import Office
from dudao.supervisors.models import Supervisor
from dudao.supervisors.services import supervisor_create
from tests.personas import PERSONAS


def test_may_create_equals_the_creatable_offices_for_every_persona(cast, client):
    ningxiang = Office.objects.get(region__code="430182")
    supervisor_create(by=None, office=ningxiang, name="王建国", phone="13800000001", user=cast.supervisor,
                      kind="full_time", level="county")
    answers = {}
    for persona in PERSONAS:
        user = getattr(cast, persona)
        answers[persona] = may_create_findings(user)
        assert answers[persona] is bool(creatable_offices(user)), persona
        client.force_login(user)
        response = client.get(reverse("schools:detail", args=[cast.A1.pk]))
        if response.status_code == 200:
            shown = reverse("findings:create") in response.content.decode()
            assert shown is answers[persona], persona
    assert answers["county_staff"] and answers["province_staff"] and answers["supervisor"]
    assert not answers["nobody"] and not answers["county_leader"]
    Supervisor.objects.filter(user=cast.supervisor).update(status="suspended")
    assert may_create_findings(cast.supervisor) is bool(creatable_offices(cast.supervisor)) is False
