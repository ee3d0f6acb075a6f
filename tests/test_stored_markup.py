"""Text is stored as given and escaped on output. Every free-text field of our models (each
CharField and TextField without fixed choices or a pattern that refuses "<") gets a
``<script>`` (or, where it must be short, a ``<x-N>`` tag), and no page — public, desk,
organizer, campaign, or the admin's lists, forms and history — renders it as markup."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.db import models
from django.test import Client
from django.urls import NoReverseMatch, reverse

from campaigns.models import Campaign, Transfer
from core.admin import ScopedAdminMixin
from supervision.models import Inspection
from tests.test_permission_matrix import XINING_PATH, build_world

pytestmark = [pytest.mark.postgis]

APPS = ("stations", "campaigns", "welfare", "supervision")
#: Text no person types: derived from other fields, computed digests, or codes the system
#: draws from a fixed alphabet (tracking codes, voucher codes).
DERIVED = {"path", "phone_key", "worker_key", "request_hash", "key", "endpoint"}
SYSTEM_CODES = {"campaigns.Voucher.code", "welfare.HazardReport.tracking_code"}


def free_text_fields(model: type) -> list[models.Field]:
    return [
        f for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices and not f.primary_key and f.name not in DERIVED
        and f"{model._meta.label}.{f.name}" not in SYSTEM_CODES
        and not any(isinstance(v, RegexValidator) for v in f.validators)
    ]  # fmt: skip


def payload(n: int, field: models.Field) -> str | None:
    longest = field.max_length or 10_000
    if longest >= 24:
        return f"<script>x{n}()</script>"
    if longest >= 7:
        return f"<x-{n}>"
    return None


def raw_marker(text: str) -> str:
    return text.split("(")[0] if text.startswith("<script>") else text


def escaped_marker(text: str) -> str:
    return raw_marker(text).replace("<", "&lt;").replace(">", "&gt;")


def plant(models_: list[type]) -> dict[str, str]:
    """One row per model (a Xining one where the admin scopes it) gets a payload in each
    free-text field. Answers field label → payload."""
    planted: dict[str, str] = {}
    n = 0
    for model in models_:
        fields = free_text_fields(model)
        if not fields:
            continue
        rows = model._default_manager.order_by("pk")
        model_admin = admin.site._registry.get(model)
        if isinstance(model_admin, ScopedAdminMixin):
            rows = rows.filter(**{f"{model_admin.union_path_field}__startswith": XINING_PATH})
        row = rows.first()
        if row is None:
            continue
        values = {}
        for field in fields:
            text = payload(n, field)
            n += 1
            if text is not None:
                values[field.attname] = text
                planted[f"{model._meta.label}.{field.name}"] = text
        model._default_manager.filter(pk=row.pk).update(**values)
    return planted


def pages(world: Any) -> list[tuple[str, str]]:
    o = world.objects
    campaign = Campaign.objects.get(pk=o["campaign"])
    transfer = Transfer.objects.get(pk=o["transfer"])
    out = [
        ("anonymous", "/"), ("anonymous", "/nearby/?city=630100"),
        ("anonymous", f"/stations/{o['station']}/"), ("anonymous", "/hazards/report/"),
        ("anonymous", f"/hazards/status/?code={o['hazard_code']}"),
        ("staff_a", "/desk/"),
        ("org_xining", "/organizer/"), ("org_xining", "/organizer/workers/"),
        ("org_xining", f"/organizer/workers/{o['worker']}/"), ("org_xining", "/organizer/hazards/"),
        ("org_xining", f"/organizer/hazards/{o['hazard']}/"), ("org_xining", "/organizer/rewards/"),
        ("org_xining", "/organizer/workplaces/"), ("org_xining", "/campaigns/"),
        ("org_xining", "/vouchers/issue/"),
    ]  # fmt: skip
    for name in ("dashboard", "stock", "plan", "hand-out", "receive"):
        out.append(("org_xining", reverse(f"campaigns:{name}", args=[campaign.pk])))
    out.append(("org_xining", f"/campaigns/{campaign.pk}/transfers/{transfer.pk}/receive/"))
    inspection = Inspection.objects.get(pk=o["inspection"])
    out += [
        ("org_xining", reverse("supervision:home")),
        ("org_xining", reverse("supervision:inspection", args=[inspection.pk])),
        ("org_xining", reverse("supervision:workplace", args=[inspection.workplace_id])),
        ("org_xining", reverse("supervision:accidents")),
        ("org_xining", reverse("supervision:accident", args=[o["accident"]])),
        ("org_xining", reverse("supervision:competitions")),
        ("org_xining", reverse("supervision:competition", args=[o["competition"]])),
    ]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        out.append(("superuser", reverse("admin:{}_{}_changelist".format(*info))))
        row = model._default_manager.order_by("pk").first()
        if row is not None and model._meta.app_label in APPS:
            for view in ("change", "history"):
                with contextlib.suppress(NoReverseMatch):  # a model without that page
                    out.append(("superuser", reverse(f"admin:{info[0]}_{info[1]}_{view}",
                                                     args=[row.pk])))  # fmt: skip
    return out


def test_stored_markup_is_never_rendered_as_markup(settings, db):
    settings.YIZHAN_ALLOW_DEMO = True
    settings.YIZHAN_DEMO_SEASON = "summer"  # build_world hands out the summer catalogue
    world = build_world()
    world.users["superuser"] = get_user_model().objects.create_superuser(
        "markup-root", password="pw-12345678"
    )
    ours = [m for m in apps.get_models() if m._meta.app_label in APPS
            and not m.__name__.startswith("Historical")]  # fmt: skip
    planted = plant(ours)
    assert len(planted) >= 30, sorted(planted)
    shown: set[str] = set()
    raw: list[str] = []
    for role, path in pages(world):
        client = Client()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        response = client.get(path)
        assert response.status_code == 200, (role, path, response.status_code)
        if not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        for label, text in planted.items():
            if raw_marker(text) in html:
                raw.append(f"{label} raw on {path}")
            if escaped_marker(text) in html:
                shown.add(label)
    assert raw == [], "\n".join(raw)
    # The pages did show the planted text (escaped): the check above is not vacuous.
    assert len(shown) >= len(planted) * 0.6, sorted(set(planted) - shown)
