"""The one error shape of every API endpoint, and the global handlers that answer it.

Every 4xx answer is `ErrorOut` (core/errors.py builds it):

    {"code": "invalid", "detail": "<中文说明>", "field": "deadline" | null, "errors": {"deadline": ["…"]}}

`detail` keeps the name the API has always used for the message (django-ninja's own key, read by
the phone app and every test), so clients written before this shape still work. Endpoints return
`problem(status, detail)` or `invalid(exc)` for the errors they expect; anything raised and not caught
— Http404, PermissionDenied, a service's ValidationError, a database conflict, ninja's own schema
(422) and authentication (401) errors, and any other exception (500) — is turned into the same
shape by `install(api)`. What never reaches an endpoint — a method the path does not take (405,
answered by django-ninja's router), an address under /api/ that matches no endpoint (404), a
middleware's refusal — is rewritten into the shape by `ApiErrorShapeMiddleware` (settings.MIDDLEWARE).
"""

from __future__ import annotations

import json
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext, gettext_lazy
from ninja import Schema
from ninja import errors as ninja_errors

from dudao.core.errors import error_body, validation_error_body

logger = logging.getLogger(__name__)
# Chinese by default; in the language of the request (English when the user chose it), like the
# services' own messages that the API answers (core/errors.py).
NOT_FOUND = gettext_lazy("未找到，或不在您的权限范围内。")
FORBIDDEN = gettext_lazy("无权执行此操作。")
CONFLICT = gettext_lazy("数据已被他人修改或与现有记录冲突，请刷新后重试。")
SERVER_ERROR = gettext_lazy("服务器内部错误，请稍后重试。")
HTTP_MESSAGES = {400: gettext_lazy("请求无效。"), 401: gettext_lazy("请先登录，或提供有效的令牌。"), 403: FORBIDDEN,
                 404: NOT_FOUND, 405: gettext_lazy("不支持该请求方法。"), 413: gettext_lazy("请求内容过大。"),
                 429: gettext_lazy("请求过于频繁，请稍后再试。"), 500: SERVER_ERROR}
API_PREFIX = "/api/"
# where a parameter sits in ninja's error location, not its name
_LOCATIONS = {"body", "query", "path", "form", "file", "header", "cookie", "payload", "data"}


class ErrorOut(Schema):
    code: str
    detail: str
    field: str | None = None
    errors: dict[str, list[str]] = {}


def problem(status: int, detail: str, *, code: str | None = None, field: str | None = None,
            errors: dict[str, list[str]] | None = None):
    """An error an endpoint answers itself: `return problem(404, "没有找到该学校。")`."""
    from ninja import Status

    return Status(status, error_body(detail, status=status, code=code, field=field, errors=errors))


def invalid(exc: ValidationError):
    """A service's ValidationError, answered 400 with its messages by field."""
    from ninja import Status

    return Status(400, validation_error_body(exc))


def _schema_errors(exc: ninja_errors.ValidationError) -> dict[str, list[str]]:
    """ninja's 422 (a field missing or of the wrong type) by field name, in Chinese."""
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = tuple(item.get("loc", ()))
        names = [str(part) for part in loc if isinstance(part, str) and part not in _LOCATIONS]
        if not names and len(loc) == 2 and loc[0] == "file" and isinstance(loc[1], str):
            names = [loc[1]]  # an upload named like its location ("file"): name it all the same
        field = names[-1] if names else "__all__"
        message = gettext("必填。") if item.get("type") == "missing" else gettext("格式不正确。")
        errors.setdefault(field, []).append(message)
    return errors


def install(api) -> None:
    """Register the handlers on the NinjaAPI: every status shares ErrorOut."""

    def answer(request, status: int, body: dict):
        return api.create_response(request, body, status=status)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return answer(request, 404, error_body(NOT_FOUND, status=404))

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        from dudao.api.auth import PasswordChangeRequired

        if isinstance(exc, PasswordChangeRequired):
            from dudao.people.middleware import MESSAGE

            return answer(request, 403, error_body(MESSAGE, status=403, code="password_change_required"))
        return answer(request, 403, error_body(FORBIDDEN, status=403))

    @api.exception_handler(ValidationError)
    def service_invalid(request, exc):
        return answer(request, 400, validation_error_body(exc))

    @api.exception_handler(IntegrityError)
    def conflict(request, exc):
        return answer(request, 409, error_body(CONFLICT, status=409))

    @api.exception_handler(ninja_errors.ValidationError)
    def unprocessable(request, exc):
        errors = _schema_errors(exc)
        fields = "、".join(name for name in errors if name != "__all__")
        detail = gettext("请求数据格式不正确：%(fields)s。") % {"fields": fields} if fields else gettext("请求数据格式不正确。")
        return answer(request, 422, error_body(detail, status=422, errors=errors))

    @api.exception_handler(ninja_errors.HttpError)
    def http_error(request, exc):
        status = exc.status_code
        return answer(request, status, error_body(HTTP_MESSAGES.get(status, str(exc)), status=status))

    @api.exception_handler(Exception)
    def server_error(request, exc):
        logger.exception("API error at %s", request.path, exc_info=exc)
        return answer(request, 500, error_body(SERVER_ERROR, status=500))


def _is_shaped(response) -> bool:
    if not response.get("Content-Type", "").startswith("application/json"):
        return False
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return isinstance(body, dict) and {"code", "detail", "field", "errors"} <= set(body)


def _own_detail(response) -> str:
    """The `detail` text of a JSON error that is not yet in the shape, else ""."""
    if not response.get("Content-Type", "").startswith("application/json"):
        return ""
    try:
        body = json.loads(response.content)
    except ValueError:
        return ""
    detail = body.get("detail") if isinstance(body, dict) else None
    return detail if isinstance(detail, str) else ""


class ApiErrorShapeMiddleware:
    """Every error answered under /api/ has the one shape, even when no endpoint ran: django-ninja's
    405 ("Method not allowed", plain text), Django's 404 page for an address matching no endpoint,
    a 500 page, a middleware's refusal. An answer already in the shape is left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code < 400 or not request.path.startswith(API_PREFIX) or getattr(response, "streaming", False)
                or _is_shaped(response)):
            return response
        status = response.status_code
        # a middleware's JSON refusal that says why (e.g. 请先修改初始密码) keeps its message
        shaped = JsonResponse(error_body(_own_detail(response) or HTTP_MESSAGES.get(status, gettext("请求失败。")), status=status),
                              status=status,
                              json_dumps_params={"ensure_ascii": False})
        if response.has_header("Allow"):  # 405 keeps the methods the path takes
            shaped["Allow"] = response["Allow"]
        return shaped
