"""A workers' safety inspector's report of a finding or hazard, from the phone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.scoping import scope_for
from supervision.forms import (
    InspectorReportForm,
    add_domain_error,
)
from supervision.models import Finding
from supervision.selectors.inspectors import inspector_roles
from supervision.selectors.workplaces import workplaces_in_scope
from supervision.services import inspectors as inspector_services
from supervision.views._common import finding_input, form_status
from welfare.models import Workplace


@login_required
def inspector_report(request: HttpRequest) -> HttpResponse:
    """A workers' safety inspector reports a finding or hazard at their unit, from the
    phone; it goes into the same rectification path as an organizer's finding."""
    unit_ids = [r.workplace_id for r in inspector_roles(request.user)]
    scope = scope_for(request.user)
    allowed = Q(pk__in=unit_ids)
    if scope.is_organizer:
        allowed |= Q(pk__in=workplaces_in_scope(scope).values("pk"))
    workplaces = Workplace.objects.filter(allowed)
    if not unit_ids and not scope.is_organizer:
        raise PermissionDenied(_("只有职工安全监督检查员可以在这里报告。"))
    form = InspectorReportForm(request.POST or None, request.FILES or None,
                               workplaces=workplaces.order_by("name"))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        try:
            inspector_services.inspector_report_finding(
                actor=request.user, workplace=v["workplace"],
                data=finding_input(v), photos=request.FILES.getlist("photos"),
            )  # fmt: skip
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已报告，工会将跟踪整改。"))
            return redirect("supervision:inspector-report")
    mine = Finding.objects.filter(reported_by=request.user, source=Finding.Source.INSPECTOR)
    return render(request, "supervision/inspector_report.html", {
        "form": form, "mine": mine.select_related("workplace").order_by("-created_at")[:20],
    }, status=form_status(request))  # fmt: skip
