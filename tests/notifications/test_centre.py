"""消息中心: the list with its filter and pages, opening (mark read + same-site redirect only),
mark all read, the header bell and its one COUNT query, e-mail, and the API."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dudao.notifications.models import Notification
from dudao.notifications.selectors import safe_target
from dudao.notifications.services import notification_email, notify, notify_office_staff
from dudao.regions.models import Office


def _many(user, n: int, prefix: str = "消息") -> list[Notification]:
    return [notify(recipient=user, title=f"{prefix}{i:02d}", body=f"正文{i}") for i in range(n)]


def test_list_shows_only_mine_unread_by_default_and_all_on_request(cast, client):
    mine = notify(recipient=cast.county_staff, title="我的未读消息")
    read = notify(recipient=cast.county_staff, title="我的已读消息")
    read.read_at = read.created_at
    read.save()
    notify(recipient=cast.county_leader, title="别人的消息")
    client.force_login(cast.county_staff)

    page = client.get(reverse("notifications:list")).content.decode()
    assert "我的未读消息" in page and "我的已读消息" not in page and "别人的消息" not in page
    assert reverse("notifications:open", args=[mine.pk]) in page

    page = client.get(reverse("notifications:list"), {"show": "all"}).content.decode()
    assert "我的未读消息" in page and "我的已读消息" in page and "别人的消息" not in page


def test_list_is_paginated_by_thirty_newest_first(cast, client):
    _many(cast.supervisor, 31)
    client.force_login(cast.supervisor)
    first = client.get(reverse("notifications:list"), {"show": "all"}).content.decode()
    assert first.count('data-testid="notification"') == 30
    assert "消息30" in first and "消息00" not in first  # newest first
    second = client.get(reverse("notifications:list"), {"show": "all", "page": 2}).content.decode()
    assert second.count('data-testid="notification"') == 1 and "消息00" in second
    assert "第 2 / 2 页" in second


def test_empty_states(cast, client):
    client.force_login(cast.nobody)
    assert "没有未读消息" in client.get(reverse("notifications:list")).content.decode()
    assert "还没有消息" in client.get(reverse("notifications:list"), {"show": "all"}).content.decode()


def test_opening_marks_read_and_follows_a_same_site_link(cast, client):
    n = notify(recipient=cast.county_staff, title="去看看", url="/schools/?q=ningxiang")
    client.force_login(cast.county_staff)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/schools/?q=ningxiang"
    n.refresh_from_db()
    assert n.read_at is not None


def test_opening_without_a_link_goes_back_to_the_list(cast, client):
    n = notify(recipient=cast.county_staff, title="没有链接")
    client.force_login(cast.county_staff)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == f"{reverse('notifications:list')}?show=all#n{n.pk}"


@pytest.mark.parametrize("url", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "http:/evil.example",
    " //evil.example", "\\\\evil.example", "/\t/evil.example", "/\n/evil.example", "https:evil.example",
])
def test_opening_never_redirects_off_site(cast, client, url):
    n = Notification.objects.create(recipient=cast.county_staff, title="钓鱼", url=url)
    client.force_login(cast.county_staff)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == f"{reverse('notifications:list')}?show=all#n{n.pk}"


def test_safe_target():
    assert safe_target("/visits/office/compliance/?office=3") == "/visits/office/compliance/?office=3"
    assert safe_target("//evil.example") is None
    assert safe_target("https://evil.example") is None
    assert safe_target("") is None


def test_someone_elses_notification_is_not_found_and_stays_unread(cast, client):
    n = notify(recipient=cast.county_leader, title="领导的消息", url="/schools/")
    client.force_login(cast.county_staff)
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read_is_a_post_and_touches_only_mine(cast, client):
    _many(cast.county_staff, 3)
    other = notify(recipient=cast.county_leader, title="别人的")
    client.force_login(cast.county_staff)
    assert client.get(reverse("notifications:read_all")).status_code == 405
    assert Notification.objects.filter(recipient=cast.county_staff, read_at__isnull=True).count() == 3
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "已将 3 条消息标为已读" in response.content.decode()
    assert not Notification.objects.filter(recipient=cast.county_staff, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_bell_shows_the_unread_count_and_caps_it(cast, client):
    client.force_login(cast.county_staff)
    page = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="notification-bell"' in page and 'data-testid="notification-count"' not in page
    _many(cast.county_staff, 3)
    notify(recipient=cast.county_leader, title="不是我的")
    page = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="notification-count">3<' in page
    assert "消息中心（3 条未读）" in page
    _many(cast.county_staff, 97, prefix="更多")
    assert 'data-testid="notification-count">99+<' in client.get(reverse("core:home")).content.decode()
    client.post(reverse("notifications:read_all"))
    assert 'data-testid="notification-count"' not in client.get(reverse("core:home")).content.decode()


def _notification_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "notifications_notification" in q["sql"]]


def test_the_bell_costs_one_count_query_and_nothing_when_signed_out(cast, client):
    _many(cast.county_staff, 2)
    with CaptureQueriesContext(connection) as anonymous:
        assert client.get(reverse("login")).status_code == 200
    assert _notification_queries(anonymous.captured_queries) == []
    client.force_login(cast.county_staff)
    with CaptureQueriesContext(connection) as signed_in:
        assert client.get(reverse("people:me")).status_code == 200
    queries = _notification_queries(signed_in.captured_queries)
    assert len(queries) == 1 and "COUNT(" in queries[0].upper()
    assert "read_at" in queries[0] and "recipient_id" in queries[0]


def test_dedupe_key_sends_once(cast):
    assert notify(recipient=cast.supervisor, title="一次", dedupe_key="k:1") is not None
    assert notify(recipient=cast.supervisor, title="一次", dedupe_key="k:1") is None
    assert notify(recipient=cast.county_staff, title="一次", dedupe_key="k:1") is not None  # another recipient
    assert Notification.objects.filter(dedupe_key="k:1").count() == 2


def test_office_staff_and_leaders_are_told(cast):
    ningxiang = Office.objects.get(region__code="430182")
    assert notify_office_staff(office=ningxiang, title="宁乡督导室通知", dedupe_key="office:1") == 2
    assert set(Notification.objects.filter(title="宁乡督导室通知").values_list("recipient__username", flat=True)) == {
        "t_county", "t_leader"}
    assert notify_office_staff(office=ningxiang, title="宁乡督导室通知", dedupe_key="office:1") == 0


@pytest.fixture
def email_on(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DUDAO_EMAIL_NOTIFICATIONS = True
    settings.DUDAO_PUBLIC_BASE_URL = "https://dudao.example.gov.cn"


def test_email_after_commit_when_configured_and_the_user_has_an_address(cast, email_on, django_capture_on_commit_callbacks):
    cast.county_staff.email = "staff@example.gov.cn"
    cast.county_staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        n = notify(recipient=cast.county_staff, title="有邮件", body="正文", url="/schools/")
        notify(recipient=cast.county_leader, title="没有邮箱")
        assert mail.outbox == []  # not before the commit
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["staff@example.gov.cn"] and message.subject == "【督导】有邮件"
    assert "正文" in message.body and "https://dudao.example.gov.cn/schools/" in message.body
    n.refresh_from_db()
    assert n.emailed_at is not None
    assert notification_email(notification_id=n.pk) is False and len(mail.outbox) == 1  # never twice


def test_no_email_unless_configured(cast, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DUDAO_EMAIL_NOTIFICATIONS = False
    cast.county_staff.email = "staff@example.gov.cn"
    cast.county_staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=cast.county_staff, title="只在站内")
    assert mail.outbox == []


class BrokenBackend:
    """A mail server that refuses everything."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_a_failing_mail_server_leaves_the_notification_unmailed(cast, settings, email_on, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.notifications.test_centre.BrokenBackend"
    cast.county_staff.email = "staff@example.gov.cn"
    cast.county_staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        n = notify(recipient=cast.county_staff, title="发不出去")
    n.refresh_from_db()
    assert n.emailed_at is None and n.read_at is None


# --- API ------------------------------------------------------------------------------------------


def test_api_lists_only_mine_with_an_unread_filter(cast, client):
    first = notify(recipient=cast.supervisor, title="甲")
    notify(recipient=cast.supervisor, title="乙")
    notify(recipient=cast.county_staff, title="丙")
    first.read_at = first.created_at
    first.save()
    client.force_login(cast.supervisor)
    everything = client.get(reverse("api-1:list_notifications")).json()
    assert everything["count"] == 2 and [i["title"] for i in everything["items"]] == ["乙", "甲"]
    unread = client.get(reverse("api-1:list_notifications"), {"unread": "true"}).json()
    assert [i["title"] for i in unread["items"]] == ["乙"]
    assert client.get(reverse("api-1:get_unread_count")).json() == {"unread": 1}


def test_api_mark_read_only_mine(cast, client):
    mine = notify(recipient=cast.supervisor, title="我的")
    theirs = notify(recipient=cast.county_staff, title="别人的")
    client.force_login(cast.supervisor)
    response = client.post(reverse("api-1:mark_notification_read", kwargs={"notification_id": mine.pk}))
    assert response.status_code == 200 and response.json()["read_at"]
    response = client.post(reverse("api-1:mark_notification_read", kwargs={"notification_id": theirs.pk}))
    assert response.status_code == 404 and "别人的" not in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    notify(recipient=cast.supervisor, title="再来一条")
    assert client.post(reverse("api-1:mark_all_notifications_read")).json() == {"marked": 1}
    assert client.get(reverse("api-1:get_unread_count")).json() == {"unread": 0}


def test_api_with_a_token(cast, client):
    from dudao.people.models import ApiToken

    _token, key = ApiToken.issue(user=cast.county_staff, name="脚本")
    notify(recipient=cast.county_staff, title="令牌可见")
    response = client.get(reverse("api-1:get_unread_count"), headers={"Authorization": f"Bearer {key}"})
    assert response.json() == {"unread": 1}
