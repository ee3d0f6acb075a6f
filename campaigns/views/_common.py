"""What every organizer page of a campaign does first: find the campaign in the organizer's
scope, and show a service's refusal beside the field it names."""

from __future__ import annotations

from typing import Any

from django.forms import Form
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from campaigns.selectors.campaigns import campaigns_visible
from core.access import organizer_scope
from core.errors import DomainError


def campaign_for_organizer(request: HttpRequest, pk: int) -> Campaign:
    """The campaign ``pk`` in the organizer's scope: 403 for someone who organizes
    nothing, 404 for a campaign outside their unions."""
    organizer_scope(request)
    campaign = campaigns_visible(actor=request.user).filter(pk=pk).first()
    if campaign is None:
        raise Http404(_("没有这个活动。"))
    return campaign


def show_refusal(form: Form, exc: DomainError, context: dict[str, Any]) -> None:
    """Show a service's refusal beside the field it names, else above the form."""
    if exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    context["error"] = exc.message
    context["status"] = exc.status_code
