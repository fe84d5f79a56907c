"""A 通报 from the data to the units: drafted, 审核, 签发 and issued through the generic document
workflow, read by the schools (read receipts, "已阅 n / m" on the list), published; recipients only in
scope; another county's office cannot draft for 宁乡; the drafting form's messages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dudao.bulletins import services
from dudao.documents import services as documents
from dudao.documents.models import Document, DocumentStatus
from dudao.regions.models import Office
from tests.bulletins.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_issued_to_the_schools_read_and_published(cast, office, world, client):
    bulletin = services.compute(by=cast.county_staff, office=office, campaign=world, today=TODAY)
    document = services.draft(bulletin, by=cast.county_staff)
    assert not Document.objects.visible_to(cast.school_user).filter(pk=document.pk).exists()  # a draft
    documents.submit(document, by=cast.county_staff)
    documents.check(document, by=cast.county_leader)
    document = documents.issue(document, by=cast.county_leader)
    assert document.status == DocumentStatus.ISSUED and document.number.endswith("1号")
    with pytest.raises(ValidationError):  # issued: no longer re-drafted from the data
        services.draft(bulletin, by=cast.county_staff)
    assert Document.objects.visible_to(cast.school_user).filter(pk=document.pk).exists()
    assert documents.mark_read(document, by=cast.school_user) == 1  # A1's receipt
    client.force_login(cast.county_staff)
    page = client.get(reverse("bulletins:list")).content.decode()
    assert "已阅 1 / 3" in page
    documents.publish(document, by=cast.county_staff)
    assert Document.objects.published().filter(pk=document.pk).exists()
    assert "已公开" in client.get(reverse("bulletins:detail", args=[bulletin.pk])).content.decode()


def test_another_county_cannot_draft_for_ningxiang(cast, office, world, client):
    with pytest.raises(PermissionDenied):
        services.compute(by=cast.multi, office=office, campaign=world, today=TODAY)  # 望城's staff
    with pytest.raises(PermissionDenied):
        services.compute(by=cast.county_leader, office=office, campaign=world, today=TODAY)  # reads only
    wangcheng = Office.objects.get(region__code="430112")
    with pytest.raises(ValidationError):  # 望城 cannot bulletin 宁乡's campaign either
        services.compute(by=cast.multi, office=wangcheng, campaign=world, today=TODAY)
    client.force_login(cast.multi)
    response = client.post(reverse("bulletins:new"), {"office": office.pk, "source": "campaign", "campaign": world.pk,
                                                      "tone": "situation"})
    assert response.status_code == 400
    assert str(office.pk) not in [str(v) for v, _ in response.context["form"].fields["office"].choices]
    assert not response.context["form"].fields["campaign"].choices[1:]  # 宁乡's campaign is not offered


def test_recipients_only_in_scope(cast, office, world):
    county = services.compute(by=cast.county_staff, office=office, period_kind="month", day=dt.date(2026, 10, 1),
                              today=TODAY)
    document = services.draft(county, by=cast.county_staff)
    assert {r.school_id for r in document.recipients.all()} == {cast.A1.pk, cast.A2.pk, cast.A3.pk}
    city_office = Office.objects.get(region__code="4301")
    city = services.compute(by=cast.city_staff, office=city_office, period_kind="year", day=dt.date(2026, 1, 1),
                            today=TODAY)
    city_doc = services.draft(city, by=cast.city_staff)
    rows = list(city_doc.recipients.all())
    assert all(r.school_id is None and r.region is not None for r in rows)
    assert {r.region.code for r in rows} == {"430182", "430112", "430181"}  # the county offices under 长沙市
    assert city_doc.addressee == "各区县（市）人民政府教育督导室"
    assert city_doc.cc.startswith("长沙市人民政府") and "湖南省人民政府教育督导室" in city_doc.cc


def test_the_form_says_what_is_missing_and_keeps_what_was_typed(cast, office, world, client):
    client.force_login(cast.county_staff)
    url = reverse("bulletins:new")
    assert client.get(url).status_code == 200
    response = client.post(url, {"office": office.pk, "source": "period", "period_kind": "", "day": "2026-10-01",
                                 "tone": "situation"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请选择通报周期（月度、季度、学期或年度）。" in page and 'value="2026-10-01"' in page
    response = client.post(url, {"office": office.pk, "source": "campaign", "tone": "situation"})
    assert "请选择要通报的督导项目。" in response.content.decode()
    response = client.post(url, {"office": office.pk, "source": "period", "period_kind": "year", "day": "2099-05-01",
                                 "tone": "situation"})
    assert response.status_code == 400 and "通报周期尚未开始，无法统计。" in response.content.decode()
    response = client.post(url, {"office": office.pk, "source": "campaign", "campaign": world.pk, "tone": "criticism"})
    assert response.status_code == 302
    bulletin = office.bulletins.get()
    assert bulletin.campaign == world and bulletin.tone == "criticism"
