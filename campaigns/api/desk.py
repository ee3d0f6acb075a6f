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

from campaigns.exceptions import CampaignsError
from campaigns.selectors.desk import desk_supplies
from campaigns.services.desk import (
    DESK_BATCH_LIMIT,
    DESK_KEY_MAX_LENGTH,
    DeskAction,
    desk_actions_apply,
)
from core.errors import NotFound
from stations import selectors as station_selectors


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
        code = (request.query_params.get("station") or "").strip()
        station = station_selectors.station_by_code(code=code)
        if station is None:
            raise NotFound(_("没有编号为 %(code)s 的站点。") % {"code": code[:40]}, field="station")
        return Response(desk_supplies(actor=request.user, station=station))


class DeskActionSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=DESK_KEY_MAX_LENGTH)
    type = serializers.ChoiceField(choices=["hand_out", "voucher", "undo"])
    station = serializers.CharField(max_length=40)


class DeskBatchSerializer(serializers.Serializer):
    actions = DeskActionSerializer(many=True)


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
        body = request.data
        if not isinstance(body, dict) or not isinstance(body.get("actions"), list):
            raise CampaignsError(_('请求体应为 {"actions": [...]}。'), field="actions")
        if len(body["actions"]) > DESK_BATCH_LIMIT:
            raise CampaignsError(
                _("一次最多上传 %(n)d 项操作。") % {"n": DESK_BATCH_LIMIT}, field="actions"
            )
        outcomes = desk_actions_apply(
            actor=request.user, actions=[_action(item) for item in body["actions"]]
        )
        return Response({"results": [o.as_dict() for o in outcomes]})
