"""消息中心: the signed-in user's own notifications — list, open (mark read and follow), mark all read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dudao.notifications.selectors import access_notification, notification_list, safe_target, unread_count
from dudao.notifications.services import notification_mark_read, notifications_mark_all_read

PAGE_SIZE = 30
SHOWS = ("unread", "all")


@login_required
@require_GET
def notification_index(request: HttpRequest) -> HttpResponse:
    """Unread first by default; "全部" shows the read ones too."""
    show = request.GET.get("show") if request.GET.get("show") in SHOWS else "unread"
    page = Paginator(notification_list(user=request.user, unread_only=show == "unread"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "notifications/notification_list.html",
                  {"page": page, "show": show, "unread": unread_count(request.user)})


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read and go where the notification points — only ever to a page of this site."""
    notification = access_notification(request.user, pk)
    notification_mark_read(notification=notification)
    target = safe_target(notification.url)
    return redirect(target or f"{reverse('notifications:list')}?show=all#n{notification.pk}")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    n = notifications_mark_all_read(user=request.user)
    if n:
        messages.success(request, _("已将 %(n)s 条消息标为已读。") % {"n": n})
    else:
        messages.info(request, _("没有未读消息。"))
    return redirect(f"{reverse('notifications:list')}?show=all")
