"""Abuse limits of the public portal: search and the open-data files are the only costly public reads,
so each address gets a budget per window (the counter lives in the Django cache; the address is kept
only as a keyed hash). Pages themselves are cheap and cacheable and have no limit."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from dudao.core.ratelimit import RateLimited, cache_incr, client_ip, keyed_hash
from dudao.portal import rules


def _now() -> float:
    return time.time()


def _check(request: HttpRequest, purpose: str, limit: int, window: int, message: str) -> None:
    slot = int(_now() // window)
    key = f"portal:{purpose}:{keyed_hash('portal-ip', client_ip(request))[:32]}:{slot}"
    if (cache.get(key) or 0) >= limit:
        raise RateLimited(message)
    cache_incr(key, window)


def search_check(request: HttpRequest) -> None:
    _check(request, "search", rules.SEARCHES_PER_IP_PER_MINUTE, 60,
           _("查询过于频繁，请稍等一分钟后再试。"))


def download_check(request: HttpRequest) -> None:
    _check(request, "download", rules.DOWNLOADS_PER_IP_PER_HOUR, 3600,
           _("下载过于频繁，请一小时后再试；需要大量数据的单位请与督导室联系。"))
