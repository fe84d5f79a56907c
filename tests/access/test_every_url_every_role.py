"""Every URL, as every persona, against objects outside the persona's scope (design.md: the one
rule that must never break). A URL added without an entry in COVERAGE fails `test_every_url_is_covered`;
a URL in COVERAGE that no test requests fails the run (tests/urlwalk.py records every request's URL
name: the kinds below are walked here, "own" URLs by the app's scope tests).
"""

from __future__ import annotations

import io
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from python_calamine import CalamineWorkbook

from dudao.imports.models import ImportJob
from tests.personas import EXPECTED, PERSONAS

# How each URL name is checked:
#   school    — detail of one school: 200 inside the scope, 404 outside
#   region    — detail of one region: 200 for a visible county, 404 for one outside
#   list      — a list: 200, shows only schools inside the scope (searched by name)
#   export    — an Excel export: only schools inside the scope in the file
#   home      — counts: the number shown equals the number in scope (学校概况, schools:overview)
#   api_list / api_school / api_region — the same for the REST API
#   admin     — system administration: 200 for the admin, 403 for everyone else (POSTs too)
#   writer    — imports: 200 for roles that may change data, 403 for the others
#   job       — an import job: only its creator and the admin see it
#   self      — pages about the signed-in user: 200 for everyone signed in
#   open      — needs no scope (login, language switch, health, API schema)
COVERAGE = {
    "healthz": "open",
    "login": "open",
    "logout": "open",
    "set_language": "open",
    "jsi18n": "open",
    "regions:tree": "list",
    "regions:detail": "region",
    "regions:children": "region",
    "schools:list": "list",
    "schools:export": "export",
    "schools:detail": "school",
    "schools:year_export": "school",
    "people:me": "self",
    "people:user_create": "admin",
    "imports:list": "writer",
    "imports:new": "writer",
    "imports:template": "writer",
    "imports:detail": "job",
    "imports:errors_export": "job",
    "system:dictionary_list": "admin",
    "system:dictionary_create": "admin",
    "system:dictionary_edit": "admin",
    "system:operation_log": "admin",
    "system:login_log": "admin",
    "api-1:openapi-json": "open",
    "api-1:openapi-view": "open",
    "api-1:api-root": "open",
    "api-1:list_roots": "api_list",
    "api-1:get_region": "api_region",
    "api-1:get_children": "api_region",
    "api-1:list_schools": "api_list",
    "api-1:get_school": "api_school",
    "api-1:get_school_years": "api_school",
}
# Later apps keep their entries in tests/access/coverage_<app>.py; kind "own" means the app's own
# scope test (named in that module's OWN_TESTS) walks those URLs as every persona.
from tests.access import (  # noqa: E402
    coverage_bulletins,
    coverage_campaigns,
    coverage_campaigns_dashboard,
    coverage_campaigns_onsite,
    coverage_campaigns_scoring,
    coverage_campaigns_teams,
    coverage_complaints,
    coverage_core,
    coverage_documents,
    coverage_evaluations,
    coverage_findings,
    coverage_frameworks,
    coverage_governance,
    coverage_library,
    coverage_monitoring,
    coverage_monthly,
    coverage_notifications,
    coverage_outcomes,
    coverage_people,
    coverage_plaques,
    coverage_portal,
    coverage_schools,
    coverage_supervisors,
    coverage_surveys,
    coverage_visits,
    coverage_zones,
)

APP_COVERAGE = (coverage_core, coverage_people, coverage_schools, coverage_supervisors, coverage_zones, coverage_plaques, coverage_visits, coverage_notifications,
                coverage_findings, coverage_complaints, coverage_monitoring, coverage_campaigns,
                coverage_campaigns_teams, coverage_campaigns_scoring, coverage_campaigns_onsite, coverage_frameworks,
                coverage_campaigns_dashboard, coverage_surveys, coverage_governance, coverage_evaluations,
                coverage_documents, coverage_bulletins, coverage_monthly, coverage_outcomes, coverage_portal,
                coverage_library)
for _module in APP_COVERAGE:
    COVERAGE.update(_module.COVERAGE)
WRITER_PERSONAS = {"admin", "province_staff", "city_staff", "county_staff", "multi"}


def _url_names(patterns=None, namespace=None):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("django-admin"):
                continue  # Django's own admin: superusers only, guarded by Django
            ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else p.namespace or namespace
            yield from _url_names(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}:{p.name}" if namespace else p.name


def test_every_url_is_covered():
    names = set(_url_names())
    missing = sorted(names - set(COVERAGE))
    assert not missing, f"URLs without a scope check: {missing}"
    assert not set(COVERAGE) - names, "COVERAGE names URLs that no longer exist"


def test_own_scope_tests_exist_and_name_their_urls():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for module in APP_COVERAGE:
        own = [name for name, kind in module.COVERAGE.items() if kind == "own"]
        if not own:
            continue
        text = (root / module.OWN_TESTS).read_text()
        assert [n for n in own if f'"{n}"' not in text] == [], module.OWN_TESTS
        # An index file names the walk modules it stands for: each must exist and hold tests.
        for walk in re.findall(r"tests/[\w/]*test_\w+\.py", text):
            walk_text = (root / walk).read_text()
            assert "def test_" in walk_text, walk


def test_the_walk_records_the_url_names_requested(cast, client):
    from tests import urlwalk

    client.force_login(cast.county_staff)
    client.get(reverse("schools:detail", kwargs={"pk": cast.A1.pk}), follow=True)
    assert "schools:detail" in urlwalk.walked[urlwalk.CENTRAL]
    assert urlwalk.claims()["schools:detail"] == {urlwalk.CENTRAL}
    assert urlwalk.claims()["core:home"] == {"tests/home/test_workbench.py", "tests/home/test_jobs_attention.py",
                                             "tests/findings/test_export_jobs.py"}


def _open_kwargs(cast, name: str) -> dict:
    if name in {"public:school", "public:complaint"}:
        return {"code": cast.A1.code}
    if name == "api-1:complaint_status":
        return {"code": "NOSUCHCODE"}
    return {}


def test_open_urls_answer_without_signing_in(cast, client):
    """"open" URLs (login, language, health, API schema, the public pages of a plaque) never ask
    an anonymous visitor to sign in, and never fail."""
    for name in [n for n, kind in COVERAGE.items() if kind == "open"]:
        response = client.get(reverse(name, kwargs=_open_kwargs(cast, name)))
        assert response.status_code < 500 and response.status_code not in (401, 403), (name, response.status_code)
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login")), name


def _names_of(cast, keys):
    return {getattr(cast, k).name for k in keys}


def _outside(persona: str) -> list[str]:
    return [k for k in ("A1", "A2", "A3", "B1", "B2", "C1", "D1") if k not in EXPECTED[persona]]


@pytest.mark.parametrize("persona", PERSONAS)
def test_school_pages_refuse_outside_and_serve_inside(cast, client, persona):
    client.force_login(getattr(cast, persona))
    for name in [n for n, kind in COVERAGE.items() if kind in {"school", "api_school"}]:
        kwarg = "school_id" if name.startswith("api-1") else "pk"
        for key in _outside(persona):
            response = client.get(reverse(name, kwargs={kwarg: getattr(cast, key).pk}))
            assert response.status_code in (403, 404), (name, persona, key, response.status_code)
            assert getattr(cast, key).name not in response.content.decode(errors="ignore")
        for key in EXPECTED[persona]:
            response = client.get(reverse(name, kwargs={kwarg: getattr(cast, key).pk}))
            assert response.status_code == 200, (name, persona, key, response.status_code)


def _county(cast, key) -> str:
    return getattr(cast, key).region_code[:6]


@pytest.mark.parametrize("persona", PERSONAS)
def test_region_pages_refuse_counties_outside(cast, client, persona):
    client.force_login(getattr(cast, persona))
    inside = {_county(cast, k) for k in EXPECTED[persona]}
    outside = {_county(cast, k) for k in _outside(persona)} - inside
    for name in [n for n, kind in COVERAGE.items() if kind in {"region", "api_region"}]:
        for code in outside:
            response = client.get(reverse(name, kwargs={"code": code}))
            assert response.status_code == 404, (name, persona, code, response.status_code)
        for code in inside:
            response = client.get(reverse(name, kwargs={"code": code}))
            assert response.status_code == 200, (name, persona, code)


@pytest.mark.parametrize("persona", PERSONAS)
def test_lists_and_search_show_only_the_scope(cast, client, persona):
    client.force_login(getattr(cast, persona))
    for key in ("A1", "A2", "A3", "B1", "B2", "C1", "D1"):
        school = getattr(cast, key)
        for url in (reverse("schools:list") + f"?q={school.name}", reverse("schools:list") + f"?q={school.code}"):
            page = client.get(url).content.decode()
            # A result row links the name; the search box merely echoes what was typed.
            assert (f">{school.name}</a>" in page) == (key in EXPECTED[persona]), (persona, key, url)
        api = client.get(reverse("api-1:list_schools"), {"q": school.name}).json()
        assert (api["count"] == 1) == (key in EXPECTED[persona]), (persona, key)
    full = client.get(reverse("schools:list")).content.decode()
    assert not [n for n in _names_of(cast, _outside(persona)) if n in full], persona
    assert all(f">{n}</a>" in full for n in _names_of(cast, EXPECTED[persona])), persona


@pytest.mark.parametrize("persona", PERSONAS)
def test_export_contains_only_the_scope(cast, client, persona):
    client.force_login(getattr(cast, persona))
    response = client.get(reverse("schools:export"))
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))).get_sheet_by_index(0).to_python()
    exported = {row[1] for row in rows[1:]}
    assert exported == _names_of(cast, EXPECTED[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_home_counts_only_the_scope(cast, client, persona):
    client.force_login(getattr(cast, persona))
    page = client.get(reverse("schools:overview")).content.decode()
    expected = len(EXPECTED[persona])
    if expected:
        assert f'data-testid="school-count">{expected}<' in page
    else:
        assert "您的权限范围内还没有学校" in page
    api = client.get(reverse("api-1:list_roots")).json()
    assert sum(r["school_count"] for r in api) == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_region_tree_and_api_show_no_region_outside(cast, client, persona):
    client.force_login(getattr(cast, persona))
    inside = {_county(cast, k) for k in EXPECTED[persona]}
    outside = {_county(cast, k) for k in _outside(persona)} - inside
    for code in outside:
        parent = code[:4] if code[:4] != "1101" else "11"
        children = client.get(reverse("api-1:get_children", kwargs={"code": parent}))
        assert children.status_code == 404 or code not in {r["code"] for r in children.json()}, (persona, code)


ADMIN_POSTS = {"people:grant_add", "people:grant_remove", "people:user_password", "people:user_unlock"}


def _admin_kwargs(cast, name: str) -> dict:
    from dudao.system.models import DictionaryItem

    if name == "people:grant_remove":
        return {"pk": cast.county_staff.pk, "grant_pk": cast.county_staff.role_grants.get().pk}
    if name.startswith("people:") and name not in {"people:user_list", "people:user_create"}:
        return {"pk": cast.county_staff.pk}
    if name == "system:dictionary_edit":
        return {"pk": DictionaryItem.objects.order_by("pk").values_list("pk", flat=True).first()}
    return {}


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "admin"])
def test_admin_pages_refuse_everyone_but_the_admin(cast, client, persona):
    client.force_login(getattr(cast, persona))
    for name in [n for n, kind in COVERAGE.items() if kind == "admin"]:
        url = reverse(name, kwargs=_admin_kwargs(cast, name))
        response = client.post(url, {}) if name in ADMIN_POSTS else client.get(url)
        assert response.status_code == 403, (name, persona, response.status_code)
    assert cast.county_staff.role_grants.count() == 1  # the refused POSTs changed nothing


def test_admin_pages_serve_the_admin(cast, client):
    client.force_login(cast.admin)
    for name in [n for n, kind in COVERAGE.items() if kind == "admin" and n not in ADMIN_POSTS]:
        response = client.get(reverse(name, kwargs=_admin_kwargs(cast, name)))
        assert response.status_code == 200, name


@pytest.mark.parametrize("persona", PERSONAS)
def test_import_pages_only_for_writers(cast, client, persona):
    client.force_login(getattr(cast, persona))
    for name in ("imports:list", "imports:new"):
        response = client.get(reverse(name))
        assert response.status_code == (200 if persona in WRITER_PERSONAS else 403), (name, persona)
    response = client.get(reverse("imports:template", kwargs={"kind": "schools"}))
    assert response.status_code == (200 if persona in WRITER_PERSONAS else 403)


@pytest.mark.parametrize("persona", PERSONAS)
def test_import_job_seen_only_by_creator_and_admin(cast, client, persona):
    job = ImportJob.objects.create(kind="schools", original_name="宁乡学校.xlsx", created_by=cast.county_staff)
    client.force_login(getattr(cast, persona))
    for name in ("imports:detail", "imports:errors_export"):
        response = client.get(reverse(name, kwargs={"pk": job.pk}))
        allowed = persona in {"admin", "county_staff"}
        assert response.status_code == (200 if allowed else 404), (name, persona)
    listing = client.get(reverse("imports:list"))
    if listing.status_code == 200:
        assert ("宁乡学校.xlsx" in listing.content.decode()) == (persona in {"admin", "county_staff"})


@pytest.mark.parametrize("persona", PERSONAS)
def test_self_and_open_pages_answer(cast, client, persona):
    client.force_login(getattr(cast, persona))
    assert client.get(reverse("people:me")).status_code == 200
    assert client.get(reverse("api-1:openapi-json")).status_code == 200


def test_anonymous_is_sent_to_login_everywhere(cast, client):
    for name, kind in COVERAGE.items():
        if kind in {"open", "own"}:
            continue  # "own" URLs are walked anonymously by their app's own scope test
        kwargs = _admin_kwargs(cast, name) if kind == "admin" else {}
        if kind in {"school"}:
            kwargs = {"pk": cast.A1.pk}
        elif kind == "api_school":
            kwargs = {"school_id": cast.A1.pk}
        elif kind in {"region", "api_region"}:
            kwargs = {"code": "430182"}
        elif kind == "job":
            kwargs = {"pk": 1}
        elif name == "imports:template":
            kwargs = {"kind": "schools"}
        response = client.get(reverse(name, kwargs=kwargs))
        if name.startswith("api-1"):
            assert response.status_code == 401, name
        else:
            assert response.status_code in (302, 405), name
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("login")), name
