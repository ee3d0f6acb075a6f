"""Issue 24: the planner's method as properties (hypothesis) — shares proportional to the
weights, largest-remainder rounding, a floor each and a cap per place (campaigns.apportion)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from campaigns.apportion import apportion

weights_st = st.lists(
    st.one_of(st.just(0), st.integers(min_value=0, max_value=2000),
              st.floats(min_value=0, max_value=500, allow_nan=False, allow_infinity=False)),
    min_size=1, max_size=40,
)  # fmt: skip


@given(
    weights=weights_st,
    total=st.integers(min_value=0, max_value=3000),
    floor=st.integers(min_value=0, max_value=20),
    cap=st.one_of(st.none(), st.integers(min_value=0, max_value=500)),
)
@settings(max_examples=400, deadline=None)
@example(weights=[85.0, 40.0, 0.0, 0.0], total=200, floor=0, cap=None)
def test_apportion_properties(weights, total, floor, cap):
    result = apportion(weights=weights, total=total, floor=floor, cap=cap)
    packs, n = result.packs, len(weights)
    # Never more than the stock, never negative, never above the cap.
    assert sum(packs) <= total and all(p >= 0 for p in packs)
    limit = total if cap is None else cap
    assert all(p <= max(limit, 0) for p in packs)
    # The total is preserved: nothing left unless nobody with weight has room.
    assert sum(packs) + result.left == total
    f = min(floor, limit)
    if f * n > total:
        assert result.left == 0 and all(p <= f for p in packs)
        return
    positive = [i for i, w in enumerate(weights) if w > 0]
    if result.left:
        assert all(packs[i] == limit for i in positive)
    # Every place gets its floor; a place with weight 0 gets the floor only.
    assert all(p >= f for p in packs)
    assert all(packs[i] == f for i, w in enumerate(weights) if w == 0)
    # Largest remainder: no place is a whole unit or more from its quota.
    assert all(abs(p - q) < 1 for p, q in zip(packs, result.quotas, strict=True))
    # With no cap binding, the quota is exactly floor + share of the rest; so a place is
    # off its proportional share of the total by less than 1 unit plus the floor's effect.
    weight = sum(Fraction(w) for w in weights)
    if weight and all(q < limit for q in result.quotas):
        rest = total - f * n
        for i, w in enumerate(weights):
            share = Fraction(total) * Fraction(w) / weight
            floor_effect = abs(f - Fraction(f * n) * Fraction(w) / weight)
            assert result.quotas[i] == f + rest * Fraction(w) / weight
            assert abs(packs[i] - share) < 1 + floor_effect


def test_the_issue_example_is_proportional():
    """200 coats by weights 85 : 40 : 0 : 0 (and a floor of 10 each)."""
    assert apportion(weights=[85, 40, 0, 0], total=200).packs == [136, 64, 0, 0]
    assert apportion(weights=[85, 40, 0, 0], total=200, floor=10).packs == [119, 61, 10, 10]
    # At most 40 % to one place: 80; the rest shared again by weight.
    capped = apportion(weights=[85, 40, 20, 0], total=200, floor=10, cap=80)
    assert capped.packs == [80, 70, 40, 10] and sum(capped.packs) == 200


def test_largest_remainder_and_short_floors():
    assert apportion(weights=[1, 1, 1], total=2).packs == [1, 1, 0]
    assert apportion(weights=[10, 10, 10], total=10).packs == [4, 3, 3]
    # Not enough for every floor: the heaviest places first.
    assert apportion(weights=[1, 5, 3], total=7, floor=3).packs == [1, 3, 3]
    # All weights zero: floors only, the rest stays in the depot.
    zero = apportion(weights=[0, 0], total=9, floor=2)
    assert zero.packs == [2, 2] and zero.left == 5


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        apportion(weights=[-1], total=3)
    with pytest.raises(ValueError):
        apportion(weights=[1], total=-3)
