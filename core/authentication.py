"""API token authentication that keeps the second factor a browser login requires."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from core.models import ApiTokenGrant
from core.services import second_factor_required


class SecondFactorTokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, with two refusals.

    - A token issued with an expiry (``ApiTokenGrant``) is refused once it has expired.
    - A user who must use a second factor (OTP_REQUIRED_FOR_ADMINS: union admins and
      superusers) is refused unless the token was issued after a second-factor login
      (``POST /api/v1/auth/token/`` from a verified session) and has not expired: a token
      made any other way would skip the second factor the browser login asks for.
    """

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        grant = ApiTokenGrant.objects.filter(token=token).first()
        if grant is not None and grant.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(_("令牌已过期，请重新签发。"))
        if second_factor_required(user) and (grant is None or not grant.second_factor):
            raise exceptions.AuthenticationFailed(
                _("此账号必须使用两步验证：请用验证码登录后签发有时限的令牌。")
            )
        return user, token
