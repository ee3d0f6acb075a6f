"""Written notices: the PDF of an inspection's notice, the register of issued notices,
and issuing, serving and the reply from the inspection's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core import time as local_time
from core.access import organizer_scope
from core.errors import DomainError
from supervision import notices
from supervision.forms import (
    NoticeIssueForm,
    NoticeStepForm,
    add_domain_error,
)
from supervision.models import Inspection
from supervision.selectors.inspections import inspections_in_scope
from supervision.selectors.notices import notice_summary, notices_in_scope
from supervision.services import notice_register as notice_services
from supervision.views._common import year_param


@login_required
def inspection_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The inspection's written notice as PDF (``?kind=rectification`` for 整改建议书)."""
    scope = organizer_scope(request)
    inspection = inspections_in_scope(scope).filter(pk=pk).first()
    if inspection is None:
        raise Http404(_("没有这次检查，或不在您的管理范围内。"))
    kind = request.GET.get("kind") or "opinion"
    if kind not in notices.KINDS:
        raise Http404(_("没有这种文书。"))
    # An issued notice is reprinted as first printed; before issue, a draft.
    issued = inspection.notices.filter(kind=kind)
    wanted = request.GET.get("n", "")
    if wanted:
        issued = issued.filter(pk=int(wanted) if wanted.isdigit() and len(wanted) < 12 else 0)
        if not issued.exists():
            raise Http404(_("没有这份文书。"))
    notice = issued.order_by("-issued_on", "-pk").first()
    if notice is not None:
        content, name = bytes(notice.pdf), f"notice-{notice.year}-{notice.number}.pdf"
    else:
        content = notices.inspection_notice_pdf(inspection=inspection, kind=kind)
        name = f"notice-{inspection.pk}-{kind}-draft.pdf"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def notice_register(request: HttpRequest) -> HttpResponse:
    """The register of issued notices: number, dates served and replied, overdue first."""
    scope = organizer_scope(request)
    year = year_param(request.GET.get("year", ""))
    rows = notices_in_scope(scope).filter(year=year)
    return render(request, "supervision/notices.html", {
        "notices": rows[:500], "year": year, "today": local_time.today(),
        "summary": notice_summary(rows, on=local_time.today()),
    })  # fmt: skip


NOTICE_ACTIONS = ("issue", "served", "reply")  # the inspection page's notice forms


def notice_post(
    request: HttpRequest, inspection: Inspection, *, action: str
) -> NoticeIssueForm | None:
    """Issue a notice (``action`` "issue"), or record one served or replied to. Answers the
    issue form when it was refused (shown again with the reason), else ``None``."""
    if action == "issue":
        form = NoticeIssueForm(request.POST)
        if form.is_valid():
            v = form.cleaned_data
            try:
                notice = notice_services.notice_issue(
                    actor=request.user, inspection=inspection, kind=v["kind"],
                    issued_on=v["issued_on"], reply_due=v["reply_due"],
                )  # fmt: skip
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("已发文：%(n)s。") % {"n": notice.document_number})
                return None
        return form
    step = NoticeStepForm(request.POST)
    if not step.is_valid():
        messages.error(request, _("请检查填写的日期。"))
        return None
    v = step.cleaned_data
    notice = inspection.notices.filter(pk=v["notice"]).first()
    if notice is None:
        raise Http404(_("没有这份文书。"))
    try:
        if v["action"] == "served":
            notice_services.notice_serve(actor=request.user, notice=notice, served_on=v["on"])
        else:
            notice_services.notice_reply_record(
                actor=request.user, notice=notice, received_on=v["on"], note=v["note"]
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已登记。"))
    return None
