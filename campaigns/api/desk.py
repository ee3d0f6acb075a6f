"""The station desk's supplies over HTTP: what is there, and the queued hand-outs and
voucher redemptions (each applied once by its key)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.selectors.desk import desk_supplies
from campaigns.services.desk import (
    DESK_BATCH_LIMIT,
    DeskAction,
    desk_actions_apply,
)
from stations.selectors import station_for_staff


class DeskAPIView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]


class DeskSuppliesView(DeskAPIView):
    @extend_schema(
        operation_id="desk_supplies",
        summary="A station's campaigns, stock by item and lot, and deliveries on their way",
        parameters=[OpenApiParameter("station", str, required=True)],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        station = station_for_staff(
            actor=request.user, code=(request.query_params.get("station") or "").strip()
        )
        return Response(desk_supplies(station=station))


class DeskBatchSerializer(serializers.Serializer):
    """A batch's shape and size, checked here once. Each action is an object with ``key``,
    ``type`` (``hand_out``, ``voucher`` or ``undo``), ``station`` and the fields of its
    type; a wrong action is refused on its own, in the answer, so the others still apply."""

    actions = serializers.ListField(
        child=serializers.JSONField(), max_length=DESK_BATCH_LIMIT,
        help_text="Queued actions, in order: key, type (hand_out | voucher | undo), station "
        "and the type's fields.",
    )  # fmt: skip

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict) or not isinstance(data.get("actions"), list):
            raise serializers.ValidationError({"actions": [_('请求体应为 {"actions": [...]}。')]})
        if len(data["actions"]) > DESK_BATCH_LIMIT:
            raise serializers.ValidationError(
                {"actions": [_("一次最多上传 %(n)d 项操作。") % {"n": DESK_BATCH_LIMIT}]}
            )
        return super().to_internal_value(data)


def _action(item: Any) -> DeskAction:
    if not isinstance(item, dict):
        return DeskAction(key="", type="", station="")
    payload = {k: v for k, v in item.items() if k not in ("key", "type", "station")}
    return DeskAction(
        key=str(item.get("key") or ""), type=str(item.get("type") or ""),
        station=str(item.get("station") or ""), payload=payload,
    )  # fmt: skip


class DeskSuppliesBatchView(DeskAPIView):
    @extend_schema(
        operation_id="desk_supplies_batch",
        summary="Upload queued hand-outs and voucher redemptions; answers per action, in order "
        "(each applied once by its key)",
        request=DeskBatchSerializer,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        batch = DeskBatchSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        outcomes = desk_actions_apply(
            actor=request.user, actions=[_action(item) for item in batch.validated_data["actions"]]
        )
        return Response({"results": [o.as_dict() for o in outcomes]})
