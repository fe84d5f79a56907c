from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "dudao.schools"
    verbose_name = "学校"
