from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "dudao.evaluations"
    verbose_name = _("县域评估认定")
