"""公示 (issue [11] item 4): the period in working days per kind (weekends and public holidays do not
count, 调休 Saturdays do), shown only from its start to its end, then archived as 公示已结束; withdrawn or
not yet started: 404 and absent."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from dudao.portal import services
from dudao.portal.models import Publicity
from dudao.regions.models import Office

pytestmark = pytest.mark.django_db


def test_seven_working_days_across_the_national_day_holiday():
    """2026: 10月1日–7日 are holidays, Saturday 10月10日 is worked (调休). From Monday 9月28日 the working
    days are 28, 29, 30 September, 8, 9, 10, 12 October: the 7th is 10月12日 — by hand."""
    start = date(2026, 9, 28)
    with pytest.raises(ValidationError) as err:
        services.check_period("supervisor_appointment", start, date(2026, 10, 9))  # 12 calendar days, 5 working days
    message = err.value.message_dict["ends_on"][0]
    assert "不少于 7 个工作日" in message and "只有 5 个工作日" in message and "2026-10-12" in message
    services.check_period("supervisor_appointment", start, date(2026, 10, 12))
    assert services.earliest_end("supervisor_appointment", start) == date(2026, 10, 12)


def test_each_kind_has_its_minimum_and_an_ordinary_week():
    monday = date(2026, 11, 2)
    services.check_period("evaluation_result", monday, date(2026, 11, 6))  # Mon–Fri: 5
    with pytest.raises(ValidationError):
        services.check_period("supervisor_appointment", monday, date(2026, 11, 6))
    services.check_period("supervisor_appointment", monday, date(2026, 11, 10))  # + Mon, Tue = 7
    with pytest.raises(ValidationError) as err:
        services.check_period("other", monday, monday - timedelta(days=1))
    assert "结束日期不能早于开始日期" in str(err.value)
    with pytest.raises(ValidationError):
        services.check_period("other", monday, monday + timedelta(days=120))


def test_a_year_without_a_holiday_notice_says_so():
    with pytest.raises(ValidationError) as err:
        services.check_period("supervisor_appointment", date(2031, 3, 3), date(2031, 3, 5))
    assert "节假日安排尚未公布" in err.value.message_dict["ends_on"][0]


def _make(office, *, start, end, title="宁乡市拟聘任责任督学公示", withdrawn=False):
    return Publicity.objects.create(office=office, kind="supervisor_appointment", title=title, body="张三\n李四",
                                    starts_on=start, ends_on=end, withdrawn_at=timezone.now() if withdrawn else None)


def test_shown_between_start_and_end_then_archived(cast, client):
    office = Office.objects.get(region__code="430182")
    today = timezone.localdate()
    scheduled = _make(office, start=today + timedelta(days=1), end=today + timedelta(days=15), title="未开始的公示")
    open_ = _make(office, start=today, end=today + timedelta(days=10), title="正在进行的公示")
    last_day = _make(office, start=today - timedelta(days=10), end=today, title="今天截止的公示")
    ended = _make(office, start=today - timedelta(days=20), end=today - timedelta(days=1), title="昨天结束的公示")
    withdrawn = _make(office, start=today - timedelta(days=1), end=today + timedelta(days=10), title="撤回的公示", withdrawn=True)
    page = client.get(reverse("portal:publicity_list"))
    assert [p.pk for p in page.context["current"]] == [last_day.pk, open_.pk]  # the nearest end first
    assert [p.pk for p in page.context["page"]] == [ended.pk]
    text = page.content.decode()
    assert "未开始的公示" not in text and "撤回的公示" not in text
    assert client.get(reverse("portal:publicity", args=[scheduled.pk])).status_code == 404
    assert client.get(reverse("portal:publicity", args=[withdrawn.pk])).status_code == 404
    open_page = client.get(reverse("portal:publicity", args=[open_.pk]))
    assert open_page.status_code == 200 and "正在公示" in open_page.content.decode()
    ended_page = client.get(reverse("portal:publicity", args=[ended.pk]))
    assert ended_page.status_code == 200 and "公示已结束" in ended_page.content.decode()
    index = client.get(reverse("portal:index")).content.decode()
    assert "正在进行的公示" in index and "昨天结束的公示" not in index


def test_staff_create_edit_and_withdraw_with_attachments(cast, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    office = Office.objects.get(region__code="430182")
    start = timezone.localdate() + timedelta(days=1)
    end = services.earliest_end("supervisor_appointment", start)
    client.force_login(cast.county_staff)
    short = client.post(reverse("portal:create"), {
        "office": office.pk, "kind": "supervisor_appointment", "title": "拟聘任责任督学公示", "body": "张三",
        "starts_on": start.isoformat(), "ends_on": (end - timedelta(days=1)).isoformat()})
    assert short.status_code == 200 and "不少于 7 个工作日" in short.content.decode()
    assert 'value="拟聘任责任督学公示"' in short.content.decode()  # the form keeps what was typed
    created = client.post(reverse("portal:create"), {
        "office": office.pk, "kind": "supervisor_appointment", "title": "拟聘任责任督学公示", "body": "张三\n李四",
        "starts_on": start.isoformat(), "ends_on": end.isoformat(), "contact": "电话 0731-87654321",
        "attachments": [SimpleUploadedFile("名单.pdf", b"%PDF-1.4 x", "application/pdf")]})
    assert created.status_code == 302
    item = Publicity.objects.get()
    assert item.attachments.get().name == "名单.pdf" and item.created_by == cast.county_staff
    bad = client.post(reverse("portal:edit", args=[item.pk]), {
        "office": office.pk, "kind": "supervisor_appointment", "title": "拟聘任责任督学公示", "body": "张三",
        "starts_on": start.isoformat(), "ends_on": end.isoformat(),
        "attachments": [SimpleUploadedFile("x.exe", b"MZ", "application/octet-stream")]})
    assert bad.status_code == 200 and "格式不支持" in bad.content.decode()
    client.post(reverse("portal:edit", args=[item.pk]), {
        "office": office.pk, "kind": "supervisor_appointment", "title": "拟聘任责任督学公示（更正）", "body": "张三",
        "starts_on": start.isoformat(), "ends_on": (end + timedelta(days=7)).isoformat(),
        "remove": [item.attachments.get().pk]})
    item.refresh_from_db()
    assert item.title.endswith("（更正）") and item.attachments.count() == 0
    assert client.post(reverse("portal:withdraw", args=[item.pk]), {"reason": ""}).status_code == 302
    assert Publicity.objects.get().withdrawn_at is None  # a reason is required
    client.post(reverse("portal:withdraw", args=[item.pk]), {"reason": "名单有误"})
    item.refresh_from_db()
    assert item.withdrawn_at and item.withdrawn_reason == "名单有误" and item.state() == "withdrawn"


def test_only_staff_of_the_office_or_above_write(cast):
    office = Office.objects.get(region__code="430182")
    start = timezone.localdate()
    end = services.earliest_end("other", start)
    args = dict(office=office, kind="other", title="公示", body="内容", starts_on=start, ends_on=end)
    for user in (cast.county_leader, cast.supervisor, cast.multi, cast.school_user):
        with pytest.raises(PermissionDenied):
            services.publicity_create(by=user, **args)
    assert services.publicity_create(by=cast.city_staff, **args).office == office
    with pytest.raises(ValidationError):
        services.publicity_create(by=cast.county_staff, **{**args, "starts_on": start - timedelta(days=1)})


def test_an_open_notice_keeps_its_start_date(cast):
    office = Office.objects.get(region__code="430182")
    today = timezone.localdate()
    item = _make(office, start=today - timedelta(days=2), end=today + timedelta(days=20))
    with pytest.raises(ValidationError) as err:
        services.publicity_update(item, by=cast.county_staff, kind=item.kind, title=item.title, body=item.body,
                                  starts_on=today, ends_on=item.ends_on)
    assert "开始日期不能修改" in str(err.value)
    ended = _make(office, start=today - timedelta(days=30), end=today - timedelta(days=1))
    with pytest.raises(ValidationError):
        services.publicity_update(ended, by=cast.county_staff, kind=ended.kind, title="x", body="y",
                                  starts_on=ended.starts_on, ends_on=today + timedelta(days=30))
