"""Request bodies, refused early when no database could store them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser


def _unstorable(text: str) -> bool:
    """NUL, or a lone surrogate (valid JSON "\\ud800", not valid UTF-8)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _nul_path(value: Any, path: str = "") -> str | None:
    """Where the first string no database can store is (``lines[1].item``), or None."""
    if isinstance(value, str):
        return path or "body" if _unstorable(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            key_text = str(key)
            if _unstorable(key_text):
                return path or "body"
            found = _nul_path(item, f"{path}.{key_text}" if path else key_text)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_path(item, f"{path}[{index}]")
            if found:
                return found
    return None


class JSONWithoutNulParser(JSONParser):
    """JSON whose strings may not contain NUL (U+0000) or a lone surrogate.

    PostgreSQL text cannot hold either, so one anywhere (an idempotency key, a name inside a
    list) would otherwise fail deep in a write as a server error. It is refused here as a
    400 naming the field.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
            where = _nul_path(data)
        except RecursionError:
            # '[' * 3000: the decoder (or the walk below) runs out of stack; a client's
            # body, so a 400, never a 500.
            raise ParseError(_("JSON 嵌套层数太多。")) from None
        if where:
            raise ValidationError({where: [_("不能包含空字符（NUL）或无效的 Unicode 字符。")]})
        return data
