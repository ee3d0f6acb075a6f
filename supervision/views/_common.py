"""What the supervision pages share: the union and year a report is asked for, the status
of a form page shown again, and a finding's input from a form."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from core import time as local_time
from core.scoping import Scope
from stations.models import Union
from supervision.services.inspections import FindingInput

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def union_or_own(scope: Scope, code: str) -> Union:
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


def year_param(value: str) -> int:
    if not value:
        return local_time.today().year
    if not value.isdigit() or not 1900 <= int(value) <= 2200:
        raise Http404(_("年份不正确。"))
    return int(value)


def form_status(request: HttpRequest) -> int:
    """A form page shown again after a POST: the POST was refused (400, the reason beside
    its field), as the other apps' forms answer."""
    return 400 if request.method == "POST" else 200


def finding_input(data: dict[str, Any], photos: Any = ()) -> FindingInput:
    return FindingInput(
        category=data.get("category") or "", severity=data.get("severity") or "general",
        description=data.get("description") or "", law_cited=data.get("law_cited") or "",
        requirement=data.get("requirement") or "", deadline=data.get("deadline"),
        responsible_person=data.get("responsible_person") or "", photos=photos,
    )  # fmt: skip
