"""The team over the REST API: same selectors, same scope, same phone masking as the pages."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from dudao.supervisors.models import SupervisorStatus
from dudao.supervisors.services import supervisor_change_status


def test_list_filters_and_paginates(cast, client, make_supervisor):
    make_supervisor("李命均", kind="full_time", phone="13812345678")
    make_supervisor("袁礼", kind="part_time")
    client.force_login(cast.county_staff)
    data = client.get(reverse("api-1:list_supervisors"), {"kind": "part_time"}).json()
    assert data["count"] == 1 and data["items"][0]["name"] == "袁礼" and data["items"][0]["kind_label"] == "兼职"
    data = client.get(reverse("api-1:list_supervisors"), {"q": "13812345678"}).json()
    assert [i["phone"] for i in data["items"]] == ["13812345678"]


def test_outside_the_office_sees_nothing_and_a_supervisor_sees_their_own(cast, client, make_supervisor):
    own = make_supervisor("宁乡督学", phone="13812345678", user=cast.supervisor)
    make_supervisor("同事督学")
    client.force_login(cast.outsider)
    assert client.get(reverse("api-1:list_supervisors")).json()["count"] == 0
    assert client.get(reverse("api-1:get_supervisor", kwargs={"supervisor_id": own.pk})).status_code == 404
    client.force_login(cast.supervisor)
    items = client.get(reverse("api-1:list_supervisors")).json()["items"]
    assert [(i["name"], i["phone"]) for i in items] == [("宁乡督学", "13812345678")]


def test_detail_has_terms_history_and_training_hours(cast, client, make_supervisor):
    supervisor = make_supervisor("袁礼", appointed_on=date(2020, 1, 1))
    supervisor_change_status(supervisor=supervisor, status=SupervisorStatus.SUSPENDED, effective_on=date(2024, 1, 1),
                             reason="病休", by=None)
    client.force_login(cast.county_leader)
    data = client.get(reverse("api-1:get_supervisor", kwargs={"supervisor_id": supervisor.pk})).json()
    assert data["status"] == "suspended" and [e["reason"] for e in data["status_events"]] == ["聘任（任命）", "病休"]
    assert data["concentrated_hours"] == 0 and data["meets_training_rule"] is False


def test_team_stats_with_the_change_sentence(cast, client, ningxiang, liuyang, make_supervisor):
    make_supervisor("老督学", appointed_on=date(2016, 3, 1), birth_date=date(1972, 1, 1))
    make_supervisor("新督学", appointed_on=date(2023, 8, 15), birth_date=date(1982, 1, 1))
    client.force_login(cast.city_staff)
    url = reverse("api-1:get_team_stats")
    data = client.get(url, {"office_id": ningxiang.pk, "day": "2023-09-01", "since": "2023-07-01"}).json()
    assert data["total"] == 2 and data["by_kind"] == {"专职": 2} and data["average_age"] == 46
    assert data["change"] == "专职督学由1人增加到2人，平均年龄由51岁降至46岁。"
    client.force_login(cast.county_staff)
    assert client.get(url, {"office_id": liuyang.pk}).status_code == 404
    client.force_login(cast.school_user)
    assert client.get(url).status_code == 404
