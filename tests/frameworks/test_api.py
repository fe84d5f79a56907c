"""/api/v1/frameworks: the same selectors, services and errors as the pages."""

from __future__ import annotations

import pytest

from dudao.frameworks import services
from dudao.frameworks.models import Framework, FrameworkShape, VersionState, Weighting
from tests.xlsx import xlsx_rows

BASE = "/api/v1/frameworks"


@pytest.fixture
def draft(cast, county_office):
    framework = services.framework_create(by=cast.county_staff, owner=county_office, name="宁乡草稿",
                                          shape=FrameworkShape.WEIGHTED, weighting=Weighting.POINTS)
    version = framework.versions.get()
    a1 = services.indicator_add(by=cast.county_staff, version=version, code="A1", text="办学条件", max_score=10)
    services.indicator_add(by=cast.county_staff, version=version, parent=a1, code="B1", text="校舍", scoring="points",
                           max_score=6)
    return framework


def test_list_and_detail_with_the_tree(cast, client, builtins):
    client.force_login(cast.supervisor)
    listing = client.get(BASE).json()
    assert {f["name"] for f in listing} == {f.name for f in builtins.values()}
    assert all(f["builtin"] and not f["can_edit"] for f in listing)
    hainan = builtins["hainan-school-quality"]
    body = client.get(f"{BASE}/{hainan.pk}").json()
    tree = {i["code"]: i for i in body["version"]["indicators"]}
    assert (tree["B1"]["parent_code"], tree["B1"]["max_score"], tree["B1"]["level"]) == ("A1", "70.00", 2)
    assert body["version"]["state"] == "published" and "「B1」" in body["version"]["note"]


def test_export(cast, client, builtins):
    client.force_login(cast.school_user)
    response = client.get(f"{BASE}/{builtins['shitang'].pk}/export")
    assert response.status_code == 200
    assert xlsx_rows(response)[1][:3] == ["一", "", "许可情况"]


def test_create_copy_publish_for_the_office_staff(cast, client, builtins, county_office):
    client.force_login(cast.county_staff)
    response = client.post(BASE, {"name": "宁乡新体系", "shape": "checklist", "weighting": "none"}, content_type="application/json")
    assert response.status_code == 201
    created = response.json()
    assert (created["owner_id"], created["version"]["state"], created["can_edit"]) == (county_office.pk, "draft", True)
    response = client.post(f"{BASE}/{builtins['dabane'].pk}/copy", {"name": "宁乡大班额"}, content_type="application/json")
    assert response.status_code == 201
    copy = Framework.objects.get(name="宁乡大班额")
    assert copy.copied_from == builtins["dabane"]
    response = client.post(f"{BASE}/{copy.pk}/publish")
    assert response.status_code == 200 and response.json()["version"]["state"] == "published"


def test_publish_refused_with_the_problems(cast, client, draft):
    client.force_login(cast.county_staff)
    response = client.post(f"{BASE}/{draft.pk}/publish")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"] == "「A1」的下级指标分值合计 6，与其分值 10 不一致。"
    assert draft.versions.get().state == VersionState.DRAFT


def test_bad_input_in_chinese(cast, client):
    client.force_login(cast.county_staff)
    response = client.post(BASE, {"name": " ", "shape": "checklist"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"name": ["名称不能为空。"]}


@pytest.mark.parametrize("persona", ["county_leader", "supervisor", "school_user", "evaluator", "city_staff"])
def test_readers_may_not_write(cast, client, builtins, draft, persona):
    client.force_login(getattr(cast, persona))
    response = client.post(f"{BASE}/{draft.pk}/publish")
    assert response.status_code in (403, 404)  # city staff read 宁乡's framework but do not own it
    if persona == "city_staff":
        assert response.status_code == 403
    else:
        assert client.post(BASE, {"name": "x", "shape": "checklist"}, content_type="application/json").status_code == 403
        assert client.post(f"{BASE}/{builtins['dabane'].pk}/copy", {}, content_type="application/json").status_code == 403


def test_builtins_cannot_be_published_or_edited(cast, client, builtins):
    client.force_login(cast.admin)
    assert client.post(f"{BASE}/{builtins['shitang'].pk}/publish").status_code == 403


def test_anonymous(cast, client):
    assert client.get(BASE).status_code == 401
