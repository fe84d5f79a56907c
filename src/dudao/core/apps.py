from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dudao.core"
    verbose_name = "核心"

    def ready(self) -> None:
        # The operation log (操作日志): which models are audited, declared in one place.
        from auditlog.registry import auditlog
        from django.apps import apps

        for label, exclude in (
            ("people.User", ["password", "last_login"]),
            ("people.RoleGrant", []),
            ("regions.Office", []),
            ("schools.School", ["name_initials"]),
            ("system.DictionaryItem", []),
            ("imports.ImportJob", ["processed_rows", "errors"]),
        ):
            auditlog.register(apps.get_model(label), exclude_fields=exclude)
