"""What every supervision service shares: the permission check, the history stamp and
the checks of a choice or a text a client sends."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext as _

from core.errors import PermissionDenied
from core.scoping import scope_for
from stations.models import Union
from supervision.exceptions import SupervisionError

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def require_union(actor: AbstractBaseUser | None, union: Union) -> None:
    """``actor`` organizes ``union`` or a union above it (``None``, the system, may all)."""
    if actor is not None and not scope_for(actor).covers_union(union):
        raise PermissionDenied(_("您无权管理“%(union)s”及其下级的数据。") % {"union": union.name})


def stamp(instance: Any, actor: AbstractBaseUser | None, reason: str | None = None) -> None:
    """Name who made the change (and why) in the history row the next save writes."""
    if actor is not None:
        instance._history_user = actor
    instance._change_reason = reason


def choice(value: Any, choices: type[models.TextChoices], field: str) -> str:
    """``value`` if it is one of ``choices``, else a 400 naming ``field``."""
    if value not in choices.values:
        raise SupervisionError(_("“%(v)s”不是可选的值。") % {"v": str(value)[:40]}, field=field)
    return str(value)


def text(value: Any, field: str, *, max_length: int, required: bool = True) -> str:
    """A stripped text of at most ``max_length`` characters (required unless told)."""
    value = ("" if value is None else str(value)).strip()
    if required and not value:
        raise SupervisionError(_("此项必填。"), field=field)
    if len(value) > max_length:
        raise SupervisionError(_("最多 %(n)d 字。") % {"n": max_length}, field=field)
    if "\x00" in value:
        raise SupervisionError(_("含有不允许的字符。"), field=field)
    return value
