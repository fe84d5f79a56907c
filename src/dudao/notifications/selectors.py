"""Reading notifications: always the signed-in user's own (a notification is private to its recipient)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.http import url_has_allowed_host_and_scheme

from dudao.access import get_visible_or_404
from dudao.notifications.models import Notification, NotificationQuerySet

if TYPE_CHECKING:
    from dudao.people.models import User


def notification_list(*, user: User, unread_only: bool = False) -> NotificationQuerySet:
    notifications = Notification.objects.visible_to(user)
    return notifications.unread() if unread_only else notifications


def access_notification(user: User, pk: int) -> Notification:
    """Someone else's notification answers 404, as if it did not exist."""
    return get_visible_or_404(Notification.objects.visible_to(user), pk=pk)


def unread_count(user: User) -> int:
    """One COUNT over the (recipient, read_at) index."""
    return Notification.objects.visible_to(user).unread().count()


def safe_target(url: str) -> str | None:
    """The notification's link if it stays on this site (a relative path), else None.

    Notifications are written by our own code, but the link is followed on a click: refusing
    anything but a same-site path ("/…", never "//host" or "/\\host") keeps it from ever becoming
    an open redirect."""
    url = (url or "").strip()
    if not url.startswith("/") or url.startswith(("//", "/\\")):
        return None
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=None, require_https=False):
        return None
    return url
