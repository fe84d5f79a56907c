"""Forced password change: an account created in batch (or reset by someone else) must choose its
own password before doing anything else. Pages redirect to 我的账号; the API answers 403."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

MESSAGE = "请先修改初始密码：登录网页版，在“我的账号”中设置新密码后再使用。"


def _exempt_prefixes() -> tuple[str, ...]:
    return (
        reverse("people:me"), reverse("logout"), reverse("login"), reverse("healthz"), reverse("jsi18n"),
        "/i18n/", settings.STATIC_URL, "/s/",  # public plaque pages need no account at all
    )


class ForcePasswordChangeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            path = request.path_info
            if not path.startswith(_exempt_prefixes()):
                if path.startswith("/api/"):
                    return JsonResponse({"detail": MESSAGE}, status=403)
                return redirect("people:me")
        return self.get_response(request)
