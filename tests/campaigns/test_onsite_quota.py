"""Only routine (挂牌) visits count: a campaign inspection or a 随访 at the same school, on the same
days, by the same supervisor or by someone without a supervisor record, changes no quota,
compliance, not-visited or tally figure (issue [9] item 5). Hand counts on a small case."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from dudao.regions.models import Office
from dudao.supervisors.services import supervisor_create
from dudao.visits.compliance import compliance_report
from dudao.visits.models import Visit, VisitBasis, VisitTally
from dudao.visits.not_visited import schools_not_visited
from dudao.visits.tally import visit_tally_expected, visit_tally_rebuild, visit_tally_stored
from dudao.zones.services import assignment_create

OCT = date(2025, 10, 15)
TODAY = date(2026, 11, 23)


@pytest.fixture
def world(cast):
    from dudao.visits.quota import quota_rules_install_defaults

    quota_rules_install_defaults()
    office = Office.objects.get(region__code="430182")
    busy = supervisor_create(by=None, office=office, name="勤督学", kind="full_time", level="county", phone="13711110001",
                             appointed_on=date(2020, 1, 1))
    slow = supervisor_create(by=None, office=office, name="慢督学", kind="full_time", level="county", phone="13711110002",
                             appointed_on=date(2020, 1, 1))
    assignment_create(supervisor=busy, school=cast.A1, starts_on=date(2025, 9, 1))
    assignment_create(supervisor=slow, school=cast.A2, starts_on=date(2025, 9, 1))
    return office, busy, slow


def _visit(school, day: date, by, *, supervisor=None, basis=VisitBasis.ROUTINE) -> Visit:
    started = timezone.make_aware(datetime.combine(day, time(9)))
    return Visit.objects.create(client_id=uuid.uuid4(), supervisor=supervisor, school=school, status="submitted",
                                started_at=started, visit_date=day, submitted_at=started, created_by=by, basis=basis,
                                basis_ref="campaign:1" if basis == VisitBasis.CAMPAIGN else "")


def _figures(office):
    month = compliance_report(office=office, kind="month", day=OCT, today=TODAY)
    semester = compliance_report(office=office, kind="semester", day=OCT, today=TODAY)
    not_visited = schools_not_visited(office=office, kind="month", day=OCT, today=TODAY)
    return (
        {r.supervisor.name: (r.visits, r.behind) for r in month.supervisors},
        {r.school.name: (r.visits, r.last_visit) for r in semester.schools},
        sorted(s.name for s in not_visited.schools),
        visit_tally_stored(),
    )


def test_campaign_and_followup_visits_change_no_compliance_figure(cast, world):
    office, busy, slow = world
    for d in (1, 8, 15, 22):
        _visit(cast.A1, date(2025, 10, d), busy.user or cast.admin, supervisor=busy)
    _visit(cast.A2, date(2025, 10, 31), cast.admin, supervisor=slow)
    before = _figures(office)
    # hand counts: 勤督学 4 visits (Hunan asks 4 a month: on track), 慢督学 1 (behind); A3 never visited
    assert before[0] == {"勤督学": (4, False), "慢督学": (1, True)}
    assert before[1] == {"测试宁乡一小": (4, date(2025, 10, 22)), "测试宁乡二中": (1, date(2025, 10, 31)),
                         "测试宁乡三幼": (0, None)}
    assert before[2] == ["测试宁乡三幼"]
    assert sum(n for n, _last in before[3].values()) == 5

    # campaign inspections at all three schools — by bureau staff (no supervisor record) and by the
    # slow supervisor's own record — and a 随访 of A3 by the busy supervisor: none of them counts
    for school in (cast.A1, cast.A2, cast.A3):
        _visit(school, date(2025, 10, 20), cast.county_staff, basis=VisitBasis.CAMPAIGN)
    _visit(cast.A2, date(2025, 10, 21), cast.admin, supervisor=slow, basis=VisitBasis.CAMPAIGN)
    _visit(cast.A3, date(2025, 10, 23), cast.admin, supervisor=busy, basis=VisitBasis.FOLLOWUP)
    assert _figures(office) == before
    assert visit_tally_stored() == visit_tally_expected()
    assert visit_tally_rebuild() == len(before[3])  # the rebuild agrees, row for row
    assert visit_tally_stored() == before[3]


def test_changing_a_visits_basis_moves_it_out_of_and_back_into_the_tally(cast, world):
    office, busy, _slow = world
    visit = _visit(cast.A1, date(2025, 10, 3), cast.admin, supervisor=busy)
    key = {"month": date(2025, 10, 1), "supervisor": busy, "school": cast.A1}
    assert VisitTally.objects.get(**key).visits == 1
    Visit.objects.filter(pk=visit.pk).update(basis=VisitBasis.CAMPAIGN)
    assert not VisitTally.objects.filter(**key).exists()
    assert visit_tally_stored() == visit_tally_expected()
    Visit.objects.filter(pk=visit.pk).update(basis=VisitBasis.ROUTINE)
    assert VisitTally.objects.get(**key).visits == 1
    assert visit_tally_stored() == visit_tally_expected()


def test_a_routine_visit_must_have_its_supervisor(cast, world):
    with pytest.raises(IntegrityError), transaction.atomic():
        _visit(cast.A1, date(2025, 10, 3), cast.admin, supervisor=None, basis=VisitBasis.ROUTINE)
    # a campaign inspection by someone without a supervisor record is fine
    assert _visit(cast.A1, date(2025, 10, 3), cast.county_staff, basis=VisitBasis.CAMPAIGN).supervisor_id is None
