"""The one place that decides what a user may see and change.

Organizers and union admins act on everything under their union(s); station staff act on
the stations they are tied to; Django superusers act on everything. Every selector and
service in every app narrows its querysets and checks its writes through these functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

MANAGING_ROLES = ("organizer", "admin")


def path_prefix_q(field: str, paths: Iterable[str]) -> Q:
    """``field`` starts with any of ``paths``; an empty list matches nothing."""
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


@dataclass(frozen=True)
class Scope:
    """What one user may act on, read once per request."""

    is_superuser: bool = False
    union_paths: tuple[str, ...] = ()  # unions the user organizes or administers
    staff_station_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.is_superuser or self.union_paths or self.staff_station_ids)

    @property
    def is_organizer(self) -> bool:
        """Organizes or administers at least one union (or is a superuser)."""
        return self.is_superuser or bool(self.union_paths)

    def covers_union(self, union: Any) -> bool:
        return self.is_superuser or any(union.path.startswith(p) for p in self.union_paths)

    def covers_station(self, station: Any) -> bool:
        """May manage the station (organizer/admin of a union above it)."""
        return self.covers_union(station.union)

    def may_staff_station(self, station: Any) -> bool:
        """May log visits and hand out supplies at the station."""
        return self.covers_station(station) or station.pk in self.staff_station_ids

    def filter(
        self,
        queryset: QuerySet[Any],
        *,
        union_path_field: str = "union__path",
        station_field: str | None = None,
    ) -> QuerySet[Any]:
        """Narrow ``queryset`` to what this scope covers.

        ``union_path_field`` leads from the model to the owning union's path;
        ``station_field`` (``"pk"`` for stations themselves) also admits the rows of the
        stations a staff member runs.
        """
        if self.is_superuser:
            return queryset
        condition = path_prefix_q(union_path_field, self.union_paths)
        if station_field is not None and self.staff_station_ids:
            condition |= Q(**{f"{station_field}__in": sorted(self.staff_station_ids)})
        return queryset.filter(condition)


def scope_for(user: AbstractBaseUser | AnonymousUser | None) -> Scope:
    """Read the user's memberships once. Anonymous and inactive users get an empty scope."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, "_yizhan_scope", None)
    if cached is not None:
        return cached
    # The membership model is named in settings, as Django names its user model, so that
    # core imports no app of ours (docs/architecture.md).
    Membership = apps.get_model(settings.SCOPE_MEMBERSHIP_MODEL)
    if user.is_superuser:
        scope = Scope(is_superuser=True)
    else:
        memberships = Membership.objects.filter(user=user).select_related("union")
        paths = {m.union.path for m in memberships if m.role in MANAGING_ROLES}
        # A path already under another one adds nothing.
        minimal = tuple(
            sorted(p for p in paths if not any(p != q and p.startswith(q) for q in paths))
        )
        station_ids = frozenset(
            Membership.stations.through.objects.filter(
                membership__user=user, membership__role="station_staff"
            ).values_list("station_id", flat=True)
        )
        scope = Scope(union_paths=minimal, staff_station_ids=station_ids)
    user._yizhan_scope = scope  # type: ignore[union-attr]
    return scope


def users_in_scope(actor: AbstractBaseUser | AnonymousUser | None) -> QuerySet[Any]:
    """The accounts an actor may name (a raw-id widget, a login name typed into a form):
    every one for a superuser; for an organizer, the users with a membership under their
    unions and the users with no membership at all (new accounts to be given one). A user
    who belongs only to other unions is, to them, as if the name did not exist."""
    User = get_user_model()
    scope = scope_for(actor)
    if scope.is_superuser:
        return User._default_manager.all()
    if not scope.union_paths:
        return User._default_manager.none()
    Membership = apps.get_model(settings.SCOPE_MEMBERSHIP_MODEL)
    members = Membership.objects.filter(path_prefix_q("union__path", scope.union_paths))
    anywhere = Membership.objects.values("user_id")
    return User._default_manager.filter(Q(pk__in=members.values("user_id")) | ~Q(pk__in=anywhere))


def is_organizer(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """May use the organizer pages: organizes or administers a union, or is a superuser."""
    return scope_for(user).is_organizer


def forget_scope(user: Any) -> None:
    """Drop the cached scope after the user's memberships change."""
    if hasattr(user, "_yizhan_scope"):
        del user._yizhan_scope
