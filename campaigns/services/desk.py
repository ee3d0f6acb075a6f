"""Supplies queued at the station desk: hand-outs and voucher redemptions, each applied
exactly once.

The desk keeps every tap on the phone until the server has answered for it, with a key
made on the phone. The first answer for a (user, key) is stored (``IdempotencyRecord``),
so an upload sent again after a lost answer moves nothing twice and gets the same answer.
Each action runs in its own transaction: one refused for short stock leaves the others.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework import serializers

from campaigns.exceptions import CampaignsError
from campaigns.models import Distribution, IdempotencyRecord
from campaigns.selectors.campaigns import campaign_get
from campaigns.selectors.stock import idempotency_record_find, item_get
from campaigns.services import idempotency, ledger, locations, reversals, vouchers
from core.errors import DomainError, NotFound, PermissionDenied
from core.scoping import scope_for
from stations.models import Station
from stations.selectors import station_for_staff

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

DESK_BATCH_LIMIT = 200
DESK_ENDPOINT = "desk:supplies"
MAX_QUANTITY = 10_000
MAX_ID = 2**62


@dataclasses.dataclass(frozen=True)
class DeskAction:
    """One queued action as the phone sent it (``type`` is ``hand_out``, ``voucher`` or
    ``undo``: taking back a hand-out just made)."""

    key: str
    type: str
    station: str
    payload: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class DeskOutcome:
    key: str
    status: str  # applied | duplicate | refused
    reason: str | None = None
    field: str | None = None
    detail: dict[str, Any] = dataclasses.field(default_factory=dict)
    # The HTTP status the refusal would have on its own (403 elsewhere, 409 short stock …).
    code: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "status": self.status, "reason": self.reason,
            "field": self.field, "detail": self.detail, "code": self.code,
        }  # fmt: skip


def _digest(action: DeskAction) -> str:
    canonical = json.dumps(
        {"type": action.type, "station": action.station, **action.payload},
        sort_keys=True, default=str, ensure_ascii=False,
    )  # fmt: skip
    return hashlib.sha256(canonical.encode()).hexdigest()


#: A text field of an action: missing, null or blank is the empty text, taken as typed.
TEXT: dict[str, Any] = {
    "required": False, "allow_blank": True, "allow_null": True, "default": "",
    "trim_whitespace": False,
}  # fmt: skip


class _Payload(serializers.Serializer):
    """The fields of one action type, parsed once; the services then check the rest."""

    @classmethod
    def parse(cls, payload: dict[str, Any]) -> dict[str, Any]:
        """The action's fields, or a refusal naming the first field that is wrong."""
        parsed = cls(data=payload)
        if parsed.is_valid():
            return {k: "" if v is None else v for k, v in parsed.validated_data.items()}
        name, errors = next(iter(parsed.errors.items()))
        field = parsed.fields[name]
        if isinstance(field, serializers.IntegerField):
            if errors[0].code in ("min_value", "max_value"):
                raise CampaignsError(
                    _("%(name)s 应在 1 到 %(max)d 之间。") % {"name": name, "max": field.max_value},
                    field=name,
                )
            raise CampaignsError(_("%(name)s 必须是整数。") % {"name": name}, field=name)
        raise CampaignsError(str(errors[0]), field=name)


class HandOutPayload(_Payload):
    campaign = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    item = serializers.CharField(max_length=100, **TEXT)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    category = serializers.CharField(max_length=100, **TEXT)
    workers = serializers.IntegerField(
        min_value=1, max_value=MAX_QUANTITY, required=False, default=1
    )
    phone = serializers.CharField(max_length=100, **{**TEXT, "trim_whitespace": True})
    # Kept to its first 300 characters, as the movement stores it.
    reason = serializers.CharField(max_length=10_000, **TEXT)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict) and str(data.get("phone") or "").strip():
            data = {k: v for k, v in data.items() if k != "workers"}  # one worker, by phone
        return super().to_internal_value(data)


class VoucherPayload(_Payload):
    code = serializers.CharField(max_length=100, **TEXT)


class UndoPayload(_Payload):
    distribution = serializers.IntegerField(min_value=1, max_value=MAX_ID)


def _hand_out(actor: AbstractBaseUser, station: Station, payload: dict[str, Any]) -> dict:
    data = HandOutPayload.parse(payload)
    campaign = campaign_get(pk=data["campaign"])
    location = locations.stock_location_ensure(actor=actor, station=station)
    item = item_get(code=data["item"])
    phone = data["phone"] or None
    distribution: Distribution = ledger.stock_distribute(
        actor=actor, campaign=campaign, location=location, item=item,
        quantity=data["quantity"], category=data["category"],
        workers=1 if phone else data["workers"], phone=phone, reason=data["reason"][:300],
    )  # fmt: skip
    return {
        "distribution": distribution.pk, "item": item.name, "unit": item.unit,
        "quantity": distribution.quantity, "workers": distribution.workers,
    }  # fmt: skip


def _voucher(actor: AbstractBaseUser, station: Station, payload: dict[str, Any]) -> dict:
    data = VoucherPayload.parse(payload)
    voucher = vouchers.voucher_redeem(actor=actor, code=data["code"], station=station)
    return {
        "voucher": vouchers.voucher_code_display(voucher.code), "item": voucher.item.name,
        "voucher_name": voucher.campaign.voucher_label,
        "unit": voucher.item.unit, "quantity": voucher.quantity,
        "campaign": voucher.campaign.name,
    }  # fmt: skip


def _undo(actor: AbstractBaseUser, station: Station, payload: dict[str, Any]) -> dict:
    """Take back a hand-out of this station (a wrong tap), within the undo window."""
    pk = UndoPayload.parse(payload)["distribution"]
    distribution = (
        Distribution.objects.filter(pk=pk, location__station=station).select_related("item").first()
    )
    if distribution is None:
        raise NotFound(_("本站没有编号为 %(id)d 的发放记录。") % {"id": pk}, field="distribution")
    reversals.distribution_undo(actor=actor, distribution=distribution)
    return {
        "undone": distribution.pk, "item": distribution.item.name,
        "unit": distribution.item.unit, "quantity": distribution.quantity,
    }  # fmt: skip


HANDLERS = {"hand_out": _hand_out, "voucher": _voucher, "undo": _undo}


def _perform(actor: AbstractBaseUser, action: DeskAction) -> dict[str, Any]:
    handler = HANDLERS.get(action.type)
    if handler is None:
        raise CampaignsError(
            _("未知的操作类型：%(type)s。") % {"type": str(action.type)[:30]}, field="type"
        )
    # The station is only found here: whether the actor may act at it is checked once, by
    # the service the action calls (``locations.require_hand_out``).
    station = station_for_staff(actor=None, code=action.station)
    return handler(actor, station, action.payload)


def _replayed(record: IdempotencyRecord, action: DeskAction) -> DeskOutcome:
    if record.request_hash != _digest(action):
        return DeskOutcome(action.key, "refused", _("这个编号已用于另一项操作。"), "key", code=409)
    body = record.body or {}
    if body.get("status") == "refused":
        return DeskOutcome(
            action.key, "refused", body.get("reason"), body.get("field"), code=record.status_code
        )
    return DeskOutcome(action.key, "duplicate", detail=body.get("detail") or {})


DESK_KEY_MAX_LENGTH = 100 - len("desk:")


def desk_action_apply(*, actor: AbstractBaseUser, action: DeskAction) -> DeskOutcome:
    """Apply one queued action once; the same key again answers what it answered first."""
    key = str(action.key or "").strip()
    # Stored as "desk:<key>" in a 100-character column.
    if not key or len(key) > DESK_KEY_MAX_LENGTH:
        return DeskOutcome(
            str(action.key)[:100], "refused", _("每项操作都要有编号。"), "key", code=400
        )
    scoped_key = f"desk:{key}"
    record = idempotency_record_find(user=actor, key=scoped_key)
    if record is not None:
        return _replayed(record, action)
    digest = _digest(action)
    try:
        with transaction.atomic():
            detail = _perform(actor, action)
            idempotency.idempotency_record(
                user=actor, key=scoped_key, endpoint=DESK_ENDPOINT, request_hash=digest,
                status_code=201, body={"status": "applied", "detail": detail},
            )  # fmt: skip
    except IntegrityError:
        record = idempotency_record_find(user=actor, key=scoped_key)
        if record is None:
            raise
        return _replayed(record, action)
    except DomainError as exc:
        # Remember the refusal: sent again, the same action gets the same answer.
        with contextlib.suppress(IntegrityError):
            idempotency.idempotency_record(
                user=actor, key=scoped_key, endpoint=DESK_ENDPOINT, request_hash=digest,
                status_code=exc.status_code,
                body={"status": "refused", "reason": exc.message, "field": exc.field},
            )  # fmt: skip
        return DeskOutcome(key, "refused", exc.message, exc.field, code=exc.status_code)
    return DeskOutcome(key, "applied", detail=detail)


def desk_actions_apply(
    *, actor: AbstractBaseUser, actions: Sequence[DeskAction]
) -> list[DeskOutcome]:
    """Apply a batch in order; answer per action. Only staff and organizers may. The
    batch's shape and size are the API's to check (``DESK_BATCH_LIMIT``)."""
    if scope_for(actor).is_empty:
        raise PermissionDenied(_("只有站点工作人员和组织者可以发放物资。"))
    return [desk_action_apply(actor=actor, action=action) for action in actions]
