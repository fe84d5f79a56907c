from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "dudao.findings"
    verbose_name = "整改台账"
