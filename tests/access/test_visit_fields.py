"""One rule per visit field: what each persona reads of a visit is the same on the visit's page,
in the ledger page, in the ledger's Excel export and in the API (access.fields).

World: 谢彩飞 (the cast's `supervisor`) submitted a visit at A1, located 321 m from the school,
with a refusal (拒绝阻挠). The office of A1 (staff, leaders, above, admins) and the supervisor read
the refusal flag and the distance; the school (A1's account) reads the visit, not those fields.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dudao.access import VISIT_FULL_FIELDS, may_read_field, restricted_fields
from dudao.visits.models import Visit
from tests.visits.field_support import submitted_visit

FULL_READERS = {"admin", "province_staff", "city_staff", "county_staff", "county_leader", "supervisor"}
READERS = sorted(FULL_READERS | {"school_user"})


@pytest.fixture
def visit(cast, field) -> Visit:
    done = submitted_visit(cast.supervisor, cast.A1, refused=True, refusal_note="拒绝提供收费台账原件",
                           latitude=None, longitude=None)
    done.latitude, done.longitude, done.location_status, done.distance_m = Decimal("28.252"), Decimal("112.551"), "ok", 321
    done.save()
    return done


def _through_detail_page(client, visit) -> dict[str, bool]:
    html = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    return {"refused": 'data-testid="refusal"' in html, "distance_m": "距学校约 321 米" in html}


def _through_ledger_page(client, visit) -> dict[str, bool]:
    html = client.get(reverse("visits:log"), {"who": "all"}).content.decode()
    link = reverse("visits:detail", args=[visit.pk])
    rows = [row for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S) if f'href="{link}"' in row]
    assert len(rows) == 1, "the visit is listed once"
    return {"refused": "拒绝阻挠" in rows[0], "distance_m": "321 m" in rows[0]}


def _through_export(client, visit) -> dict[str, bool]:
    response = client.get(reverse("visits:log_export"), {"who": "all"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))).get_sheet_by_index(0).to_python()
    header, body = rows[0], [r for r in rows[1:] if r[1] == visit.school.name]
    assert len(body) == 1
    row = dict(zip(header, body[0], strict=True))
    # a hidden cell is empty, never a "否" that would misstate the record
    assert row["是否拒绝阻挠"] in ("是", "") and row["定位距离（米）"] in (321, 321.0, "")
    return {"refused": row["是否拒绝阻挠"] == "是", "distance_m": row["定位距离（米）"] in (321, 321.0)}


def _through_api(client, visit) -> dict[str, bool]:
    data = client.get(reverse("api-1:get_visit", kwargs={"visit_id": visit.pk})).json()
    return {"refused": data.get("refused") is True, "distance_m": data.get("distance_m") == 321}


@pytest.mark.parametrize("persona", READERS)
def test_page_ledger_export_and_api_agree_field_by_field(cast, client, visit, persona):
    # given
    user = getattr(cast, persona)
    client.force_login(user)
    # when
    seen = {
        "visit page": _through_detail_page(client, visit),
        "ledger page": _through_ledger_page(client, visit),
        "Excel export": _through_export(client, visit),
        "API": _through_api(client, visit),
    }
    # then: each interface shows a field exactly when the rule says so, and the rule is the expected one
    for field in ("refused", "distance_m"):
        rule = may_read_field(user, visit, field)
        assert rule == (persona in FULL_READERS), (persona, field)
        assert {where: fields[field] for where, fields in seen.items()} == dict.fromkeys(seen, rule), (persona, field)


@pytest.mark.parametrize("persona", READERS)
def test_the_refusal_filter_reveals_no_more_than_the_rows(cast, client, visit, persona):
    """Filtering the ledger on 拒绝阻挠 must not tell the school what the row hides."""
    client.force_login(getattr(cast, persona))
    found = client.get(reverse("visits:log"), {"who": "all", "refused": "1"}).context["page"].object_list
    assert (visit in list(found)) == (persona in FULL_READERS), persona


def test_the_visit_rule_covers_the_location_and_the_refusal():
    assert {"distance_m", "refused", "refusal_note", "latitude", "longitude", "narrative"} <= restricted_fields(Visit)
    assert restricted_fields(Visit) == VISIT_FULL_FIELDS
