from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "dudao.campaigns"
    verbose_name = _("专项与综合督导")

    def ready(self) -> None:
        from dudao.campaigns import onsite

        onsite.register()  # campaign inspections on the visits' phone form (visits/bases.py)
