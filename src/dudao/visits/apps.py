from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "dudao.visits"
    verbose_name = "经常性督导"

    def ready(self) -> None:
        from dudao.visits import followup

        followup.register()  # 随访·视导: the visits app's own non-routine basis (visits/bases.py)
