"""The REST API (django-ninja): same selectors and services as the pages, same scope."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI

from dudao.api import (
    accounts,
    complaints,
    findings,
    notifications,
    plaques,
    regions,
    schools,
    supervisors,
    visits,
    zones,
)
from dudao.api import workbench as workbench_api
from dudao.api.auth import AUTH, PasswordChangeRequired

api = NinjaAPI(
    title="督导 Dudao API",
    version="1",
    description="互联网+教育督导平台接口。认证：浏览器会话（写操作需 CSRF），或 `Authorization: Bearer <令牌>`。",
    auth=AUTH,
    urls_namespace="api-1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/v1/regions", regions.router)
api.add_router("/v1/schools", schools.router)
api.add_router("/v1/supervisors", supervisors.router)
api.add_router("/v1", zones.router)
api.add_router("/v1/plaques", plaques.router)
api.add_router("/v1/visits", visits.router)
api.add_router("/v1/findings", findings.router)
api.add_router("/v1/notifications", notifications.router)
api.add_router("/v1/workbench", workbench_api.router)
api.add_router("/v1/complaints", complaints.router)
api.add_router("/v1/public/complaints", complaints.public_router)
api.add_router("/v1/accounts", accounts.router)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "未找到，或不在您的权限范围内。"}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": "无权执行此操作。"}, status=403)


@api.exception_handler(PasswordChangeRequired)
def password_change_required(request, exc):
    from dudao.people.middleware import MESSAGE

    return api.create_response(request, {"detail": MESSAGE}, status=403)
