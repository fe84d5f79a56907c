from __future__ import annotations

from django.http import HttpRequest

from dudao.people.scope import get_scope, is_system_admin


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = get_scope(user)
    return {
        "nav_is_admin": is_system_admin(user),
        "nav_can_write": scope.write_everything or bool(scope.write_region_codes),
        "nav_roles": sorted(scope.roles),
    }
