"""What every welfare service shares: the permission check, the history stamp and the
correction rules."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from core.errors import PermissionDenied
from core.scoping import scope_for
from stations.models import Union
from welfare.exceptions import WelfareError

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def require_union(actor: AbstractBaseUser | None, union: Union) -> None:
    """``actor`` organizes ``union`` or a union above it (``None``, the system, may all)."""
    if actor is not None and not scope_for(actor).covers_union(union):
        raise PermissionDenied(_("您无权管理“%(union)s”及其下级的数据。") % {"union": union.name})


def stamp(instance: Any, actor: AbstractBaseUser | None, reason: str | None = None) -> None:
    """Name who made the change (and why) in the history row the next save writes.

    Without an actor (commands, loaders) simple-history falls back to the request's user.
    """
    if actor is not None:
        instance._history_user = actor
    instance._change_reason = reason


class Keep(enum.Enum):
    """A correction leaves a field it is not given as it was (``None`` may be a value)."""

    KEEP = "keep"


KEEP = Keep.KEEP
REASON_MAX_LENGTH = 100  # simple-history's history_change_reason column


def correction_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise WelfareError(_("请说明更正的原因。"), field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise WelfareError(_("更正原因最多 %(n)d 字。") % {"n": REASON_MAX_LENGTH}, field="reason")
    return reason
