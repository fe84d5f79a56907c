"""Pace within a period: is someone behind already, or simply not finished yet? No Django.

The rule (used by the compliance page's badges and by the daily reminders): a check whose period
is still running is *behind* when what is done is below the prorated share of what is required,
rounded down — `done < floor(required × elapsed share of the period)`. With 4 visits a month, a
supervisor with no visit is behind from the 8th of a 30-day month (4 × 8/30 = 1.07 → 1), with one
visit from the 15th (→ 2), with three visits only on the last day. Early in the period nobody is
behind, which keeps reminders for the days when the quota becomes hard to reach. Once the period
is over, anything below the requirement is behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from math import floor

OK = "ok"  # the requirement is met
ON_PACE = "on_pace"  # not met yet, but at or above the prorated pace
BEHIND = "behind"  # below the prorated pace (or the period is over and it was not met)


def expected_by_now(required: int, elapsed: float) -> int:
    """What should be done by now: the prorated requirement, rounded down."""
    if elapsed >= 1:
        return required
    return floor(required * max(elapsed, 0.0) + 1e-9)


def check_state(done: int, required: int, elapsed: float) -> str:
    if done >= required:
        return OK
    return BEHIND if done < expected_by_now(required, elapsed) else ON_PACE


def worst_state(states: Iterable[str]) -> str:
    """The state of a supervisor with several checks: the worst of theirs (OK with none)."""
    states = set(states)
    if BEHIND in states:
        return BEHIND
    return ON_PACE if ON_PACE in states else OK
