"""The error envelope names the place of a nested error the way a person reads it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from core.api import exception_handler
from core.errors import Conflict, DomainError, NotFound, PermissionDenied, TooManyRequests


class Line(serializers.Serializer):
    item = serializers.CharField(max_length=5)
    quantity = serializers.IntegerField(min_value=1)


class Order(serializers.Serializer):
    location = serializers.CharField()
    lines = Line(many=True)
    tags = serializers.ListField(child=serializers.IntegerField(), required=False)
    point = serializers.DictField(child=serializers.FloatField(), required=False)


def answer(data: object) -> dict:
    order = Order(data=data)
    assert not order.is_valid()
    response = exception_handler(serializers.ValidationError(order.errors), {})
    assert response is not None and response.status_code == 400
    return response.data["error"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"lines": []}, "location"),
        ({"location": "D", "lines": [{"item": "a", "quantity": 1}, {"item": "toolong"}]},
         "lines[1].item"),
        ({"location": "D", "lines": [{"item": "a", "quantity": 1}, {"item": "b", "quantity": 0}]},
         "lines[1].quantity"),
        ({"location": "D", "lines": "x"}, "lines"),
        ({"location": "D", "lines": [{"item": "a", "quantity": 1}], "tags": [1, "x"]}, "tags[1]"),
        ({"location": "D", "lines": [{"item": "a", "quantity": 1}], "point": {"lat": "x"}},
         "point.lat"),
    ],
)  # fmt: skip
def test_nested_serializer_errors_name_the_place(data, field):
    error = answer(data)
    assert error["field"] == field
    assert error["message"]


def test_django_validation_errors_keep_the_field():
    response = exception_handler(DjangoValidationError({"ends_on": ["too early"]}), {})
    assert response.status_code == 400
    assert response.data["error"] == {"field": "ends_on", "message": "too early"}


@pytest.mark.parametrize(
    ("error", "status"),
    [(DomainError, 400), (PermissionDenied, 403), (NotFound, 404), (Conflict, 409),
     (TooManyRequests, 429)],
)  # fmt: skip
def test_domain_errors_carry_their_status(error, status):
    response = exception_handler(error("nope", field="x", available=3), {})
    assert response.status_code == status
    assert response.data["error"] == {"field": "x", "message": "nope", "available": 3}
