"""Hazard-report rewards against the yearly budget of the nearest union that has one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from core.scoping import Scope
from stations.models import Union
from welfare.models import HazardReport, HazardReward, RewardBudget


def budget_for(*, union: Union, year: int) -> RewardBudget | None:
    """The budget that pays ``union``'s rewards in ``year``: its own, else the nearest
    union above it that has one."""
    walk: Union | None = union
    while walk is not None:
        budget = RewardBudget.objects.filter(union=walk, year=year).first()
        if budget is not None:
            return budget
        walk = walk.parent
    return None


def budget_paid(budget: RewardBudget) -> Decimal:
    """What has been paid from ``budget``: rewards of its year under its union whose
    nearest budget it is."""
    total = Decimal(0)
    rewards = HazardReward.objects.filter(
        year=budget.year, paid_on__isnull=False, union__path__startswith=budget.union.path
    ).select_related("union")
    for reward in rewards:
        found = budget_for(union=reward.union, year=reward.year)
        if found is not None and found.pk == budget.pk:
            total += reward.amount
    return total


def reward_of(report: HazardReport) -> HazardReward | None:
    """The reward a report earned, if any (one per report)."""
    return HazardReward.objects.filter(report=report).first()


def rewards_in_scope(scope: Scope, *, year: int | None = None) -> QuerySet[HazardReward]:
    qs = scope.filter(HazardReward.objects.all()).select_related("report", "union")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("paid_on", "-created_at")


def reward_budgets(scope: Scope, *, year: int) -> list[dict[str, Any]]:
    """The budgets under the scope for ``year`` with what each has paid, what is due and
    unpaid against it, and what is left."""
    out = []
    for budget in scope.filter(RewardBudget.objects.filter(year=year)).select_related("union"):
        paid = budget_paid(budget)
        unpaid = Decimal(0)
        for reward in HazardReward.objects.filter(
            year=year, paid_on__isnull=True, union__path__startswith=budget.union.path
        ).select_related("union"):
            found = budget_for(union=reward.union, year=year)
            if found is not None and found.pk == budget.pk:
                unpaid += reward.amount
        out.append({"budget": budget, "paid": paid, "unpaid": unpaid,
                    "left": budget.amount - paid})  # fmt: skip
    return out


def reward_totals(scope: Scope, *, year: int) -> dict[str, Decimal]:
    rewards = scope.filter(HazardReward.objects.filter(year=year))
    paid = rewards.filter(paid_on__isnull=False).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    unpaid = rewards.filter(paid_on__isnull=True).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return {"paid": paid, "unpaid": unpaid}
