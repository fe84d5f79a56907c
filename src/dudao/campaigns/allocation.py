"""Allocating a campaign's schools to its teams (督查组): a pure function, no Django.

`allocate(items, teams, forbidden)` answers {school id: team id}. It is deterministic (same input,
same answer: every choice is broken by the team's order and the school's key) and runs in four
steps:

1. **Shares.** n schools over k teams: every team gets ⌊n/k⌋ schools and n mod k teams one more,
   so the counts differ by at most one. Which teams take the extra school is decided on the way.
2. **Townships whole (travel).** Schools are grouped by township (the school's region at township
   level; schools registered at county level form one group of their county). Groups are taken
   largest first (then by code). A group goes whole to the team with room for it — among those,
   the one with the fewest 回避 conflicts with the group, then the most room left, then the first in
   order. A group that fits in no team is split: the team with the most room is filled (its
   schools first that have no conflict there, then by key) and the rest goes on the same way. So
   a township is split only when it is larger than any team's remaining share.
3. **回避 repair.** A school placed in a team it must avoid (`forbidden[school]` holds the teams
   with a member tied to it) is swapped with a school of another team where both may go; the swap
   preferred is the one that keeps townships together (the other team already has the school's
   township, its school's township is already in the first team), then team order, then key.
   Where no swap exists, the school moves to the allowed team with the fewest schools. Every swap
   and move removes a conflict and creates none, so whenever every school has at least one team
   it may go to (a conflict-free allocation exists), the result has no conflict.
4. **Rebalance.** Moves of step 3 may leave counts more than one apart: while a team has two
   schools more than another, one school it may give away (no conflict in the smaller team; one
   of a township the smaller team already has first) moves. Each move lowers the sum of squared
   counts, so this ends.

A school that conflicts with every team stays where step 2 put it; the caller reports it.

**Pinned schools** (`pinned`: {school id: team id}, the schools whose team was set by hand) stay
where they are and count toward their team's load: the shares are then those of all n schools
where the pins allow it — a team whose pinned schools already exceed the even share takes no
other school, and the other teams share the rest ⌊n'/k'⌋ / ⌈n'/k'⌉ (n', k' without those teams).
Only the other schools are placed, swapped or moved; a township's group prefers the team that
already holds pinned schools of it. A pinned school in a team it must avoid is left there (the
hand move was checked when made; a tie recorded later shows as a conflict to fix by hand).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    school_id: int
    township: str  # the township's code (or the county's for schools registered at county level)
    key: str = ""  # the order inside a township: the school's code

    @property
    def order(self) -> tuple[str, int]:
        return (self.key, self.school_id)


def allocate(items: Sequence[Item], teams: Sequence[int],
             forbidden: Mapping[int, frozenset[int] | set[int]] | None = None,
             pinned: Mapping[int, int] | None = None) -> dict[int, int]:
    if not teams:
        raise ValueError("no teams")
    forbidden = forbidden or {}
    order = {team: i for i, team in enumerate(teams)}
    pinned = {s: t for s, t in (pinned or {}).items() if t in order}
    result = _place_townships(items, list(teams), forbidden, pinned)
    by_id = {item.school_id: item for item in items}
    _repair(by_id, result, order, forbidden, pinned)
    _rebalance(by_id, result, order, forbidden, pinned)
    return result


def _shares(n: int, teams: list[int], load: Mapping[int, int]) -> tuple[set[int], int, int]:
    """(full, floor, extras): the teams that take nothing more (their pinned schools already reach
    or pass their share) and the shares of the others: ⌊n'/k'⌋ each, `extras` of them one more."""
    full: set[int] = set()
    while True:
        rest = [t for t in teams if t not in full]
        if not rest:
            return full, 0, 0
        floor, extras = divmod(n - sum(load[t] for t in full), len(rest))
        over = {t for t in rest if load[t] > floor + (1 if extras else 0)}
        at_top = [t for t in rest if load[t] == floor + 1] if extras else []
        if len(at_top) > extras:
            over |= set(at_top)
        if not over:
            return full, floor, extras
        full |= over


def _bad(forbidden, school_id: int, team: int) -> bool:
    return team in forbidden.get(school_id, ())


def _place_townships(items: Sequence[Item], teams: list[int], forbidden, pinned: Mapping[int, int]) -> dict[int, int]:
    load = dict.fromkeys(teams, 0)
    result: dict[int, int] = {}
    pinned_towns: dict[int, Counter] = defaultdict(Counter)
    for item in items:
        if item.school_id in pinned:
            team = pinned[item.school_id]
            result[item.school_id] = team
            load[team] += 1
            pinned_towns[team][item.township] += 1
    full, floor, extras = _shares(len(items), teams, load)
    used = [sum(1 for t in teams if t not in full and load[t] == floor + 1)]  # teams one above the floor
    order = {team: i for i, team in enumerate(teams)}

    def room(team: int) -> int:
        if team in full:
            return 0
        cap = floor + (1 if load[team] > floor or used[0] < extras else 0)
        return max(cap - load[team], 0)

    def place(team: int, item: Item) -> None:
        result[item.school_id] = team
        load[team] += 1
        if load[team] == floor + 1:
            used[0] += 1

    groups: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        if item.school_id not in pinned:
            groups[item.township].append(item)
    for township in sorted(groups, key=lambda t: (-len(groups[t]), t)):
        remaining = sorted(groups[township], key=lambda i: i.order)
        while remaining:
            def clash(team: int, group: list[Item] = remaining) -> int:
                return sum(1 for i in group if _bad(forbidden, i.school_id, team))

            fitting = [t for t in teams if room(t) >= len(remaining)]
            if fitting:
                best = min(fitting, key=lambda t, town=township: (clash(t), -pinned_towns[t][town], -room(t), order[t]))
                for item in remaining:
                    place(best, item)
                break
            best = min((t for t in teams if room(t) > 0), key=lambda t: (-room(t), clash(t), order[t]))
            chunk = sorted(remaining, key=lambda i, b=best: (_bad(forbidden, i.school_id, b), i.order))[:room(best)]
            for item in chunk:
                place(best, item)
            remaining = [i for i in remaining if i.school_id not in result]
    return result


def _members(result: dict[int, int], by_id: Mapping[int, Item], team: int) -> list[Item]:
    return sorted((by_id[s] for s, t in result.items() if t == team), key=lambda i: i.order)


def _townships(result: dict[int, int], by_id: Mapping[int, Item], team: int, without: int | None = None) -> set[str]:
    return {by_id[s].township for s, t in result.items() if t == team and s != without}


def _repair(by_id: Mapping[int, Item], result: dict[int, int], order: dict[int, int], forbidden,
            pinned: Mapping[int, int]) -> None:
    for item in sorted(by_id.values(), key=lambda i: i.order):
        here = result[item.school_id]
        if item.school_id in pinned or not _bad(forbidden, item.school_id, here):
            continue
        best: tuple | None = None
        left_here = _townships(result, by_id, here, item.school_id)
        for other in order:
            if other == here or _bad(forbidden, item.school_id, other):
                continue
            there = _townships(result, by_id, other)
            for swap in _members(result, by_id, other):
                if swap.school_id in pinned or _bad(forbidden, swap.school_id, here):
                    continue
                cost = (item.township not in there) + (swap.township not in left_here)
                candidate = (cost, order[other], swap.order, other, swap.school_id)
                if best is None or candidate < best:
                    best = candidate
        if best is not None:
            other, swap_id = best[3], best[4]
            result[item.school_id], result[swap_id] = other, here
            continue
        allowed = [t for t in order if not _bad(forbidden, item.school_id, t)]
        if allowed:
            counts = Counter(result.values())
            result[item.school_id] = min(allowed, key=lambda t: (counts[t], order[t]))


def _rebalance(by_id: Mapping[int, Item], result: dict[int, int], order: dict[int, int], forbidden,
               pinned: Mapping[int, int]) -> None:
    while True:
        counts = dict.fromkeys(order, 0)
        for team in result.values():
            counts[team] += 1
        moved = False
        for big in sorted(order, key=lambda t: (-counts[t], order[t])):
            for small in sorted(order, key=lambda t: (counts[t], order[t])):
                if counts[big] - counts[small] < 2:
                    break
                there = _townships(result, by_id, small)
                movable = [i for i in _members(result, by_id, big)
                           if i.school_id not in pinned and not _bad(forbidden, i.school_id, small)]
                if movable:
                    pick = min(movable, key=lambda i: (i.township not in there, i.order))
                    result[pick.school_id] = small
                    moved = True
                    break
            if moved:
                break
        if not moved:
            return
