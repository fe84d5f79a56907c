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
             forbidden: Mapping[int, frozenset[int] | set[int]] | None = None) -> dict[int, int]:
    if not teams:
        raise ValueError("no teams")
    forbidden = forbidden or {}
    order = {team: i for i, team in enumerate(teams)}
    result = _place_townships(items, list(teams), forbidden)
    by_id = {item.school_id: item for item in items}
    _repair(by_id, result, order, forbidden)
    _rebalance(by_id, result, order, forbidden)
    return result


def _bad(forbidden, school_id: int, team: int) -> bool:
    return team in forbidden.get(school_id, ())


def _place_townships(items: Sequence[Item], teams: list[int], forbidden) -> dict[int, int]:
    n, k = len(items), len(teams)
    floor, extras = divmod(n, k)
    load = dict.fromkeys(teams, 0)
    used = [0]  # teams that took one school above the floor
    order = {team: i for i, team in enumerate(teams)}
    result: dict[int, int] = {}

    def room(team: int) -> int:
        cap = floor + (1 if load[team] > floor or used[0] < extras else 0)
        return cap - load[team]

    def place(team: int, item: Item) -> None:
        result[item.school_id] = team
        load[team] += 1
        if load[team] == floor + 1:
            used[0] += 1

    groups: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        groups[item.township].append(item)
    for township in sorted(groups, key=lambda t: (-len(groups[t]), t)):
        remaining = sorted(groups[township], key=lambda i: i.order)
        while remaining:
            def clash(team: int, group: list[Item] = remaining) -> int:
                return sum(1 for i in group if _bad(forbidden, i.school_id, team))

            fitting = [t for t in teams if room(t) >= len(remaining)]
            if fitting:
                best = min(fitting, key=lambda t: (clash(t), -room(t), order[t]))
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


def _repair(by_id: Mapping[int, Item], result: dict[int, int], order: dict[int, int], forbidden) -> None:
    for item in sorted(by_id.values(), key=lambda i: i.order):
        here = result[item.school_id]
        if not _bad(forbidden, item.school_id, here):
            continue
        best: tuple | None = None
        left_here = _townships(result, by_id, here, item.school_id)
        for other in order:
            if other == here or _bad(forbidden, item.school_id, other):
                continue
            there = _townships(result, by_id, other)
            for swap in _members(result, by_id, other):
                if _bad(forbidden, swap.school_id, here):
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


def _rebalance(by_id: Mapping[int, Item], result: dict[int, int], order: dict[int, int], forbidden) -> None:
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
                movable = [i for i in _members(result, by_id, big) if not _bad(forbidden, i.school_id, small)]
                if movable:
                    pick = min(movable, key=lambda i: (i.township not in there, i.order))
                    result[pick.school_id] = small
                    moved = True
                    break
            if moved:
                break
        if not moved:
            return
