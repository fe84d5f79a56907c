from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "dudao.evaluations"
    verbose_name = _("县域评估认定")

    def ready(self) -> None:
        # The monitoring county page links to the county's dossier (monitoring/links.py).
        from dudao.evaluations.selectors import monitoring_dossier_link
        from dudao.monitoring.links import register_dossier_finder

        register_dossier_finder(monitoring_dossier_link)
