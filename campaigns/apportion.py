"""How the planner splits whole packs between destinations — one method, stated here and
shown on the plan page (``campaigns.services.planner.method_explained``):

1. **Floor.** Each destination first gets ``floor`` packs. When the stock cannot give every
   destination its floor, destinations get it in order of weight (highest first, ties in
   the order given) until the stock runs out; nothing is left to share.
2. **Shares proportional to the weights.** What is left, ``R = total − floor × n``, is
   shared in proportion to the weights: destination *i*'s quota is
   ``floor + R × wᵢ / Σw``. A destination with weight 0 gets its floor only. When every
   weight is 0 the remainder stays in the depot.
3. **Cap.** No destination gets more than ``cap`` packs (from "at most X % to one place").
   A quota above the cap is set to the cap and the excess is shared again, in proportion
   to the weights, among the others (repeated until no quota exceeds the cap). When every
   destination with weight is at its cap, what is left stays in the depot.
4. **Largest-remainder rounding** (Hamilton's method). Each quota is rounded down; the
   packs this leaves over go one each to the destinations with the largest fractional
   parts (ties: larger weight, then the order given).

So the total is preserved (``Σ packs = total`` whenever some destination with weight
still has room), no destination is more than one pack from its quota, and the plan never
exceeds the stock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Apportionment:
    packs: list[int]
    #: Each destination's exact quota (after floor and cap), before rounding.
    quotas: list[Fraction]
    #: Packs of ``total`` that no destination could take (all weights 0, or all capped).
    left: int


def apportion(
    *, weights: Sequence[float], total: int, floor: int = 0, cap: int | None = None
) -> Apportionment:
    """Split ``total`` whole packs over ``weights`` by the method in this module's docstring."""
    n = len(weights)
    if total < 0 or floor < 0 or (cap is not None and cap < 0):
        raise ValueError("total, floor and cap must not be negative")
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    if n == 0:
        return Apportionment([], [], total)
    w = [Fraction(x) for x in weights]
    limit = total if cap is None else cap
    floor = min(floor, limit)
    order = sorted(range(n), key=lambda i: (-w[i], i))
    if floor * n > total:
        # Not enough for every floor: the heaviest destinations get theirs first.
        packs, left = [0] * n, total
        for i in order:
            packs[i] = min(floor, left)
            left -= packs[i]
        return Apportionment(packs, [Fraction(p) for p in packs], 0)
    quotas = [Fraction(floor)] * n
    remainder = Fraction(total - floor * n)
    fixed: set[int] = set()  # destinations at their cap
    while remainder > 0:
        open_ = [i for i in range(n) if i not in fixed and w[i] > 0]
        weight = sum((w[i] for i in open_), Fraction(0))
        if weight == 0:
            break
        over = [i for i in open_ if quotas[i] + remainder * w[i] / weight > limit]
        if not over:
            for i in open_:
                quotas[i] += remainder * w[i] / weight
            remainder = Fraction(0)
            break
        for i in over:  # cap them, and share the rest again among the others
            remainder -= limit - quotas[i]
            quotas[i] = Fraction(limit)
            fixed.add(i)
    packs = [int(q) for q in quotas]  # quotas are never negative: int() rounds down
    spare = total - int(remainder) - sum(packs) if remainder > 0 else total - sum(packs)
    by_fraction = sorted(range(n), key=lambda i: (-(quotas[i] - packs[i]), -w[i], i))
    for i in by_fraction[: max(0, spare)]:
        if quotas[i] > packs[i]:
            packs[i] += 1
    left = total - sum(packs)
    return Apportionment(packs, quotas, left)
