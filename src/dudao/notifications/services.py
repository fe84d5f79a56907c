"""Sending notifications: in the app always, by e-mail when the user has an address and e-mail is set up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from dudao.notifications.models import Notification, NotificationLevel

if TYPE_CHECKING:
    from dudao.people.models import User


def notify(*, recipient: User, title: str, body: str = "", url: str = "", level: str = NotificationLevel.INFO,
           dedupe_key: str = "") -> Notification | None:
    """Create a notification; with a `dedupe_key`, the same one is never sent twice (returns None)."""
    if dedupe_key and Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(recipient=recipient, title=title[:200], body=body, url=url,
                                                       level=level, dedupe_key=dedupe_key[:200])
    except IntegrityError:  # another worker sent it first
        return None
    if recipient.email and getattr(settings, "DUDAO_EMAIL_NOTIFICATIONS", False):
        transaction.on_commit(lambda: _email(notification.pk))
    return notification


def _email(notification_id: int) -> None:
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    link = f"{settings.DUDAO_PUBLIC_BASE_URL}{notification.url}" if notification.url else ""
    send_mail(f"【督导】{notification.title}", f"{notification.body}\n\n{link}".strip(), None, [notification.recipient.email],
              fail_silently=True)
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.visible_to(user).unread().update(read_at=timezone.now())
