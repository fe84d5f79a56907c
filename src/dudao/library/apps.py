from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "dudao.library"
    verbose_name = _("通知公告与政策法规")
