"""Every monitoring URL as every persona (tests/personas.py), against regions and schools inside
and outside the persona's scope.

The rule (monitoring/selectors.py): area pages — a county's schools and CVs, a city's or
province's counties, their exports, warnings → findings — are for office staff and leaders of the
region or above and for admins; a region outside the scope answers 404, a region seen only
through one's schools (a supervisor, a school account, an evaluator) 403. Those persons read
their own schools' rows instead ("monitoring:mine", "monitoring:school"). Recompute and warnings →
findings need office staff (leaders read only: 403). A county office never sees another county.

URL names walked here: "monitoring:index", "monitoring:mine", "monitoring:indicator",
"monitoring:school", "monitoring:export", "monitoring:warnings", "monitoring:recompute",
"monitoring:run_status", and monitor-core's "monitoring:balance_template" (the `dudao balance`
template: no data in it, so every signed-in persona may download it; anonymous → login).
Decision support (达标测算): "monitoring:planning" and "monitoring:planning_export" are walked as
every persona in tests/monitoring/test_scope_planning.py (imported below).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.findings.models import Finding
from dudao.monitoring.models import MonitoringRun
from tests.monitoring.dash_support import build
from tests.personas import EXPECTED, PERSONAS
from tests.xlsx import xlsx_rows

KEYS = ("A1", "A2", "A3", "B1", "B2", "C1", "D1")
CODES = ("430182", "430112", "430181", "110101", "4301", "43", "11")
# Region grants (office staff, leaders) and admins: the roots of the area pages they read.
ROOTS = {"admin": [""], "province_staff": ["43"], "city_staff": ["4301"], "county_staff": ["430182"],
         "county_leader": ["430182"], "multi": ["430112"]}
# Schools listed on school-bound grants: their regions and those above are seen (403, not 404).
SCHOOL_GRANTS = {"supervisor": ["A1", "A2"], "school_user": ["A1"], "evaluator": ["B1", "B2"], "outsider": ["C1"],
                 "multi": ["A3"]}
ACTORS = {"admin", "province_staff", "city_staff", "county_staff", "multi"}  # may recompute / create findings
EXTRA = ("宁乡测试二小", "宁乡测试三小")  # the two 宁乡 schools dash_support adds


@pytest.fixture
def world(cast):
    build(cast)
    return cast


def area_status(cast, persona: str, code: str) -> int:
    if any(code.startswith(root) for root in ROOTS.get(persona, [])):
        return 200
    school_codes = {getattr(cast, k).region_code for k in SCHOOL_GRANTS.get(persona, [])}
    return 403 if any(c.startswith(code) for c in school_codes) else 404


def visible_names(cast, persona: str) -> set[str]:
    names = {getattr(cast, k).name for k in EXPECTED[persona]}
    if any("430182".startswith(root) for root in ROOTS.get(persona, [])):
        names.update(EXTRA)
    return names


def hidden_names(cast, persona: str) -> set[str]:
    return ({getattr(cast, k).name for k in KEYS} | set(EXTRA)) - visible_names(cast, persona)


def assert_no_leak(cast, persona: str, text: str, where: str) -> None:
    leaked = [n for n in hidden_names(cast, persona) if n in text]
    assert not leaked, (persona, where, leaked)




@pytest.mark.parametrize("persona", PERSONAS)
def test_dashboards_answer_by_scope_and_never_leak(world, client, persona):
    cast = world
    client.force_login(getattr(cast, persona))
    landing = client.get(reverse("monitoring:index"))
    assert landing.status_code == 200, persona
    assert_no_leak(cast, persona, landing.content.decode(), "landing")
    for code in CODES:
        expected = area_status(cast, persona, code)
        for name, extra in (("monitoring:index", {}), ("monitoring:indicator", {"indicator": "L4"}),
                            ("monitoring:run_status", {}), ("monitoring:export", {"table": "schools"}),
                            ("monitoring:export", {"table": "areas"}), ("monitoring:export", {"table": "classes"})):
            response = client.get(reverse(name), {"region": code, "year": 2025, **extra})
            if name == "monitoring:indicator" and expected == 200 and len(code) < 6:
                assert response.status_code in (200, 404), (name, persona, code)
            else:
                assert response.status_code == expected, (name, extra, persona, code, response.status_code)
            if response.status_code != 200:
                continue
            if name == "monitoring:export":
                text = " ".join(str(cell) for row in xlsx_rows(response) for cell in row)
            else:
                text = response.content.decode()
            assert_no_leak(cast, persona, text, f"{name} {extra} {code}")


def test_a_county_office_never_sees_another_county(world, client):
    cast = world
    for persona in ("county_staff", "county_leader"):
        client.force_login(getattr(cast, persona))
        pages = [client.get(reverse("monitoring:index"), {"stage": s}).content.decode() for s in ("primary", "junior")]
        pages.append(client.get(reverse("monitoring:index"), {"scheme": "basic_2012"}).content.decode())
        for page in pages:
            assert "宁乡市" in page
            assert "望城" not in page and "浏阳" not in page and "长沙市" not in page
        export = xlsx_rows(client.get(reverse("monitoring:export"), {"table": "classes", "year": 2025}))
        assert {row[0] for row in export[1:] if row[0] != "合计"} <= {cast.A1.name, cast.A2.name, *EXTRA}


@pytest.mark.parametrize("persona", PERSONAS)
def test_school_pages_only_inside_the_scope(world, client, persona):
    cast = world
    client.force_login(getattr(cast, persona))
    for key in KEYS:
        response = client.get(reverse("monitoring:school", args=[getattr(cast, key).pk]))
        assert response.status_code == (200 if key in EXPECTED[persona] else 404), (persona, key)
        if response.status_code == 200:
            assert_no_leak(cast, persona, response.content.decode(), key)
    mine = client.get(reverse("monitoring:mine")).content.decode()
    assert_no_leak(cast, persona, mine, "mine")
    for key in EXPECTED[persona]:
        if key in {"A3"}:  # a kindergarten: no compulsory-stage results
            continue
        assert f">{getattr(cast, key).name}</a>" in mine, (persona, key)


@pytest.mark.parametrize("persona", PERSONAS)
def test_warnings_and_recompute_need_office_staff_of_the_region(world, client, persona):
    cast = world
    client.force_login(getattr(cast, persona))
    code = "430182"
    visible = area_status(cast, persona, code)
    allowed = visible == 200 and persona in ACTORS
    expected = 200 if allowed else (403 if visible in (200, 403) else 404)
    page = client.get(reverse("monitoring:warnings"), {"region": code, "year": 2025})
    assert page.status_code == expected, (persona, page.status_code)
    if page.status_code == 200:
        assert_no_leak(cast, persona, page.content.decode(), "warnings")
    runs = MonitoringRun.objects.count()
    findings = Finding.objects.count()
    posted = client.post(reverse("monitoring:warnings"), {
        "region": code, "year": 2025, "scheme": "quality_2017", "stage": "primary",
        "selected": ["quality_2017:2025:primary:school:0:L4"], "requirement": "整改", "deadline": "2099-01-01"})
    assert posted.status_code == (200 if allowed else expected), persona  # a bad choice re-shows the form
    recompute = client.post(reverse("monitoring:recompute"), {"region": code, "year": 2025})
    assert recompute.status_code == (302 if allowed else expected), persona
    assert Finding.objects.count() == findings
    assert MonitoringRun.objects.count() == runs + (1 if allowed else 0)


def test_only_admins_read_the_whole_country(world, client):
    cast = world
    client.force_login(cast.admin)
    page = client.get(reverse("monitoring:index")).content.decode()
    assert "湖南省" in page and "北京市" in page
    for persona in PERSONAS:
        if persona == "admin":
            continue
        client.force_login(getattr(cast, persona))
        # No region given: the persona's own area (or their schools), never the country.
        page = client.get(reverse("monitoring:index")).content.decode()
        assert "北京市" not in page or persona == "admin"


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_balance_template_is_for_everyone_signed_in(cast, client, persona):
    client.force_login(getattr(cast, persona))
    response = client.get(reverse("monitoring:balance_template"))
    assert response.status_code == 200, persona
    header = xlsx_rows(response)[0]
    assert all(getattr(cast, k).name not in " ".join(map(str, header)) for k in KEYS)
    assert client.get(reverse("monitoring:balance_template"), {"scheme": "nonsense"}).status_code == 404


def test_anonymous_is_sent_to_login(world, client):
    cast = world
    runs = MonitoringRun.objects.count()
    gets = [reverse("monitoring:index"), reverse("monitoring:mine"), reverse("monitoring:indicator"),
            reverse("monitoring:school", args=[cast.A1.pk]), reverse("monitoring:export") + "?table=schools",
            reverse("monitoring:warnings"), reverse("monitoring:run_status"), reverse("monitoring:balance_template")]
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    response = client.post(reverse("monitoring:recompute"), {"region": "430182", "year": 2025})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert MonitoringRun.objects.count() == runs


# The 达标测算 URLs are walked in their own module, which reuses the helpers above (so it is imported
# last: it imports this module back).
from tests.monitoring import test_scope_planning as planning_walk  # noqa: E402,F401
