from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "dudao.outcomes"
    verbose_name = _("结果运用")
