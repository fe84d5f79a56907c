"""The REST API: same scope as the pages, token or session auth, OpenAPI schema."""

from __future__ import annotations

from django.urls import reverse

from dudao.people.models import ApiToken


def test_openapi_schema_and_docs(client, db):
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "督导 Dudao API"
    assert "/api/v1/schools/" in schema["paths"] and "/api/v1/regions/{code}" in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_token_auth_lists_only_the_scope(cast, client):
    token, key = ApiToken.issue(user=cast.county_staff, name="测试")
    response = client.get("/api/v1/schools/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert {s["name"] for s in response.json()["items"]} == {"测试宁乡一小", "测试宁乡二中", "测试宁乡三幼"}
    token.refresh_from_db()
    assert token.last_used_at is not None and token.key_hash != key


def test_bad_token_is_refused(cast, client):
    assert client.get("/api/v1/schools/", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_inactive_users_token_is_refused(cast, client):
    _token, key = ApiToken.issue(user=cast.county_staff, name="测试")
    cast.county_staff.is_active = False
    cast.county_staff.save()
    assert client.get("/api/v1/schools/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_filters_and_pagination(cast, client):
    client.force_login(cast.admin)
    data = client.get("/api/v1/schools/", {"kind": "primary", "region": "43"}).json()
    assert {s["code"] for s in data["items"]} == {cast.A1.code, cast.B1.code, cast.C1.code}
    assert data["count"] == 3
    assert data["items"][0]["kind_label"] == "小学"


def test_school_years(cast, client):
    client.force_login(cast.supervisor)
    data = client.get(reverse("api-1:get_school_years", kwargs={"school_id": cast.A1.pk})).json()
    assert data == [{"year": 2025, "stage": "primary", "values": data[0]["values"]}]
    assert data[0]["values"]["students"] == 600.0


def test_out_of_scope_detail_is_a_chinese_404(cast, client):
    client.force_login(cast.supervisor)
    response = client.get(reverse("api-1:get_school", kwargs={"school_id": cast.A3.pk}))
    assert response.status_code == 404 and response.json()["detail"] == "未找到，或不在您的权限范围内。"


def test_region_children_count_only_the_scope(cast, client):
    client.force_login(cast.city_staff)
    children = {r["code"]: r["school_count"] for r in client.get("/api/v1/regions/4301/children").json()}
    assert children["430182"] == 3 and children["430112"] == 2 and children["430181"] == 1
