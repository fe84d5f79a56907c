"""The portal's figures kept in the cache: the drill-down counts, the years and the size of a list.

They are the same for every visitor and cost a GROUP BY over every published document (a province's
20,000: ~150 ms), so they are kept `SECONDS` seconds under a *generation* that every save of a
document or a 公示 moves on (signals in apps.py): a publication or a withdrawal shows at once. The rows
of a list are never kept — a list always shows exactly what is published now. The time limit covers
writes that send no signal (a queryset `update()`). Off under pytest (0), as the other apps' figures.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")
SECONDS = 0 if "pytest" in sys.modules else int(os.environ.get("DUDAO_PORTAL_FIGURES_CACHE_SECONDS", "120"))
GENERATION = "portal:generation"


def generation() -> int:
    value = cache.get(GENERATION)
    if value is None:
        cache.add(GENERATION, time.time_ns(), None)
        value = cache.get(GENERATION) or 0
    return value


def move_on(**_kwargs) -> None:
    """A document or a 公示 changed: every kept figure is stale (signal receiver)."""
    cache.set(GENERATION, time.time_ns(), None)


def kept(name: str, key: str, compute: Callable[[], T], seconds: int | None = None) -> T:
    seconds = SECONDS if seconds is None else seconds
    if seconds <= 0:
        return compute()
    cache_key = f"portal:{generation()}:{name}:{key}"
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, seconds)
    return value
