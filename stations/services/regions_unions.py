"""Regions (GB/T 2260) and the union tree.

A union's ``path`` is materialized (``QH/QH-XN/``): ``union_save`` keeps the paths of its
whole subtree right when it moves, and records history for every union whose path changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from core.scoping import forget_scope
from stations.exceptions import StationsError
from stations.models import Region, Union
from stations.services._common import record_actor, require_superuser, require_union

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


# Regions ---------------------------------------------------------------------------------


def region_upsert(
    *,
    actor: AbstractBaseUser | None,
    code: str,
    name: str,
    level: str,
    name_en: str = "",
    parent_code: str | None = None,
    lat: float | None = None,
    lng: float | None = None,
) -> Region:
    """Create or update a region by its GB/T 2260 code. Only the system and superusers."""
    require_superuser(actor, _("只有系统管理员可以修改行政区划。"))
    parent = Region.objects.get(code=parent_code) if parent_code else None
    region = Region.objects.filter(code=code).first() or Region(code=code)
    region.name = name
    region.name_en = name_en
    region.level = level
    region.parent = parent
    if lat is not None and lng is not None:
        region.reference_point = Point(float(lng), float(lat), srid=4326)
    return region_save(actor=actor, region=region)


@transaction.atomic
def region_save(*, actor: AbstractBaseUser | None, region: Region) -> Region:
    """Save a region edited as a whole (the admin's map form). Only superusers."""
    require_superuser(actor, _("只有系统管理员可以修改行政区划。"))
    region.full_clean()
    region.save()
    return region


@transaction.atomic
def region_delete(*, actor: AbstractBaseUser | None, region: Region) -> None:
    """Remove a region nothing refers to any more. Only superusers."""
    require_superuser(actor, _("只有系统管理员可以修改行政区划。"))
    region.delete()


# Unions ----------------------------------------------------------------------------------


@transaction.atomic
def union_save(*, actor: AbstractBaseUser | None, union: Union) -> Union:
    """Create or update a union, keeping the materialized paths of its subtree right.

    The actor must cover the new parent and, for an existing union, the union itself.
    A move re-roots the subtree; every union whose path changes gets a history row.
    """
    old_path = ""
    if union.pk:
        current = Union.objects.select_for_update().get(pk=union.pk)
        require_union(actor, current)
        old_path = current.path
    require_union(actor, union.parent)
    if union.parent_id and union.pk:
        parent_path = Union.objects.get(pk=union.parent_id).path
        if old_path and parent_path.startswith(old_path):
            raise StationsError(_("不能把工会移到它自己的下级工会之下。"), field="parent")
    union.path = union.build_path()
    union.depth = union.path.count("/") - 1
    union.full_clean()
    record_actor(union, actor)
    union.save()
    if old_path and old_path != union.path:
        subtree = list(
            Union.objects.select_for_update().filter(path__startswith=old_path).exclude(pk=union.pk)
        )
        for child in subtree:
            child.path = union.path + child.path[len(old_path) :]
            child.depth = child.path.count("/") - 1
        bulk_update_with_history(
            subtree, Union, ["path", "depth"], default_user=actor, batch_size=500
        )
    return union


def union_upsert(
    *,
    actor: AbstractBaseUser | None,
    code: str,
    name: str,
    kind: str,
    region_code: str,
    name_en: str = "",
    parent_code: str | None = None,
) -> Union:
    union = Union.objects.filter(code=code).first() or Union(code=code)
    union.name = name
    union.name_en = name_en
    union.kind = kind
    union.region = Region.objects.get(code=region_code)
    union.parent = Union.objects.get(code=parent_code) if parent_code else None
    return union_save(actor=actor, union=union)


@transaction.atomic
def union_delete(*, actor: AbstractBaseUser | None, union: Union) -> None:
    """Remove a union (its memberships go with it; stations and child unions protect it)."""
    union = Union.objects.select_for_update().get(pk=union.pk)
    require_union(actor, union.parent)
    require_union(actor, union)
    users = [m.user for m in union.memberships.select_related("user")]
    record_actor(union, actor)
    union.delete()
    for user in users:
        forget_scope(user)
