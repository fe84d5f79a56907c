"""Shared pieces of the public pages' abuse controls (complaints, surveys): the client's address
behind trusted proxies, keyed hashes (enough to count, useless to recover the value), a counter in
the Django cache, and the refusal a person reads."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


class RateLimited(Exception):
    """Too many submissions; the message is Chinese and tells the person what to do instead."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind `DUDAO_TRUSTED_PROXIES` proxies the address the nearest trusted proxy
    saw (X-Forwarded-For read from the right: entries further left are written by the client)."""
    proxies = int(getattr(settings, "DUDAO_TRUSTED_PROXIES", 0))
    if proxies > 0:
        chain = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(chain) >= proxies:
            return chain[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA256 of `value` with the secret key, separated by purpose."""
    return hmac.new(settings.SECRET_KEY.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def cache_incr(key: str, timeout: int) -> None:
    """Count one in the cache (created with `timeout` seconds the first time)."""
    if not cache.add(key, 1, timeout):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout)
