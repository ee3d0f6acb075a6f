"""The panel the welfare app adds to the organizer overview (``/organizer/``), through
``stations.panels`` (registered in ``WelfareConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core import time as local_time
from core.scoping import scope_for
from stations import selectors as station_selectors
from welfare import surveillance
from welfare.selectors.alerts import COLD_KINDS, alert_body, alerts_for_region, cold_alerts_in_scope
from welfare.selectors.health import checks_due_by_workplace, month_end, open_follow_ups
from welfare.selectors.workplaces import cold_and_high_workplaces


def checks_due_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Health checks overdue and due this month, and open follow-ups, by workplace."""
    scope = scope_for(request.user)
    if not scope.is_organizer:
        return None
    today = local_time.today()
    return {
        "rows": checks_due_by_workplace(scope=scope, on=today),
        "month_end": month_end(today),
        "today": today,
        "follow_ups": list(open_follow_ups(scope=scope)[:20]),
    }


#: What organizers do when a cold alert is out (shown beside the alerts).
COLD_ACTIONS = (
    _("通知辖区驿站开放取暖、延长开放时间，全天供应热水。"),
    _("按暖休时间表安排户外劳动者进站暖休；风寒高风险时停止非紧急户外作业。"),
    _("向环卫、快递、外卖和建筑工人发放手套、棉衣、暖宝宝和保温杯。"),
)


def cold_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Cold-wave and wind-chill alerts in the organizer's regions with what to do, and the
    workplaces with cold work (GB/T 14440 grade) or at high altitude; hidden when none."""
    scope = scope_for(request.user)
    if not scope.is_organizer:
        return None
    alerts = cold_alerts_in_scope(scope=scope)
    workplaces = cold_and_high_workplaces(scope=scope)
    if not alerts and not workplaces:
        return None
    return {
        "alerts": [alert_body(a) for a in alerts],
        "actions": COLD_ACTIONS,
        "workplaces": workplaces,
        "high_altitude_m": settings.HIGH_ALTITUDE_M,
        "high_altitude_advice": surveillance.HIGH_ALTITUDE_ADVICE
        if any(row["high_altitude"] for row in workplaces)
        else None,
    }


#: What a station does while a cold alert is out (the desk's cold tab).
STATION_COLD_ACTIONS = (
    _("打开取暖，延长开放时间，全天供应热水，有条件的提供热饭。"),
    _("欢迎户外劳动者进站暖休，不限次数；留意冻伤和失温的迹象。"),
    _("把手套、暖宝宝等防寒物资放在门口显眼处发放。"),
)


def desk_cold_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Today's cold-wave and wind-chill alerts over the stations this user keeps the desk
    for, with what a station does; no tab when there are none."""
    stations = list(
        station_selectors.desk_stations(user=request.user).select_related("region")[:200]
    )
    by_region: dict[int, list[Any]] = {}
    for station in stations:
        by_region.setdefault(station.region_id, []).append(station)
    today = local_time.today()
    rows = []
    for members in by_region.values():
        alerts = alerts_for_region(region=members[0].region).filter(day=today, kind__in=COLD_KINDS)
        for alert in alerts:
            rows.append({"alert": alert_body(alert), "stations": members})
    if not rows:
        return None
    return {"title": _("防寒"), "rows": rows, "actions": STATION_COLD_ACTIONS}
