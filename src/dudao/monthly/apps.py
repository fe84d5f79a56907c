from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonthlyConfig(AppConfig):
    name = "dudao.monthly"
    verbose_name = _("工作月报")
