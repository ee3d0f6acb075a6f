"""The station desk's API: visits, who am I, today's counts. Thin views over services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.categories import WorkerCategory
from core.parsers import JSONWithoutNulParser
from core.throttling import PublicFormThrottle
from stations import selectors
from stations.exceptions import StationsError
from stations.services import public_reports
from stations.services.closures import (
    station_closure_add,
    station_closure_end,
    station_day_hours_clear,
    station_day_hours_set,
)
from stations.services.visits import (
    VISIT_BATCH_LIMIT,
    VisitInput,
    visit_record_batch,
    visit_undo,
)


class DeskView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]


class VisitItemSerializer(serializers.Serializer):
    uuid = serializers.CharField(max_length=64)
    station = serializers.CharField(max_length=40)
    occurred_at = serializers.CharField(max_length=40)
    category = serializers.ChoiceField(choices=WorkerCategory.choices)
    services = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=50
    )


class VisitBatchSerializer(serializers.Serializer):
    visits = VisitItemSerializer(many=True)


def _visit_input(item: Any) -> VisitInput | str:
    """The item as a VisitInput, or why it cannot be one."""
    if not isinstance(item, dict):
        return _("每条到访记录必须是一个对象。")
    missing = [k for k in ("uuid", "station", "occurred_at", "category") if k not in item]
    if missing:
        return _("缺少字段：%(fields)s。") % {"fields": ", ".join(missing)}
    svc = item.get("services", [])
    return VisitInput(
        uuid=str(item["uuid"]),
        station=str(item["station"]),
        occurred_at=str(item["occurred_at"]),
        category=str(item["category"]),
        services=svc if isinstance(svc, list) else None,  # type: ignore[arg-type]
    )


class VisitBatchView(DeskView):
    @extend_schema(
        operation_id="visits_batch",
        summary="Upload up to 500 visits; answers per item, in order (idempotent by uuid)",
        request=VisitBatchSerializer,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        body = request.data
        if not isinstance(body, dict) or not isinstance(body.get("visits"), list):
            raise StationsError(_('请求体应为 {"visits": [...]}。'), field="visits")
        items = body["visits"]
        if len(items) > VISIT_BATCH_LIMIT:
            raise StationsError(
                _("一次最多上传 %(n)d 条到访记录。") % {"n": VISIT_BATCH_LIMIT},
                field="visits",
            )
        parsed = [_visit_input(item) for item in items]
        valid = [p for p in parsed if isinstance(p, VisitInput)]
        outcomes = iter(visit_record_batch(actor=request.user, visits=valid))
        results = []
        for item, p in zip(items, parsed, strict=True):
            if isinstance(p, str):
                uuid = str(item.get("uuid")) if isinstance(item, dict) else None
                results.append({"uuid": uuid, "status": "rejected", "reason": p})
            else:
                results.append(next(outcomes).as_dict())
        return Response({"results": results})


class VisitUndoView(DeskView):
    @extend_schema(
        operation_id="visit_undo", summary="Take back a visit just logged", responses={204: None}
    )
    def delete(self, request: Request, uuid: str) -> Response:
        visit_undo(actor=request.user, uuid=uuid)
        return Response(status=204)


class MeView(DeskView):
    @extend_schema(operation_id="me", summary="The signed-in user", responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response(selectors.me(user=request.user))


class TodayView(DeskView):
    @extend_schema(
        operation_id="desk_today",
        summary="Today's visits at a station by worker category",
        parameters=[OpenApiParameter("station", str, required=True)],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        station = selectors.station_for_staff(
            actor=request.user, code=request.query_params.get("station")
        )
        counts = selectors.visits_today(station=station)
        return Response({"station": station.code, "counts": counts, "total": sum(counts.values())})


class ClosureSerializer(serializers.Serializer):
    starts_on = serializers.DateField(input_formats=["%Y-%m-%d"])
    ends_on = serializers.DateField(input_formats=["%Y-%m-%d"])
    reason = serializers.CharField(max_length=200)


def closure_body(closure: Any) -> dict[str, Any]:
    return {
        "id": closure.pk,
        "starts_on": closure.starts_on.isoformat(),
        "ends_on": closure.ends_on.isoformat(),
        "reason": closure.reason,
    }


CLOSURE_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "The client's key for this closure (at most 64 characters): a retry with the same "
        "key answers with the closure it made and makes no second one."
    ),
)


class ClosuresView(DeskView):
    """A station's closures: staff mark it closed (停水, 停电, 装修 …) from the desk."""

    @extend_schema(
        operation_id="station_closures",
        summary="The station's closures that have not ended (its staff and organizers)",
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, code: str) -> Response:
        station = selectors.station_for_staff(actor=request.user, code=code)
        closures = selectors.closures_ahead(station=station)
        days = selectors.day_hours_ahead(station=station)
        return Response(
            {
                "station": station.code,
                "closures": [closure_body(c) for c in closures],
                "days": [day_hours_body(d) for d in days],
            }
        )

    @extend_schema(
        operation_id="station_closure_add",
        summary="Close the station from starts_on to ends_on (inclusive), with a reason",
        request=ClosureSerializer,
        parameters=[CLOSURE_KEY],
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, code: str) -> Response:
        station = selectors.station_for_staff(actor=request.user, code=code)
        key = (request.headers.get("Idempotency-Key") or "").strip() or None
        if key is not None and (len(key) > 64 or not key.isprintable()):
            raise StationsError(
                _("Idempotency-Key 不能超过 64 个字符，且只能是可见字符。"),
                field="Idempotency-Key",
            )
        serializer = ClosureSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        closure = station_closure_add(
            actor=request.user, station=station, key=key, **serializer.validated_data
        )
        return Response({"station": station.code, **closure_body(closure)}, status=201)


class ClosureEndView(DeskView):
    @extend_schema(
        operation_id="station_closure_end",
        summary="Reopen: remove a closure not begun, or end one under way yesterday",
        responses={204: None},
    )
    def delete(self, request: Request, code: str, pk: int) -> Response:
        station = selectors.station_for_staff(actor=request.user, code=code)
        station_closure_end(actor=request.user, station=station, closure_id=pk)
        return Response(status=204)


class DayHoursSerializer(serializers.Serializer):
    opens = serializers.TimeField(input_formats=["%H:%M"])
    closes = serializers.TimeField(input_formats=["%H:%M"])
    overnight = serializers.BooleanField(required=False, default=False)


def day_hours_body(changed: Any) -> dict[str, Any]:
    return {
        "day": changed.day.isoformat(),
        "opens": f"{changed.opens:%H:%M}",
        "closes": f"{changed.closes:%H:%M}",
        "overnight": changed.overnight,
    }


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise StationsError(_("日期格式应为 YYYY-MM-DD。"), field="day") from None


class DayHoursView(DeskView):
    """One coming day's hours, changed at the desk (a late opening, a short day)."""

    @extend_schema(
        operation_id="station_day_hours_set",
        summary="Set the hours of one coming day (replaces that day's usual hours)",
        request=DayHoursSerializer,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, code: str, day: str) -> Response:
        station = selectors.station_for_staff(actor=request.user, code=code)
        on = _day(day)
        serializer = DayHoursSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changed = station_day_hours_set(
            actor=request.user, station=station, day=on, **serializer.validated_data
        )
        return Response({"station": station.code, **day_hours_body(changed)})

    @extend_schema(
        operation_id="station_day_hours_clear",
        summary="Give a changed day its usual hours back",
        responses={204: None},
    )
    def delete(self, request: Request, code: str, day: str) -> Response:
        station = selectors.station_for_staff(actor=request.user, code=code)
        station_day_hours_clear(actor=request.user, station=station, day=_day(day))
        return Response(status=204)


class PublicFormView(APIView):
    """Public, no login: rate-limited per client address."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    renderer_classes = [JSONRenderer]
    throttle_classes = [PublicFormThrottle]


class FeedbackView(PublicFormView):
    @extend_schema(
        operation_id="station_feedback",
        summary="Rate a station (1–5) with an optional comment (shown after moderation)",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, code: str) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        feedback = public_reports.feedback_submit(
            station_code=code, rating=data.get("rating"), comment=str(data.get("comment") or "")
        )
        return Response(
            {"station": code, "rating": feedback.rating, "comment_status": feedback.status},
            status=201,
        )


class ReportView(PublicFormView):
    parser_classes = [MultiPartParser, FormParser, JSONWithoutNulParser]

    @extend_schema(
        operation_id="station_report",
        summary="Report a problem at a station, optionally with a photo (JPEG/PNG/WebP)",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, code: str) -> Response:
        data = request.data
        report = public_reports.report_submit(
            station_code=code,
            kind=str(data.get("kind") or ""),
            description=str(data.get("description") or ""),
            photo=request.FILES.get("photo"),
        )
        return Response({"station": code, "kind": report.kind, "status": report.status}, status=201)
