"""Public pages: the map, one station, and a server-rendered nearby list (works without JS)."""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import pathlib

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core import seasons
from core import time as local_time
from core.api import error_body
from core.errors import DomainError
from core.throttling import public_form_retry_after, too_many
from maps import filters, selectors, tiles
from maps.filters import BadParameter, read_query
from maps.presenters import alerts as alert_presenters
from maps.presenters import detail as detail_presenters
from maps.presenters import stations as station_presenters
from stations import selectors as station_selectors
from stations.models import FacilityReport, Region, Service
from stations.services import public_reports

#: Services that help a worker warm up, shown with a cold alert on a station's page.
WARM_SERVICES = ("heating", "hot_water", "microwave")

#: The services offered as filter chips on the map (the rest are in the station sheet).
CHIP_CODES = ("water", "shade", "toilet", "hot_water", "charging", "ebike_charging", "microwave",
              "heating", "first_aid", "medicine", "ac")  # fmt: skip

#: Towns offered when the phone cannot tell where the worker is.
CITY_CODES = (
    "630100", "630200", "632801", "632802", "632521", "632223", "632701", "632621", "632301",
)  # fmt: skip


def warm_services_text(services: list[dict[str, str]]) -> str:
    """In the cold, what this station offers to warm up: "这里可以进站暖和一下：♨️ 热水、🔥 取暖。"
    ("" when it offers none of ``WARM_SERVICES``)."""
    warm = [f"{s['icon']} {s['name']}" for s in services if s["code"] in WARM_SERVICES]
    if not warm:
        return ""
    separator = ", " if station_presenters.english() else "、"
    return _("这里可以进站暖和一下：%(services)s。") % {"services": separator.join(warm)}


def cities() -> list[dict[str, object]]:
    regions = {r.code: r for r in Region.objects.filter(code__in=CITY_CODES)}
    out = []
    for code in CITY_CODES:
        region = regions.get(code)
        if region is None or region.reference_point is None:
            continue
        out.append({
            "code": code,
            "name": station_presenters.label(region),
            "lat": round(region.reference_point.y, 5),
            "lng": round(region.reference_point.x, 5),
        })  # fmt: skip
    return out


def service_choices() -> list[dict[str, object]]:
    """The service catalog, the season's services first (``SEASON_SERVICES``)."""
    first = seasons.season_services(seasons.current_season())
    services = sorted(
        Service.objects.order_by("sort_order"),
        key=lambda s: first.index(s.code) if s.code in first else len(first),
    )
    return [
        {
            "code": s.code,
            "name": station_presenters.label(s),
            "icon": s.icon,
            "season": s.code in first,
        }
        for s in services
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
        "hours_unknown": _("营业时间未登记"),
        "from_you": _("距您的位置"),
        "from_tap": _("距地图上点选的位置"),
        "from_city": _("距%(city)s中心"),
        "offline": _("没有网络连接。"),
        "unreachable": _("连不上服务器，可能是信号太弱。"),
        "server_error": _("服务器暂时出错，请稍后再试。"),
        "showing_saved": _("下面是上次保存的列表。"),
        "light_list": _("打开简易列表"),
        "nearest_open": _("附近正在开放的站点："),
        "report_problem": _("报告这个站点的问题"),
        "stale": _("（预报未能更新）"),
        "details": _("详情"),
        "close": _("收起"),
        "view_station": _("查看站点"),
        "saved_station": _("没有网络：以下是保存在手机上的信息，开放状态按手机时间推算。"),
        "stations_here": _("%(n)s 个站点"),
        "hours_today": _("今日"),
        "closed_today": _("今日闭站"),
        "call": _("拨打电话"),
        "nearest": _("离您最近的站点"),
        "zoom_in": _("放大地图查看站点"),
        "altitude": _("海拔 %(m)s 米"),
    }


def home(request: HttpRequest) -> HttpResponse:
    """The public map page."""
    alerts = alert_presenters.weather_alerts_today()
    config = {
        "tiles": settings.TILE_PROVIDER,
        "center": [36.6171, 101.7782],
        "center_name": _("西宁市"),
        "light_list": reverse("maps:nearby"),
        "service_worker": reverse("maps:service-worker"),
        "zoom": 12,
        "cluster_below_zoom": tiles.CLUSTER_BELOW_ZOOM,
        # Zoomed out, PostGIS serves vector tiles (cached, clusters built by ST_AsMVT);
        # SpatiaLite has no ST_AsMVT, so the map asks the clusters endpoint instead.
        "vector_tiles": reverse("maps:station-tile", args=[1, 2, 3]).replace(
            "/1/2/3.", "/{z}/{x}/{y}."
        )
        if tiles.vector_tiles_available()
        else None,
        "api": {
            "nearby": "/api/v1/stations/nearby/",
            "bbox": "/api/v1/stations/",
            "clusters": "/api/v1/stations/clusters/",
            "detail": "/api/v1/stations/",
            "alerts": reverse("api-alerts-here"),
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
            "season": seasons.current_season(),
            "chip_codes": CHIP_CODES,
            "alerts": alerts,
            "cold_alerts": any(a["kind"] != "heat" for a in alerts),
            "vector_tiles": bool(config["vector_tiles"]),
        },
    )


VECTOR_GRID = "maps/vendor/leaflet.vectorgrid-1.3.0/Leaflet.VectorGrid.bundled.min.js"
#: What the finder needs to open with no signal (the service worker keeps these).
SHELL_FILES = ("maps/site.css", "maps/map.css", "maps/coords.js", "maps/finder.js",
               "leaflet/leaflet.css", "leaflet/leaflet.js", "maps/favicon.svg",
               VECTOR_GRID)  # fmt: skip


@functools.cache
def _shell() -> tuple[list[str], str]:
    urls = [static(name) for name in SHELL_FILES]
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        found = finders.find(name)
        if found:
            digest.update(pathlib.Path(found).read_bytes())
    digest.update(pathlib.Path(__file__).with_name("templates").joinpath(
        "maps", "finder-sw.js").read_bytes())  # fmt: skip
    return urls, digest.hexdigest()[:12]


def service_worker(request: HttpRequest) -> HttpResponse:
    """The finder's service worker, served at the root so that its scope covers the map
    and station pages (a script under /static/ could only control /static/)."""
    shell, version = _shell()
    response = render(
        request,
        "maps/finder-sw.js",
        {"shell": json.dumps(shell), "version": version},
        content_type="application/javascript",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


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
    detail = detail_presenters.station_detail(station, at=at)
    props = detail["properties"]
    alerts = alert_presenters.weather_alerts_today(region=station.region, shelter=False)
    cold_alerts = any(a["kind"] != "heat" for a in alerts)
    return render(
        request,
        "maps/station.html",
        {
            "station": station,
            "props": props,
            "directions": detail_presenters.directions_links(station, origin=origin),
            "lat": station.location.y,
            "lng": station.location.x,
            "visit_series": [
                (f"{day:%m-%d}", n)
                for day, n in station_selectors.station_visit_series(station=station, days=30)
            ],
            "report_kinds": FacilityReport.Kind.choices,
            "form_error": form_error,
            "sent": request.GET.get("sent"),
            "alerts": alerts,
            "cold_alerts": cold_alerts,
            "warm_services": warm_services_text(props["services"]),
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
    origin_label = _("距您的位置")
    if city and not params.get("lat"):
        match = next((c for c in cities() if c["code"] == city), None)
        if match:
            params["lat"], params["lng"] = str(match["lat"]), str(match["lng"])
            # Measured from the city centre, and said so: not "nearby".
            origin_label = _("距%(city)s中心") % {"city": match["name"]}
        else:
            context["error"] = _("未知的城市代码：%(code)s。") % {"code": city[:12]}
    services_param = ",".join(params.getlist("service")) if params.getlist("service") else ""
    params["service"] = services_param
    if params.get("lat") or params.get("lng"):
        try:
            query = read_query(filters.NearbyPageFilter, params)
            lat, lng = query["lat"], query["lng"]
            services, open_now = query["service"], query["open_now"]
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
                origin_label=origin_label,
                selected_services=services,
                open_now=open_now,
                lat=lat,
                lng=lng,
                results=[
                    {
                        "station": item.station,
                        "distance_m": round(item.distance_m),
                        "distance_text": station_presenters.distance_text(item.distance_m),
                        "travel": station_presenters.travel(item.distance_m),
                        "open_now": item.open_now,
                        "next_open": ""
                        if item.open_now
                        else station_presenters.next_open_text(item.station, at=at),
                        "hours_today": (
                            today_text := station_presenters.hours_today(item.station, day)
                        ),
                        "closed_today": today_text in (_("今日闭站"), _("营业时间未登记")),
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
    if (wait := public_form_retry_after(request)) is not None:
        page = _station_page(request, code, form_error=_("提交太频繁，请稍后再试。"), status=429)
        return too_many(page, wait)
    try:
        public_reports.feedback_submit(
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
    if (wait := public_form_retry_after(request)) is not None:
        page = _station_page(request, code, form_error=_("提交太频繁，请稍后再试。"), status=429)
        return too_many(page, wait)
    try:
        public_reports.report_submit(
            station_code=code,
            kind=request.POST.get("kind", ""),
            description=request.POST.get("description", ""),
            photo=request.FILES.get("photo"),
        )
    except DomainError as exc:
        return _station_page(request, code, form_error=exc.message, status=exc.status_code)
    return _form_response(request, code, ok="report")


#: Tiles change when stations do; five minutes of caching keeps a busy map off the database.
TILE_MAX_AGE = 300


@require_safe
def station_tile(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    """``/tiles/stations/{z}/{x}/{y}.mvt``: a vector tile (PostGIS), gzip when accepted,
    with an ETag of its bytes and Cache-Control."""
    try:
        tiles.check_tile_address(z, x, y)
        services = read_query(filters.ServiceFilter, request.GET)["service"]
        data = tiles.station_tile(z, x, y, services=services)
    except DomainError as exc:
        return JsonResponse(
            error_body(exc.message, field=exc.field),
            status=exc.status_code,
            json_dumps_params={"ensure_ascii": False},
        )
    zipped = "gzip" in request.headers.get("Accept-Encoding", "") and len(data) > 0
    etag = quote_etag(hashlib.sha256(data).hexdigest()[:32] + ("-gz" if zipped else ""))
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponse(status=304)
    else:
        body = gzip.compress(data, compresslevel=6, mtime=0) if zipped else data
        response = HttpResponse(body, content_type="application/vnd.mapbox-vector-tile")
        if zipped:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={TILE_MAX_AGE}"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
