"""Every office URL of the visits app as every persona (gathered by tests/visits/test_scope.py):
"visits:compliance", "visits:compliance_export", "visits:not_visited", "visits:not_visited_export",
"visits:calendar", "visits:rules", "visits:rule_override", "visits:log", "visits:log_export", "visits:record_pdf",
"visits:record_file", and the compliance API "api-1:get_compliance".

Offices outside the persona's scope answer 404; an office the persona sees only because of their
schools (a supervisor, a school, an evaluator) answers 403; a leader may read but not change a
rule (403). Whatever the answer, no school, supervisor or zone outside the scope appears in it —
pages and Excel files alike.
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from dudao.visits.models import QuotaRule
from tests.personas import EXPECTED, PERSONAS
from tests.visits.office_world import SUPERVISOR_NAMES, ZONE_NAMES

OFFICE_CODES = ["43", "4301", "430182", "430112", "430181", "110101"]
# offices whose reports the persona reads (staff and leaders of the office's region or above, admins)
READS = {
    "admin": set(OFFICE_CODES),
    "province_staff": {"43", "4301", "430182", "430112", "430181"},
    "city_staff": {"4301", "430182", "430112", "430181"},
    "county_staff": {"430182"},
    "county_leader": {"430182"},
    "multi": {"430112"},
}
# offices the persona sees (the regions above their schools) without reading their reports: 403
SEES_ONLY = {
    "supervisor": {"43", "4301", "430182"},
    "school_user": {"43", "4301", "430182"},
    "evaluator": {"43", "4301", "430112"},
    "outsider": {"43", "4301", "430181"},
    "multi": {"43", "4301", "430182"},
}
# offices whose rules the persona may change (not leaders)
MANAGES = {p: codes for p, codes in READS.items() if p != "county_leader"}
SUPERVISED = {"宁乡张督学": {"A1", "A2"}, "宁乡李督学": {"A3"}, "望城王督学": {"B1"}, "浏阳赵督学": {"C1"}, "北京钱督学": {"D1"}}
ZONE_SCHOOLS = {"宁乡北区": {"A1", "A2", "A3"}, "望城一区": {"B1", "B2"}, "浏阳一区": {"C1"}, "东城一区": {"D1"}}


def expected_status(persona: str, code: str) -> int:
    if code in READS.get(persona, set()):
        return 200
    return 403 if code in SEES_ONLY.get(persona, set()) else 404


def forbidden_names(cast, persona: str) -> set[str]:
    """Names that must never reach the persona: schools outside the scope, and the supervisors and
    zones whose schools all lie outside it."""
    inside = set(EXPECTED[persona])
    names = {getattr(cast, k).name for k in ("A1", "A2", "A3", "B1", "B2", "C1", "D1") if k not in inside}
    names |= {name for name, keys in SUPERVISED.items() if not keys & inside}
    names |= {name for name, keys in ZONE_SCHOOLS.items() if not keys & inside}
    return names


def content_of(response) -> str:
    """What a person reads in the response: the page, or every cell of every sheet of an Excel file."""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
        return "\n".join(str(cell) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()
                         for cell in row)
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="ignore")
    return response.content.decode(errors="ignore")


def assert_no_leak(cast, persona: str, response, what) -> None:
    text = content_of(response)
    leaked = sorted(n for n in forbidden_names(cast, persona) if n in text)
    assert not leaked, (persona, what, response.status_code, leaked)


OFFICE_PAGES = ["visits:compliance", "visits:compliance_export", "visits:not_visited", "visits:not_visited_export",
                "visits:calendar", "visits:rules"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_office_pages_as_every_persona(cast, client, office_world, persona):
    client.force_login(getattr(cast, persona))
    for code in OFFICE_CODES:
        office = office_world.offices[code]
        for name in OFFICE_PAGES:
            params = {"office": office.pk, "kind": "month", "day": "2025-10-15", "year": "2025"}
            response = client.get(reverse(name), params)
            assert response.status_code == expected_status(persona, code), (name, persona, code, response.status_code)
            assert_no_leak(cast, persona, response, (name, code))
    # without ?office= the page opens on the persona's own office, or refuses those who have none
    for name in OFFICE_PAGES:
        response = client.get(reverse(name), {"kind": "month", "day": "2025-10-15"})
        assert response.status_code == (200 if persona in READS else 403), (name, persona)
        assert_no_leak(cast, persona, response, (name, "default"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_compliance_in_every_period_as_every_persona(cast, client, office_world, persona):
    """The compliance table of every period kind and every office level — page, Excel and API —
    answers as the office's pages do and shows nothing outside the scope."""
    client.force_login(getattr(cast, persona))
    for code in OFFICE_CODES:
        office = office_world.offices[code]
        for kind in ("semester", "year"):
            for name in ("visits:compliance", "visits:compliance_export"):
                response = client.get(reverse(name), {"office": office.pk, "kind": kind, "day": "2025-10-15"})
                assert response.status_code == expected_status(persona, code), (name, kind, persona, code)
                assert_no_leak(cast, persona, response, (name, kind, code))
        for kind in ("month", "semester", "year"):
            response = client.get("/api/v1/visits/compliance", {"office_id": office.pk, "kind": kind, "day": "2025-10-15"})
            assert response.status_code == expected_status(persona, code), ("api", kind, persona, code, response.status_code)
            assert_no_leak(cast, persona, response, ("api", kind, code))
            if response.status_code == 200:
                assert response.json()["office_id"] == office.pk
    response = client.get("/api/v1/visits/compliance")
    assert response.status_code == (200 if persona in READS else 403), ("api default", persona, response.status_code)
    assert_no_leak(cast, persona, response, ("api", "default"))
    assert client.get("/api/v1/visits/compliance", {"kind": "decade"}).status_code in (403, 422)


@pytest.mark.parametrize("persona", PERSONAS)
def test_office_rule_override_as_every_persona(cast, client, office_world, persona):
    client.force_login(getattr(cast, persona))
    before = QuotaRule.objects.count()
    allowed = 0
    first = timezone.localdate().replace(day=1)
    for code in OFFICE_CODES:
        office = office_world.offices[code]
        response = client.post(reverse("visits:rule_override", kwargs={"pk": office.pk}), {
            "zone_level": "county", "supervisor_kind": "", "metric": "visits_per_supervisor", "period": "month",
            "required": "5", "valid_from": first.isoformat(), "source": "测试依据"})
        if code in MANAGES.get(persona, set()):
            assert response.status_code == 302, (persona, code, response.status_code)
            allowed += 1
        else:
            want = 403 if code in READS.get(persona, set()) | SEES_ONLY.get(persona, set()) else 404
            assert response.status_code == want, (persona, code, response.status_code)
        assert_no_leak(cast, persona, response, ("rule_override", code))
    assert QuotaRule.objects.count() == before + allowed
    assert allowed == len(MANAGES.get(persona, set()))


@pytest.mark.parametrize("persona", PERSONAS)
def test_office_ledger_and_export_as_every_persona(cast, client, office_world, persona):
    client.force_login(getattr(cast, persona))
    visited = {k for k in EXPECTED[persona] if k != "B2"}  # B2 was never visited
    page = client.get(reverse("visits:log"), {"who": "all"})
    assert page.status_code == 200
    listed = {k for k in ("A1", "A2", "A3", "B1", "B2", "C1", "D1") if f"<td>{getattr(cast, k).name}" in page.content.decode()}
    assert listed == visited, persona
    assert_no_leak(cast, persona, page, "log")
    export = client.get(reverse("visits:log_export"), {"who": "all"})
    assert export.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(export.streaming_content))).get_sheet_by_index(0).to_python()
    assert {row[1] for row in rows[1:]} == {getattr(cast, k).name for k in visited}, persona
    # the whole ledger (every filter value a person might try) never widens the scope
    for params in ({}, {"region": "110101"}, {"region": "430182"}, {"zone": str(office_world.zones["110101"].pk)},
                   {"school": "测试"}, {"supervisor": "督学"}, {"supervisor_id": str(office_world.supervisors["北京钱督学"].pk)}):
        response = client.get(reverse("visits:log"), {"who": "all", **params})
        assert response.status_code == 200
        assert_no_leak(cast, persona, response, ("log", params))


@pytest.mark.parametrize("persona", PERSONAS)
def test_office_record_sheet_as_every_persona(cast, client, office_world, persona):
    client.force_login(getattr(cast, persona))
    inside = [k for k in EXPECTED[persona] if k in office_world.visits]
    for key, visit in office_world.visits.items():
        if key in inside and key != inside[0]:
            continue  # one sheet rendered per persona is enough; the refusals are what matters here
        response = client.get(reverse("visits:record_pdf", kwargs={"pk": visit.pk}))
        if key in inside:
            assert response.status_code == 200 and response["Content-Type"] == "application/pdf", (persona, key)
        else:
            assert response.status_code == 404, (persona, key, response.status_code)
            assert_no_leak(cast, persona, response, ("record_pdf", key))
    # a draft is read by the supervisor who writes it, by no one else (not even the admin)
    draft = client.get(reverse("visits:record_pdf", kwargs={"pk": office_world.draft.pk}))
    assert draft.status_code == (200 if persona == "supervisor" else 404), persona


FILERS = {"admin", "province_staff", "city_staff", "county_staff"}
FILES_OWN = {"multi": {"B1", "B2"}}  # staff of 望城: the 望城 schools' sheets only


@pytest.mark.parametrize("persona", PERSONAS)
def test_filing_the_record_sheet_as_every_persona(cast, client, office_world, persona):
    """存档为公文 (visits/documents.py): office staff above the visit's school who read every field; a
    reader of the visit without both gets 403, anyone else 404."""
    from dudao.documents.models import Document

    client.force_login(getattr(cast, persona))
    for key, visit in office_world.visits.items():
        response = client.post(reverse("visits:record_file", kwargs={"pk": visit.pk}))
        if key not in EXPECTED[persona]:
            assert response.status_code == 404, (persona, key, response.status_code)
        elif persona in FILERS or key in FILES_OWN.get(persona, set()):
            doc = Document.objects.get(source=f"visits.Visit:{visit.pk}")
            assert response.status_code == 302 and response["Location"].rstrip("/").endswith(f"/documents/{doc.pk}")
            assert doc.kind == "record_sheet" and doc.masthead == "" and not doc.recipients.exists()
        else:
            assert response.status_code == 403, (persona, key, response.status_code)
    assert client.get(reverse("visits:record_file", kwargs={"pk": office_world.visits["A1"].pk})).status_code == 405
    if persona not in FILERS and persona not in FILES_OWN:
        assert not Document.objects.exists()


def test_office_leak_check_names_the_whole_world():
    """The leak check is only as good as its list: it names every supervisor and zone of the world."""
    assert set(SUPERVISED) == {n for names in SUPERVISOR_NAMES.values() for n in names}
    assert set(ZONE_SCHOOLS) == set(ZONE_NAMES.values())
