"""The demo city: realistic, deterministic, and every printed account works as described."""

from __future__ import annotations

from django.db.models import Count, F, Sum

from dudao.demo.build import DEMO_PASSWORD, demo_build
from dudao.people.models import User
from dudao.schools.models import School, SchoolKind, SchoolYearData


def test_demo_builds_changsha_with_every_kind_and_realistic_data(demo_city, db):
    schools, year_rows, accounts = demo_city
    assert 500 <= schools <= 800
    kinds = set(School.objects.filter(region_code__startswith="4301").values_list("kind", flat=True))
    assert kinds == set(SchoolKind.values)
    latest = SchoolYearData.objects.filter(year=2025)
    # some crowded urban schools with large classes (大班额), some small under-resourced rural ones
    assert latest.aggregate(n=Sum("classes_56_65"))["n"] > 0
    assert latest.filter(school__locality="rural", students__lt=100).exists()
    assert latest.filter(school__locality="rural", music_teachers=0).exists()
    assert not latest.exclude(classes=F("classes_upto_45") + F("classes_46_55") + F("classes_56_65") + F("classes_66_plus")).exists()
    nx = School.objects.filter(region_code__startswith="430182").values("region_code").annotate(n=Count("id"))
    assert len({r["region_code"][:9] for r in nx if len(r["region_code"]) == 9}) >= 25  # schools in most of 29 townships
    assert {a.username for a in accounts} >= {"admin", "nx_office", "nx_leader", "nx_supervisor", "ly_supervisor",
                                              "cs_supervisor", "hn_supervisor", "nx_school", "evaluator"}


def test_demo_accounts_see_what_the_readme_says(demo_city, db):
    nx_total = School.objects.filter(region_code__startswith="430182").count()
    from dudao.zones.models import Assignment, ZoneSchool

    nx = User.objects.get(username="nx_supervisor")
    own = set(Assignment.objects.current().filter(supervisor__user=nx).values_list("school_id", flat=True))
    zone = set(ZoneSchool.objects.filter(zone__members__user=nx).values_list("school_id", flat=True)) | set(
        ZoneSchool.objects.filter(zone__head__user=nx).values_list("school_id", flat=True))
    # README: "the 宁乡市 schools assigned to 谢彩飞 … plus their zone (read-only)"
    assert own, "nx_supervisor is assigned schools"
    assert not School.objects.filter(pk__in=own).exclude(region_code__startswith="430182").exists()
    assert zone - own, "their zone adds schools they read without being assigned them"
    school = School.objects.get(role_grants__user__username="nx_school")
    assert school.pk in own  # the school account is one of the demo supervisor's schools
    # …and, while a campaign runs, the schools allocated to their 督查组 (README: "plus … their 督查组")
    from dudao.campaigns.access import team_school_ids

    team = team_school_ids(nx, [])
    expected = {"nx_office": nx_total, "nx_leader": nx_total, "nx_supervisor": len(own | zone | team), "ly_supervisor": 4,
                "cs_supervisor": 3, "hn_supervisor": 3, "nx_school": 1, "evaluator": 3}
    # the evaluator also reads, during the on-site window, the 宁乡 schools allocated to its team of the
    # demo's 综合督导评估 round (README: "望城区 3 所学校；…实地督导期间")
    from dudao.campaigns.access import window_school_ids

    window = window_school_ids(User.objects.get(username="evaluator"))
    assert window and all(s.region_code.startswith("430182") for s in School.objects.filter(pk__in=window))
    expected["evaluator"] += len(window)
    for username, count in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD) and user.is_active, username
        visible = School.objects.visible_to(user)
        assert visible.count() == count, username
        if username != "ly_supervisor":
            assert not visible.exclude(region_code__startswith="4301").exists()
    ly = School.objects.visible_to(User.objects.get(username="ly_supervisor"))
    assert not ly.filter(region_code__startswith="430182").exists()


def test_demo_is_repeatable(demo_city, db):
    schools, year_rows, _accounts = demo_city
    again = demo_build()
    assert (again[0], again[1]) == (schools, year_rows)
    assert School.objects.filter(region_code__startswith="4301").count() == schools


def test_cli_maps_dashes_to_commands(monkeypatch):
    from dudao import cli

    seen = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", lambda argv: seen.append(argv))
    cli.main(["dudao", "load-regions", "--no-towns"])
    assert seen == [["dudao", "load_regions", "--no-towns"]]


def test_demo_visits_are_in_the_monthly_tally(demo_city, db):
    """The demo writes its visits with bulk_create; the tally's triggers count them all."""
    from dudao.visits.tally import visit_tally_expected, visit_tally_stored

    stored = visit_tally_stored()
    assert stored and stored == visit_tally_expected()
