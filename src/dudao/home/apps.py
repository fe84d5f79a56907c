from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "dudao.home"
    verbose_name = "工作台"
