"""Stock locations: who may act at one, and the locations themselves (a station's or a
workplace's made on first use; depots made and corrected by organizers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.exceptions import CampaignsError
from campaigns.models import StockLocation
from campaigns.selectors.stock import CODE_MAX_LENGTH, WORKPLACE_PREFIX, stock_place_find
from core.errors import NotFound, PermissionDenied
from core.scoping import scope_for
from stations.models import Station, Union
from welfare.models import Workplace

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def require_stock_manage(actor: AbstractBaseUser | None, location: StockLocation) -> None:
    """Organizers (and admins) above the location's union manage its stock."""
    if actor is None:
        return
    if not scope_for(actor).covers_union(location.union):
        # The code (which the request named), never the name of another union's depot.
        raise PermissionDenied(
            _("您无权管理地点 %(code)s 的库存。") % {"code": location.code}, field="location"
        )


def require_hand_out(actor: AbstractBaseUser | None, location: StockLocation) -> None:
    """Staff of a station may hand out and receive there; organizers anywhere below them."""
    if actor is None:
        return
    scope = scope_for(actor)
    if scope.covers_union(location.union):
        return
    if location.station_id and location.station_id in scope.staff_station_ids:
        return
    raise PermissionDenied(
        _("您无权在地点 %(code)s 操作库存。") % {"code": location.code}, field="location"
    )


def stock_location_ensure(
    *,
    actor: AbstractBaseUser | None,
    code: str | None = None,
    station: Station | None = None,
    workplace: Workplace | None = None,
) -> StockLocation:
    """The stock location of a place, created on first use — for writes only.

    Give one of ``code`` (a location's own code, a station's code, or ``WP-<credit
    code>`` of a workplace), ``station`` or ``workplace``. An existing location is returned
    as it is: the movement that uses it checks the actor's right to it. A new one is
    created only for someone who may act at the place (an organizer over its union, or the
    staff of the station). Reads use ``selectors.stock.stock_location_get``, which creates nothing.
    """
    if sum(x is not None for x in (code, station, workplace)) != 1:
        raise TypeError("stock_location_ensure takes one of code, station, workplace")
    if code is not None:
        code = str(code)[:CODE_MAX_LENGTH]
        location = StockLocation.objects.select_related("union").filter(code=code).first()
        if location is not None:
            return location
        place = stock_place_find(code=code)
        if place is None:
            raise NotFound(_("没有编号为 %(code)s 的库存地点。") % {"code": code}, field="location")
        if isinstance(place, Station):
            station = place
        else:
            workplace = place
    if station is not None:
        existing = StockLocation.objects.select_related("union").filter(station=station).first()
        if existing is not None:
            return existing
        if actor is not None and not scope_for(actor).may_staff_station(station):
            raise PermissionDenied(
                _("您无权在“%(place)s”设立库存地点。") % {"place": station.name}, field="location"
            )
        return _create_location(
            lookup={"station": station},
            code=station.code, name=station.name, kind=StockLocation.Kind.STATION,
            union=station.union, point=station.location, address=station.address,
        )  # fmt: skip
    assert workplace is not None
    existing = StockLocation.objects.select_related("union").filter(workplace=workplace).first()
    if existing is not None:
        return existing
    if actor is not None and not scope_for(actor).covers_union(workplace.union):
        raise PermissionDenied(
            _("您无权在“%(place)s”设立库存地点。") % {"place": workplace.name}, field="location"
        )
    return _create_location(
        lookup={"workplace": workplace},
        code=f"{WORKPLACE_PREFIX}{workplace.credit_code}", name=workplace.name,
        kind=StockLocation.Kind.WORKPLACE, union=workplace.union, point=workplace.location,
        address=workplace.address,
    )  # fmt: skip


def _create_location(
    *,
    lookup: dict[str, object],
    code: str,
    name: str,
    kind: str,
    union: Union,
    point: Point | None,
    address: str,
) -> StockLocation:
    # get_or_create: two first uses at once make one row, not an IntegrityError.
    location, _created = StockLocation.objects.select_related("union").get_or_create(
        **lookup,
        defaults={"code": code, "name": name[:150], "kind": kind, "union": union,
                  "location": point, "address": address[:300]},
    )  # fmt: skip
    return location


@transaction.atomic
def depot_create(
    *,
    actor: AbstractBaseUser | None,
    code: str,
    name: str,
    union: Union,
    lat: float | None = None,
    lng: float | None = None,
    address: str = "",
) -> StockLocation:
    """A depot (warehouse) under ``union``; with an existing depot's code, that depot is
    updated (loaders run twice)."""
    scope = scope_for(actor) if actor is not None else None
    if scope is not None and not scope.covers_union(union):
        raise PermissionDenied(_("您无权在“%(union)s”下设立仓库。") % {"union": union.name})
    depot = StockLocation.objects.select_for_update().filter(code=code).first()
    if depot is None:
        depot = StockLocation(code=code)
    elif depot.kind != StockLocation.Kind.DEPOT:
        raise CampaignsError(
            _("编号 %(code)s 已被其他库存地点使用。") % {"code": code}, field="code"
        )
    elif scope is not None and not scope.covers_union(depot.union):
        raise PermissionDenied(_("您无权管理“%(location)s”的库存。") % {"location": depot.name})
    depot.name, depot.kind, depot.union, depot.address = (
        name,
        StockLocation.Kind.DEPOT,
        union,
        address,
    )
    if lat is not None and lng is not None:
        depot.location = Point(float(lng), float(lat), srid=4326)
    depot.full_clean()
    depot.save()
    return depot


@transaction.atomic
def stock_location_edit(
    *,
    actor: AbstractBaseUser | None,
    location: StockLocation,
    name: str,
    address: str = "",
    point: Point | None = None,
    union: Union | None = None,
) -> StockLocation:
    """Correct a location's name, address and position; a depot may also move to another
    union the actor manages. A station's or workplace's location follows its place's union."""
    location = StockLocation.objects.select_for_update().select_related("union").get(pk=location.pk)
    require_stock_manage(actor, location)
    if union is not None and union.pk != location.union_id:
        if location.kind != StockLocation.Kind.DEPOT:
            raise CampaignsError(
                _("站点和作业场所的库存地点随其所属工会，不能单独改。"), field="union"
            )
        if actor is not None and not scope_for(actor).covers_union(union):
            raise PermissionDenied(
                _("您无权在“%(union)s”下设立仓库。") % {"union": union.name}, field="union"
            )
        location.union = union
    location.name, location.address, location.location = name, address, point
    location.full_clean()
    location.save()
    return location
