"""Background entry points for notifications; each calls a service (style.md: tasks are thin)."""

from dudao.core.tasks import task


@task()
def notification_email_task(notification_id: int) -> None:
    from dudao.notifications.services import notification_email

    notification_email(notification_id=notification_id)
