"""The supervisors list reads the user's offices once (issue [7]): "登记督学" shows exactly for those
who manage an office, and the list's queries do not grow with the supervisors in scope."""

from __future__ import annotations

from django.urls import reverse

from dudao.regions.models import Office
from dudao.supervisors.selectors import managed_offices
from tests.personas import PERSONAS


def test_the_create_button_follows_the_managed_offices(cast, client):
    for persona in PERSONAS:
        user = getattr(cast, persona)
        client.force_login(user)
        response = client.get(reverse("supervisors:list"))
        if response.status_code != 200:
            continue
        assert response.context["can_create"] is bool(managed_offices(user)), persona
        assert (reverse("supervisors:create") in response.content.decode()) is bool(managed_offices(user)), persona


def test_the_list_query_count_does_not_grow_with_the_supervisors(cast, client, make_supervisor, django_assert_max_num_queries):
    offices = list(Office.objects.filter(region__code__startswith="43"))
    client.force_login(cast.province_staff)
    client.get(reverse("supervisors:list"))
    made = 0
    for n in (3, 45):
        for _i in range(n):
            make_supervisor(f"名册督学{made:03d}", office=offices[made % len(offices)])
            made += 1
        with django_assert_max_num_queries(12):
            response = client.get(reverse("supervisors:list"))
        assert response.context["page"].paginator.count == made
        assert response.context["can_create"] is True
