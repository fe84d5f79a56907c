"""The figures of a monthly summary against arithmetic done by hand (tests/monthly/conftest.py), and the
month's boundaries in Beijing time."""

from __future__ import annotations

from datetime import date

import pytest

from dudao.monthly.figures import month_bounds, month_figures
from tests.monthly.conftest import MONTH, TODAY, YEAR, beijing

pytestmark = pytest.mark.django_db


def test_the_small_month_by_hand(world):
    f = month_figures(world.office, YEAR, MONTH, today=TODAY)
    assert (f["start"], f["end"], f["as_of"], f["complete"]) == ("2026-10-01", "2026-10-31", "2026-10-31", True)
    team = f["team"]
    assert (team["before"], team["after"]) == (1, 2)
    assert team["full_time"] == [1, 1] and team["part_time"] == [0, 1]
    assert [r["name"] for r in team["joined"]] == ["乙督学"] and team["left"] == []
    assert team["average_age"] == [50.0, 45.0]  # 甲 50 on 30 Sep and 31 Oct; 乙 40 → (50 + 40) / 2
    assert {k: f["training"][k] for k in ("sessions", "hours", "attendances", "person_hours")} == {
        "sessions": 1, "hours": 8.0, "attendances": 2, "person_hours": 16.0}
    v = f["visits"]
    assert (v["visits"], v["schools"], v["visited"], v["not_visited"]) == (3, 3, 2, 1)
    assert (v["behind"], v["shortfall"]) == (1, 1)  # A3: 0 of 1
    assert (v["supervisors"], v["supervisors_behind"]) == (2, 2)  # 2 and 1 visits of 4
    x = f["findings"]
    assert (x["opened"], x["closed"], x["unfinished"], x["overdue"]) == (2, 1, 2, 1)
    c = f["complaints"]
    assert (c["received"], c["handled"], c["upheld"], c["pending"]) == (1, 1, 1, 0)
    assert f["surveys"] == {"surveys": 0, "responses": 0, "list": []}


def test_the_current_month_counts_up_to_today(world):
    f = month_figures(world.office, 2026, 11, today=TODAY)
    assert (f["as_of"], f["complete"]) == ("2026-11-15", False)
    assert f["visits"]["visits"] == 1  # 甲 on 1 November
    assert f["training"]["sessions"] == 1 and f["training"]["hours"] == 4.0
    # the finding found 25 October (deadline 30 November) is not overdue on 15 November; the 1 September one is
    assert (f["findings"]["opened"], f["findings"]["unfinished"], f["findings"]["overdue"]) == (0, 2, 1)
    assert (f["team"]["before"], f["team"]["after"], f["team"]["joined"]) == (2, 2, [])


def test_month_bounds():
    assert month_bounds(2026, 2) == (date(2026, 2, 1), date(2026, 2, 28))
    assert month_bounds(2028, 2) == (date(2028, 2, 1), date(2028, 2, 29))
    assert month_bounds(2026, 12) == (date(2026, 12, 1), date(2026, 12, 31))


def test_month_boundaries_are_beijing_days(world, cast):
    """23:59 on 31 October Beijing time is 15:59 UTC: October; 00:01 on 1 November is 16:01 UTC on
    31 October: November — though both are 31 October in UTC."""
    from dudao.complaints.models import Complaint
    from dudao.findings.models import Finding

    Complaint.objects.create(school=cast.A2, tracking_code="MONTHLY00002", category="fees", text="夜",
                             received_at=beijing(date(2026, 10, 31), 23, 59), response_due=date(2026, 11, 9))
    Complaint.objects.create(school=cast.A2, tracking_code="MONTHLY00003", category="fees", text="晨",
                             received_at=beijing(date(2026, 11, 1), 0, 1), response_due=date(2026, 11, 9))
    late = Finding.objects.get(found_on=date(2026, 10, 25))
    late.state, late.closed_at = "closed", beijing(date(2026, 11, 1), 0, 30)
    late.save()
    assert beijing(date(2026, 11, 1), 0, 1).utctimetuple()[:3] == (2026, 10, 31)
    october = month_figures(world.office, 2026, 10, today=TODAY)
    november = month_figures(world.office, 2026, 11, today=TODAY)
    assert (october["complaints"]["received"], november["complaints"]["received"]) == (2, 1)
    assert october["complaints"]["pending"] == 1  # the 23:59 one, unanswered on 31 October
    assert (october["findings"]["closed"], november["findings"]["closed"]) == (1, 1)
    assert october["findings"]["unfinished"] == 2  # closed only on 1 November: still open on 31 October


def test_another_office_counts_nothing_of_ningxiang(world):
    from dudao.regions.models import Office

    liuyang = Office.objects.get(region__code="430181")
    f = month_figures(liuyang, YEAR, MONTH, today=TODAY)
    assert f["visits"]["visits"] == 0 and f["findings"]["opened"] == 0 and f["complaints"]["received"] == 0
    assert f["team"]["after"] == 0 and f["training"]["sessions"] == 0
    city = month_figures(Office.objects.get(region__code="4301"), YEAR, MONTH, today=TODAY)
    assert city["findings"]["opened"] == 2 and city["team"]["after"] == 2  # the subtree holds 宁乡
