"""The station desk: the page staff log visits on, and its service worker (login required)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import ensure_csrf_cookie

from core import time as local_time
from core.categories import WorkerCategory
from stations import selectors
from stations.models import Service
from stations.panels import desk_panels

# Why staff close a station for a day; the chosen label is stored as the closure's reason.
CLOSURE_REASONS = (
    ("water", _lazy("停水")),
    ("power", _lazy("停电")),
    ("renovation", _lazy("装修")),
    ("other", _lazy("其他")),
)


@login_required
@ensure_csrf_cookie
def desk(request: HttpRequest) -> HttpResponse:
    """The station desk: one tap per visit, works offline (see static/stations/desk.js)."""
    stations = list(selectors.desk_stations(user=request.user)[:200])
    catalog = {s.code: s for s in Service.objects.all()}
    english = (request.LANGUAGE_CODE or "").startswith("en")
    config = {
        "stations": [
            {
                "code": s.code,
                "name": (s.name_en or s.name) if english else s.name,
                "services": [
                    {
                        "code": c,
                        "name": (catalog[c].name_en if english else catalog[c].name),
                        "icon": catalog[c].icon,
                    }
                    for c in s.service_codes
                    if c in catalog
                ],
            }
            for s in stations
        ],
        "categories": [{"code": c, "name": str(label)} for c, label in WorkerCategory.choices],
        "user": request.user.get_username(),
        "today": local_time.today().isoformat(),
        "api": {
            "batch": "/api/v1/visits/batch/",
            "undo": "/api/v1/visits/",
            "today": "/api/v1/desk/today/",
            "closures": "/api/v1/stations/%(code)s/closures/",
            "station": "/api/v1/stations/%(code)s/",
            "day_hours": "/api/v1/stations/%(code)s/hours/%(day)s/",
        },
        "strings": {
            "waiting": _("%(n)s 条待上传"),
            "all_sent": _("已全部上传"),
            "offline": _("无网络：记录保存在本机，恢复网络后自动上传。"),
            "sent": _("已上传"),
            "rejected": _("被拒绝：%(reason)s"),
            "undone": _("已撤销：%(what)s"),
            "undone_unknown": _("已撤销上一条"),
            "nothing_to_undo": _("没有可撤销的记录"),
            "added": _("已记录：%(category)s"),
            "added_with": _("已记录：%(category)s · %(services)s"),
            "visit_label": _("%(category)s到访"),
            "total": _("今日合计"),
            "open_now": _("现在开放 · 今日 %(hours)s"),
            "closed_now": _("现在不开放（%(hours)s）"),
            "closure_line": _("%(start)s 至 %(end)s · %(reason)s"),
            "closure_one_day": _("%(start)s · %(reason)s"),
            "reopen": _("恢复开放"),
            "closure_saved": _("已登记闭站：%(what)s。地图上立即显示。"),
            "reopened": _("已恢复开放。"),
            "other_needed": _("请填写其他原因。"),
            "failed": _("没有成功：%(reason)s"),
            "no_closures": _("没有安排闭站。"),
            "change_hours": _("改时间"),
            "usual_hours": _("恢复常规"),
            "changed_mark": _("（已调整）"),
            "day_title": _("%(day)s 的开放时间"),
            "day_saved": _("已保存 %(day)s：%(hours)s。"),
            "day_cleared": _("%(day)s 已恢复常规时间。"),
            "sending": _("正在发送…"),
            "status_queued": _("无网络：“%(what)s”已保存在本机，恢复网络后自动发送。"),
            "status_offline": _("无网络：显示的是上次的状态。"),
            "status_pending": _("待发送"),
            "status_cancel": _("取消"),
            "status_dismiss": _("知道了"),
            "closure_label": _("闭站 %(what)s"),
            "reopen_label": _("恢复开放（%(what)s）"),
            "hours_label": _("%(day)s 开放时间改为 %(hours)s"),
            "hours_clear_label": _("%(day)s 恢复常规时间"),
            "dates_needed": _("请选择开始和结束日期。"),
            "end_before_start": _("结束日期不能早于开始日期。"),
            "time_needed": _("请填写开门和关门时间（时:分）。"),
        },
    }
    panels = desk_panels(request) if stations else []
    scripts = list(dict.fromkeys(s for panel in panels for s in panel.scripts))
    return render(
        request,
        "stations/desk.html",
        {
            "config": config,
            "has_stations": bool(stations),
            "panels": panels,
            "panel_scripts": scripts,
            "closure_reasons": CLOSURE_REASONS,
        },
    )


def desk_service_worker(request: HttpRequest) -> HttpResponse:
    """Served under /desk/ so its scope covers the desk (a script under /static/ could only
    control /static/)."""
    path = finders.find("stations/desk-sw.js")
    if not path:
        raise Http404
    with open(path, encoding="utf-8") as handle:
        response = HttpResponse(handle.read(), content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    return response
