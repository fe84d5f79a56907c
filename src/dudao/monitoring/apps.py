from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "dudao.monitoring"
    verbose_name = "均衡发展监测"

    def ready(self) -> None:
        from dudao.monitoring import signals

        signals.connect()
