from __future__ import annotations

from django.http import HttpRequest

from dudao.access import can_write_anything, get_scope, is_office_user, is_system_admin


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = get_scope(user)
    return {
        "nav_is_admin": is_system_admin(user),
        "nav_can_write": can_write_anything(user),
        "nav_roles": sorted(scope.roles),
        # staff and leaders of an office (and admins) read the office's reports (visits, findings, …)
        "nav_sees_reports": is_office_user(user),
        # a 政府单位用户 and nothing else (督政): no school pages; 督政 instead of the campaigns list
        "nav_government_only": scope.roles == {"government_user"} and not scope.everything,
    }
