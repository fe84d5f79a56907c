"""The quota-rule pages: the rules in force with their sources, and an office's own values — validated
in Chinese, kept as versions, never backdated, read-only for leaders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.regions.models import Office
from dudao.visits.models import QuotaRule


@pytest.fixture
def ningxiang_url(cast, quota_defaults):
    return reverse("visits:rule_override", kwargs={"pk": Office.objects.get(region__code="430182").pk})


def _form(**changes) -> dict:
    data = {"zone_level": "county", "supervisor_kind": "", "metric": "visits_per_supervisor", "period": "month",
            "required": "6", "valid_from": timezone.localdate().replace(day=1).isoformat(), "source": "宁乡市教育督导室 宁督〔2026〕3号"}
    data.update(changes)
    return data


def test_rules_page_shows_each_rule_with_its_source_and_owner(cast, client, quota_defaults):
    client.force_login(cast.county_staff)
    page = client.get(reverse("visits:rules"))
    html = page.content.decode()
    assert page.status_code == 200
    in_force = dict(page.context["in_force"])
    assert {(r.metric, r.period, r.required) for r in in_force["county"]} == {
        ("visits_per_assigned_school", "month", 1), ("visits_per_zone_school", "semester", 2),
        ("visits_per_supervisor", "month", 4), ("visits_per_zone_school", "year", 1)}
    for source in ("《中小学校责任督学挂牌督导办法》（国教督办〔2013〕7号）第六条：每月不得少于1次",
                   "《教育督导条例》（国务院令第624号）第十四条：每学期不得少于2次",
                   "湖南省推进督学责任区工作会议部署（地方要求）：县级责任区督学每月至少到责任区督导4次"):
        assert source in html
    assert "全国默认" in html and "湖南省" in html
    assert 'data-testid="override-form"' in html  # staff may set the office's own values


def test_a_county_sets_its_own_value(cast, client, ningxiang_url):
    client.force_login(cast.county_staff)
    response = client.post(ningxiang_url, _form())
    assert response.status_code == 302
    rule = QuotaRule.objects.get(office__region__code="430182")
    assert (rule.metric, rule.required, rule.source, rule.valid_to) == ("visits_per_supervisor", 6, "宁乡市教育督导室 宁督〔2026〕3号", None)
    page = client.get(response["Location"])
    assert "已保存" in page.content.decode()
    in_force = {r.metric: r for r in dict(page.context["in_force"])["county"]}
    assert in_force["visits_per_supervisor"].required == 6  # 宁乡's own value wins over Hunan's 4


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"valid_from": "2020-01-01"}, "valid_from", "生效日期不能早于"),
    ({"metric": "visits_per_county"}, "metric", "只适用于市级责任区督学"),
    ({"zone_level": "city"}, "zone_level", "选择一个有效的选项"),  # a county office sets county rules only
    ({"source": "   "}, "source", "这个字段是必填项"),
    ({"required": "-1"}, "required", "确保该值大于或等于0"),
    ({"required": "x"}, "required", "输入整数"),
    ({"valid_from": "2026-02-30"}, "valid_from", "输入一个有效的日期"),
])
def test_invalid_values_are_refused_in_chinese_and_the_form_keeps_the_input(cast, client, ningxiang_url, changes, field, message):
    client.force_login(cast.county_staff)
    response = client.post(ningxiang_url, _form(**changes, **({} if field == "source" else {"source": "保留我的依据"})))
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert message in html
    if field != "source":
        assert 'value="保留我的依据"' in html
    assert not QuotaRule.objects.filter(office__region__code="430182").exists()


def test_a_first_of_the_month_in_the_past_is_backdating(cast, client, ningxiang_url):
    client.force_login(cast.county_staff)
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    response = client.post(ningxiang_url, _form(valid_from=last_month.replace(day=1).isoformat()))
    assert response.status_code == 400 and "已结束的周期不能改用新规则" in response.content.decode()
    assert not QuotaRule.objects.filter(office__region__code="430182").exists()


def test_a_second_version_must_start_after_the_first(cast, client, ningxiang_url):
    client.force_login(cast.county_staff)
    assert client.post(ningxiang_url, _form()).status_code == 302
    response = client.post(ningxiang_url, _form(required="8"))  # the same day again
    assert response.status_code == 400 and "新版本的生效日期必须晚于当前版本" in response.content.decode()
    assert list(QuotaRule.objects.filter(office__region__code="430182").values_list("required", flat=True)) == [6]


def test_a_city_sets_rules_for_its_city_zone_supervisors(cast, client, quota_defaults):
    client.force_login(cast.city_staff)
    changsha = Office.objects.get(region__code="4301")
    response = client.post(reverse("visits:rule_override", kwargs={"pk": changsha.pk}),
                           _form(zone_level="city", metric="visits_to_city_direct", required="3", source="长沙：市直学校每月3次"))
    assert response.status_code == 302
    assert QuotaRule.objects.get(office=changsha).zone_level == "city"


def test_a_province_office_changes_its_own_rule_as_a_new_version(cast, client, quota_defaults):
    client.force_login(cast.province_staff)
    hunan = Office.objects.get(region__code="43")
    page = client.get(reverse("visits:rules"))
    assert page.context["office"] == hunan  # the province staff's own office comes first
    response = client.post(reverse("visits:rule_override", kwargs={"pk": hunan.pk}), _form(required="5", source="湖南：每月5次"))
    assert response.status_code == 302
    versions = list(QuotaRule.objects.filter(office=hunan, metric="visits_per_supervisor").order_by("valid_from"))
    assert [(v.required, v.valid_to is None) for v in versions] == [(4, False), (5, True)]
    assert versions[1].replaces == versions[0]


def test_leaders_read_the_rules_but_may_not_change_them(cast, client, ningxiang_url):
    client.force_login(cast.county_leader)
    page = client.get(reverse("visits:rules"))
    assert page.status_code == 200 and page.context["form"] is None
    assert 'data-testid="override-form"' not in page.content.decode()
    response = client.post(ningxiang_url, _form())
    assert response.status_code == 403
    assert not QuotaRule.objects.filter(office__region__code="430182").exists()


def test_rule_override_is_post_only(cast, client, ningxiang_url):
    client.force_login(cast.county_staff)
    assert client.get(ningxiang_url).status_code == 405


def test_the_form_starts_on_the_first_of_this_month(cast, client, quota_defaults):
    client.force_login(cast.county_staff)
    html = client.get(reverse("visits:rules")).content.decode()
    first = timezone.localdate().replace(day=1).isoformat()
    assert f'type="date" name="valid_from" value="{first}"' in html  # ISO: what a date input accepts
