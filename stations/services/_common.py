"""What every write of the network shares: the union check and the history stamp."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from core.errors import PermissionDenied
from core.scoping import scope_for
from stations.models import Union

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def require_union(actor: AbstractBaseUser | None, union: Union | None) -> None:
    """Refuse unless ``actor`` organizes ``union`` or a union above it.

    ``union=None`` stands for a new top-level union: only superusers. The system
    (``actor=None``) may do anything.
    """
    if actor is None:
        return
    scope = scope_for(actor)
    if union is None:
        if not scope.is_superuser:
            raise PermissionDenied(_("只有系统管理员可以创建顶级工会。"))
        return
    if not scope.covers_union(union):
        raise PermissionDenied(_("您无权管理“%(union)s”及其下级的数据。") % {"union": union.name})


def record_actor(obj: Any, actor: AbstractBaseUser | None) -> None:
    """Name the actor on the history row (in a request the middleware does it too)."""
    if actor is not None:
        obj._history_user = actor


def require_superuser(actor: AbstractBaseUser | None, message: str) -> None:
    """Refuse unless ``actor`` is the system or a superuser (the shared catalogs)."""
    if actor is not None and not scope_for(actor).is_superuser:
        raise PermissionDenied(message)
