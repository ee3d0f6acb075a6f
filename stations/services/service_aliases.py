"""Aliases of catalogue services: the other ways clerks write them (``ServiceAlias``).

Any organizer may add, change or remove one: the catalogue is shared, and an alias only
decides which service a word in an import means. A word may mean one service only.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import PermissionDenied
from core.scoping import scope_for
from core.tabular import fold
from stations.exceptions import StationsError
from stations.models import Service, ServiceAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def service_key(name: str) -> str:
    """How an import compares service words: NFKC and ASCII digits (``fold``), lower case,
    without spaces, hyphens or underscores ("Wi-Fi" = "wifi" = "ＷＩＦＩ")."""
    return re.sub(r"[\s\-_]+", "", fold(name)).lower()


def _require_organizer(actor: AbstractBaseUser | None) -> None:
    if actor is not None and not scope_for(actor).is_organizer:
        raise PermissionDenied(_("只有组织者和工会管理员可以维护服务项目别名。"))


@transaction.atomic
def service_alias_save(*, actor: AbstractBaseUser | None, alias: ServiceAlias) -> ServiceAlias:
    """Add or change an alias; one that already names another service (its code, its
    name, or another alias of it) is refused."""
    _require_organizer(actor)
    alias.alias = alias.alias.strip()
    key = service_key(alias.alias)
    if not key:
        raise StationsError(_("别名不能为空。"), field="alias")
    for service in Service.objects.exclude(pk=alias.service_id):
        if key in {service_key(service.code), service_key(service.name),
                   service_key(service.name_en)}:  # fmt: skip
            raise StationsError(
                _("“%(alias)s”是服务项目“%(service)s”自己的名称。")
                % {"alias": alias.alias, "service": service.name},
                field="alias",
            )
    for other in ServiceAlias.objects.exclude(pk=alias.pk).select_related("service"):
        if service_key(other.alias) == key and other.service_id != alias.service_id:
            raise StationsError(
                _("“%(alias)s”已是“%(service)s”的别名。")
                % {"alias": alias.alias, "service": other.service.name},
                field="alias",
            )
    alias.full_clean()
    alias.save()
    return alias


@transaction.atomic
def service_alias_delete(*, actor: AbstractBaseUser | None, alias: ServiceAlias) -> None:
    _require_organizer(actor)
    alias.delete()
