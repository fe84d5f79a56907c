"""Government units: made from the region tree, then edited and completed by the office (departments)."""

from __future__ import annotations

from django.urls import reverse

from dudao.governance.models import GovernmentUnit


def test_office_adds_a_department_and_edits_it(cast, gov, client):
    county = GovernmentUnit.objects.get(region__code="430182", name="宁乡市人民政府")
    client.force_login(cast.county_staff)
    url = reverse("governance:unit_create")
    data = {"region": "430182", "name": "宁乡市教育局", "kind": "department", "parent": "", "active": "on"}
    missing = client.post(url, data)
    assert missing.status_code == 400 and "政府部门须指定所属政府" in missing.content.decode()
    assert 'value="宁乡市教育局"' in missing.content.decode()  # what was typed is kept
    assert client.post(url, {**data, "parent": county.pk}).status_code == 302
    bureau = GovernmentUnit.objects.get(name="宁乡市教育局")
    assert bureau.parent == county and bureau.kind == "department"
    again = client.post(url, {**data, "parent": county.pk})
    assert again.status_code == 400 and "已有同名单位" in again.content.decode()
    edit = reverse("governance:unit_edit", args=[bureau.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, {**data, "parent": county.pk, "contact": "王科长", "phone": "0731-87800000"}).status_code == 302
    bureau.refresh_from_db()
    assert bureau.contact == "王科长"
    # outside the staff member's area: the region is not offered
    assert client.post(url, {**data, "region": "430112", "name": "望城区教育局", "parent": county.pk}).status_code == 400
    assert not GovernmentUnit.objects.filter(name="望城区教育局").exists()


def test_generate_from_the_page(cast, client, db):
    client.force_login(cast.county_staff)
    assert client.post(reverse("governance:units_generate")).status_code == 302
    assert GovernmentUnit.objects.filter(region__code="430182", name="宁乡市人民政府").exists()
    page = client.get(reverse("governance:units"), {"q": "宁乡市"}).content.decode()
    assert "宁乡市人民政府" in page
