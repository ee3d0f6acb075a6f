"""Official warning signals (CAP 1.2): store what a meteorological office issued, place it
on regions, withdraw what a later message cancels or replaces."""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from dataclasses import dataclass

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from stations.models import Region
from welfare import cap
from welfare.exceptions import WelfareError
from welfare.models import OfficialAlert

log = logging.getLogger(__name__)

#: Messages shown on the map: CAP ``status`` Actual only (Exercise, System, Test and Draft
#: are not for the public), message types that carry a warning.
SHOWN_TYPES = (OfficialAlert.MsgType.ALERT, OfficialAlert.MsgType.UPDATE)
WITHDRAWING_TYPES = (OfficialAlert.MsgType.UPDATE, OfficialAlert.MsgType.CANCEL)


class CapRejected(WelfareError):
    """A document that is not a CAP 1.2 alert we can take (malformed, invalid, unsafe)."""


@dataclass(frozen=True)
class Ingested:
    """What one document did: ``outcome`` is stored, duplicate, expired or ignored;
    ``withdrew`` counts earlier alerts it cancelled or replaced."""

    identifier: str
    outcome: str
    withdrew: int = 0
    regions: int = 0


def _reference_key(sender: str, identifier: str) -> str:
    return f" {sender},{identifier},"


def region_codes(values: list[str]) -> list[str]:
    """GB/T 2260 codes from ``<geocode>`` values: NFKC, ASCII digits, the first six digits
    (a 9- or 12-digit statistical code starts with its county's six)."""
    out = []
    for value in values:
        digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", value))
        if len(digits) >= 6 and digits[:6] not in out:
            out.append(digits[:6])
    return out


def _geometry(alert: cap.CapAlert) -> MultiPolygon | None:
    rings = [ring for area in alert.areas for ring in area.polygons]
    if not rings:
        return None
    polygons = []
    for ring in rings:
        polygon = Polygon(ring, srid=4326)
        if not polygon.valid:
            polygon = polygon.buffer(0)  # a self-touching ring as drawn by hand
        if isinstance(polygon, Polygon) and not polygon.empty:
            polygons.append(polygon)
    return MultiPolygon(polygons, srid=4326) if polygons else None


def _place(alert: cap.CapAlert, geometry: MultiPolygon | None) -> list[Region]:
    """The regions an alert covers: those its geocodes name, and those its polygon meets
    (by boundary, or by seat where a region has no boundary on record)."""
    found = {r.pk: r for r in Region.objects.filter(code__in=region_codes(alert.geocodes))}
    if geometry is not None:
        for region in Region.objects.filter(
            Q(boundary__intersects=geometry)
            | Q(boundary__isnull=True, reference_point__within=geometry)
        ):
            found.setdefault(region.pk, region)
    return list(found.values())


def _in_force(alert: cap.CapAlert, now: dt.datetime) -> bool:
    return alert.expires is None or alert.expires > now


@transaction.atomic
def official_alert_ingest(
    *, data: bytes, source: str = "", now: dt.datetime | None = None
) -> Ingested:
    """Take one CAP 1.2 document (bytes as received).

    Validates it against the schema (``welfare.cap``), stores an Alert or Update in force
    with the regions it covers, and withdraws the earlier alerts an Update or Cancel names
    in ``<references>``. Safe to run twice: a (sender, identifier) already stored is a
    duplicate and changes nothing. Raises ``CapRejected`` for what is not a CAP 1.2 alert.
    """
    now = now or timezone.now()
    try:
        alert = cap.parse(data)
    except cap.CapError as exc:
        raise CapRejected(str(exc), field="document") from None
    if alert.status != "Actual":
        return Ingested(alert.identifier, "ignored")
    if OfficialAlert.objects.filter(sender=alert.sender, identifier=alert.identifier).exists():
        return Ingested(alert.identifier, "duplicate")
    withdrew = 0
    if alert.msg_type in WITHDRAWING_TYPES:
        for sender, identifier, _sent in alert.references:
            withdrew += OfficialAlert.objects.filter(
                sender=sender, identifier=identifier, withdrawn_at__isnull=True
            ).update(withdrawn_at=now, withdrawn_by=alert.identifier)
    if alert.msg_type in SHOWN_TYPES and not _in_force(alert, now):
        return Ingested(alert.identifier, "expired", withdrew)
    if alert.msg_type not in (*SHOWN_TYPES, OfficialAlert.MsgType.CANCEL):
        return Ingested(alert.identifier, "ignored", withdrew)
    geometry = _geometry(alert)
    # A Cancel or Update that arrived before this alert has withdrawn it already.
    later = (
        OfficialAlert.objects.filter(
            msg_type__in=WITHDRAWING_TYPES,
            references__contains=_reference_key(alert.sender, alert.identifier),
        )
        .order_by("sent")
        .first()
    )
    row = OfficialAlert.objects.create(
        identifier=alert.identifier[:200],
        sender=alert.sender[:200],
        sender_name=alert.sender_name[:200],
        sent=alert.sent,
        effective=alert.effective,
        expires=alert.expires,
        msg_type=alert.msg_type,
        status=alert.status,
        references=(" " + " ".join(",".join(r) for r in alert.references) + " ")
        if alert.references
        else "",
        language=alert.language[:20],
        event=alert.event[:200],
        kind=alert.kind,
        severity=alert.severity,
        urgency=alert.urgency,
        certainty=alert.certainty,
        colour=alert.colour,
        headline=alert.headline[:500],
        description=alert.description,
        instruction=alert.instruction,
        area_desc="；".join(a.description for a in alert.areas),
        geocodes=alert.geocodes,
        polygon=geometry,
        raw_xml=alert.raw,
        source_url=source[:500],
        withdrawn_at=now if later is not None else None,
        withdrawn_by=later.identifier if later is not None else "",
    )
    regions = _place(alert, geometry) if alert.msg_type in SHOWN_TYPES else []
    row.regions.set(regions)
    log.info("official alert %s from %s: %s regions", alert.identifier, alert.sender, len(regions))
    return Ingested(alert.identifier, "stored", withdrew, len(regions))
