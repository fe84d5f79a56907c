"""The signed-in user's own notifications (消息中心) over the same selectors and services as the pages."""

from datetime import datetime

from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from dudao.notifications.selectors import access_notification, notification_list, unread_count
from dudao.notifications.services import notification_mark_read, notifications_mark_all_read

router = Router(tags=["消息 notifications"])


class NotificationOut(Schema):
    id: int
    level: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class UnreadOut(Schema):
    unread: int


class ReadAllOut(Schema):
    marked: int


@router.get("/", response=list[NotificationOut], summary="我的消息（最新在前；unread=true 只看未读）")
@paginate(PageNumberPagination, page_size=30)
def list_notifications(request, unread: bool = False):
    return notification_list(user=request.user, unread_only=unread)


@router.get("/unread-count", response=UnreadOut, summary="我的未读消息数")
def get_unread_count(request):
    return {"unread": unread_count(request.user)}


@router.post("/read-all", response=ReadAllOut, summary="全部标为已读")
def mark_all_notifications_read(request):
    return {"marked": notifications_mark_all_read(user=request.user)}


@router.post("/{notification_id}/read", response=NotificationOut, summary="标为已读（只能是自己的消息）")
def mark_notification_read(request, notification_id: int):
    notification = access_notification(request.user, notification_id)
    notification_mark_read(notification=notification)
    return notification
