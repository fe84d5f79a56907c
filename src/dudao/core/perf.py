"""Helpers for the few hot paths measured in bench/."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a report builds tens of thousands of small,
    cycle-free objects. Each such report otherwise set off two full collections of the whole heap,
    about 0.15 s of a province's 1 s compliance budget (bench/visits.py). Reference counting still
    frees everything; the collector runs again as soon as the block ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
