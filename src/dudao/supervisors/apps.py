from django.apps import AppConfig


class SupervisorsConfig(AppConfig):
    name = "dudao.supervisors"
    verbose_name = "督学队伍"
