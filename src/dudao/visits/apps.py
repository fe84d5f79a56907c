from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "dudao.visits"
    verbose_name = "经常性督导"
