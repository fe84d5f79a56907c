"""政府单位用户 accounts are administered through the existing account pages: a grant bound to one unit,
given by the staff of an office whose area holds the unit (never a unit beside or above it)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dudao.access import get_scope
from dudao.governance.models import GovernmentUnit
from dudao.people.models import Role, RoleGrant, User
from dudao.people.services import role_grant_add
from dudao.regions.models import Region


def test_the_grant_needs_a_unit(gov):
    user = User.objects.create_user(username="t_gov_new", password="x")
    with pytest.raises(ValidationError, match="政府单位"):
        role_grant_add(user=user, role=Role.GOVERNMENT_USER)
    grant = role_grant_add(user=user, role=Role.GOVERNMENT_USER, government_unit=gov.unit_b)
    assert get_scope(user).government_unit_ids == frozenset({gov.unit_b.pk})
    assert grant.office is None and not grant.schools.exists()
    # another role never carries a unit
    other = role_grant_add(user=user, role=Role.SUPERVISOR, government_unit=gov.unit_a)
    assert other.government_unit is None


def test_office_staff_give_the_role_through_the_account_page(cast, gov, client):
    client.force_login(cast.county_staff)
    page = client.get(reverse("people:user_detail", args=[gov.gov_a.pk])).content.decode()
    assert 'name="grant-government_unit"' in page and gov.unit_a.name in page
    data = {"grant-role": Role.GOVERNMENT_USER, "grant-government_unit": gov.unit_b.pk, "grant-note": "兼管乙镇"}
    assert client.post(reverse("people:grant_add", args=[gov.gov_a.pk]), data).status_code == 302
    assert RoleGrant.objects.filter(user=gov.gov_a, government_unit=gov.unit_b).exists()
    # a unit outside the staff member's area is not offered, and refused
    wangcheng = GovernmentUnit.objects.create(region=Region.objects.get(code="430112"), name="望城区人民政府")
    data["grant-government_unit"] = wangcheng.pk
    response = client.post(reverse("people:grant_add", args=[gov.gov_a.pk]), data)
    assert response.status_code == 400
    assert not RoleGrant.objects.filter(government_unit=wangcheng).exists()
    # 望城's staff do not manage 宁乡's government accounts
    client.force_login(cast.multi)
    assert client.get(reverse("people:user_detail", args=[gov.gov_a.pk])).status_code == 404
