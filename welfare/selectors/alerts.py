"""Weather alerts as the public and the organizers see them: our own estimates (提示)
and the official signals as issued, merged with the official first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core import time as local_time
from core.scoping import Scope
from stations.models import Region
from welfare.models import OfficialAlert, WeatherAlert


def region_chain(region: Region) -> list[Region]:
    chain = []
    while region is not None:
        chain.append(region)
        region = region.parent
    return chain


def alerts_for_region(*, region: Region, on: dt.date | None = None) -> QuerySet[WeatherAlert]:
    """Today's and coming alerts of the region and of the divisions above it."""
    on = on or local_time.today()
    return (
        WeatherAlert.objects.filter(region__in=[r.pk for r in region_chain(region)], day__gte=on)
        .select_related("region")
        .order_by("day", "-level")
    )


#: The title of each kind of our own estimate, by level. These are 提示 (advice), never
#: 预警: under 《中华人民共和国气象法》第二十二条 only the meteorological offices publish
#: weather warnings, so no title we compute names a warning or a signal colour.
ALERT_TITLES: dict[str, dict[int, Any]] = {
    "heat": {1: _("高温提示"), 2: _("高温提示"), 3: _("高温提示")},
    "cold_wave": {1: _("降温提示"), 2: _("较强降温提示"), 3: _("强降温提示"),
                  4: _("极强降温提示")},
    "wind_chill": {1: _("风寒提示：中等风险"), 2: _("风寒提示：高风险"),
                   3: _("风寒提示：很高风险"), 4: _("风寒提示：严重风险"),
                   5: _("风寒提示：极端风险")},
}  # fmt: skip
#: The line every estimate of ours carries.
ADVISORY_NOTE = _("模型估算，以气象部门发布为准")
ADVISORY_LABEL = _("本站提示")
OFFICIAL_LABEL = _("气象部门发布")
#: A signal's colour in words, as the page says it beside the headline.
COLOUR_NAMES = {"blue": _("蓝色"), "yellow": _("黄色"), "orange": _("橙色"), "red": _("红色")}
COLOUR_RANKS = {"blue": 1, "yellow": 2, "orange": 3, "red": 4}


def alert_title(alert: WeatherAlert) -> str:
    """ "降温提示 · 最低 −12.0°C", "风寒提示：高风险 · 风寒指数 −33", "高温提示 37.5°C"."""
    name = str(ALERT_TITLES.get(alert.kind, {}).get(alert.level, alert.get_kind_display()))
    if alert.kind == WeatherAlert.Kind.COLD_WAVE:
        return str(_("%(name)s · 最低 %(t)s°C") % {"name": name, "t": alert.temperature})
    if alert.kind == WeatherAlert.Kind.WIND_CHILL:
        return str(_("%(name)s · 风寒指数 %(t)s") % {"name": name, "t": int(alert.temperature)})
    return f"{name} {alert.temperature}°C"


def _region_name(region: Region) -> str:
    english = (get_language() or "").startswith("en")
    return (region.name_en or region.name) if english else region.name


def alert_body(alert: WeatherAlert) -> dict[str, Any]:
    """One of our own estimates as the API and the map show it, in the request's language:
    ``source`` "advisory", a 提示 title, and the line 模型估算，以气象部门发布为准."""
    english = (get_language() or "").startswith("en")
    return {
        "source": "advisory",
        "source_label": str(ADVISORY_LABEL),
        "note": str(ADVISORY_NOTE),
        "title": alert_title(alert),
        "colour": "",
        "region": alert.region.code,
        "region_name": _region_name(alert.region),
        "day": alert.day.isoformat(),
        "kind": alert.kind,
        "level": alert.level,
        "temperature": float(alert.temperature),
        "advice": alert.advice_en if english else alert.advice,
        "stale": alert.stale,
        "sender": "",
        "sent": None,
        "expires": None,
    }


def official_in_force(*, at: dt.datetime | None = None) -> QuerySet[OfficialAlert]:
    """Official signals in force at ``at``: status Actual, an Alert or Update not withdrawn
    by a later message, before its expiry (or within ``OFFICIAL_ALERT_DEFAULT_HOURS`` of
    being sent when it gives none)."""
    at = at or local_time.now()
    default = dt.timedelta(hours=settings.OFFICIAL_ALERT_DEFAULT_HOURS)
    return OfficialAlert.objects.filter(
        Q(expires__gt=at) | Q(expires__isnull=True, sent__gt=at - default),
        status="Actual",
        msg_type__in=(OfficialAlert.MsgType.ALERT, OfficialAlert.MsgType.UPDATE),
        withdrawn_at__isnull=True,
        sent__lte=at + dt.timedelta(minutes=5),  # not from the future (clock skew allowed)
    )


def official_for_region(*, region: Region, at: dt.datetime | None = None) -> list[OfficialAlert]:
    """Signals in force over ``region`` or a division above it, the most severe first."""
    chain = [r.pk for r in region_chain(region)]
    rows = (
        official_in_force(at=at)
        .filter(regions__in=chain)
        .distinct()
        .prefetch_related("regions")
        .order_by("-sent")
    )
    return sorted(rows, key=lambda a: -COLOUR_RANKS.get(a.colour, 0))


def official_body(alert: OfficialAlert, *, region: Region | None = None) -> dict[str, Any]:
    """An official signal as issued: its headline and colour verbatim, with the sender
    and the time it was sent (Beijing time); ``source`` "official"."""
    covered = list(alert.regions.all())
    shown = region if region is not None else (covered[0] if covered else None)
    sent = local_time.to_local(alert.sent)
    sender = alert.sender_name or alert.sender
    return {
        "source": "official",
        "source_label": str(OFFICIAL_LABEL),
        "note": str(
            _("%(sender)s %(time)s 发布") % {"sender": sender, "time": f"{sent:%Y-%m-%d %H:%M}"}
        ),
        "title": alert.headline or alert.event,
        "colour": alert.colour,
        "colour_name": str(COLOUR_NAMES.get(alert.colour, "")),
        "region": shown.code if shown else "",
        "region_name": _region_name(shown) if shown else alert.area_desc,
        "area": alert.area_desc,
        "day": sent.date().isoformat(),
        "kind": alert.kind,
        "level": COLOUR_RANKS.get(alert.colour, 0),
        "event": alert.event,
        "advice": alert.instruction or alert.description,
        "description": alert.description,
        "stale": False,
        "identifier": alert.identifier,
        "sender": sender,
        "sent": alert.sent.isoformat(),
        "expires": alert.expires.isoformat() if alert.expires else None,
    }


def alerts_merged(
    *, region: Region | None = None, on: dt.date | None = None, limit: int = 6
) -> list[dict[str, Any]]:
    """What the public sees today: official signals first (as issued), then our own
    estimates. With ``region``, those over it and the divisions above it; without, all.
    An estimate over a region an official signal also covers says so (``beside_official``).
    """
    on = on or local_time.today()
    if region is not None:
        official = official_for_region(region=region)
        advisory = list(alerts_for_region(region=region, on=on).filter(day=on)[:limit])
    else:
        official = sorted(
            official_in_force().prefetch_related("regions").order_by("-sent")[:limit],
            key=lambda a: -COLOUR_RANKS.get(a.colour, 0),
        )
        advisory = alerts_today(on=on, limit=limit)
    out = [official_body(a, region=_covering(a, region)) for a in official]
    covered = {r.pk for a in official for r in a.regions.all()}
    for alert in advisory:
        body = alert_body(alert)
        body["beside_official"] = bool(covered & {r.pk for r in region_chain(alert.region)})
        out.append(body)
    return out[:limit]


def _covering(alert: OfficialAlert, region: Region | None) -> Region | None:
    if region is None:
        return None
    chain = {r.pk: r for r in region_chain(region)}
    return next((chain[r.pk] for r in alert.regions.all() if r.pk in chain), region)


def alerts_today(*, on: dt.date | None = None, limit: int = 8) -> list[WeatherAlert]:
    on = on or local_time.today()
    return list(
        WeatherAlert.objects.filter(day=on)
        .select_related("region")
        .order_by("-level", "region__code")[:limit]
    )


COLD_KINDS = (WeatherAlert.Kind.COLD_WAVE, WeatherAlert.Kind.WIND_CHILL)


def cold_alerts_in_scope(*, scope: Scope, on: dt.date | None = None, limit: int = 20) -> list[Any]:
    """Cold-wave and wind-chill alerts, today and coming, in the regions of the scope's
    unions (the strongest first each day)."""
    on = on or local_time.today()
    return list(
        scope.filter(
            WeatherAlert.objects.filter(day__gte=on, kind__in=COLD_KINDS),
            union_path_field="region__unions__path",
        )
        .distinct()
        .select_related("region")
        .order_by("day", "-level", "region__code")[:limit]
    )
