"""Vouchers over HTTP: an organizer issues today's voucher for one worker."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns.api.desk import DeskAPIView
from campaigns.selectors.campaigns import campaign_get
from campaigns.selectors.stock import item_get
from campaigns.services import vouchers
from core.categories import WorkerCategory


class VoucherIssueSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=20)
    item = serializers.CharField(max_length=40)
    category = serializers.ChoiceField(choices=WorkerCategory.choices)
    quantity = serializers.IntegerField(min_value=1, max_value=100, required=False, default=1)


def voucher_body(request: Request, voucher: Any) -> dict[str, Any]:
    page = reverse("campaigns-vouchers:voucher", kwargs={"code": voucher.code})
    return {
        "code": voucher.code,
        "display": vouchers.voucher_code_display(voucher.code),
        "issued_on": voucher.issued_on.isoformat(),
        "item": voucher.item.code,
        "quantity": voucher.quantity,
        "redeemed": voucher.redeemed_at is not None,
        "url": request.build_absolute_uri(page),
    }


class VoucherIssueView(DeskAPIView):
    @extend_schema(
        operation_id="voucher_issue",
        summary="Today's voucher for one worker (by phone); the same one if already issued",
        request=VoucherIssueSerializer,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, pk: int) -> Response:
        campaign = campaign_get(pk=pk)
        serializer = VoucherIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        voucher = vouchers.voucher_issue(
            actor=request.user, campaign=campaign, phone=data["phone"],
            item=item_get(code=data["item"]), category=data["category"],
            quantity=data["quantity"],
        )  # fmt: skip
        return Response(voucher_body(request, voucher), status=201)
