from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "dudao.system"
    verbose_name = "系统管理"
