"""core's one table: what an API token was issued after (a second factor) and until when.

It also makes Django send core its post_migrate.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiTokenGrant(models.Model):
    """An API token issued through ``core.services.api_token_issue``.

    A user who must use a second factor (``core.services.second_factor_required``) is
    authenticated by a token only while it has a grant made after a second-factor login
    and not yet expired (``core.authentication``); tokens made any other way
    (``drf_create_token``, the admin) do not let such a user in.
    """

    token = models.OneToOneField(
        "authtoken.Token", on_delete=models.CASCADE, primary_key=True, related_name="grant"
    )
    second_factor = models.BooleanField(_("两步验证后签发"))
    issued_at = models.DateTimeField(_("签发时间"))
    expires_at = models.DateTimeField(_("失效时间"))

    class Meta:
        verbose_name = _("接口令牌签发记录")
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("issued_at")),
                name="core_apitokengrant_expires_after_issue",
            )
        ]

    def __str__(self) -> str:
        return f"{self.token.user_id} → {self.expires_at:%Y-%m-%d %H:%M}"
