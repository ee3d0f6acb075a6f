"""The login form: user name and password, and the second factor's code once the user
has turned it on."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, user_has_device
from django_otp.forms import OTPAuthenticationFormMixin


class LoginForm(OTPAuthenticationFormMixin, AuthenticationForm):
    """A user with a confirmed device must give its current code; others need none."""

    username = UsernameField(max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(
        label=_("密码"), strip=False, max_length=4096, widget=forms.PasswordInput
    )
    otp_device = forms.CharField(required=False, widget=forms.HiddenInput, max_length=100)
    otp_token = forms.CharField(
        label=_("两步验证码"), required=False, max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )  # fmt: skip
    otp_challenge = forms.CharField(required=False, widget=forms.HiddenInput, max_length=100)

    otp_error_messages = dict(
        OTPAuthenticationFormMixin.otp_error_messages,
        token_required=_("这个账号已开启两步验证：请输入手机验证器上的 6 位数字。"),
        invalid_token=_("两步验证码不正确，请输入手机上当前显示的数字。"),
    )

    def clean(self) -> dict[str, Any]:
        self.cleaned_data = super().clean()
        user = self.get_user()
        if user is not None and user_has_device(user):
            self.clean_otp(user)
        return self.cleaned_data

    def _chosen_device(self, user: Any) -> Any:
        # One authenticator per user (core.services keeps only the last confirmed one):
        # the form asks for its code without making the user pick a device.
        return super()._chosen_device(user) or next(iter(devices_for_user(user)), None)

    @property
    def needs_token(self) -> bool:
        user = self.get_user()
        return user is not None and user_has_device(user)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("验证码"), max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )  # fmt: skip
