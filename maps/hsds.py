"""Our stations as Open Referral HSDS 3.0 records, so human-services directories can take them.

The mapping:

* organization — a trade union that runs stations (with ``parent_organization_id`` up the
  union tree);
* location — a station's place (``physical``), with its address and its public phone;
* service — what a station offers outdoor workers (one service per station; its amenities
  in the description and ``attributes``);
* service_at_location — the service at its station;
* schedule — the station's opening hours, one weekly rule per distinct span (RFC 5545
  ``freq``/``byday`` with ``opens_at``/``closes_at``), seasonal hours bounded by
  ``valid_from``/``valid_to`` for this year's season.

Records are flat lists joined by ids (the HSDS tabular shape). Ids are UUIDs derived from
our codes (uuid5), so they are stable across exports. No person's data: a union's and a
station's own public names, addresses and the station's phone.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core import time as local_time
from maps.presenters import stations as presenters
from stations import hours
from stations.models import Region, Service, Station, Union

HSDS_VERSION = "3.0"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:yizhan:hsds")
BYDAY = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}
UTC_OFFSET_HOURS = 8  # Asia/Shanghai has no daylight saving time


def hsds_id(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def _organizations(unions: Iterable[Union]) -> list[dict[str, Any]]:
    return [
        {
            "id": hsds_id("organization", u.code),
            "name": u.name,
            "alternate_name": u.name_en or None,
            "description": _("%(name)s（%(kind)s），设立和运营户外劳动者服务站点。")
            % {"name": u.name, "kind": u.get_kind_display()},
            "parent_organization_id": hsds_id("organization", u.parent.code) if u.parent else None,
            "organization_identifiers": [],
        }
        for u in unions
    ]


def _with_ancestors(union_ids: set[int]) -> list[Union]:
    """The unions and every union above them (the tree is a few levels deep)."""
    found: dict[int, Union] = {}
    wanted = set(union_ids)
    while wanted:
        batch = Union.objects.filter(pk__in=wanted).select_related("parent")
        wanted = set()
        for union in batch:
            found[union.pk] = union
            if union.parent_id and union.parent_id not in found:
                wanted.add(union.parent_id)
    return sorted(found.values(), key=lambda u: u.path)


def _season_bounds(start: str, end: str, today: dt.date) -> tuple[str, str]:
    """This year's season (or next year's, once this one is over), as ISO dates."""
    year = today.year
    first = dt.date(year, *map(int, start.split("-")))
    last = dt.date(year, *map(int, end.split("-")))
    if last < first:  # wraps the new year
        last = dt.date(year + 1, last.month, last.day)
    if last < today:
        first, last = (
            dt.date(first.year + 1, first.month, first.day),
            dt.date(last.year + 1, last.month, last.day),
        )
    return first.isoformat(), last.isoformat()


def schedules_of(
    station: Station, *, service_at_location_id: str, location_id: str, today: dt.date
) -> list[dict[str, Any]]:
    """HSDS schedules of a station, from its read-side copy of the hours."""
    periods, _closures = hours.parse_schedule(station.schedule)
    base = {"service_at_location_id": service_at_location_id, "location_id": location_id}
    if station.is_24h:
        return [
            {
                **base,
                "id": hsds_id("schedule", f"{station.code}:24h"),
                "freq": "WEEKLY",
                "wkst": "MO",
                "byday": ",".join(BYDAY.values()),
                "opens_at": "00:00",
                "closes_at": "23:59",
                "timezone": UTC_OFFSET_HOURS,
                "description": _("24小时开放"),
            }
        ]
    spans: dict[tuple[str, str, bool, str, str], list[int]] = defaultdict(list)
    for p in periods:
        if getattr(p, "on_date", ""):
            continue  # a one-day change of hours is not a rule
        key = (f"{p.opens:%H:%M}", f"{p.closes:%H:%M}", p.overnight, p.season_start, p.season_end)
        spans[key].append(p.weekday)
    out = []
    for (opens, closes, overnight, season_start, season_end), days in sorted(spans.items()):
        days = sorted(set(days))
        byday = ",".join(BYDAY[d] for d in days)
        record: dict[str, Any] = {
            **base,
            "id": hsds_id("schedule", f"{station.code}:{byday}:{opens}:{closes}:{season_start}"),
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": byday,
            "opens_at": opens,
            "closes_at": closes,
            "timezone": UTC_OFFSET_HOURS,
            "description": (_("跨午夜，次日 %(time)s 关闭") % {"time": closes})
            if overnight
            else None,
        }
        if season_start:
            record["valid_from"], record["valid_to"] = _season_bounds(
                season_start, season_end, today
            )
            record["notes"] = _("季节性开放时间，每年 %(start)s 至 %(end)s") % {
                "start": season_start,
                "end": season_end,
            }
        out.append(record)
    return out


def hsds_page(*, stations: QuerySet[Station], page: int, per_page: int) -> dict[str, Any]:
    """One page of the HSDS export (stations ordered by code) with the records they need."""
    total = stations.count()
    start = (page - 1) * per_page
    batch = list(
        stations.order_by("code").select_related("region__parent__parent")[start : start + per_page]
    )
    catalog = {s.code: s for s in Service.objects.order_by("sort_order")}
    today = local_time.today()
    unions = _with_ancestors({s.union_id for s in batch})
    union_codes = {u.pk: u.code for u in unions}
    locations, addresses, phones, services, links, schedules = [], [], [], [], [], []
    for station in batch:
        location_id = hsds_id("location", station.code)
        service_id = hsds_id("service", station.code)
        link_id = hsds_id("service_at_location", station.code)
        organization_id = hsds_id("organization", union_codes[station.union_id])
        amenities = [catalog[c] for c in station.service_codes if c in catalog]
        locations.append(
            {
                "id": location_id,
                "location_type": "physical",
                "organization_id": organization_id,
                "name": station.name,
                "alternate_name": station.name_en or None,
                "description": station.host_organization or None,
                "latitude": round(station.location.y, 6),
                "longitude": round(station.location.x, 6),
                "external_identifier": station.code,
                "external_identifier_type": "yizhan-station-code",
                "url": None,
                "accessibility": _accessibility(station, location_id),
            }
        )
        addresses.append(
            {
                "id": hsds_id("address", station.code),
                "location_id": location_id,
                "address_1": station.address,
                "city": _division(station.region, Region.Level.PREFECTURE),
                "region": _division(station.region, Region.Level.COUNTY) or None,
                "state_province": _division(station.region, Region.Level.PROVINCE),
                "postal_code": "",  # not kept: the station code and the point locate it
                "country": "CN",
                "address_type": "physical",
            }
        )
        if station.phone:
            phones.append(
                {
                    "id": hsds_id("phone", station.code),
                    "location_id": location_id,
                    "number": station.phone,
                    "type": "voice",
                    "description": _("站点电话"),
                }
            )
        services.append(
            {
                "id": service_id,
                "organization_id": organization_id,
                "name": _("户外劳动者服务站点：%(name)s") % {"name": station.name},
                "alternate_name": station.name_en or None,
                "description": _("为户外劳动者免费提供：%(list)s。")
                % {"list": "、".join(s.name for s in amenities) or _("休息")},
                "status": "active",
                "fees_description": _("免费"),
                "eligibility_description": _(
                    "户外劳动者：快递员、外卖骑手、环卫工人、建筑工人、网约车司机、保安等。"
                ),
                "url": presenters.station_url(station),
                "last_modified": station.updated_at.astimezone(dt.UTC).isoformat(),
                "attributes": [
                    {
                        "id": hsds_id("attribute", f"{station.code}:{s.code}"),
                        "link_id": service_id,
                        "link_type": "service",
                        "value": s.code,
                    }
                    for s in amenities
                ],
            }
        )
        links.append({"id": link_id, "service_id": service_id, "location_id": location_id})
        schedules.extend(
            schedules_of(
                station, service_at_location_id=link_id, location_id=location_id, today=today
            )
        )
    return {
        "hsds_version": HSDS_VERSION,
        "total_items": total,
        "page_number": page,
        "size": per_page,
        "total_pages": max(1, -(-total // per_page)),
        "organizations": _present(_organizations(unions)),
        "locations": _present(locations),
        "addresses": _present(addresses),
        "phones": _present(phones),
        "services": _present(services),
        "service_at_locations": _present(links),
        "schedules": _present(schedules),
    }


def _accessibility(station: Station, location_id: str) -> list[dict[str, Any]]:
    features = (
        ("step_free", _("无障碍通道"), station.step_free),
        ("toilet", _("无障碍卫生间"), station.accessible_toilet),
    )
    return [
        {
            "id": hsds_id("accessibility", f"{station.code}:{name}"),
            "location_id": location_id,
            "description": text,
        }
        for name, text, present in features
        if present
    ]


def _present(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records without the optional fields we have no value for (HSDS types them as
    strings: an absent field is valid where null is not)."""
    return [{k: v for k, v in r.items() if v is not None} for r in records]


def _division(region: Region | None, level: str) -> str:
    """The name of ``region`` or the division above it at ``level`` ("" when none)."""
    while region is not None:
        if region.level == level:
            return region.name
        region = region.parent
    return ""
