"""The supply catalog (items, kept by system administrators) and the lots of an item."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from campaigns.exceptions import CampaignsError
from campaigns.models import Item, Lot
from core.errors import Conflict, PermissionDenied
from core.scoping import scope_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def _require_superuser(actor: AbstractBaseUser | None) -> None:
    if actor is not None and not scope_for(actor).is_superuser:
        raise PermissionDenied(_("物资目录只有系统管理员可以修改。"))


@transaction.atomic
def item_save(*, actor: AbstractBaseUser | None, item: Item) -> Item:
    """Add or correct an item of the supply catalog (system administrators only)."""
    _require_superuser(actor)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def item_delete(*, actor: AbstractBaseUser | None, item: Item) -> None:
    """Remove an item nobody has stocked, handed out or planned yet."""
    _require_superuser(actor)
    try:
        item.delete()
    except ProtectedError:
        raise Conflict(
            _("“%(item)s”已有库存或发放记录，不能删除。") % {"item": item.name}, field="item"
        ) from None


def lot_for(*, item: Item, batch: str = "", expires_on: dt.date | None = None) -> Lot:
    """The lot of ``item`` with ``batch``, created on first receipt; perishable items need
    a batch and an expiry."""
    batch = (batch or "").strip()
    if item.perishable:
        if not batch or expires_on is None:
            raise CampaignsError(
                _("“%(item)s”有保质期：请填写批号和有效期。") % {"item": item.name}, field="lines"
            )
    else:
        batch, expires_on = "", None
    lot, created = Lot.objects.get_or_create(
        item=item, batch=batch, defaults={"expires_on": expires_on}
    )
    if not created and lot.expires_on != expires_on:
        raise CampaignsError(
            _("批号 %(batch)s 已登记为 %(date)s 到期，与本次不一致。")
            % {"batch": batch, "date": lot.expires_on},
            field="lines",
        )
    return lot
