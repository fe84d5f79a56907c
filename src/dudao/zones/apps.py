from django.apps import AppConfig
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_public_address(app_configs=None, **kwargs):
    """`manage.py check --deploy`: plaques printed with a loopback or unset public address carry QR
    codes no parent can open (zones/plaques.py warns on the pages too)."""
    from dudao.zones.plaques import public_address

    address = public_address()
    if address.ok:
        return []
    return [checks.Warning(address.problem, hint="设置 DUDAO_PUBLIC_BASE_URL 为家长能访问的对外网址。", id="dudao.W010")]


class ZonesConfig(AppConfig):
    name = "dudao.zones"
    verbose_name = "督学责任区与挂牌督导"

    def ready(self) -> None:
        # The supervisor's scope becomes their currently assigned schools plus their zones'
        # schools (read-only), acting only on the assigned ones: one registration, no view changes (access/scope.py).
        from dudao.access import register_school_scope
        from dudao.people.models import Role
        from dudao.zones.selectors import supervisor_acting_school_ids, supervisor_zone_school_ids

        register_school_scope(Role.SUPERVISOR, supervisor_zone_school_ids, acting=supervisor_acting_school_ids)

        # A supervisor who leaves no longer answers for any school: the supervisors app calls this
        # step without importing zones (dependencies point one way).
        from dudao.supervisors.services import register_on_leave
        from dudao.zones.services import assignments_end_for_supervisor

        register_on_leave(assignments_end_for_supervisor)
