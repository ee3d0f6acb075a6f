"""The API schema says how every operation can fail, not only how it succeeds.

Every error a client can cause answers the one envelope of ``core.api``
(``{"error": {"field", "message"}}``); this AutoSchema adds that envelope, as the component
``Error``, under each status an operation can answer: 400 for input it reads, 401/403 where
a login is needed or a right checked, 404 for what it looks up, 409 for conflicts of a
write, 429 for rate limits.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class ErrorDetailSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True, help_text="The input at fault, e.g. lines[1].item; null when none."
    )
    message = serializers.CharField(help_text="What went wrong, in the request's language.")
    available = serializers.IntegerField(
        required=False, help_text="For too little stock: how much there is."
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()

    class Meta:
        ref_name = "Error"


class AutoSchema(SpectacularAutoSchema):
    def error_codes(self) -> list[int]:
        method = self.method.upper()
        codes = [400, 404, 429]
        public = all(isinstance(p, AllowAny) for p in self.view.get_permissions())
        if not public:
            codes += [401, 403]
        if method in WRITE_METHODS:
            codes += [403, 409]
        return sorted(set(codes))

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self.error_codes():
            responses.setdefault(str(code), self._get_response_for_code(ErrorSerializer, str(code)))
        return responses
