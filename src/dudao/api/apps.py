from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "dudao.api"
    verbose_name = "接口"
