"""Every complaints URL as every persona (tests/personas.py), against one complaint at each school.

Who sees a complaint: the school scope (`school_q`) — the office its subtree, a supervisor their
schools, a school its own — but no third-party evaluator. Who reads the phone, the name and the
internal record: the office (staff and leaders) and the assigned supervisor; a school reads the
masked phone. Who acts (triage, close, notes): the assigned supervisor, the office's staff and
admins; leaders, schools and zone colleagues read only (403). Outside the scope: 404, and nothing
of the complaint in the answer.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.complaints.models import Complaint, ComplaintState
from tests.complaints.conftest import PHONE, jpeg_bytes, submit
from tests.personas import PERSONAS
from tests.xlsx import xlsx_rows

SCHOOLS = ("A1", "A2", "A3", "B1", "B2", "C1", "D1")
HUNAN = {"A1", "A2", "A3", "B1", "B2", "C1"}
SEES = {
    "admin": set(SCHOOLS), "province_staff": HUNAN, "city_staff": HUNAN,
    "county_staff": {"A1", "A2", "A3"}, "county_leader": {"A1", "A2", "A3"}, "supervisor": {"A1", "A2"},
    "school_user": {"A1"}, "evaluator": set(), "outsider": {"C1"}, "multi": {"A3", "B1", "B2"}, "nobody": set(),
}
HANDLES = {
    "admin": set(SCHOOLS), "province_staff": HUNAN, "city_staff": HUNAN, "county_staff": {"A1", "A2", "A3"},
    "county_leader": set(), "supervisor": {"A1", "A2"}, "school_user": set(), "evaluator": set(),
    "outsider": {"C1"}, "multi": {"A3", "B1", "B2"}, "nobody": set(),
}
CONTACT = {**HANDLES, "county_leader": {"A1", "A2", "A3"}}
# Reassigning is the office's (not the supervisor's) decision.
ASSIGNS = {**{p: set() for p in PERSONAS}, "admin": set(SCHOOLS), "province_staff": HUNAN, "city_staff": HUNAN,
           "county_staff": {"A1", "A2", "A3"}, "multi": {"B1", "B2"}}
REGISTERS = {"admin", "province_staff", "city_staff", "county_staff", "supervisor", "outsider", "multi"}
POLICY_READERS = {"admin", "province_staff", "city_staff", "county_staff", "county_leader", "multi"}
MASKED = "139****5678"


@pytest.fixture
def world(cast, team):
    """One complaint per school, each with a photo and a marker in its text."""
    complaints = {}
    for key in SCHOOLS:
        complaints[key] = submit(getattr(cast, key), text=f"【{key}】反映学校乱收费的问题", photos=[jpeg_bytes()],
                                 ip_hash=f"scope-{key}")
    return complaints


def _expected(persona: str, key: str, allowed: dict[str, set[str]], ok: int = 200) -> int:
    return ok if key in allowed[persona] else 403 if key in SEES[persona] else 404




@pytest.mark.parametrize("persona", PERSONAS)
def test_list_export_stats_and_api_show_only_the_scope(cast, team, world, client, persona):
    client.force_login(getattr(cast, persona))
    sees = SEES[persona]

    page = client.get(reverse("complaints:list")).content.decode()
    assert {k for k in SCHOOLS if f"【{k}】" in page} == sees, "complaints:list"

    rows = xlsx_rows(client.get(reverse("complaints:export")))
    assert {r[3] for r in rows[1:]} == {getattr(cast, k).name for k in sees}, "complaints:export"

    stats = client.get(reverse("complaints:stats")).content.decode()
    assert f'data-testid="total">{len(sees)}<' in stats, "complaints:stats"
    assert not [k for k in SCHOOLS if k not in sees and getattr(cast, k).name in stats]
    rows = xlsx_rows(client.get(reverse("complaints:stats_export")))
    assert {r[0] for r in rows[1:]} == {getattr(cast, k).name for k in sees}, "complaints:stats_export"

    api = client.get(reverse("api-1:list_complaints")).json()
    assert {item["id"] for item in api["items"]} == {world[k].pk for k in sees}, "api-1:list_complaints"
    for item in api["items"]:
        key = next(k for k in SCHOOLS if world[k].pk == item["id"])
        assert item["phone"] == (PHONE if key in CONTACT[persona] else MASKED), (persona, key)


@pytest.mark.parametrize("persona", PERSONAS)
def test_detail_photo_and_record_sheet(cast, team, world, client, persona):
    client.force_login(getattr(cast, persona))
    for key, complaint in world.items():
        school = getattr(cast, key)
        detail = client.get(reverse("complaints:detail", args=[complaint.pk]))
        assert detail.status_code == _expected(persona, key, SEES), ("complaints:detail", persona, key)
        body = detail.content.decode(errors="ignore")
        if key in SEES[persona]:
            assert (PHONE in body) == (key in CONTACT[persona]), ("phone", persona, key)
            assert (complaint.tracking_code_display in body) == (key in CONTACT[persona])
        else:
            assert school.name not in body and f"【{key}】" not in body

        photo = complaint.photos.get()
        response = client.get(reverse("complaints:photo", args=[complaint.pk, photo.pk]))
        assert response.status_code == _expected(persona, key, SEES), ("complaints:photo", persona, key)

        response = client.get(reverse("complaints:record_pdf", args=[complaint.pk]))
        assert response.status_code == _expected(persona, key, CONTACT), ("complaints:record_pdf", persona, key)

        api = client.get(reverse("api-1:get_complaint", args=[complaint.pk]))
        assert api.status_code == _expected(persona, key, SEES) if key in SEES[persona] else api.status_code == 404
        if api.status_code == 200:
            data = api.json()
            assert data["phone"] == (PHONE if key in CONTACT[persona] else MASKED), ("api-1:get_complaint", persona, key)
            assert (data["tracking_code"] is not None) == (key in CONTACT[persona])
        else:
            assert school.name not in api.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_triage_close_and_note(cast, team, world, client, persona):
    client.force_login(getattr(cast, persona))
    for key, complaint in world.items():
        triage = client.post(reverse("complaints:triage", args=[complaint.pk, "question"]),
                             {"question-public_answer": "您好，答复如下。", "question-reply_method": "online"})
        assert triage.status_code == _expected(persona, key, HANDLES, 302), ("complaints:triage", persona, key)
        note = client.post(reverse("complaints:note", args=[complaint.pk]), {"note-note": "已联系"})
        assert note.status_code == _expected(persona, key, HANDLES, 302), ("complaints:note", persona, key)
        close = client.post(reverse("complaints:close", args=[complaint.pk]), {"close-note": "办结"})
        assert close.status_code == _expected(persona, key, HANDLES, 302), ("complaints:close", persona, key)
        if triage.status_code != 302:
            assert getattr(cast, key).name not in triage.content.decode(errors="ignore")
        complaint.refresh_from_db()
        assert complaint.state == (ComplaintState.CLOSED if key in HANDLES[persona] else ComplaintState.RECEIVED)
        assert complaint.events.filter(action="note").exists() == (key in HANDLES[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_assign(cast, team, world, client, persona):
    client.force_login(getattr(cast, persona))
    for key, complaint in world.items():
        response = client.post(reverse("complaints:assign", args=[complaint.pk]), {"assign-supervisor": team.li.pk})
        if key in ASSIGNS[persona]:
            # 李 is 宁乡's: offered for 宁乡's complaints only (elsewhere the form refuses him: 400)
            assert response.status_code == (302 if key.startswith("A") else 400), ("complaints:assign", persona, key)
        else:
            assert response.status_code == (403 if key in SEES[persona] else 404), ("complaints:assign", persona, key)
    assert set(Complaint.objects.filter(supervisor=team.li).values_list("school__code", flat=True)) == {
        getattr(cast, k).code for k in ASSIGNS[persona] if k.startswith("A")}


@pytest.mark.parametrize("persona", PERSONAS)
def test_register_only_for_schools_the_persona_answers_for(cast, team, client, persona):
    client.force_login(getattr(cast, persona))
    response = client.get(reverse("complaints:register"))
    assert response.status_code == (200 if persona in REGISTERS else 403), ("complaints:register", persona)
    # a school outside every persona's write scope or assignments but the admin's
    posted = client.post(reverse("complaints:register"), {"school": cast.D1.pk, "channel": "phone", "category": "fees",
                                                          "received_at": "2026-01-05T09:30", "text": "来电反映乱收费问题"})
    expected = 302 if persona == "admin" else 400 if persona in REGISTERS else 403
    assert posted.status_code == expected, ("complaints:register", persona, posted.status_code)
    assert Complaint.objects.filter(school=cast.D1).exists() == (persona == "admin")


@pytest.mark.parametrize("persona", PERSONAS)
def test_policy_page(cast, team, client, persona):
    client.force_login(getattr(cast, persona))
    response = client.get(reverse("complaints:policy"))
    assert response.status_code == (200 if persona in POLICY_READERS else 403), ("complaints:policy", persona)
    response = client.get(reverse("complaints:policy"), {"office": team.ningxiang.pk})
    readers_of_ningxiang = {"admin", "province_staff", "city_staff", "county_staff", "county_leader"}
    expected = 200 if persona in readers_of_ningxiang else 404 if persona in POLICY_READERS else 403
    assert response.status_code == expected, ("complaints:policy", persona)


def test_anonymous_is_sent_to_login(cast, team, world, client):
    complaint = world["A1"]
    photo = complaint.photos.get()
    gets = [reverse("complaints:list"), reverse("complaints:export"), reverse("complaints:register"),
            reverse("complaints:stats"), reverse("complaints:stats_export"), reverse("complaints:policy"),
            reverse("complaints:detail", args=[complaint.pk]), reverse("complaints:photo", args=[complaint.pk, photo.pk]),
            reverse("complaints:record_pdf", args=[complaint.pk])]
    posts = [reverse("complaints:triage", args=[complaint.pk, "question"]), reverse("complaints:close", args=[complaint.pk]),
             reverse("complaints:note", args=[complaint.pk]), reverse("complaints:assign", args=[complaint.pk])]
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    for url in posts:
        response = client.post(url, {"question-public_answer": "x", "note-note": "x"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    assert client.get(reverse("api-1:list_complaints")).status_code == 401
    assert client.get(reverse("api-1:get_complaint", args=[complaint.pk])).status_code == 401
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.RECEIVED and not complaint.events.filter(action="note").exists()
