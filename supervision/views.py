"""Organizer pages of the supervision app. Only organizers open them (others: 403;
anonymous: the login page); objects outside the organizer's unions are not found (404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from core import time as local_time
from core.scoping import Scope, scope_for
from stations.models import Union
from supervision import exports, notices, selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def organizer_scope(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if not scope.is_organizer:
        raise PermissionDenied(_("只有组织者可以打开这个页面。"))
    return scope


def _union(scope: Scope, code: str) -> Union:
    """The union named by ``code``, else the organizer's own (the top one they manage)."""
    if code:
        union = Union.objects.filter(code=code[:40]).first()
    elif scope.union_paths:
        union = Union.objects.filter(path=scope.union_paths[0]).first()
    else:
        union = Union.objects.filter(parent__isnull=True).order_by("path").first()
    if union is None or not scope.covers_union(union):
        raise Http404(_("没有这个工会，或不在您的管理范围内。"))
    return union


def _year(value: str) -> int:
    if not value:
        return local_time.today().year
    if not value.isdigit() or not 1900 <= int(value) <= 2200:
        raise Http404(_("年份不正确。"))
    return int(value)


@login_required
def accident_report(request: HttpRequest) -> HttpResponse:
    """The year's accident statistics for the union above, as XLSX."""
    scope = organizer_scope(request)
    union = _union(scope, request.GET.get("union", ""))
    year = _year(request.GET.get("year", ""))
    response = HttpResponse(
        exports.accident_report_xlsx(scope=scope, union=union, year=year), content_type=XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="accidents-{union.code}-{year}.xlsx"'
    return response


@login_required
def inspection_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The inspection's written notice as PDF (``?kind=rectification`` for 整改建议书)."""
    scope = organizer_scope(request)
    inspection = selectors.inspections_in_scope(scope).filter(pk=pk).first()
    if inspection is None:
        raise Http404(_("没有这次检查，或不在您的管理范围内。"))
    kind = request.GET.get("kind") or "opinion"
    if kind not in notices.KINDS:
        raise Http404(_("没有这种文书。"))
    response = HttpResponse(
        notices.inspection_notice_pdf(inspection=inspection, kind=kind),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="notice-{inspection.pk}-{kind}.pdf"'
    return response
