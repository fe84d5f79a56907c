"""API authentication: the browser session (with CSRF on writes) or a personal bearer token."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from dudao.people.models import ApiToken


class PasswordChangeRequired(PermissionDenied):
    """A token of an account that still has its initial password (people.middleware)."""


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        try:
            api_token = ApiToken.objects.select_related("user").get(key_hash=ApiToken.hash_key(token))
        except ApiToken.DoesNotExist:
            return None
        if not api_token.user.is_active:
            return None
        if api_token.user.must_change_password:
            raise PasswordChangeRequired
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        return api_token.user


# The token first: django_auth checks CSRF on writes and answers 403 at once, without trying the
# next method, so a phone's bearer-token POST (no session, no CSRF cookie) would never reach
# TokenAuth. Without an Authorization header TokenAuth passes (None) and the session is used.
AUTH = [TokenAuth(), django_auth]
