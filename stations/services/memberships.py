"""Memberships, and the quick start's demo accounts.

A membership decides what a user may see and change, so granting, changing and revoking
one is a security event: each goes through a function here that checks the actor covers
the union, keeps staff stations under it, records history and drops the cached scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Conflict, PermissionDenied
from core.scoping import forget_scope
from stations.exceptions import StationsError
from stations.models import Membership, Station, Union
from stations.services._common import record_actor, require_union

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


# Memberships -----------------------------------------------------------------------------


def membership_check(
    *,
    actor: AbstractBaseUser | None,
    user: AbstractBaseUser,
    union: Union,
    role: str,
    stations: Iterable[Station] = (),
    membership: Membership | None = None,
) -> None:
    """Refuse a membership the actor may not give, or one that breaks a rule.

    ``membership`` is the one being changed (its own union must be covered too). The
    admin's form calls this to show field errors; the services call it again inside
    their transaction.
    """
    if membership is not None and membership.pk:
        require_union(actor, Union.objects.get(pk=membership.union_id))
    require_union(actor, union)
    if role not in Membership.Role.values:
        raise StationsError(_("未知角色：%(role)s") % {"role": role}, field="role")
    station_list = list(stations)
    if role != Membership.Role.STATION_STAFF and station_list:
        raise StationsError(_("只有站点工作人员需要指定站点。"), field="stations")
    for station in station_list:
        if not station.union.is_under(union):
            raise StationsError(
                _("站点 %(code)s 不属于 %(union)s。") % {"code": station.code, "union": union},
                field="stations",
            )
    if membership is not None and membership.pk:
        clash = Membership.objects.filter(user=user, union=union, role=role).exclude(
            pk=membership.pk
        )
        if clash.exists():
            raise Conflict(
                _("%(user)s 在 %(union)s 已经是“%(role)s”。")
                % {"user": user, "union": union, "role": Membership.Role(role).label},
                field="role",
            )


def _forget(*users: Any) -> None:
    for user in users:
        if user is not None:
            forget_scope(user)


@transaction.atomic
def membership_grant(
    *,
    actor: AbstractBaseUser | None,
    user: AbstractBaseUser,
    union: Union,
    role: str,
    stations: Iterable[Station] = (),
) -> Membership:
    """Give ``user`` a role in ``union``; staff are tied to ``stations`` under it.

    Granting a role the user already holds there adds the stations to it.
    """
    station_list = list(stations)
    membership_check(actor=actor, user=user, union=union, role=role, stations=station_list)
    membership = (
        Membership.objects.select_for_update().filter(user=user, union=union, role=role).first()
    )
    if membership is None:
        membership = Membership(user=user, union=union, role=role)
        membership.full_clean()
        record_actor(membership, actor)
        membership.save()
    else:
        record_actor(membership, actor)
    if station_list:
        membership.stations.add(*station_list)
    _forget(user, actor)
    return membership


@transaction.atomic
def membership_change(
    *,
    actor: AbstractBaseUser | None,
    membership: Membership,
    role: str | None = None,
    union: Union | None = None,
    stations: Iterable[Station] | None = None,
) -> Membership:
    """Change an existing membership's role, union and/or stations, in place.

    Arguments left ``None`` keep their value, except that a role other than staff drops
    the stations. The actor must cover both the union it had and the one it gets.
    """
    current = (
        Membership.objects.select_for_update().select_related("user", "union").get(pk=membership.pk)
    )
    new_role = role if role is not None else current.role
    new_union = union if union is not None else current.union
    if stations is not None:
        station_list = list(stations)
    elif new_role == Membership.Role.STATION_STAFF:
        station_list = list(current.stations.select_related("union"))
    else:
        station_list = []
    membership_check(
        actor=actor,
        user=current.user,
        union=new_union,
        role=new_role,
        stations=station_list,
        membership=current,
    )
    if (new_role, new_union.pk) != (current.role, current.union_id):
        current.role = new_role
        current.union = new_union
        current.full_clean()
        record_actor(current, actor)
        current.save(update_fields=["role", "union"])
    if {s.pk for s in station_list} != set(current.stations.values_list("pk", flat=True)):
        record_actor(current, actor)
        current.stations.set(station_list)
    _forget(current.user, membership.user, actor)
    return current


@transaction.atomic
def membership_revoke(*, actor: AbstractBaseUser | None, membership: Membership) -> None:
    """Take a role away (the history keeps who held it and who revoked it)."""
    current = (
        Membership.objects.select_for_update().select_related("user", "union").get(pk=membership.pk)
    )
    require_union(actor, current.union)
    record_actor(current, actor)
    current.stations.clear()
    current.delete()
    _forget(current.user, membership.user, actor)


# Accounts (quick start) ------------------------------------------------------------------


@transaction.atomic
def account_ensure(
    *, actor: None, username: str, password: str, is_staff: bool
) -> AbstractBaseUser:
    """Create or reset a login (demo accounts of the quick start). Only the system."""
    if actor is not None:
        raise PermissionDenied(_("只有系统可以创建演示账号。"))
    user, _created = get_user_model().objects.get_or_create(username=username)
    user.set_password(password)
    user.is_staff = is_staff
    user.is_superuser = False
    user.save()
    forget_scope(user)
    return user
