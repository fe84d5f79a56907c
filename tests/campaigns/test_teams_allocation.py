"""The allocation rule (campaigns/allocation.py) on hand-computed cases and as properties."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from dudao.campaigns.allocation import Item, allocate


def _items(townships: str) -> list[Item]:
    """One school per letter; the letter is its township: "AAAB" = 3 schools in A, 1 in B."""
    return [Item(i, t, f"{i:04d}") for i, t in enumerate(townships)]


def _teams_of(result: dict[int, int], items: list[Item]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for item in items:
        found.setdefault(item.township, set()).add(result[item.school_id])
    return found


def test_townships_whole_largest_first_to_the_team_with_most_room():
    # 10 schools, 3 teams: shares 4, 3, 3. A(4) → team 1 (takes the extra school); B(3) → team 2;
    # C(2) → team 3; D(1) → team 3 (the only room left).
    items = _items("AAAABBBCCD")
    result = allocate(items, [1, 2, 3])
    assert _teams_of(result, items) == {"A": {1}, "B": {2}, "C": {3}, "D": {3}}
    assert Counter(result.values()) == {1: 4, 2: 3, 3: 3}


def test_a_township_larger_than_any_share_is_split():
    # 10 schools, 3 teams (shares 4, 3, 3): A(4) → team 1; B(4) fits nowhere (rooms 3 and 3) — its
    # first three schools by code fill team 2, the fourth goes to team 3; C(2) → team 3.
    items = _items("AAAABBBBCC")
    result = allocate(items, [1, 2, 3])
    assert [result[i] for i in range(10)] == [1, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert _teams_of(result, items)["B"] == {2, 3}


def test_two_teams_keep_two_equal_townships_apart():
    items = _items("AAABBB")
    result = allocate(items, [7, 9])
    assert _teams_of(result, items) == {"A": {7}, "B": {9}}


def test_more_teams_than_schools_give_one_school_each_at_most():
    result = allocate(_items("AB"), [1, 2, 3])
    assert sorted(Counter(result.values()).values()) == [1, 1]


def test_a_conflict_sends_the_township_to_another_team():
    # School 0 (township A) may not go to team 1: A(4) goes whole to team 2 instead.
    items = _items("AAAABBBCCD")
    result = allocate(items, [1, 2, 3], {0: {1}})
    assert _teams_of(result, items)["A"] == {2}
    assert result[0] == 2


def test_townships_go_where_they_have_no_conflict():
    # Two teams, townships A(2) and B(2). School 0 must avoid team 1, school 2 team 2. A fits both
    # teams: team 2 has no conflict with it (team 1 has one) → A to team 2; B to team 1 (no conflict).
    items = _items("AABB")
    assert allocate(items, [1, 2], {0: {1}, 2: {2}}) == {0: 2, 1: 2, 2: 1, 3: 1}


def test_a_conflict_is_swapped_away():
    # Two teams, A(2) and B(2); school 0 must avoid team 1 and school 1 must avoid team 2. A goes to
    # team 1 (one conflict either way, team order), B to team 2. Repair: school 0 swaps with the
    # first school of team 2 it may trade with (school 2, allowed in team 1) → counts stay 2 and 2.
    items = _items("AABB")
    assert allocate(items, [1, 2], {0: {1}, 1: {2}}) == {0: 2, 1: 1, 2: 1, 3: 2}


def test_the_same_input_gives_the_same_answer():
    items = _items("AAABBCCCCDDE")
    forbidden = {1: {2}, 5: {1, 3}}
    assert allocate(items, [1, 2, 3], forbidden) == allocate(list(reversed(items)), [1, 2, 3], forbidden)


schools = st.lists(st.sampled_from("ABCDEFG"), min_size=0, max_size=40)


@settings(max_examples=200, deadline=None)
@given(townships=schools, k=st.integers(min_value=1, max_value=6))
def test_every_school_once_and_counts_within_one(townships, k):
    items = _items("".join(townships))
    teams = list(range(100, 100 + k))
    result = allocate(items, teams)
    assert set(result) == {i.school_id for i in items}
    assert set(result.values()) <= set(teams)
    counts = [list(result.values()).count(t) for t in teams]
    assert max(counts, default=0) - min(counts, default=0) <= 1


@settings(max_examples=200, deadline=None)
@given(data=st.data(), townships=schools, k=st.integers(min_value=1, max_value=5))
def test_no_conflict_when_a_conflict_free_allocation_exists(data, townships, k):
    items = _items("".join(townships))
    teams = list(range(k))
    # each school avoids a random proper subset of the teams: some team always remains
    forbidden = {}
    for item in items:
        avoid = data.draw(st.sets(st.sampled_from(teams), max_size=k - 1))
        if avoid:
            forbidden[item.school_id] = avoid
    result = allocate(items, teams, forbidden)
    assert set(result) == {i.school_id for i in items}
    assert [s for s, t in result.items() if t in forbidden.get(s, ())] == []


# --- schools whose team was set by hand (pinned) -----------------------------------------------------
def test_pinned_schools_stay_and_count_toward_their_team():
    # 10 schools, 3 teams: shares 4, 3, 3. Schools 8 and 9 (C) pinned to team 3 by hand. A(4) → team 1
    # (extra school), B(3) → team 2; team 3 already holds 2 of its 3 → D(1) goes there.
    items = _items("AAAABBBCCD")
    result = allocate(items, [1, 2, 3], pinned={8: 3, 9: 3})
    assert (result[8], result[9]) == (3, 3)
    assert _teams_of(result, items) == {"A": {1}, "B": {2}, "C": {3}, "D": {3}}
    assert Counter(result.values()) == {1: 4, 2: 3, 3: 3}


def test_a_township_joins_the_team_holding_its_pinned_school():
    # 6 schools, 2 teams (3 each). School 0 of A pinned to team 2: the rest of A (1, 2) follows it
    # to team 2 (no conflict either way, team 2 holds A already), B(3) → team 1.
    items = _items("AAABBB")
    result = allocate(items, [1, 2], pinned={0: 2})
    assert [result[i] for i in range(6)] == [2, 2, 2, 1, 1, 1]


def test_a_team_over_its_share_by_hand_takes_nothing_more():
    # 9 schools, 3 teams (3 each). Five schools pinned to team 1: it is over its share, so it takes
    # nothing; the other four schools are shared 2 and 2 by teams 2 and 3.
    items = _items("AAAAABBCC")
    result = allocate(items, [1, 2, 3], pinned={i: 1 for i in range(5)})
    assert Counter(result.values()) == {1: 5, 2: 2, 3: 2}
    assert _teams_of(result, items) == {"A": {1}, "B": {2}, "C": {3}}


def test_a_pinned_school_in_a_team_it_must_avoid_is_left_for_a_hand_fix():
    # School 0 pinned to team 1 although team 1 must avoid it (a tie recorded after the move): it
    # stays; no other school is swapped with it.
    items = _items("AABB")
    result = allocate(items, [1, 2], forbidden={0: {1}}, pinned={0: 1})
    assert result[0] == 1


@given(data=st.data(), townships=schools, k=st.integers(min_value=1, max_value=5))
def test_pins_hold_and_the_others_share_evenly(data, townships, k):
    items = _items("".join(townships))
    teams = list(range(1, k + 1))
    pinned = data.draw(st.dictionaries(st.sampled_from(range(len(items))) if items else st.nothing(),
                                       st.sampled_from(teams), max_size=len(items)))
    result = allocate(items, teams, pinned=pinned)
    assert set(result) == {i.school_id for i in items}  # every school once
    assert all(result[s] == t for s, t in pinned.items())  # every pin holds
    counts = Counter(result.values())
    pinned_count = Counter(pinned.values())
    took = [t for t in teams if counts[t] > pinned_count[t]]  # the teams that were given schools
    if took:  # they end within one of each other, and no team that took schools is below one that did not
        assert max(counts[t] for t in took) - min(counts[t] for t in took) <= 1
        assert all(counts[t] >= min(counts[u] for u in took) - 1 for t in teams)
        assert all(counts[t] <= max(counts[u] for u in took) for t in teams if t not in took and pinned_count[t] == 0)
