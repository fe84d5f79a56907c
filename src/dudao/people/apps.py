from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "dudao.people"
    verbose_name = "人员与权限"
