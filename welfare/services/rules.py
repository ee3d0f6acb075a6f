"""Province rules: the one write path (the admin calls it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import PermissionDenied
from core.scoping import scope_for
from stations.models import Region, Union
from welfare import rules
from welfare.exceptions import WelfareError
from welfare.models import ProvinceRule
from welfare.services._common import stamp

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def rule_region_codes_for(actor: AbstractBaseUser) -> set[str] | None:
    """The region codes whose rules ``actor`` may set: those of the unions they organize
    (and the divisions beneath them); None for a superuser (all, defaults included)."""
    scope = scope_for(actor)
    if scope.is_superuser:
        return None
    unions = scope.filter(Union.objects.exclude(region__isnull=True), union_path_field="path")
    return set(unions.values_list("region__code", flat=True))


@transaction.atomic
def province_rule_save(
    *, actor: AbstractBaseUser | None, key: str, region: Region | None, value: Any, source: str,
    reason: str | None = None,
) -> ProvinceRule:  # fmt: skip
    """Set the rule ``key`` for ``region`` (None: the default, superusers only).

    A province's union (its organizers and admins) sets its province's rules and those of
    the divisions under its unions; the value is checked against the key's shape.
    """
    if actor is not None:
        allowed = rule_region_codes_for(actor)
        if allowed is not None and (region is None or region.code not in allowed):
            raise PermissionDenied(_("您只能设置本工会所在地区的规则。"), field="region")
    source = (source or "").strip()
    if not source:
        raise WelfareError(_("请写明规则的依据（文件名称、条款）。"), field="source")
    rules.validate(key=key, value=value)
    # Ordered by pk: the model's ordering would join the (nullable) region, which a row
    # lock cannot cover.
    current = ProvinceRule.objects.select_for_update().filter(key=key, region=region)
    rule = current.order_by("pk").first() or ProvinceRule(key=key, region=region)
    rule.value, rule.source = value, source[:300]
    rule.full_clean(validate_constraints=False)
    stamp(rule, actor, reason)
    rule.save()
    return rule
