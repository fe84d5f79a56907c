"""Zone pages as the 宁乡 office uses them: build zones, see the checklist, assign supervisors."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from dudao.zones.models import Assignment, Zone, ZoneSchool
from dudao.zones.services import assignment_create, zone_add_schools, zone_create


def test_checklist_shows_problems_with_links_to_fix_them(cast, client, ningxiang, make_supervisor):
    zone = zone_create(office=ningxiang, name="北区")
    zone_add_schools(zone=zone, schools=[cast.A1, cast.A2])
    assignment_create(supervisor=make_supervisor("甲督学"), school=cast.A1)
    client.force_login(cast.county_staff)
    page = client.get(reverse("zones:index")).content.decode()
    assert "1 所学校未划入任何责任区" in page and "2 所学校没有责任督学" in page
    assert reverse("zones:school", kwargs={"pk": cast.A3.pk}) in page  # the unzoned school links to its fix
    assert 'data-testid="coverage-percent">66.7%' in page


def test_office_staff_builds_a_zone_and_adds_schools(cast, client, ningxiang, make_supervisor):
    head = make_supervisor("主任督学")
    client.force_login(cast.county_staff)
    response = client.post(reverse("zones:create") + f"?office={ningxiang.pk}",
                           {"office": ningxiang.pk, "name": "玉潭督学责任区", "head": head.pk, "members": [head.pk]})
    zone = Zone.objects.get(name="玉潭督学责任区")
    assert response["Location"] == reverse("zones:detail", kwargs={"pk": zone.pk})
    client.post(reverse("zones:add_schools", kwargs={"pk": zone.pk}), {"school_ids": [cast.A1.pk], "codes": cast.A2.code})
    assert set(ZoneSchool.objects.filter(zone=zone).values_list("school__name", flat=True)) == {"测试宁乡一小", "测试宁乡二中"}
    page = client.get(reverse("zones:detail", kwargs={"pk": zone.pk})).content.decode()
    assert 'data-testid="zone-school-count">2<' in page and "未挂牌" in page


def test_duplicate_zone_name_keeps_the_form(cast, client, ningxiang):
    zone_create(office=ningxiang, name="北区")
    client.force_login(cast.county_staff)
    response = client.post(reverse("zones:create"), {"office": ningxiang.pk, "name": "北区", "office_address": "某地"})
    page = response.content.decode()
    assert response.status_code == 200 and "本督导室已有同名责任区" in page and 'value="某地"' in page


def test_assign_then_reassign_from_the_school_page(cast, client, make_supervisor):
    first, second = make_supervisor("甲督学"), make_supervisor("乙督学")
    client.force_login(cast.county_staff)
    url = reverse("zones:assign", kwargs={"pk": cast.A1.pk})
    client.post(url, {"supervisor": first.pk, "starts_on": "2025-09-01"})
    client.post(url, {"supervisor": second.pk, "starts_on": "2026-03-01", "replace": "on", "reason": "分工调整"})
    history = list(Assignment.objects.filter(school=cast.A1).order_by("starts_on").values_list("supervisor__name", "starts_on", "ends_on"))
    assert history == [("甲督学", date(2025, 9, 1), date(2026, 2, 28)), ("乙督学", date(2026, 3, 1), None)]
    page = client.get(reverse("zones:school", kwargs={"pk": cast.A1.pk})).content.decode()
    assert "乙督学" in page and "2026-02-28" in page


def test_bad_assignment_is_explained(cast, client, make_supervisor):
    supervisor = make_supervisor("甲督学")
    client.force_login(cast.county_staff)
    client.post(reverse("zones:assign", kwargs={"pk": cast.A1.pk}), {"supervisor": supervisor.pk, "starts_on": "2025-09-01"})
    response = client.post(reverse("zones:assign", kwargs={"pk": cast.A1.pk}), {"supervisor": supervisor.pk, "starts_on": "2025-10-01"}, follow=True)
    assert "甲督学 已是该校的责任督学" in response.content.decode()


def test_leader_reads_but_cannot_change(cast, client, ningxiang, make_supervisor):
    zone = zone_create(office=ningxiang, name="北区")
    supervisor = make_supervisor()
    client.force_login(cast.county_leader)
    assert client.get(reverse("zones:detail", kwargs={"pk": zone.pk})).status_code == 200
    assert client.post(reverse("zones:add_schools", kwargs={"pk": zone.pk}), {"codes": cast.A1.code}).status_code == 403
    assert client.post(reverse("zones:assign", kwargs={"pk": cast.A1.pk}), {"supervisor": supervisor.pk, "starts_on": "2025-09-01"}).status_code == 403
    assert client.get(reverse("zones:create") + f"?office={ningxiang.pk}").status_code == 403
    assert not ZoneSchool.objects.exists() and not Assignment.objects.exists()


def test_api_assign_and_history(cast, client, make_supervisor):
    supervisor = make_supervisor("甲督学")
    client.force_login(cast.county_staff)
    url = f"/api/v1/schools/{cast.A1.pk}/assignments"
    response = client.post(url, {"supervisor_id": supervisor.pk, "starts_on": "2025-09-01"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["supervisor"] == "甲督学"
    again = client.post(url, {"supervisor_id": supervisor.pk}, content_type="application/json")
    assert again.status_code == 400 and "已是该校的责任督学" in again.json()["detail"]
    assert [a["supervisor"] for a in client.get(url).json()] == ["甲督学"]
    client.force_login(cast.county_leader)
    assert client.post(url, {"supervisor_id": supervisor.pk}, content_type="application/json").status_code == 403
