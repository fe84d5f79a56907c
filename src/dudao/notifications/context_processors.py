"""The unread count of the header bell: one indexed COUNT, and only when a page actually shows it."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def notifications(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}  # anonymous pages cost nothing

    def count() -> int:
        from dudao.notifications.selectors import unread_count

        return unread_count(user)

    # Lazy: HTMX fragments and pages without the header never run the query; base.html runs it once.
    return {"notifications_unread": SimpleLazyObject(count)}
