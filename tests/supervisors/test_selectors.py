"""Team statistics at a date, built through the services as seed 002's county lived it."""

from __future__ import annotations

from datetime import date

import pytest

from dudao.supervisors.models import Supervisor, SupervisorStatus
from dudao.supervisors.selectors import active_on, supervisor_phone_for, team_change, team_stats
from dudao.supervisors.services import supervisor_change_status, supervisor_create

BEFORE, REFORM, AFTER = date(2023, 7, 1), date(2023, 8, 15), date(2023, 9, 1)
OLD_AGES = [56, 57, 55, 58, 54, 56, 55, 57, 54, 55, 53, 56, 50, 49, 47, 48, 46, 45, 47, 44, 46, 48, 49, 45, 45]  # mean 51
NEW_AGES = [43, 45, 44, 46, 42, 47, 45, 44, 48, 46, 43, 49, 47, 45, 50, 41]


def _born(age: int) -> date:
    return date(2023 - age, 1, 1)  # the same age all summer 2023


@pytest.fixture
def reformed_team(ningxiang):
    """25 full-time supervisors (average 51) on 1 July 2023; on 15 August the 12 oldest leave and 16
    younger ones join, plus 3 part-time hires: 29 full-time, average 46, on 1 September (seed 002)."""
    common = {"office": ningxiang, "level": "county", "by": None}
    for i, age in enumerate(OLD_AGES):
        s = supervisor_create(name=f"原督学{i}", birth_date=_born(age), phone=f"1390000{i:04d}", kind="full_time",
                              appointed_on=date(2016, 3, 1), background="principal" if i % 2 else "teacher",
                              gender="male", degree="bachelor", **common)
        if i < 12:
            supervisor_change_status(supervisor=s, status=SupervisorStatus.RETIRED, effective_on=REFORM,
                                     reason="乡镇教育管理体制改革，调整离任", by=None)
    for i, age in enumerate(NEW_AGES):
        supervisor_create(name=f"新督学{i}", birth_date=_born(age), phone=f"1380000{i:04d}", kind="full_time",
                          appointed_on=REFORM, background="finance" if i < 4 else "principal", gender="female", **common)
    for i in range(3):
        supervisor_create(name=f"兼职督学{i}", birth_date=_born(60), phone=f"1370000{i:04d}", kind="part_time",
                          appointed_on=REFORM, **common)
    return Supervisor.objects.filter(office=ningxiang)


def test_the_team_before_the_reform(reformed_team):
    stats = team_stats(supervisors=reformed_team, day=BEFORE)
    assert stats.total == 25
    assert stats.by_kind == {"专职": 25}
    assert stats.average_age == 51 and stats.average_age_by_kind == {"专职": 51}
    assert stats.by_background == {"原校长（园长）": 12, "教师": 13}
    assert stats.by_age_band == {"35岁以下": 0, "35-44岁": 1, "45-54岁": 15, "55岁及以上": 9}


def test_the_team_after_the_reform(reformed_team):
    stats = team_stats(supervisors=reformed_team, day=AFTER)
    assert stats.total == 32
    assert stats.count_by_kind_code == {"full_time": 29, "part_time": 3}
    assert stats.average_age_by_kind == {"专职": 46, "兼职": 60}
    assert stats.by_gender == {"女": 16, "男": 13, "未填写": 3}


def test_the_change_reads_like_the_work_summary(reformed_team):
    change = team_change(supervisors=reformed_team, since=BEFORE, day=AFTER)
    assert change.sentences[0] == "专职督学由25人增加到29人，平均年龄由51岁降至46岁"
    assert change.summary == "专职督学由25人增加到29人，平均年龄由51岁降至46岁；兼职督学由0人增加到3人。"
    assert len(change.joined) == 19 and len(change.left) == 12
    assert {s.name for s in change.left} == {f"原督学{i}" for i in range(12)}


def test_unchanged_and_shrinking_teams_say_so(reformed_team):
    change = team_change(supervisors=reformed_team, since=AFTER, day=date(2023, 12, 31))
    assert change.summary == "专职督学保持29人，平均年龄保持46岁；兼职督学保持3人，平均年龄保持60岁。"
    back = team_change(supervisors=reformed_team, since=AFTER, day=BEFORE)
    assert back.sentences[0] == "专职督学由29人减少到25人，平均年龄由46岁升至51岁"


def test_who_was_in_post_comes_from_the_history_not_the_current_status(reformed_team):
    assert len(active_on(reformed_team, date(2016, 2, 29))) == 0
    assert len(active_on(reformed_team, REFORM)) == 13 + 16 + 3  # leaving and joining take effect that day
    assert reformed_team.filter(status=SupervisorStatus.RETIRED).count() == 12


def test_the_phone_number_is_masked_outside_the_office(cast, make_supervisor, liuyang):
    supervisor = make_supervisor(phone="13812345678", user=cast.supervisor)
    seen = {persona: supervisor_phone_for(getattr(cast, persona), supervisor)
            for persona in ("admin", "city_staff", "county_staff", "county_leader", "supervisor", "outsider", "multi")}
    assert seen == {"admin": "13812345678", "city_staff": "13812345678", "county_staff": "13812345678",
                    "county_leader": "13812345678", "supervisor": "13812345678",  # their own number
                    "outsider": "138****5678", "multi": "138****5678"}
