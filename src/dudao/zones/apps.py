from django.apps import AppConfig


class ZonesConfig(AppConfig):
    name = "dudao.zones"
    verbose_name = "督学责任区与挂牌督导"

    def ready(self) -> None:
        # The supervisor's scope becomes their currently assigned schools plus their zones'
        # schools (read-only): one registration, no view changes (people/scope.py).
        from dudao.people.models import Role
        from dudao.people.scope import register_school_scope
        from dudao.zones.selectors import supervisor_scope_school_ids

        register_school_scope(Role.SUPERVISOR, supervisor_scope_school_ids)
