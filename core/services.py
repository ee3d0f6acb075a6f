"""The few writes core owns: a user's second factor (django-otp TOTP devices) and the API
tokens issued after it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from core import import_jobs
from core.errors import DomainError, PermissionDenied
from core.identifiers import normalize_identifier
from core.models import ApiTokenGrant
from core.scoping import scope_for

DEVICE_NAME = "yizhan"


def may_use_second_factor(user: Any) -> bool:
    """Organizers and admins (of a union, or superusers) may turn on a second factor."""
    return bool(user.is_authenticated and scope_for(user).is_organizer)


def totp_device_pending(*, actor: Any) -> TOTPDevice:
    """The unconfirmed device being set up (a new secret each time setup starts over)."""
    if not may_use_second_factor(actor):
        raise PermissionDenied(_("只有组织者和管理员可以开启两步验证。"))
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, confirmed=False)
    return device


def _token_matches(device: TOTPDevice, token: str) -> bool:
    """Whether ``token`` (any script's digits, spaces ignored) is the device's code now."""
    try:
        token = normalize_identifier(token, field="token", label=_("验证码"), max_length=12)
    except DomainError:
        return False
    return len(token) == device.digits and bool(device.verify_token(token))


@transaction.atomic
def totp_device_confirm(*, actor: Any, token: str) -> TOTPDevice:
    """Confirm the pending device with a code from the phone; earlier devices are removed."""
    device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).first()
    if device is None:
        raise DomainError(_("请先打开两步验证设置页面扫描二维码。"), field="token")
    if not _token_matches(device, token):
        raise DomainError(_("验证码不正确，请输入手机上当前显示的 6 位数字。"), field="token")
    TOTPDevice.objects.filter(user=actor, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


@transaction.atomic
def totp_devices_remove(*, actor: Any, token: str) -> int:
    """Turn the second factor off with a code it shows now (refused while the setting
    requires it of this user): a stolen session alone cannot take the factor away."""
    if second_factor_required(actor):
        raise PermissionDenied(_("您的账号必须使用两步验证，不能关闭。"))
    devices = list(TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=True))
    if devices and not any(_token_matches(device, token) for device in devices):
        raise DomainError(_("验证码不正确，请输入手机上当前显示的 6 位数字。"), field="token")
    deleted, _rows = TOTPDevice.objects.filter(user=actor).delete()
    return deleted


def second_factor_required(user: Any) -> bool:
    """OTP_REQUIRED_FOR_ADMINS: union admins and superusers must use a second factor."""
    if not getattr(settings, "OTP_REQUIRED_FOR_ADMINS", False) or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    Membership = apps.get_model(settings.SCOPE_MEMBERSHIP_MODEL)
    return Membership.objects.filter(user=user, role="admin").exists()


@transaction.atomic
def api_token_issue(*, actor: Any, second_factor: bool) -> tuple[str, Any]:
    """Issue ``actor`` a new API token that expires after ``API_TOKEN_TTL_HOURS``.

    ``second_factor``: the session asking was verified with a second factor. A user who
    must use one gets a token only then (``core.authentication`` refuses theirs otherwise).
    The user's earlier token stops working. Returns the key and its grant.
    """

    if not actor.is_authenticated:
        raise PermissionDenied(_("请先登录。"))
    if second_factor_required(actor) and not second_factor:
        raise PermissionDenied(_("请先开启并使用两步验证。"))
    Token.objects.filter(user=actor).delete()
    token = Token.objects.create(user=actor)
    issued = timezone.now()
    grant = ApiTokenGrant.objects.create(
        token=token,
        second_factor=second_factor,
        issued_at=issued,
        expires_at=issued + dt.timedelta(hours=settings.API_TOKEN_TTL_HOURS),
    )
    return token.key, grant


# --- Daily housekeeping run by beat (core.tasks.housekeeping_daily) -----------------------
# Expired sessions (Django leaves them in django_session) and import uploads older than
# IMPORT_FILE_RETENTION_DAYS. The other retention rules of docs/privacy.md run in
# welfare.tasks.retention_daily.


def sessions_expired_delete() -> int:
    deleted, _rows = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


def import_files_expired_delete(*, older_than: dt.timedelta) -> int:
    """Delete upload and state files in the import folder last modified before now − older_than."""
    storage = getattr(import_jobs, "storage", None) or import_jobs.default_storage
    folder = import_jobs.FOLDER
    try:
        _dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - older_than
    deleted = 0
    for name in files:
        path = f"{folder}/{name}"
        try:
            if storage.get_modified_time(path) < cutoff:
                storage.delete(path)
                deleted += 1
        except FileNotFoundError:
            continue  # deleted meanwhile (the job ended): nothing left to do
    return deleted


def housekeeping_run() -> dict[str, int]:
    return {
        "sessions": sessions_expired_delete(),
        "import_files": import_files_expired_delete(
            older_than=dt.timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
        ),
    }
