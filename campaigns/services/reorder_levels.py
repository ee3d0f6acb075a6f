"""Reorder levels: the level of an item at a location at or below which the low-stock
alert fires."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.exceptions import CampaignsError
from campaigns.models import Item, ReorderLevel, StockLocation
from campaigns.services.locations import require_stock_manage

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@transaction.atomic
def reorder_level_set(
    *, actor: AbstractBaseUser | None, location: StockLocation, item: Item, level: int
) -> ReorderLevel | None:
    """Set the level of ``item`` at ``location`` at or below which the low-stock alert fires.

    Organizers over the location's union set it; ``0`` removes it (no alert). Each change
    and removal is kept in ``ReorderLevel.history`` with its actor. Returns the level, or
    ``None`` once removed.
    """
    require_stock_manage(actor, location)
    if level < 0:
        raise CampaignsError(_("补货线不能小于 0。"), field="level")
    current = ReorderLevel.objects.select_for_update().filter(location=location, item=item).first()
    if level == 0:
        if current is not None:
            if actor is not None:
                current._history_user = actor
            current.delete()
        return None
    if current is None:
        current = ReorderLevel(location=location, item=item, level=level)
    elif current.level == level:
        return current
    current.level = level
    current.full_clean()
    if actor is not None:
        current._history_user = actor
    current.save()
    return current
