from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "dudao.notifications"
    verbose_name = "消息通知"
