"""Storing a response: counts by hand, skip logic re-checked on the server, groups and grades,
one response per device, targets and progress, voiding."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.utils import timezone

from dudao.surveys import selectors, services
from dudao.surveys.models import Response


def form(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        name = key.replace("__", "-")
        for v in value if isinstance(value, list) else [value]:
            data.appendlist(name, v)
    return data


def link_of(survey, school):
    return survey.links.get(school=school)


def submit(survey, school, data, *, device="d1", group="parent", grade=None):
    return services.response_submit(link=link_of(survey, school), group=group, data=data, device_hash=device,
                                    ip_hash="ip", grade=grade)


def test_counts_by_hand(cast, survey):
    # Q1 是 → Q2 shown: 基本满意 (1 of 1); matrix 满意, 不满意, 基本满意 (2 of 3) → rated 4, satisfied 3
    r = submit(survey, cast.A1, form(q__Q1="是", q__Q2="基本满意", q__M__1="满意", q__M__2="不满意", q__M__3="基本满意",
                                     q__K=["网络", "学校"]))
    assert (r.rated, r.satisfied) == (4, 3)
    assert r.answers == {"Q1": "是", "Q2": "基本满意", "M": {"甲": "满意", "乙": "不满意", "丙": "基本满意"},
                         "K": ["学校", "网络"]}
    assert r.school == cast.A1 and r.region_code == cast.A1.region_code and not r.voided


def test_skip_logic_is_applied_on_the_server(cast, survey):
    # Q1 否: Q2 is hidden — not required, and its answer (sent by a script) is dropped, not counted
    r = submit(survey, cast.A1, form(q__Q1="否", q__Q2="不满意", q__M__1="满意", q__M__2="满意", q__M__3="满意"))
    assert "Q2" not in r.answers
    assert (r.rated, r.satisfied) == (3, 3)
    # Q1 是 without Q2: Q2 is shown and required
    with pytest.raises(ValidationError) as exc:
        submit(survey, cast.A1, form(q__Q1="是", q__M__1="满意", q__M__2="满意", q__M__3="满意"), device="d2")
    assert exc.value.message_dict == {"q-Q2": ["请回答此题。"]}


def test_required_matrix_rows_and_options_are_checked(cast, survey):
    with pytest.raises(ValidationError) as exc:
        submit(survey, cast.A1, form(q__Q1="外星", q__M__1="满意"))
    assert exc.value.message_dict == {"q-Q1": ["请选择列出的选项。"], "q-M": ["请回答每一行。"]}
    assert not Response.objects.exists()


def test_groups_and_student_grade(cast, survey):
    data = form(q__Q1="否", q__M__1="满意", q__M__2="满意", q__M__3="满意")
    with pytest.raises(ValidationError) as exc:  # the number question is the students'
        submit(survey, cast.A1, data, group="student", grade=5)
    assert exc.value.message_dict == {"q-N": ["请回答此题。"]}
    with pytest.raises(ValidationError) as exc:
        submit(survey, cast.A1, form(q__Q1="否", q__M__1="满意", q__M__2="满意", q__M__3="满意", q__N="9"),
               group="student", grade=2)
    assert exc.value.message_dict == {"grade": ["本调查面向 3 年级及以上的学生，感谢你的参与。"]}
    r = submit(survey, cast.A1, form(q__Q1="否", q__M__1="满意", q__M__2="满意", q__M__3="满意", q__N="8.5"),
               group="student", grade=3)
    assert r.answers["N"] == 8.5 and r.grade == 3
    with pytest.raises(ValidationError) as exc:
        submit(survey, cast.A1, data, group="nobody", device="d9")
    assert exc.value.message_dict == {"group": ["请选择您的身份。"]}


def test_one_response_per_device(cast, survey):
    data = form(q__Q1="否", q__M__1="满意", q__M__2="满意", q__M__3="满意")
    submit(survey, cast.A1, data)
    with pytest.raises(ValidationError) as exc:
        submit(survey, cast.A2, data)  # another school's link of the same survey: still the same device
    assert exc.value.messages == ["这台设备已经提交过本次调查，感谢您的参与。"]
    assert Response.objects.count() == 1


def test_closed_survey_refuses(cast, survey):
    services.survey_set_state(by=None, survey=survey, state="closed")
    with pytest.raises(ValidationError) as exc:
        submit(survey, cast.A1, form(q__Q1="否"))
    assert exc.value.messages == ["本调查已经结束，感谢您的关注。"]


def test_targets_and_progress_exclude_voided(cast, survey):
    data = form(q__Q1="否", q__M__1="满意", q__M__2="满意", q__M__3="满意")
    first = submit(survey, cast.A1, data, device="a")
    submit(survey, cast.A1, data, device="b")
    submit(survey, cast.A2, data, device="c")
    services.response_void(by=cast.county_staff, response=first, reason="同一家长重复填写")
    rows = {r.link.school_id: r for r in selectors.link_rows(survey)}
    assert rows[cast.A1.pk].responses == 1 and rows[cast.A1.pk].percent == 10
    assert rows[cast.A2.pk].responses == 1
    link = link_of(survey, cast.A1)
    services.link_update(by=cast.county_staff, link=link, target=4, active=True)
    rows = {r.link.school_id: r for r in selectors.link_rows(survey)}
    assert rows[cast.A1.pk].percent == 25
    totals = selectors.survey_totals(list(rows.values()))
    # the schools of 宁乡 in the cast: A1, A2 (A3 is a kindergarten: no link); targets 4 + 10
    assert totals == {"target": 14, "responses": 2, "percent": 14}
    with pytest.raises(PermissionDenied):
        services.link_update(by=cast.county_leader, link=link, target=5, active=True)


def test_void_needs_a_reason_and_the_office(cast, survey):
    r = submit(survey, cast.A1, form(q__Q1="否", q__M__1="满意", q__M__2="满意", q__M__3="满意"))
    with pytest.raises(ValidationError) as exc:
        services.response_void(by=cast.county_staff, response=r, reason=" ")
    assert exc.value.message_dict == {"reason": ["请填写作废理由。"]}
    with pytest.raises(PermissionDenied):
        services.response_void(by=cast.county_leader, response=r, reason="重复")
    services.response_void(by=cast.county_staff, response=r, reason="重复")
    r.refresh_from_db()
    assert r.voided and r.void_reason == "重复" and r.voided_by == cast.county_staff and r.voided_at
    assert Response.objects.filter(pk=r.pk).exists()  # kept, only excluded from results


def test_suspicious_lists_bursts_and_fast_answers(cast, survey, settings):
    settings.DUDAO_SURVEY_MIN_SECONDS = 20  # suspicious below 40 s
    data = form(q__Q1="否", q__M__1="满意", q__M__2="满意", q__M__3="满意")
    link = link_of(survey, cast.A1)
    now = timezone.now()
    burst = [services.response_submit(link=link, group="parent", data=data, device_hash=f"b{i}", ip_hash="same",
                                      seconds=300, now=now - timedelta(minutes=5 * i)) for i in range(10)]
    spread = [services.response_submit(link=link, group="parent", data=data, device_hash=f"s{i}", ip_hash="other",
                                       seconds=300, now=now - timedelta(hours=2 * i)) for i in range(10)]
    fast = services.response_submit(link=link, group="parent", data=data, device_hash="f", ip_hash="third", seconds=25)
    services.response_submit(link=link, group="parent", data=data, device_hash="ok", ip_hash="fourth", seconds=200)
    listed = {r.pk: why for r, why in selectors.suspicious_responses(survey)}
    assert set(listed) == {r.pk for r in burst} | {fast.pk}  # ten from "other", but two hours apart each
    assert listed[fast.pk] == ["用时仅 25 秒"]
    assert listed[burst[0].pk] == ["同一网络地址一小时内提交 10 份以上"]
    services.response_void(by=cast.county_staff, response=spread[0], reason="核实为重复")
    assert spread[0].pk in {r.pk for r, _ in selectors.suspicious_responses(survey)}  # the office sees what it voided


def test_the_constraint_is_the_last_guard(cast, survey):
    from django.db import IntegrityError, transaction

    r = submit(survey, cast.A1, form(q__Q1="否", q__M__1="满意", q__M__2="满意", q__M__3="满意"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=survey, link=r.link, region_code=r.region_code, group="parent",
                                device_hash=r.device_hash, submitted_at=r.submitted_at)


def test_links_per_area_whole_and_group(cast, survey):
    from dudao.regions.models import Region

    below = Region.objects.filter(parent=survey.region).count()
    assert services.links_generate(by=None, survey=survey, mode="areas", target=5) == below
    assert services.links_generate(by=None, survey=survey, mode="areas") == 0  # not duplicated
    assert services.links_generate(by=None, survey=survey, mode="whole", groups=["parent", "student"]) == 2
    whole = survey.links.filter(school__isnull=True, region=survey.region)
    assert sorted(whole.values_list("group", flat=True)) == ["parent", "student"]
    parent_link = whole.get(group="parent")
    assert services.link_groups(parent_link) == ["parent"]
    with pytest.raises(ValidationError) as exc:  # a parents' link refuses another group
        services.response_submit(link=parent_link, group="teacher", data=form(q__Q1="否"), device_hash="x")
    assert exc.value.message_dict == {"group": ["请选择您的身份。"]}
    with pytest.raises(PermissionDenied):
        services.links_generate(by=cast.county_leader, survey=survey, mode="whole")
