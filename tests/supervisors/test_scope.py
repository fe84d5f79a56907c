"""Every supervisors URL as every persona (tests/personas.py).

The team of an office is seen by that office's staff and leaders and by the offices above it;
only staff (not leaders) and admins change it; a supervisor sees their own record and the
training they attended; schools, evaluators and people without a role see nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from dudao.supervisors.models import Supervisor, TrainingSession
from dudao.supervisors.photos import photo_prepare
from dudao.supervisors.services import supervisor_update, training_attendance_set, training_session_create
from tests.access.coverage_supervisors import COVERAGE
from tests.personas import PERSONAS
from tests.supervisors.conftest import image_upload
from tests.xlsx import xlsx_rows

# Supervisors: 甲 (宁乡, the `supervisor` persona's own record), 乙 (宁乡), 丙 (浏阳, the outsider's own), 丁 (望城).
SEES = {
    "admin": {"甲", "乙", "丙", "丁"},
    "province_staff": {"甲", "乙", "丙", "丁"},
    "city_staff": {"甲", "乙", "丙", "丁"},
    "county_staff": {"甲", "乙"},
    "county_leader": {"甲", "乙"},
    "supervisor": {"甲"},
    "school_user": set(),
    "evaluator": set(),
    "outsider": {"丙"},
    "multi": {"丁"},
    "nobody": set(),
}
MANAGES = {
    "admin": {"甲", "乙", "丙", "丁"},
    "province_staff": {"甲", "乙", "丙", "丁"},
    "city_staff": {"甲", "乙", "丙", "丁"},
    "county_staff": {"甲", "乙"},
    "multi": {"丁"},
}
# Training: 宁乡's session (甲 and 乙 attended) and 浏阳's (丙 attended).
SEES_SESSION = {
    "宁乡培训": {"admin", "province_staff", "city_staff", "county_staff", "county_leader", "supervisor"},
    "浏阳培训": {"admin", "province_staff", "city_staff", "outsider"},
}
SEES_NINGXIANG_TEAM = {"admin", "province_staff", "city_staff", "county_staff", "county_leader"}


@pytest.fixture
def world(cast, make_supervisor, ningxiang, liuyang):
    from dudao.regions.models import Office

    wangcheng = Office.objects.get(region__code="430112")
    team = {
        "甲": make_supervisor("甲", user=cast.supervisor, appointed_on=date(2020, 1, 1), phone="13800000001"),
        "乙": make_supervisor("乙", appointed_on=date(2020, 1, 1), phone="13800000002"),
        "丙": make_supervisor("丙", office=liuyang, user=cast.outsider, appointed_on=date(2020, 1, 1), phone="13800000003"),
        "丁": make_supervisor("丁", office=wangcheng, appointed_on=date(2020, 1, 1), phone="13800000004"),
    }
    for s in team.values():
        supervisor_update(supervisor=s, by=None, photo=photo_prepare(image_upload(size=(40, 60))))
    sessions = {
        "宁乡培训": training_session_create(by=None, office=ningxiang, topic="宁乡培训", held_on=date(2024, 3, 1), hours=Decimal(8)),
        "浏阳培训": training_session_create(by=None, office=liuyang, topic="浏阳培训", held_on=date(2024, 3, 1), hours=Decimal(8)),
    }
    training_attendance_set(session=sessions["宁乡培训"], supervisors=[team["甲"], team["乙"]])
    training_attendance_set(session=sessions["浏阳培训"], supervisors=[team["丙"]])
    return {"team": team, "sessions": sessions, "ningxiang": ningxiang}


def _names(rows) -> set[str]:
    return {r[0] for r in rows[1:]}




def test_every_supervisors_url_is_walked_here():
    from tests.access.test_every_url_every_role import _url_names

    names = {n for n in _url_names() if n.startswith("supervisors:") or n in COVERAGE}
    assert names == set(COVERAGE)


@pytest.mark.parametrize("persona", PERSONAS)
def test_supervisor_pages_and_api_follow_the_scope(cast, client, world, persona):
    client.force_login(getattr(cast, persona))
    for key, supervisor in world["team"].items():
        visible, managed = key in SEES[persona], key in MANAGES.get(persona, set())
        for name in ("supervisors:detail", "supervisors:photo"):
            status = client.get(reverse(name, kwargs={"pk": supervisor.pk})).status_code
            assert status == (200 if visible else 404), (name, persona, key, status)
        status = client.get(reverse("api-1:get_supervisor", kwargs={"supervisor_id": supervisor.pk})).status_code
        assert status == (200 if visible else 404), ("api-1:get_supervisor", persona, key)
        status = client.get(reverse("supervisors:edit", kwargs={"pk": supervisor.pk})).status_code
        assert status == (200 if managed else 403 if visible else 404), ("supervisors:edit", persona, key, status)


@pytest.mark.parametrize("persona", PERSONAS)
def test_lists_exports_and_api_list_show_only_the_scope(cast, client, world, persona):
    client.force_login(getattr(cast, persona))
    page = client.get(reverse("supervisors:list")).content.decode()
    shown = {key for key, s in world["team"].items() if f'href="/supervisors/{s.pk}/">{key}</a>' in page}
    assert shown == SEES[persona], ("supervisors:list", persona)
    assert _names(xlsx_rows(client.get(reverse("supervisors:export")))) == SEES[persona], ("supervisors:export", persona)
    api = client.get(reverse("api-1:list_supervisors")).json()
    assert {i["name"] for i in api["items"]} == SEES[persona], ("api-1:list_supervisors", persona)
    assert all("*" not in i["phone"] for i in api["items"])  # whoever sees a record here is its office or the person


@pytest.mark.parametrize("persona", PERSONAS)
def test_writes_need_the_right_to_manage_the_office(cast, client, world, persona):
    client.force_login(getattr(cast, persona))
    yi, session = world["team"]["乙"], world["sessions"]["宁乡培训"]
    visible, managed = "乙" in SEES[persona], "乙" in MANAGES.get(persona, set())
    session_visible = persona in SEES_SESSION["宁乡培训"]
    posts = {  # name: (url, data, expected status)
        "supervisors:training_attendance_remove": (
            reverse("supervisors:training_attendance_remove", kwargs={"pk": session.pk, "supervisor_pk": yi.pk}), {},
            302 if managed else 403 if session_visible else 404),
        "supervisors:training_detail": (
            reverse("supervisors:training_detail", kwargs={"pk": session.pk}), {"supervisors": [yi.pk]},
            302 if managed else 403 if session_visible else 404),
        "supervisors:term_add": (
            reverse("supervisors:term_add", kwargs={"pk": yi.pk}), {"number": 1, "starts_on": "2023-09-01", "ends_on": "2026-08-31"},
            302 if managed else 403 if visible else 404),
        "supervisors:status": (
            reverse("supervisors:status", kwargs={"pk": yi.pk}), {"status": "suspended", "effective_on": "2024-06-01", "reason": "病休"},
            302 if managed else 403 if visible else 404),
    }
    for name, (url, data, expected) in posts.items():
        status = client.post(url, data).status_code
        assert status == expected, (name, persona, status)
    yi.refresh_from_db()
    if managed:
        assert yi.status == "suspended" and yi.terms.count() == 1 and session.attendance.count() == 2
    else:
        assert yi.status == "active" and not yi.terms.exists() and session.attendance.count() == 2
    can_create = bool(MANAGES.get(persona))
    for name in ("supervisors:create", "supervisors:training_create"):
        assert client.get(reverse(name)).status_code == (200 if can_create else 403), (name, persona)
    if not can_create:
        client.post(reverse("supervisors:create"), {"office": world["ningxiang"].pk, "name": "越权", "kind": "full_time",
                                                    "phone": "13800009999"})
        client.post(reverse("supervisors:training_create"), {"office": world["ningxiang"].pk, "topic": "越权",
                                                             "held_on": "2024-01-01", "hours": "8", "mode": "concentrated"})
        assert not Supervisor.objects.filter(name="越权").exists() and not TrainingSession.objects.filter(topic="越权").exists()


def test_managers_cannot_create_in_an_office_they_do_not_manage(cast, client, world, liuyang):
    client.force_login(cast.county_staff)
    response = client.post(reverse("supervisors:create"), {"office": liuyang.pk, "name": "越权", "kind": "full_time",
                                                           "phone": "13800009999"})
    assert response.status_code == 400 and not Supervisor.objects.filter(name="越权").exists()
    response = client.post(reverse("supervisors:training_create"), {"office": liuyang.pk, "topic": "越权",
                                                                    "held_on": "2024-01-01", "hours": "8", "mode": "concentrated"})
    assert response.status_code == 400 and not TrainingSession.objects.filter(topic="越权").exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_training_pages_follow_the_scope(cast, client, world, persona):
    client.force_login(getattr(cast, persona))
    page = client.get(reverse("supervisors:training_list")).content.decode()
    for topic, session in world["sessions"].items():
        visible = persona in SEES_SESSION[topic]
        assert (f">{topic}</a>" in page) == visible, ("supervisors:training_list", persona, topic)
        status = client.get(reverse("supervisors:training_detail", kwargs={"pk": session.pk})).status_code
        assert status == (200 if visible else 404), ("supervisors:training_detail", persona, topic)
        api = client.get(reverse("api-1:get_training_session", kwargs={"session_id": session.pk}))
        assert api.status_code == (200 if visible else 404), ("api-1:get_training_session", persona, topic)
        if visible:
            assert {a["supervisor_name"] for a in api.json()["attendance"]} == ({"甲", "乙"} if topic == "宁乡培训" else {"丙"})
    listed = {item["topic"] for item in client.get(reverse("api-1:list_training_sessions")).json()["items"]}
    assert listed == {topic for topic in world["sessions"] if persona in SEES_SESSION[topic]}, ("api-1:list_training_sessions", persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_statistics_and_hours_only_for_offices_in_scope(cast, client, world, persona):
    client.force_login(getattr(cast, persona))
    office = world["ningxiang"].pk
    allowed = persona in SEES_NINGXIANG_TEAM
    for name in ("supervisors:stats", "supervisors:stats_export", "supervisors:training_hours", "supervisors:training_hours_export"):
        assert client.get(reverse(name), {"office": office, "year": 2024}).status_code == (200 if allowed else 404), (name, persona)
        assert client.get(reverse(name)).status_code == 200, (name, persona)
    status = client.get(reverse("api-1:get_team_stats"), {"office_id": office}).status_code
    assert status == (200 if allowed else 404), ("api-1:get_team_stats", persona)
    hours = client.get(reverse("api-1:get_training_hours"), {"office_id": office, "year": 2024})
    assert hours.status_code == (200 if allowed else 404), ("api-1:get_training_hours", persona)
    if allowed:
        rows = xlsx_rows(client.get(reverse("supervisors:training_hours_export"), {"office": office, "year": 2024}))
        assert _names(rows) == {"甲", "乙"}
        assert {r["name"]: r["concentrated_hours"] for r in hours.json()} == {"甲": 8.0, "乙": 8.0}
        stats = xlsx_rows(client.get(reverse("supervisors:stats_export"), {"office": office}))
        assert stats[0] == ["统计维度", "分组", "人数"] and ["合计", "在岗督学", 2.0] in stats
    else:
        rows = xlsx_rows(client.get(reverse("supervisors:training_hours_export"), {"year": 2024}))
        assert not _names(rows) & {"甲", "乙"}, persona


def test_anonymous_is_sent_to_login(world, client):
    yi, session = world["team"]["乙"], world["sessions"]["宁乡培训"]
    kwargs = {
        "supervisors:detail": {"pk": yi.pk}, "supervisors:edit": {"pk": yi.pk}, "supervisors:photo": {"pk": yi.pk},
        "supervisors:status": {"pk": yi.pk}, "supervisors:term_add": {"pk": yi.pk},
        "supervisors:training_detail": {"pk": session.pk},
        "supervisors:training_attendance_remove": {"pk": session.pk, "supervisor_pk": yi.pk},
        "api-1:get_supervisor": {"supervisor_id": yi.pk},
        "api-1:get_training_session": {"session_id": session.pk},
    }
    for name in COVERAGE:
        url = reverse(name, kwargs=kwargs.get(name, {}))
        response = client.post(url) if name in {"supervisors:status", "supervisors:term_add",
                                                 "supervisors:training_attendance_remove"} else client.get(url)
        if name.startswith("api-1"):
            assert response.status_code == 401, name
        else:
            assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
