"""The findings and monitoring rules of dudao.access give the same answer on the page, in the API and
in the service, for every persona of tests/personas.py:

- `may_create_findings` / `finding_offices`: the school page's and the ledger's "登记问题", the create
  page (403), the API's create endpoint (403) — the one rule, no copy in findings or the API;
- `may_take_finding_step` (`finding_roles` against the workflow table): the detail page's buttons,
  the page's step (403), the API's step (403) and `finding_transition` (PermissionDenied);
- `sees_area`: the monitoring dashboard of 宁乡 opens (200) exactly for those the rule lets read it.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from dudao.access import (
    clear_scope_cache,
    finding_offices,
    finding_roles,
    may_create_findings,
    may_take_finding_step,
    sees_area,
)
from dudao.findings import workflow
from dudao.findings.models import Finding, FindingState
from dudao.findings.services import finding_transition
from dudao.supervisors.models import Supervisor
from tests.findings.conftest import ledger  # noqa: F401  (supervisor 王督学 of A1, A2; 刘督学 of C1)
from tests.personas import PERSONAS

MAY_CREATE = {"admin", "province_staff", "city_staff", "county_staff", "supervisor", "outsider", "multi"}
NOTIFY_AT_A1 = {"admin", "province_staff", "city_staff", "county_staff", "supervisor"}  # office or its supervisor
READS_NINGXIANG_DASHBOARD = {"admin", "province_staff", "city_staff", "county_staff", "county_leader"}


def test_may_create_findings_equals_its_offices_and_the_pages_for_every_persona(ledger, client):  # noqa: F811
    cast = ledger.cast
    for persona in PERSONAS:
        user = getattr(cast, persona)
        answer = may_create_findings(user)
        assert answer is bool(finding_offices(user)), persona
        assert answer is (persona in MAY_CREATE), persona
        client.force_login(user)
        school_page = client.get(reverse("schools:detail", args=[cast.A1.pk]))
        if school_page.status_code == 200:
            assert (reverse("findings:create") in school_page.content.decode()) is answer, persona
        assert (client.get(reverse("findings:create")).status_code == 200) is answer, persona
        api = client.post(reverse("api-1:create_finding"), json.dumps({
            "school_id": cast.A1.pk, "category": "safety", "description": f"{persona} 的问题", "requirement": "整改",
            "deadline": (timezone.localdate() + timedelta(days=10)).isoformat()}), content_type="application/json")
        if not answer:
            assert api.status_code == 403, persona
            assert api.json()["detail"] == "无权执行此操作。"
    # the supervisor's own office: only while their record is active
    offices = finding_offices(cast.supervisor)
    assert [o.region.code for o in offices] == ["430182"]
    Supervisor.objects.filter(user=cast.supervisor).update(status="suspended")
    assert may_create_findings(cast.supervisor) is False and finding_offices(cast.supervisor) == []
    # a leader reads the office and its findings but records none
    assert finding_offices(cast.county_leader) == [] and finding_offices(cast.province_staff)[0].region.code == "43"


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_workflow_step_is_allowed_alike_on_the_page_in_the_api_and_in_the_service(ledger, client, persona):  # noqa: F811
    cast = ledger.cast
    user = getattr(cast, persona)
    notify = workflow.ACTIONS["notify"]
    findings = [ledger.make() for _ in range(3)]
    rule = may_take_finding_step(user, findings[0], notify.roles)
    assert rule is (persona in NOTIFY_AT_A1), persona
    assert rule is bool(finding_roles(user, findings[0]) & {"office", "supervisor"})

    client.force_login(user)
    detail = client.get(reverse("findings:detail", args=[findings[0].pk]))
    if detail.status_code == 200:  # the button is shown exactly when the rule allows the step
        assert (reverse("findings:act", args=[findings[0].pk, "notify"]) in detail.content.decode()) is rule, persona
    page = client.post(reverse("findings:act", args=[findings[0].pk, "notify"]), {"notify-note": ""})
    api = client.post(reverse("api-1:finding_action", args=[findings[1].pk, "notify"]), json.dumps({"note": ""}),
                      content_type="application/json")
    page_done = Finding.objects.get(pk=findings[0].pk).state == FindingState.NOTIFIED
    api_done = Finding.objects.get(pk=findings[1].pk).state == FindingState.NOTIFIED
    assert page_done is api_done is rule, (persona, page.status_code, api.status_code)
    if not rule:
        assert page.status_code in (403, 404) and api.status_code in (403, 404), persona
        with pytest.raises(PermissionDenied, match="无权"):
            finding_transition(by=user, finding=findings[2], action="notify")
    else:
        assert api.status_code == 200
        assert finding_transition(by=user, finding=findings[2], action="notify").state == FindingState.NOTIFIED


def test_the_leader_reads_the_finding_but_takes_no_step(ledger, client):  # noqa: F811
    leader = ledger.cast.county_leader
    finding = ledger.make()
    assert finding_roles(leader, finding) == {"leader"}
    assert not any(may_take_finding_step(leader, finding, t.roles) for t in workflow.ACTIONS.values())
    client.force_login(leader)
    assert client.get(reverse("findings:detail", args=[finding.pk])).status_code == 200
    assert client.post(reverse("findings:act", args=[finding.pk, "cancel"]), {"cancel-note": "撤销"}).status_code == 403


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_monitoring_dashboard_opens_exactly_where_sees_area_allows(cast, client, persona):
    user = getattr(cast, persona)
    clear_scope_cache(user)
    assert sees_area(user, "430182") is (persona in READS_NINGXIANG_DASHBOARD), persona
    client.force_login(user)
    response = client.get(reverse("monitoring:index"), {"region": "430182"})
    assert (response.status_code == 200) is sees_area(user, "430182"), (persona, response.status_code)
    if response.status_code != 200:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_visit_and_complaint_ledgers_offer_mine_exactly_to_supervisors(ledger, client, persona):  # noqa: F811
    """`has_supervisor_record`: 王督学 (supervisor) and 刘督学 (outsider) hold records; nobody else."""
    from dudao.access import has_supervisor_record
    from dudao.people.models import User

    user = User.objects.get(pk=getattr(ledger.cast, persona).pk)  # a fresh instance, as a request has
    rule = has_supervisor_record(user)
    assert rule is (persona in {"supervisor", "outsider"}), persona
    client.force_login(user)
    visits = client.get(reverse("visits:log"))
    if visits.status_code == 200:
        assert ('name="who"' in visits.content.decode()) is rule, persona
    complaints = client.get(reverse("complaints:list"))
    if persona in {"supervisor", "county_staff"}:  # the answer is seen both ways, not skipped
        assert visits.status_code == complaints.status_code == 200
    if complaints.status_code == 200:
        assert ('name="mine"' in complaints.content.decode()) is rule, persona


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_findings_ledger_offers_mine_by_the_same_rule(ledger, client, persona):  # noqa: F811
    """The findings ledger's "我负责核查的" follows `has_supervisor_record` like the other ledgers: its
    filter is `supervisor__user`, so only a record can match (multi holds the supervisor role on A3
    without a record: the box would always show nothing, so it is not offered)."""
    from dudao.access import has_supervisor_record
    from dudao.people.models import User

    user = User.objects.get(pk=getattr(ledger.cast, persona).pk)
    rule = has_supervisor_record(user)
    client.force_login(user)
    response = client.get(reverse("findings:ledger"))
    assert response.status_code == 200, persona
    assert ('type="checkbox" name="mine"' in response.content.decode()) is rule, persona
    if rule:  # and the box opens exactly the findings whose responsible supervisor is the record
        from dudao.regions.models import Office

        record = Supervisor.objects.select_related("office").get(user=user)
        school = ledger.cast.A1 if record.office.region.code == "430182" else ledger.cast.C1
        mine = ledger.make(school, office=record.office, description="只属于本督学核查的问题")
        other = ledger.make(school, office=Office.objects.get(pk=record.office.pk), description="别人核查的问题")
        Finding.objects.filter(pk=mine.pk).update(supervisor=record)
        Finding.objects.filter(pk=other.pk).update(supervisor=None)  # not theirs to verify
        rows = client.get(reverse("findings:ledger"), {"mine": "1"}).content.decode()
        assert mine.description in rows and other.description not in rows
