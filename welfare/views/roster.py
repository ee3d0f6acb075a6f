"""Roster import: upload, preview (every row new / update / error), confirm, applied all
or nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.access import organizer_required, organizer_scope
from core.errors import DomainError
from core.scoping import Scope
from welfare import services
from welfare.forms import RosterApplyForm, RosterUploadForm, add_domain_error
from welfare.selectors.workplaces import workplace_choices

ROSTER_SALT = "welfare.roster-preview"
ROSTER_MAX_AGE = 3600  # seconds a preview may wait for its confirmation


@organizer_required
def roster_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        services.roster_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="worker-roster-template.xlsx"'
    return response


@login_required
def roster_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview (every row: new / update / error) → confirm → applied, all or
    nothing. The preview travels signed in the confirmation form (phones only as HMACs)."""
    scope = organizer_scope(request)
    workplaces = workplace_choices(scope)
    template = "welfare/organizer/roster.html"
    if request.method != "POST":
        initial = (
            {"workplace": request.GET.get("workplace")} if request.GET.get("workplace") else {}
        )
        return render(
            request, template, {"form": RosterUploadForm(workplaces=workplaces, initial=initial)}
        )
    if "payload" in request.POST:
        return _roster_apply(request, scope)
    form = RosterUploadForm(request.POST, request.FILES, workplaces=workplaces)
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    workplace = form.cleaned_data["workplace"]
    try:
        upload = form.cleaned_data["file"]
        preview = services.roster_preview(
            actor=request.user, workplace=workplace, data=upload.read(), filename=upload.name
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return render(request, template, {"form": form}, status=exc.status_code)
    apply_form = RosterApplyForm(
        initial={"payload": signing.dumps(preview.to_payload(), salt=ROSTER_SALT, compress=True)}
    )
    return render(
        request,
        template,
        {
            "form": form,
            "preview": preview,
            "counts": {a: preview.count(a) for a in ("new", "update", "error")},
            "workplace": workplace,
            "apply_form": apply_form,
        },
        status=200 if preview.ok else 400,
    )


def _roster_apply(request: HttpRequest, scope: Scope) -> HttpResponse:
    template = "welfare/organizer/roster.html"
    form = RosterApplyForm(request.POST)
    upload = RosterUploadForm(workplaces=workplace_choices(scope))
    if not form.is_valid():
        return render(request, template, {"form": upload, "apply_form": form}, status=400)
    try:
        payload = signing.loads(
            form.cleaned_data["payload"], salt=ROSTER_SALT, max_age=ROSTER_MAX_AGE
        )
    except signing.BadSignature:
        form.add_error(None, _("预览已过期或被改动，请重新上传名册。"))
        return render(request, template, {"form": upload, "apply_form": form}, status=400)
    workplace = workplace_choices(scope).filter(pk=payload["workplace"]).first()
    if workplace is None:
        raise Http404(_("没有这个作业场所，或不在您的管理范围内。"))
    try:
        counts = services.roster_apply(
            actor=request.user, workplace=workplace, rows=payload["rows"],
            category=form.cleaned_data["category"], consent=form.cleaned_data["consent"],
        )  # fmt: skip
    except DomainError as exc:
        form.add_error(None, exc.message)
        return render(request, template, {"form": upload, "apply_form": form},
                      status=exc.status_code)  # fmt: skip
    messages.success(
        request,
        _("名册已导入：新登记 %(new)d 人，更新 %(update)d 人。") % counts,
    )
    return redirect(f"{reverse('welfare:workers')}?workplace={workplace.pk}")
