"""Public pages: the map, one station, and a server-rendered nearby list (works without JS)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import time as local_time
from core.errors import DomainError
from core.throttling import public_form_allowed
from maps import presenters, selectors
from maps.params import BadParameter, parse_bool, parse_lat_lng, parse_services
from stations import selectors as station_selectors
from stations import services as station_services
from stations.models import FacilityReport, Region, Service

#: Towns offered when the phone cannot tell where the worker is.
CITY_CODES = (
    "630100", "630200", "632801", "632802", "632521", "632223", "632701", "632621", "632301",
)  # fmt: skip


def cities() -> list[dict[str, object]]:
    regions = {r.code: r for r in Region.objects.filter(code__in=CITY_CODES)}
    out = []
    for code in CITY_CODES:
        region = regions.get(code)
        if region is None or region.reference_point is None:
            continue
        out.append({
            "code": code,
            "name": presenters.label(region),
            "lat": round(region.reference_point.y, 5),
            "lng": round(region.reference_point.x, 5),
        })  # fmt: skip
    return out


def service_choices() -> list[dict[str, str]]:
    return [
        {"code": s.code, "name": presenters.label(s), "icon": s.icon}
        for s in Service.objects.order_by("sort_order")
    ]


def ui_strings() -> dict[str, str]:
    return {
        "locating": _("正在获取您的位置…"),
        "geo_denied": _("无法获取您的位置（已拒绝或不可用）。请在地图上点选您的位置，或选择城市。"),
        "geo_unsupported": _("此浏览器不支持定位。请在地图上点选您的位置，或选择城市。"),
        "tap_map": _("已使用您在地图上点选的位置。"),
        "no_results": _("附近没有符合条件的站点。试试取消一些筛选条件。"),
        "open": _("开放中"),
        "closed": _("已关闭"),
        "walk": _("步行约 %(min)s 分钟"),
        "metres": _("%(n)s 米"),
        "kilometres": _("%(n)s 公里"),
        "loading": _("加载中…"),
        "error": _("加载失败，请稍后重试。"),
        "you_are_here": _("您的位置"),
        "details": _("详情"),
        "close": _("关闭"),
        "stations_here": _("%(n)s 个站点"),
        "hours_today": _("今日"),
        "closed_today": _("今日闭站"),
        "call": _("拨打电话"),
        "nearest": _("离您最近的站点"),
        "zoom_in": _("放大地图查看站点"),
    }


def home(request: HttpRequest) -> HttpResponse:
    """The public map page."""
    config = {
        "tiles": settings.TILE_PROVIDER,
        "center": [36.6171, 101.7782],
        "zoom": 12,
        "cluster_below_zoom": 12,
        "api": {
            "nearby": "/api/v1/stations/nearby/",
            "bbox": "/api/v1/stations/",
            "clusters": "/api/v1/stations/clusters/",
            "detail": "/api/v1/stations/",
        },
        "strings": ui_strings(),
        "services": service_choices(),
    }
    return render(
        request,
        "maps/home.html",
        {
            "config": config,
            "cities": cities(),
            "services": config["services"],
            "alerts": presenters.weather_alerts_today(),
        },
    )


def station_page(request: HttpRequest, code: str) -> HttpResponse:
    return _station_page(request, code)


def _station_page(
    request: HttpRequest, code: str, *, form_error: str | None = None, status: int = 200
) -> HttpResponse:
    station = selectors.station_detail(code=code)
    if station is None:
        raise Http404(_("没有这个站点。"))
    origin = None
    raw_from = request.GET.get("from", "")
    if raw_from:
        try:
            lat, lng = (float(v) for v in raw_from.split(","))
            if -90 <= lat <= 90 and -180 <= lng <= 180:
                origin = (lat, lng)
        except ValueError:
            origin = None
    at = timezone.now()
    detail = presenters.station_detail(station, at=at)
    props = detail["properties"]
    return render(
        request,
        "maps/station.html",
        {
            "station": station,
            "props": props,
            "directions": presenters.directions_links(station, origin=origin),
            "lat": station.location.y,
            "lng": station.location.x,
            "visit_series": [
                (f"{day:%m-%d}", n)
                for day, n in station_selectors.station_visit_series(station=station, days=30)
            ],
            "report_kinds": FacilityReport.Kind.choices,
            "form_error": form_error,
            "sent": request.GET.get("sent"),
        },
        status=status,
    )


def nearby_page(request: HttpRequest) -> HttpResponse:
    """The same answer as the nearby API, rendered on the server for phones without JS."""
    context: dict[str, object] = {
        "cities": cities(),
        "services": service_choices(),
        "selected_services": [],
        "open_now": False,
        "results": None,
        "error": None,
    }
    params = request.GET.copy()
    city = params.get("city")
    if city and not params.get("lat"):
        match = next((c for c in cities() if c["code"] == city), None)
        if match:
            params["lat"], params["lng"] = str(match["lat"]), str(match["lng"])
    services_param = ",".join(params.getlist("service")) if params.getlist("service") else ""
    params["service"] = services_param
    if params.get("lat") or params.get("lng"):
        try:
            lat, lng = parse_lat_lng(params)
            services = parse_services(params)
            open_now = parse_bool(params, "open_now")
        except BadParameter as exc:
            context["error"] = exc.message
        else:
            at = timezone.now()
            found = selectors.station_nearby(
                lat=lat, lng=lng, limit=20, services=services, open_now=open_now, at=at
            )
            day = local_time.to_local(at).date()
            catalog = {s["code"]: s for s in service_choices()}
            context.update(
                selected_services=services,
                open_now=open_now,
                lat=lat,
                lng=lng,
                results=[
                    {
                        "station": item.station,
                        "distance_m": round(item.distance_m),
                        "walk_min": selectors.walking_minutes(item.distance_m),
                        "open_now": item.open_now,
                        "hours_today": (today_text := presenters.hours_today(item.station, day)),
                        "closed_today": today_text == _("今日闭站"),
                        "services": [
                            catalog[c] for c in item.station.service_codes if c in catalog
                        ],
                    }
                    for item in found
                ],
            )
    status = 400 if context["error"] else 200
    return render(request, "maps/nearby.html", context, status=status)


def _form_response(request: HttpRequest, code: str, *, ok: str) -> HttpResponse:
    return redirect(f"{reverse('maps:station', args=[code])}?sent={ok}#feedback")


@require_POST
def station_feedback(request: HttpRequest, code: str) -> HttpResponse:
    """The rating form of the station page (works without JavaScript)."""
    if not public_form_allowed(request):
        return _station_page(request, code, form_error=_("提交太频繁，请稍后再试。"), status=429)
    try:
        station_services.feedback_submit(
            station_code=code,
            rating=request.POST.get("rating"),
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        return _station_page(request, code, form_error=exc.message, status=exc.status_code)
    return _form_response(request, code, ok="feedback")


@require_POST
def station_report(request: HttpRequest, code: str) -> HttpResponse:
    """The "report a problem" form of the station page."""
    if not public_form_allowed(request):
        return _station_page(request, code, form_error=_("提交太频繁，请稍后再试。"), status=429)
    try:
        station_services.report_submit(
            station_code=code,
            kind=request.POST.get("kind", ""),
            description=request.POST.get("description", ""),
            photo=request.FILES.get("photo"),
        )
    except DomainError as exc:
        return _station_page(request, code, form_error=exc.message, status=exc.status_code)
    return _form_response(request, code, ok="report")
