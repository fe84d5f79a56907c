"""通知公告 (library/services.py): who a notice reaches, read receipts once, reminders once a day, drafts
and withdrawn notices, and the attachment checks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dudao.library import services
from dudao.library.models import Announcement, AnnouncementReceipt
from dudao.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _readers(notice) -> set[str]:
    return set(AnnouncementReceipt.objects.filter(announcement=notice).values_list("user__username", flat=True))


def test_a_county_notice_reaches_its_supervisors_and_schools_only(cast, library):
    readers = _readers(library["notice"])
    assert cast.school_user.username in readers and cast.supervisor.username in readers
    assert cast.multi.username in readers  # supervisor of A3 (a 宁乡 school) — 望城's office rights play no part
    for outside in (cast.county_staff, cast.city_staff, cast.province_staff, cast.outsider, cast.evaluator,
                    cast.nobody, cast.admin):
        assert outside.username not in readers, outside.username
    assert Notification.objects.filter(recipient=cast.school_user, url=reverse("library:notice",
                                                                               args=[library["notice"].pk])).count() == 1


def test_a_city_notice_to_offices_reaches_the_county_offices(cast, library):
    notice = services.notice_save(by=cast.city_staff, office=library["ningxiang"].region.parent.office,
                                  title="关于开展年度督学培训的通知", body="各区县督导室：……", audience="offices")
    services.notice_publish(by=cast.city_staff, notice=notice)
    readers = _readers(notice)
    assert {cast.county_staff.username, cast.county_leader.username, cast.multi.username} <= readers
    assert cast.school_user.username not in readers and cast.supervisor.username not in readers
    assert cast.city_staff.username not in readers and cast.outsider.username not in readers


def test_receipts_are_counted_once_and_reminders_once_a_day(cast, client, library):
    notice = library["notice"]
    read, total = services.receipt_counts(notice)
    assert read == 0 and total == AnnouncementReceipt.objects.filter(announcement=notice).count() >= 3
    client.force_login(cast.school_user)
    assert client.get(reverse("library:notice", args=[notice.pk])).status_code == 200
    first = AnnouncementReceipt.objects.get(announcement=notice, user=cast.school_user).read_at
    client.get(reverse("library:notice", args=[notice.pk]))
    assert AnnouncementReceipt.objects.get(announcement=notice, user=cast.school_user).read_at == first
    assert services.receipt_counts(notice) == (1, total)
    client.force_login(cast.county_staff)  # the sender's visit is no receipt
    client.get(reverse("library:notice", args=[notice.pk]))
    assert services.receipt_counts(notice) == (1, total)
    day = dt.date(2026, 10, 20)
    assert services.notice_remind(by=cast.county_staff, notice=notice, today=day) == total - 1
    assert services.notice_remind(by=cast.county_staff, notice=notice, today=day) == 0
    with pytest.raises(PermissionDenied):
        services.notice_remind(by=cast.county_leader, notice=notice, today=day)


def test_drafts_and_withdrawn_notices_are_not_shown_to_readers(cast, library):
    draft = library["draft"]
    assert not Announcement.objects.visible_to(cast.school_user).filter(pk=draft.pk).exists()
    assert Announcement.objects.visible_to(cast.county_leader).filter(pk=draft.pk).exists()
    services.notice_withdraw(by=cast.county_staff, notice=library["notice"])
    assert not Announcement.objects.visible_to(cast.school_user).exists()
    with pytest.raises(ValidationError):
        services.notice_save(by=cast.county_staff, office=library["ningxiang"], title="x", body="y",
                             notice=library["notice"])  # published: withdraw and send a new one


def test_bad_input_is_refused_in_chinese_and_the_form_keeps_it(cast, client, library):
    client.force_login(cast.county_staff)
    page = client.post(reverse("library:notice_create"), {"title": "", "body": "正文保留", "audience": "all"})
    assert page.status_code == 400 and "正文保留" in page.content.decode()
    fake = SimpleUploadedFile("通知.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    page = client.post(reverse("library:notice_create"), {"title": "带附件", "body": "见附件", "audience": "all",
                                                          "attachment": fake})
    assert page.status_code == 400 and "只支持" in page.content.decode()
    assert not Announcement.objects.filter(title="带附件").exists()


def test_a_policy_attachment_is_checked_and_served_in_scope(cast, client, library):
    pdf = SimpleUploadedFile("手册.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    policy = services.policy_update(by=cast.county_staff, policy=library["handbook"], data={}, upload=pdf)
    assert policy.attachment_sha256 and policy.attachment_name == "手册.pdf"
    client.force_login(cast.school_user)
    assert client.get(reverse("library:policy_file", args=[policy.pk])).status_code == 200
    client.force_login(cast.outsider)
    assert client.get(reverse("library:policy_file", args=[policy.pk])).status_code == 404


def test_builtins_are_read_only_and_dates_are_checked(cast, library):
    from dudao.library.models import Policy

    builtin = Policy.objects.get(title="教育督导条例")
    assert builtin.number == "国务院令第624号" and builtin.effective_on == dt.date(2012, 10, 1)
    with pytest.raises(ValidationError):
        services.policy_update(by=cast.admin, policy=builtin, data={"title": "改"})
    with pytest.raises(ValidationError) as error:
        services.policy_update(by=cast.county_staff, policy=library["handbook"],
                               data={"effective_on": dt.date(2024, 1, 1)})
    assert "施行日期不能早于发布日期" in str(error.value)
    with pytest.raises(PermissionDenied):
        services.policy_update(by=cast.multi, policy=library["handbook"], data={"title": "望城改宁乡"})


def test_the_unread_filter_lists_exactly_the_unread(cast, client, library):
    second = services.notice_save(by=cast.county_staff, office=library["ningxiang"], title="第二份通知", body="内容")
    services.notice_publish(by=cast.county_staff, notice=second)
    services.notice_mark_read(by=cast.school_user, notice=library["notice"])
    client.force_login(cast.school_user)
    unread = client.get(reverse("library:notices"), {"unread": "1"}).content.decode()
    assert "第二份通知" in unread and library["notice"].title not in unread
    everything = client.get(reverse("library:notices")).content.decode()
    assert "第二份通知" in everything and library["notice"].title in everything
