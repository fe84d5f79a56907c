"""The daily quota reminders (visits/reminders.py): who is told what, once a day.

On 20 October 2025 (20 of 31 days gone), with seed 001's four visits a month and the national
one visit a month to each assigned school, the prorated pace is floor(4 × 20/31) = 2 visits and
floor(2 × 20/31) = 1 of two schools.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from dudao.core.models import ScheduledRun
from dudao.notifications.models import Notification
from dudao.people.models import User
from dudao.regions.models import Office, Region
from dudao.visits.reminders import office_behind, reminders_send
from dudao.zones.services import assignment_create
from tests.factories import SchoolFactory

DAY = date(2025, 10, 20)


@pytest.fixture
def team(cast, quota_defaults, make_supervisor, record):
    """慢督学 (cast.supervisor's record): one visit by the 20th — behind on the four a month, on pace
    with one of two schools. 零督学: no visit at two schools — behind on both. 勤督学: three visits,
    every school visited — on pace. 无账号督学: behind, without a login to tell."""
    region = Region.objects.get(code="430182")
    d1, d2, d3 = (SchoolFactory(name=name, region=region) for name in ("测试宁乡四小", "测试宁乡五小", "测试宁乡六小"))
    slow = make_supervisor("慢督学", user=cast.supervisor)
    zero = make_supervisor("零督学", user=User.objects.create_user(username="t_zero", password="x-Pass-2026"))
    busy = make_supervisor("勤督学", user=User.objects.create_user(username="t_busy", password="x-Pass-2026"))
    nologin = make_supervisor("无账号督学")
    start = date(2025, 9, 1)
    for supervisor, schools in ((slow, [cast.A1, cast.A2]), (zero, [d1, d2]), (busy, [cast.A3]), (nologin, [d3])):
        for school in schools:
            assignment_create(supervisor=supervisor, school=school, starts_on=start)
    record(slow, cast.A1, date(2025, 10, 3))
    for d in (2, 9, 16):
        record(busy, cast.A3, date(2025, 10, d))
    return {"slow": slow, "zero": zero, "busy": busy, "nologin": nologin}


def _mine(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user))


def test_who_is_behind_by_the_pace(team, ningxiang):
    behind = {b.supervisor.name: b for b in office_behind(office=ningxiang, day=DAY)}
    assert set(behind) == {"慢督学", "零督学", "无账号督学"}
    slow = behind["慢督学"]
    assert [(c.metric, c.done, c.required, c.expected) for c in slow.checks] == [("visits_per_supervisor", 1, 4, 2)]
    assert slow.schools == []  # on pace with its schools: nothing listed
    zero = behind["零督学"]
    # and on Hunan's yearly "each zone school once a year": 0 of 2 schools, floor(2 × 293/365) = 1 by now
    assert {(c.metric, c.done, c.required, c.expected) for c in zero.checks} == {
        ("visits_per_supervisor", 0, 4, 2), ("visits_per_assigned_school", 0, 2, 1), ("visits_per_zone_school", 0, 2, 1)}
    assert [(period, school, n, required) for period, school, n, required in zero.schools] == [
        ("2025年10月", "测试宁乡四小", 0, 1), ("2025年10月", "测试宁乡五小", 0, 1),
        ("2025年", "测试宁乡四小", 0, 1), ("2025年", "测试宁乡五小", 0, 1)]


def test_a_behind_supervisor_gets_exactly_one_notification_with_the_figures(team, cast):
    stats = reminders_send(DAY)
    [slow] = _mine(cast.supervisor)
    assert slow.title == "督导进度提醒：1 项配额落后于进度" and slow.level == "warning"
    assert "截至 2025年10月20日" in slow.body
    assert "2025年10月 每名督学督导次数：已完成 1，要求 4，按进度此时应完成 2" in slow.body
    assert "挂牌学校" not in slow.body
    assert slow.url == reverse("visits:plan_mine")
    [zero] = _mine(User.objects.get(username="t_zero"))
    assert zero.title == "督导进度提醒：3 项配额落后于进度"
    assert "每所挂牌学校被督导次数：已完成 0，要求 2，按进度此时应完成 1" in zero.body
    assert "2025年10月 测试宁乡四小：已督导 0 次，要求 1 次" in zero.body and "测试宁乡五小" in zero.body
    assert _mine(User.objects.get(username="t_busy")) == []  # on pace: nothing
    assert stats["supervisors_behind"] == 3 and stats["supervisors_notified"] == 2  # 无账号督学 has no login


def test_the_office_staff_get_the_summary_and_the_city_a_count(team, cast, client):
    reminders_send(DAY)
    ningxiang = Office.objects.get(region__code="430182")
    for user in (cast.county_staff, cast.county_leader):
        [summary] = _mine(user)
        assert summary.title == f"督导进度：{ningxiang.name} 有 3 名督学落后于进度"
        assert "慢督学：2025年10月 每名督学督导次数 1/4" in summary.body
        assert "零督学" in summary.body and "无账号督学（无登录账号）" in summary.body and "勤督学" not in summary.body
        assert summary.url == f"{reverse('visits:compliance')}?office={ningxiang.pk}"
    [city] = _mine(cast.city_staff)
    assert f"{ningxiang.name}：3" in city.body and "慢督学" not in city.body
    # the province office is told per city, each city with the counties under it
    [province] = _mine(cast.province_staff)
    changsha = Office.objects.get(region__code="4301")
    assert f"{changsha.name}：3" in province.body and ningxiang.name not in province.body and "慢督学" not in province.body
    assert province.title == f"督导进度：{Office.objects.get(region__code='43').name} 有 3 名督学落后于进度"
    for persona in ("multi", "outsider", "school_user", "evaluator", "nobody", "admin"):
        assert _mine(getattr(cast, persona)) == [], persona
    # the link lands on the compliance page of the office, which lists the behind supervisor
    client.force_login(cast.county_staff)
    response = client.get(reverse("notifications:open", args=[_mine(cast.county_staff)[0].pk]), follow=True)
    assert response.status_code == 200 and "慢督学" in response.content.decode()


def test_a_rerun_the_same_day_sends_nothing_new_and_the_next_day_reminds_again(team, cast):
    reminders_send(DAY)
    before = Notification.objects.count()
    again = reminders_send(DAY)
    assert Notification.objects.count() == before
    assert again["supervisors_notified"] == 0 and again["staff_notified"] == 0 and again["supervisors_behind"] == 3
    reminders_send(date(2025, 10, 21))
    assert len(_mine(cast.supervisor)) == 2


def test_early_in_the_month_nobody_is_behind_on_the_month(team, cast):
    """On 5 October nobody is behind on the month (floor(4 × 5/31) = 0); only 零督学, whose two
    schools have had no visit in all of 2025, is behind on the yearly rule (floor(2 × 278/365) = 1)."""
    [zero] = office_behind(office=Office.objects.get(region__code="430182"), day=date(2025, 10, 5))
    assert zero.supervisor.name == "零督学"
    assert [(c.period_label, c.metric, c.done, c.required) for c in zero.checks] == [("2025年", "visits_per_zone_school", 0, 2)]
    assert reminders_send(date(2025, 10, 5))["supervisors_behind"] == 1


def test_email_is_sent_when_configured(team, cast, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DUDAO_EMAIL_NOTIFICATIONS = True
    settings.DUDAO_PUBLIC_BASE_URL = "https://dudao.example.gov.cn"
    cast.supervisor.email = "slow@example.gov.cn"
    cast.supervisor.save()
    cast.county_staff.email = "office@example.gov.cn"
    cast.county_staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(DAY)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"slow@example.gov.cn", "office@example.gov.cn"}  # the others have no address
    assert by_address["slow@example.gov.cn"].subject == "【督导】督导进度提醒：1 项配额落后于进度"
    assert "已完成 1，要求 4" in by_address["slow@example.gov.cn"].body
    assert f"https://dudao.example.gov.cn{reverse('visits:compliance')}?office=" in by_address["office@example.gov.cn"].body
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(DAY)
    assert len(mail.outbox) == 2  # the rerun mails nobody


def test_the_scheduler_runs_the_reminders_job(team, cast, monkeypatch):
    monkeypatch.setattr("dudao.visits.reminders.timezone.localdate", lambda: DAY)
    call_command("scheduler", "--run", "visits.reminders", stdout=io.StringIO())
    run = ScheduledRun.objects.get(name="visits.reminders")
    assert run.status == "done" and run.result["supervisors_notified"] == 2 and run.result["staff_notified"] == 4  # county ×2, city, province
    assert len(_mine(cast.supervisor)) == 1
