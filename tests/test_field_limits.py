"""Every field a client fills in — Django forms and DRF serializers of our apps — has a
bound: text a maximum length, numbers a range (or a number of digits), lists a maximum
size. Fields built from a model carry the model's bounds (max_length, the database's
integer range) and are not listed here; declared fields are."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

from django import forms
from rest_framework import serializers

APPS = ("core", "stations", "campaigns", "welfare", "maps", "config")

#: Fields without a bound of their own, and why that is safe.
UNBOUNDED = {
    "core.schema.ErrorDetailSerializer": "describes answers, never parses input",
    "core.schema.ConflictErrorDetailSerializer": "describes answers, never parses input",
}


def _modules() -> list[Any]:
    out = []
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if any(part in info.name for part in ("migrations", "management", "settings")):
                continue
            out.append(importlib.import_module(info.name))
    return out


def _problem(field: Any) -> str | None:
    if isinstance(field, forms.ChoiceField | serializers.ChoiceField | forms.BooleanField):
        return None
    if isinstance(field, forms.CharField | serializers.CharField):
        return None if field.max_length is not None else "no max_length"
    if isinstance(field, forms.DecimalField | serializers.DecimalField):
        return None if field.max_digits is not None else "no max_digits"
    if isinstance(field, forms.IntegerField | forms.FloatField):
        return None if None not in (field.min_value, field.max_value) else "no range"
    if isinstance(field, serializers.IntegerField | serializers.FloatField):
        return None if None not in (field.min_value, field.max_value) else "no range"
    if isinstance(field, serializers.ListField):
        return None if field.max_length is not None else "no max_length"
    return None


def test_every_declared_input_field_is_bounded():
    problems = []
    seen = set()
    for module in _modules():
        for name, cls in vars(module).items():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__ or cls in seen:
                continue
            seen.add(cls)
            label = f"{module.__name__}.{name}"
            if label in UNBOUNDED:
                continue
            if issubclass(cls, forms.BaseForm):
                fields = cls.declared_fields
            elif issubclass(cls, serializers.Serializer):
                fields = cls._declared_fields
            else:
                continue
            for field_name, field in fields.items():
                problem = _problem(field)
                if problem:
                    problems.append(f"{label}.{field_name}: {type(field).__name__} {problem}")
    assert not problems, "\n".join(problems)
    assert len(seen) > 50
