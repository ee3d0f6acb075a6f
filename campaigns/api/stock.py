"""Stock movements over HTTP (/api/v1/stock/…). Every stock-changing call needs an
``Idempotency-Key`` header: a retry with the same key moves nothing twice and gets the
first answer again."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.exceptions import CampaignsError
from campaigns.models import Campaign, Lot, StockLocation, Transfer
from campaigns.selectors.campaigns import campaign_get
from campaigns.selectors.stock import (
    idempotency_record_find,
    item_get,
    lot_get,
    lot_of_batch,
    stock_levels_visible,
    transfer_get,
)
from campaigns.services import idempotency, ledger, locations
from core.api import exception_handler
from core.categories import WorkerCategory
from core.errors import Conflict, DomainError

# Bounds that keep every number inside the database's integer columns.
MAX_QUANTITY = 10**8
MAX_ID = 2**62

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, location=OpenApiParameter.HEADER, required=True,
    description="A client-made unique key (e.g. a UUID) per intended movement.",
)  # fmt: skip


def _campaign(pk: int | None) -> Campaign | None:
    return None if pk is None else campaign_get(pk=pk)


def _lot(pk: int | None) -> Lot | None:
    return None if pk is None else lot_get(pk=pk)


def _location(actor: Any, code: str) -> StockLocation:
    """The location a movement writes to; a station's or workplace's is made on first use."""
    return locations.stock_location_ensure(actor=actor, code=code)


class ReceiptLineSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=40)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    batch = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReceiptSerializer(serializers.Serializer):
    location = serializers.CharField(max_length=40)
    campaign = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    lines = ReceiptLineSerializer(many=True, allow_empty=False)


class TransferLineSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=40)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    lot = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)


class TransferSerializer(serializers.Serializer):
    source = serializers.CharField(max_length=40)
    destination = serializers.CharField(max_length=40)
    campaign = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    lines = TransferLineSerializer(many=True, allow_empty=False)


class ReceiveLineSerializer(serializers.Serializer):
    lot = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    received_quantity = serializers.IntegerField(min_value=0, max_value=MAX_QUANTITY)


class ReceiveSerializer(serializers.Serializer):
    lines = ReceiveLineSerializer(many=True, required=False)
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=300,
        help_text="Why less arrived than was sent; required when any line falls short.",
    )  # fmt: skip


class DistributionSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    location = serializers.CharField(max_length=40)
    item = serializers.CharField(max_length=40)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    category = serializers.ChoiceField(choices=WorkerCategory.choices)
    workers = serializers.IntegerField(
        min_value=1, max_value=MAX_QUANTITY, required=False, default=1
    )
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    lot = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class AdjustmentSerializer(serializers.Serializer):
    location = serializers.CharField(max_length=40)
    item = serializers.CharField(max_length=40)
    batch = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    delta = serializers.IntegerField(min_value=-MAX_QUANTITY, max_value=MAX_QUANTITY)
    reason = serializers.CharField(max_length=200)


class IdempotentMovementView(APIView):
    """POST runs ``perform`` once per (user, Idempotency-Key) and stores its answer."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    input_serializer: type[serializers.Serializer]

    def perform(self, request: Request, data: dict[str, Any], **kwargs: Any) -> tuple[int, dict]:
        raise NotImplementedError

    def post(self, request: Request, **kwargs: Any) -> Response:
        key = (request.headers.get("Idempotency-Key") or "").strip()
        if not key or len(key) > 100:
            raise CampaignsError(
                _("库存操作必须带 Idempotency-Key 请求头（不超过 100 个字符）。"),
                field="Idempotency-Key",
            )
        canonical = json.dumps(request.data, sort_keys=True, default=str, ensure_ascii=False)
        digest = hashlib.sha256(f"{request.path}\n{canonical}".encode()).hexdigest()
        replay = self._replay(request, key, digest)
        if replay is not None:
            return replay
        try:
            with transaction.atomic():
                serializer = self.input_serializer(data=request.data)
                serializer.is_valid(raise_exception=True)
                status, body = self.perform(request, serializer.validated_data, **kwargs)
                idempotency.idempotency_record(
                    user=request.user, key=key, endpoint=request.path, request_hash=digest,
                    status_code=status, body=body,
                )  # fmt: skip
        except IntegrityError:
            # A concurrent request with the same key finished first; everything this one
            # did was rolled back.
            replay = self._replay(request, key, digest)
            if replay is None:
                raise
            return replay
        except (DomainError, serializers.ValidationError) as exc:
            # Remember refusals too: the retry gets the same answer.
            response = exception_handler(exc, {"request": request, "view": self})
            assert response is not None
            try:
                idempotency.idempotency_record(
                    user=request.user, key=key, endpoint=request.path, request_hash=digest,
                    status_code=response.status_code, body=response.data,
                )  # fmt: skip
            except IntegrityError:
                return self._replay(request, key, digest) or response
            return response
        return Response(body, status=status)

    def _replay(self, request: Request, key: str, digest: str) -> Response | None:
        record = idempotency_record_find(user=request.user, key=key)
        if record is None:
            return None
        if record.request_hash != digest:
            raise Conflict(_("这个 Idempotency-Key 已用于另一个请求。"), field="Idempotency-Key")
        return Response(
            record.body, status=record.status_code, headers={"Idempotent-Replayed": "true"}
        )


def movement_body(movement: Any) -> dict[str, Any]:
    return {
        "movement": movement.pk,
        "kind": movement.kind,
        "entries": [
            {"location": e.location.code, "lot": e.lot_id, "item": e.lot.item.code,
             "batch": e.lot.batch, "delta": e.delta}
            for e in movement.entries.select_related("location", "lot__item").order_by("pk")
        ],
    }  # fmt: skip


def transfer_body(transfer: Transfer) -> dict[str, Any]:
    return {
        "transfer": transfer.pk,
        "status": transfer.status,
        "source": transfer.source.code,
        "destination": transfer.destination.code,
        "lines": [
            {"lot": line.lot_id, "item": line.lot.item.code, "batch": line.lot.batch,
             "quantity": line.quantity, "received_quantity": line.received_quantity,
             "shortfall": line.shortfall}
            for line in transfer.lines.select_related("lot__item").order_by("pk")
        ],
    }  # fmt: skip


class ReceiptView(IdempotentMovementView):
    input_serializer = ReceiptSerializer

    @extend_schema(
        operation_id="stock_receipt",
        request=ReceiptSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        return super().post(request, **kwargs)

    def perform(self, request: Request, data: dict[str, Any], **kwargs: Any) -> tuple[int, dict]:
        movement = ledger.stock_receive(
            actor=request.user,
            location=_location(request.user, data["location"]),
            campaign=_campaign(data.get("campaign")),
            cost=data.get("cost"),
            lines=[
                ledger.ReceiptLine(item=item_get(code=line["item"]),
                                   quantity=line["quantity"],
                                     batch=line.get("batch", ""), expires_on=line.get("expires_on"))
                for line in data["lines"]
            ],
        )  # fmt: skip
        return 201, movement_body(movement)


class TransferView(IdempotentMovementView):
    input_serializer = TransferSerializer

    @extend_schema(
        operation_id="stock_transfer",
        request=TransferSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        return super().post(request, **kwargs)

    def perform(self, request: Request, data: dict[str, Any], **kwargs: Any) -> tuple[int, dict]:
        transfer = ledger.stock_transfer_dispatch(
            actor=request.user,
            source=_location(request.user, data["source"]),
            destination=_location(request.user, data["destination"]),
            campaign=_campaign(data.get("campaign")),
            lines=[
                ledger.TransferRequest(item=item_get(code=line["item"]),
                                       quantity=line["quantity"],
                                         lot=_lot(line.get("lot")))
                for line in data["lines"]
            ],
        )  # fmt: skip
        return 201, transfer_body(transfer)


class TransferReceiveView(IdempotentMovementView):
    input_serializer = ReceiveSerializer

    @extend_schema(
        operation_id="stock_transfer_receive",
        request=ReceiveSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        return super().post(request, **kwargs)

    def perform(self, request: Request, data: dict[str, Any], **kwargs: Any) -> tuple[int, dict]:
        transfer = transfer_get(pk=kwargs["pk"])
        received = {line["lot"]: line["received_quantity"] for line in data.get("lines") or []}
        transfer = ledger.stock_transfer_receive(
            actor=request.user, transfer=transfer, received=received,
            reason=data.get("reason") or "",
        )  # fmt: skip
        return 200, transfer_body(transfer)


class DistributionView(IdempotentMovementView):
    input_serializer = DistributionSerializer

    @extend_schema(
        operation_id="stock_distribution",
        request=DistributionSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        return super().post(request, **kwargs)

    def perform(self, request: Request, data: dict[str, Any], **kwargs: Any) -> tuple[int, dict]:
        campaign = _campaign(data["campaign"])
        assert campaign is not None
        distribution = ledger.stock_distribute(
            actor=request.user, campaign=campaign,
            location=_location(request.user, data["location"]),
            item=item_get(code=data["item"]),
            quantity=data["quantity"], category=data["category"], workers=data["workers"],
            phone=data.get("phone") or None, lot=_lot(data.get("lot")),
            reason=data.get("reason", ""),
        )  # fmt: skip
        body = movement_body(distribution.movement)
        body.update(distribution=distribution.pk, workers=distribution.workers)
        return 201, body


class AdjustmentView(IdempotentMovementView):
    input_serializer = AdjustmentSerializer

    @extend_schema(
        operation_id="stock_adjustment",
        request=AdjustmentSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        return super().post(request, **kwargs)

    def perform(self, request: Request, data: dict[str, Any], **kwargs: Any) -> tuple[int, dict]:
        lot = lot_of_batch(item=item_get(code=data["item"]), batch=data.get("batch", ""))
        movement = ledger.stock_adjust(
            actor=request.user, location=_location(request.user, data["location"]),
            lot=lot,
            delta=data["delta"], reason=data["reason"],
        )  # fmt: skip
        return 201, movement_body(movement)


class LevelsView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="stock_levels",
        parameters=[OpenApiParameter("location", str, required=True)],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        found = stock_levels_visible(
            actor=request.user, code=request.query_params.get("location") or ""
        )
        return Response({
            "location": found.code,
            "levels": [
                {"item": lv.lot.item.code, "lot": lv.lot_id, "batch": lv.lot.batch,
                 "expires_on": lv.lot.expires_on, "quantity": lv.quantity}
                for lv in found.levels
            ],
        })  # fmt: skip
