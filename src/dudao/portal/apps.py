from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "dudao.portal"
    verbose_name = _("结果公开")

    def ready(self) -> None:
        # Kept figures (figures.py) follow every publication, withdrawal and 公示 change at once.
        from django.db.models.signals import post_delete, post_save

        from dudao.documents.models import Document
        from dudao.portal.figures import move_on
        from dudao.portal.models import Publicity

        for model in (Document, Publicity):
            post_save.connect(move_on, sender=model, dispatch_uid=f"portal-figures-save-{model.__name__}")
            post_delete.connect(move_on, sender=model, dispatch_uid=f"portal-figures-delete-{model.__name__}")
