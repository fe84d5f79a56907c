"""Sending notifications: in the app always, by e-mail when the user has an address and e-mail is set up."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from dudao.notifications.models import Notification, NotificationLevel

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Office

logger = logging.getLogger(__name__)


def notify(*, recipient: User, title: str, body: str = "", url: str = "", level: str = NotificationLevel.INFO,
           dedupe_key: str = "") -> Notification | None:
    """Create a notification; with a `dedupe_key`, the same one is never sent twice (returns None).

    The e-mail goes out from the task worker after the commit, so a slow mail server never holds
    up a page or a rolled-back change never mails anyone."""
    if dedupe_key and Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key[:200]).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(recipient=recipient, title=title[:200], body=body, url=url[:300],
                                                       level=level, dedupe_key=dedupe_key[:200])
    except IntegrityError:  # another worker sent it first
        return None
    if recipient.email and getattr(settings, "DUDAO_EMAIL_NOTIFICATIONS", False):
        from dudao.notifications.tasks import notification_email_task

        transaction.on_commit(lambda: notification_email_task.enqueue(notification_id=notification.pk))
    return notification


def notify_office_staff(*, office: Office, title: str, body: str = "", url: str = "",
                        level: str = NotificationLevel.INFO, dedupe_key: str = "") -> int:
    """Tell the staff and leaders of one office (their role grant names the office); returns how many got it."""
    from dudao.people.selectors import office_staff

    return sum(1 for user in office_staff(office)
               if notify(recipient=user, title=title, body=body, url=url, level=level, dedupe_key=dedupe_key))


def notification_email(*, notification_id: int) -> bool:
    """Mail one notification once; a failure is logged and left unmarked (emailed_at stays empty)."""
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at or not notification.recipient.email:
        return False
    link = f"{settings.DUDAO_PUBLIC_BASE_URL}{notification.url}" if notification.url else ""
    try:
        send_mail(f"【督导】{notification.title}", f"{notification.body}\n\n{link}".strip(), None,
                  [notification.recipient.email])
    except Exception:  # noqa: BLE001 - a mail server problem must not fail the caller
        logger.exception("notification %s: e-mail to %s failed", notification_id, notification.recipient.email)
        return False
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
    return True


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.visible_to(user).unread().update(read_at=timezone.now(), updated_at=timezone.now())
