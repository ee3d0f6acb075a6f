"""Account pages of our own: the second factor on and off (organizers and admins), and a
rate-limited password reset."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import user_has_device

from core import services
from core.errors import DomainError
from core.forms import TokenForm
from core.throttling import public_form_retry_after, too_many


def next_url(request: HttpRequest, *, default: str) -> str:
    """The ``next`` of the request if it stays on this site (same host, and https when the
    request is), else ``default``: never an open redirect to another site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Scan the QR code into an authenticator app, type the code it shows: turned on."""
    if not services.may_use_second_factor(request.user):
        raise PermissionDenied(_("只有组织者和管理员可以开启两步验证。"))
    enabled = user_has_device(request.user)
    required = services.second_factor_required(request.user)
    if enabled and required and not request.user.is_verified():
        # Turned on in another session: sign in again with the code.
        logout(request)
        return redirect(f"/accounts/login/?{urlencode({'next': request.path})}")
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST" and request.POST.get("action") == "off":
        try:
            services.totp_devices_remove(actor=request.user, token=request.POST.get("token", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("two-factor")
        messages.success(request, _("两步验证已关闭。"))
        return redirect("two-factor")
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                device = services.totp_device_confirm(
                    actor=request.user, token=form.cleaned_data["token"]
                )
            except DomainError as exc:
                form.add_error("token", exc.message)
            else:
                otp_login(request, device)
                messages.success(request, _("两步验证已开启。以后登录时需要输入验证码。"))
                return redirect(next_url(request, default=reverse("two-factor")))
    context: dict[str, object] = {"enabled": enabled, "required": required, "form": form}
    if not enabled:
        device = services.totp_device_pending(actor=request.user)
        secret = base64.b32encode(device.bin_key).decode().rstrip("=")
        context.update(
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            qr=segno.make(device.config_url, error="m").svg_inline(scale=4),
        )
    return render(request, "registration/two_factor.html", context, status=status)


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """The public "forgot my password" form sends mail: rate-limited like every public form."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if (wait := public_form_retry_after(request)) is not None:
            form = self.get_form()
            form.is_valid()
            form.add_error(None, _("提交太频繁，请稍后再试。"))
            return too_many(self.render_to_response(self.get_context_data(form=form)), wait)
        return super().post(request, *args, **kwargs)
