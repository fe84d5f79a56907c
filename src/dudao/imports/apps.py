from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "dudao.imports"
    verbose_name = "导入导出"
