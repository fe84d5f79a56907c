"""The ledger pages as every persona, against findings inside and outside their scope.

Walks "findings:ledger", "findings:export", "findings:stats", "findings:create", "findings:settings",
"findings:settings_save", "findings:detail", "findings:act", "findings:notice_pdf",
"findings:notice_docx" and "findings:evidence": out-of-scope findings answer 404 and never leak
into a list, a chart, an Excel file or a download; government units' findings stay invisible to
schools; evidence files are served only through the scope check.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.findings.models import Finding
from tests.findings.views_support import OFFICE_PERSONAS, build_spread
from tests.html_page import Html
from tests.personas import EXPECTED, PERSONAS
from tests.xlsx import xlsx_rows

ALL_KEYS = ("A1", "A2", "A3", "B1", "B2", "C1", "D1", "NX", "WC")
# Who may record a finding by hand: office staff (not leaders) and the supervisors with a record.
CREATORS = {"admin", "province_staff", "city_staff", "county_staff", "multi", "supervisor", "outsider"}


@pytest.fixture
def spread(ledger):
    return build_spread(ledger)


@pytest.mark.parametrize("persona", PERSONAS)
def test_ledger_list_and_excel_show_only_the_scope(spread, client, cast, persona):
    client.force_login(getattr(cast, persona))
    visible = spread.visible_keys(persona)
    page = client.get(reverse("findings:ledger")).content.decode()
    for key in ALL_KEYS:
        assert (spread.text(key) in page) == (key in visible), (persona, key)
    assert f'data-testid="count-unfinished">{len(visible)}<' in page
    # A search for an outside school by name finds nothing and shows no row.
    for key in set(ALL_KEYS) - visible:
        found = client.get(reverse("findings:ledger"), {"school": spread.findings[key].unit_name}).content.decode()
        assert spread.text(key) not in found and 'data-testid="finding-row"' not in found, (persona, key)
    response = client.get(reverse("findings:export"))
    assert response.status_code == 200
    rows = xlsx_rows(response)
    assert rows[0][:3] == ["序号", "发现日期", "来源"]
    assert {r[6] for r in rows[1:]} == {spread.text(k) for k in visible}, persona


@pytest.mark.parametrize("persona", PERSONAS)
def test_finding_pages_and_evidence_answer_404_outside(spread, client, cast, persona):
    client.force_login(getattr(cast, persona))
    visible = spread.visible_keys(persona)
    for key in ALL_KEYS:
        finding, evidence = spread.findings[key], spread.evidence[key]
        detail = client.get(reverse("findings:detail", args=[finding.pk]))
        download = client.get(reverse("findings:evidence", args=[evidence.pk]))
        if key in visible:
            assert detail.status_code == 200 and spread.text(key) in detail.content.decode(), (persona, key)
            assert download.status_code == 200 and b"".join(download.streaming_content)[:4] == b"\x89PNG", (persona, key)
        else:
            assert (detail.status_code, download.status_code) == (404, 404), (persona, key)
            assert spread.text(key) not in detail.content.decode()
            for name in ("findings:notice_pdf", "findings:notice_docx"):
                assert client.get(reverse(name, args=[finding.pk])).status_code == 404, (persona, key, name)
            # A step on a finding outside the scope: 404, nothing changes.
            response = client.post(reverse("findings:act", args=[finding.pk, "cancel"]), {"note": "越权撤销"})
            assert response.status_code == 404, (persona, key)
    assert not Finding.objects.filter(state="cancelled").exists()
    # The evidence files are never linked by a public media address.
    if visible:
        page = client.get(reverse("findings:detail", args=[spread.findings[sorted(visible)[0]].pk])).content.decode()
        assert "/media/" not in page


@pytest.mark.parametrize("persona", ["admin", "county_staff", "county_leader", "school_user"])
def test_notices_download_inside_the_scope(spread, client, cast, persona):
    client.force_login(getattr(cast, persona))
    finding = spread.findings["A1"]
    pdf = client.get(reverse("findings:notice_pdf", args=[finding.pk]))
    docx = client.get(reverse("findings:notice_docx", args=[finding.pk]))
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    assert docx.status_code == 200 and docx.content[:2] == b"PK"


@pytest.mark.parametrize("persona", PERSONAS)
def test_steps_refused_to_those_without_the_role(spread, client, cast, persona):
    """Inside the scope, a step the user's role may not take answers 403 and changes nothing."""
    client.force_login(getattr(cast, persona))
    finding = spread.findings["A1"]
    if "A1" not in spread.visible_keys(persona):
        return  # covered by the 404 walk
    response = client.post(reverse("findings:act", args=[finding.pk, "notify"]))
    finding.refresh_from_db()
    if persona in {"admin", "province_staff", "city_staff", "county_staff", "supervisor"}:
        assert response.status_code == 302 and finding.state == "notified", persona
    else:  # the leader reads only; the school cannot notify itself
        assert response.status_code == 403 and finding.state == "open", persona


@pytest.mark.parametrize("persona", PERSONAS)
def test_statistics_for_offices_only_and_only_their_scope(spread, client, cast, persona):
    client.force_login(getattr(cast, persona))
    response = client.get(reverse("findings:stats"))
    if persona not in OFFICE_PERSONAS:
        assert response.status_code == 403, persona
        return
    assert response.status_code == 200
    page = response.content.decode()
    visible = spread.visible_keys(persona)
    for key in ALL_KEYS:
        assert (spread.findings[key].unit_name in page) == (key in visible), (persona, key)


# What each persona can record with the office of the school's county: only inside their write scope.
CREATES = {"admin": {"A1", "B1", "C1", "D1"}, "province_staff": {"A1", "B1", "C1"}, "city_staff": {"A1", "B1", "C1"},
           "county_staff": {"A1"}, "multi": {"B1"}, "supervisor": {"A1"}, "outsider": {"C1"}}


@pytest.mark.parametrize("persona", PERSONAS)
def test_create_only_for_staff_and_supervisors_and_only_in_scope(spread, client, cast, persona):
    client.force_login(getattr(cast, persona))
    response = client.get(reverse("findings:create"))
    assert response.status_code == (200 if persona in CREATORS else 403), persona
    for key in ("A1", "B1", "C1", "D1"):
        school = getattr(cast, key)
        response = client.post(reverse("findings:create"), {
            "office": spread.offices[key[0]].pk, "school": school.code, "source": "other", "category": "safety",
            "severity": "normal", "description": f"越权登记{key}", "requirement": "无", "deadline": "2099-01-01"})
        if persona not in CREATORS:
            assert response.status_code == 403
        elif key not in CREATES[persona]:
            assert response.status_code == 400, (persona, key)
            if key not in EXPECTED[persona]:  # a school the persona cannot read: not found, its name never shown
                assert school.name not in response.content.decode(), (persona, key)
                errors = Html(response).texts("div", cls="invalid-feedback")
                assert f"在您的权限范围内没有找到学校“{school.code}”，请填写学校标识码或学校全称。" in errors, (persona, key)
    created = {f.description[-2:] for f in Finding.objects.filter(description__startswith="越权登记")}
    assert created == CREATES.get(persona, set()), persona


@pytest.mark.parametrize("persona", PERSONAS)
def test_settings_read_by_offices_changed_by_staff(spread, client, cast, ledger, persona):
    from dudao.findings.models import FindingPolicy

    client.force_login(getattr(cast, persona))
    response = client.get(reverse("findings:settings"))
    assert response.status_code == (200 if persona in OFFICE_PERSONAS else 403), persona
    # 宁乡's settings: visible to offices covering 宁乡; others 404 (or 403 when seen only through schools).
    nx = client.get(reverse("findings:settings"), {"office": ledger.ningxiang.pk})
    sees_nx = persona in {"admin", "province_staff", "city_staff", "county_staff", "county_leader"}
    assert nx.status_code == 200 if sees_nx else nx.status_code in (403, 404), (persona, nx.status_code)
    post = client.post(reverse("findings:settings_save", args=[ledger.ningxiang.pk]), {
        "part": "policy", "remind_days_before": "5,1", "dispute_answer_days": "20", "default_deadline_days": "15", "source": "测试"})
    manages_nx = persona in {"admin", "province_staff", "city_staff", "county_staff"}
    if manages_nx:
        assert post.status_code == 302
    else:
        assert post.status_code in (403, 404), (persona, post.status_code)
    assert FindingPolicy.objects.filter(office=ledger.ningxiang).exists() == manages_nx


def test_anonymous_is_sent_to_login(spread, client):
    finding, evidence = spread.findings["A1"], spread.evidence["A1"]
    urls = [reverse("findings:ledger"), reverse("findings:export"), reverse("findings:stats"), reverse("findings:create"),
            reverse("findings:settings"), reverse("findings:detail", args=[finding.pk]),
            reverse("findings:notice_pdf", args=[finding.pk]), reverse("findings:notice_docx", args=[finding.pk]),
            reverse("findings:evidence", args=[evidence.pk])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    for url in (reverse("findings:act", args=[finding.pk, "cancel"]), reverse("findings:settings_save", args=[spread.offices["A"].pk])):
        response = client.post(url, {"note": "x"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    finding.refresh_from_db()
    assert finding.state == "open"
