"""The permission matrix: every URL and every admin model, tried as seven people.

Rows come from the URL resolver and the admin registry; the expected policy of each comes
from ``config.access`` (one line per URL name, docs/access.md). Columns: anonymous, staff of
station A (QH-XN-0001), staff of station B (QH-XN-0003), the organizer of Xining, the
organizer of Golmud, the provincial admin, and a workers' safety inspector of a Xining
workplace (signed in, no union role). The objects acted on belong to station A and the
Xining union. An allowed cell must succeed; any other must be refused (403, 404 where
the object's existence is private, a login redirect for anonymous pages) and change nothing.
Each cell runs in a savepoint that is rolled back, so every cell starts from the same data.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import openpyxl
import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import Campaign, StockLocation, Transfer
from campaigns.selectors.stock import item_get
from campaigns.services import ledger, lifecycle, locations, vouchers
from config import access
from config.access import (
    INSPECTOR,
    ORGANIZER,
    ORGANIZERS,
    PUBLIC,
    SIGNED_IN,
    STAFF,
    SUPERUSER,
)
from core import time as local_time
from core.admin import ScopedAdminMixin
from core.scoping import forget_scope
from stations.models import Station, Union
from stations.services import closures, memberships
from stations.services.visits import VisitInput, visit_record_batch
from supervision.demo import load_demo_supervision
from supervision.models import (
    Accident,
    Competition,
    CompetitionEntry,
    Finding,
    InjuredPerson,
    Inspection,
    Project,
    SafetyInspector,
)
from supervision.services import accidents as accident_services
from supervision.services import competitions as competition_services
from supervision.services import inspections as inspection_services
from supervision.services import inspectors as inspector_services
from tests.conftest import ensure_seeded_data
from welfare.demo import demo_credit_code
from welfare.models import Worker, Workplace
from welfare.services import hazards as hazard_services
from welfare.services import roster

ROLES = ("anonymous", "staff_a", "staff_b", "org_xining", "org_golmud", "admin", "inspector")
ALLOWED = {
    PUBLIC: set(ROLES),
    SIGNED_IN: set(ROLES) - {"anonymous"},
    STAFF: {"staff_a", "org_xining", "admin"},
    ORGANIZER: {"org_xining", "admin"},
    ORGANIZERS: {"org_xining", "org_golmud", "admin"},
    INSPECTOR: {"inspector", "org_xining", "admin"},
    SUPERUSER: set(),
}
XINING_PATH = "QH/QH-XN/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XINING_MARKERS = ("QH-XN-", "西宁", "DEPOT-QH-XN")


# -- walking the URL conf --------------------------------------------------------------


def url_names() -> dict[str, str]:
    """Every named URL → its pattern (admin pages included)."""
    found: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                if p.name:
                    found[f"{namespace}:{p.name}" if namespace else p.name] = prefix + str(
                        p.pattern
                    )
                elif not prefix.startswith("admin/"):  # the admin's unnamed redirects
                    found[f"<unnamed> {prefix}{p.pattern}"] = prefix + str(p.pattern)

    walk(get_resolver().url_patterns, "", None)
    return found


def admin_model_urls() -> dict[str, str]:
    """URL name → model label for every admin page that belongs to a registered model."""
    out = {}
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        for name in url_names():
            if name.startswith(prefix):
                out[name] = model._meta.label
    return out


UNNAMED_ALLOWED = {"<unnamed> favicon.ico"}  # a redirect to a static file


def test_every_url_and_admin_model_has_an_access_line():
    names = url_names()
    admin_pages = admin_model_urls()
    missing = sorted(
        n
        for n in names
        if n not in access.URLS
        and n not in admin_pages
        and n not in access.ADMIN_SITE_URLS
        and n not in UNNAMED_ALLOWED
    )
    assert not missing, f"add these to config/access.py (docs/access.md): {missing}"
    stale = sorted(n for n in access.URLS if n not in names)
    assert not stale, f"config/access.py names URLs that no longer exist: {stale}"
    registered = {m._meta.label for m in admin.site._registry}
    assert registered == set(access.ADMIN), (
        "config/access.py ADMIN must list exactly the registered models: "
        f"missing {sorted(registered - set(access.ADMIN))}, "
        f"stale {sorted(set(access.ADMIN) - registered)}"
    )
    for label, policy in access.ADMIN.items():
        model_admin = admin.site._registry[apps.get_model(label)]
        if policy in (access.SCOPED, access.SCOPED_READ):
            assert isinstance(model_admin, ScopedAdminMixin), label


# -- the world: demo data plus the six people -------------------------------------------


@dataclass
class World:
    users: dict[str, Any]
    objects: dict[str, Any] = field(default_factory=dict)
    #: Golmud's (Haixi's) rows, to stand in for Xining's in a request body.
    foreign: dict[str, Any] = field(default_factory=dict)


def _user(username: str, *, is_staff: bool) -> Any:
    return memberships.account_ensure(
        actor=None, username=username, password="pw-12345678", is_staff=is_staff
    )


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Built once for the module, in a transaction rolled back at its end; each test runs
    inside it in its own savepoint (pytest-django's ``db``), as Django's TestCase does with
    ``setUpTestData``."""
    demo = override_settings(YIZHAN_ALLOW_DEMO=True, YIZHAN_DEMO_SEASON="summer")
    with django_db_blocker.unblock():
        # Earlier tests' rolled-back rows (50,000 stations per plan test) stay as dead
        # tuples until a vacuum, and every cell counts every table twice (``fingerprint``):
        # after the rest of the suite that made this test five times slower.
        quote = connection.ops.quote_name
        tables = ", ".join(quote(m._meta.db_table) for m in fingerprint_models())
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {tables}")
    with django_db_blocker.unblock(), demo, transaction.atomic():
        ensure_seeded_data()  # an earlier transactional test on this worker flushed it
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(module_world, db) -> Iterator[World]:
    """The module's world, with this test's savepoint open (``db``) and the demo allowed."""
    with override_settings(YIZHAN_ALLOW_DEMO=True, YIZHAN_DEMO_SEASON="summer"):
        yield module_world


def build_world() -> World:
    """The quick-start demo, a staff member of station B, an organizer of Golmud, a safety
    inspector, and one object of each kind under station A / Xining (the demo lacks some)."""
    for command in ("load_demo", "load_demo_campaign", "load_demo_welfare"):
        call_command(command, verbosity=0)
    load_demo_supervision()
    User = get_user_model()
    staff_b = _user("matrix-staff-b", is_staff=False)
    memberships.membership_grant(
        actor=None, user=staff_b, union=Union.objects.get(code="QH-XN"), role="station_staff",
        stations=[Station.objects.get(code="QH-XN-0003")],
    )  # fmt: skip
    golmud = _user("matrix-org-golmud", is_staff=True)
    memberships.membership_grant(
        actor=None, user=golmud, union=Union.objects.get(code="QH-HX-GEM"), role="organizer"
    )
    users = {
        "anonymous": None,
        "staff_a": User.objects.get(username="demo-staff"),
        "staff_b": staff_b,
        "org_xining": User.objects.get(username="demo-organizer"),
        "org_golmud": golmud,
        "admin": User.objects.get(username="demo-admin"),
        "inspector": _user("matrix-inspector", is_staff=False),
    }
    for user in users.values():
        if user is not None:
            forget_scope(user)
    assert not users["admin"].is_superuser  # the provincial admin acts through memberships
    station = Station.objects.get(code="QH-XN-0001")
    campaign = Campaign.objects.get(union__code="QH-XN")
    today = local_time.today()
    closure = closures.station_closure_add(
        actor=None, station=station, starts_on=today + dt.timedelta(days=5),
        ends_on=today + dt.timedelta(days=5), reason="停水",
    )  # fmt: skip
    voucher = vouchers.voucher_issue(
        actor=None, campaign=campaign, phone="13800138000", item=item_get(code="water"),
        category="courier",
    )  # fmt: skip
    to_check = hazard_services.hazard_report_submit(
        category="fire", description="灭火器过期", region="630103", address="城中区某路"
    )
    verified = hazard_services.hazard_report_submit(
        category="electrical", description="电线裸露", region="630103", address="城中区某街"
    )
    hazard_services.hazard_report_advance(
        actor=users["org_xining"], report=verified, status="verified", grade="general"
    )
    assert to_check.union.path.startswith(XINING_PATH)
    hazard_services.reward_budget_set(
        actor=None, union=verified.union, year=verified.reward.year, amount=10000
    )
    ledger.stock_distribute(  # a row for the admin's distribution export
        actor=None, campaign=campaign, location=StockLocation.objects.get(station=station),
        item=item_get(code="water"), quantity=1, category="courier",
    )  # fmt: skip
    workplace = Workplace.objects.filter(union__path__startswith=XINING_PATH).order_by("pk")[0]
    inspector_services.inspector_save(
        actor=None, inspector=SafetyInspector(workplace=workplace, name="矩阵检查员",
                                              user=users["inspector"], appointed_on=today),
    )  # fmt: skip
    w = World(users=users)
    w.foreign = foreign_objects()
    w.objects = {
        "station": station.code,
        "tomorrow": (today + dt.timedelta(days=1)).isoformat(),
        "closure": closure.pk,
        "campaign": campaign.pk,
        "transfer": Transfer.objects.get(destination__station=station, status="in_transit").pk,
        "voucher": voucher.code,
        "hazard_code": to_check.tracking_code,
        "hazard": to_check.pk,
        "reward": verified.reward.pk,
        "worker": Worker.objects.get(union__path__startswith=XINING_PATH).pk,
        "workplace": workplace.pk,
        "xining_union": Union.objects.get(code="QH-XN").pk,
        "depot": StockLocation.objects.get(code="DEPOT-QH-XN").code,
        "visit": None,  # made per cell (only its recorder may take it back)
        "fmt": "csv",
        "today": today.isoformat(),
        "tile_z": 0,
        "tile_x": 0,
        "tile_y": 0,
        "ogc_collection": "stations",
        **supervision_objects(),
    }
    return w


def foreign_objects() -> dict[str, Any]:
    """One row of each kind a write names in its body, under Golmud (another union than
    the Xining rows the URLs name): a Golmud campaign, depot, station, workplace, union."""
    golmud = Union.objects.get(code="QH-HX-GEM")
    campaign = lifecycle.campaign_create(
        actor=None, kind="summer", name="格尔木送清凉（矩阵）", union=golmud,
        starts_on=local_time.today() - dt.timedelta(days=10),
        ends_on=local_time.today() + dt.timedelta(days=60), target_workers=100,
    )  # fmt: skip
    lifecycle.campaign_set_status(actor=None, campaign=campaign, status="active")
    depot = locations.depot_create(
        actor=None, code="DEPOT-QH-HX-GEM", name="格尔木仓库（矩阵）", union=golmud,
        lat=36.40, lng=94.90,
    )  # fmt: skip
    ledger.stock_receive(
        actor=None, location=depot, campaign=campaign,
        lines=[ledger.ReceiptLine(item=item_get(code="sun_hat"), quantity=50)],
    )  # fmt: skip
    return {
        "campaign": campaign.pk,
        "depot": depot.code,
        "station": "QH-HX-0001",
        "workplace": Workplace.objects.filter(union=golmud).order_by("pk")[0].pk,
        "xining_union": golmud.pk,
    }


def supervision_objects() -> dict[str, Any]:
    """The supervision demo's rows under Xining, one of each state a step needs, and a
    competition still enrolling."""
    xining = {"workplace__union__path__startswith": XINING_PATH}
    findings = Finding.objects.filter(**xining, inspection__isnull=False).order_by("pk")
    cup = Competition.objects.get(union__code="QH-XN", status="evaluating")
    enrolling = competition_services.competition_save(
        actor=None,
        competition=Competition(union=cup.union, year=cup.year, name="矩阵：报名中的竞赛",
                                scoring_items=cup.scoring_items),
    )  # fmt: skip
    accident = Accident.objects.filter(**xining).order_by("pk")[0]
    entry = CompetitionEntry.objects.filter(competition=cup, workplace__isnull=False).order_by(
        "pk"
    )[0]
    evidence = competition_services.entry_evidence_add(
        actor=None, entry=entry,
        upload=SimpleUploadedFile("m.pdf", b"%PDF-1.4 matrix", content_type="application/pdf"),
    )  # fmt: skip
    return {
        "inspection": Inspection.objects.filter(**xining).order_by("pk")[0].pk,
        "finding_open": findings.filter(status="open", severity="general")[0].pk,
        "finding_rectified": findings.filter(status="rectified")[0].pk,
        "finding_major": findings.filter(
            status="open", severity="major", government_reported_on__isnull=True
        )[0].pk,
        "accident": accident.pk,
        "injured": InjuredPerson.objects.filter(accident=accident).order_by("pk")[0].pk,
        "competition": cup.pk,
        "competition_open": enrolling.pk,
        "entry": entry.pk,
        "evidence": evidence.pk,
        "project": Project.objects.filter(**xining).order_by("pk")[0].pk,
    }


# -- what each request sends -------------------------------------------------------------


@dataclass
class Case:
    """The request of one cell. ``data`` is built per cell (fresh keys and uuids)."""

    data: Callable[[dict[str, Any]], Any] = lambda o: {}
    query: Callable[[dict[str, Any]], dict[str, str]] = lambda o: {}
    prepare: Callable[[World, str, dict[str, Any]], None] | None = None
    #: Batch endpoints answer 200 and refuse per line: read the line's status.
    line_status: bool = False


def _key() -> str:
    return str(uuid.uuid4())


def _visit_for_undo(w: World, role: str, objects: dict[str, Any]) -> None:
    """The visit to take back, recorded by this person if they may record at station A,
    else by station A's staff."""
    actor = w.users[role]
    may = role in ALLOWED[STAFF]
    outcome = visit_record_batch(
        actor=actor if may else w.users["staff_a"],
        visits=[VisitInput(uuid=_key(), station="QH-XN-0001",
                           occurred_at=timezone.now().isoformat(), category="courier")],
    )  # fmt: skip
    objects["visit"] = outcome[0].uuid


def _day_hours_changed(w: World, role: str, objects: dict[str, Any]) -> None:
    """Tomorrow has changed hours (so that clearing them has something to clear)."""
    closures.station_day_hours_set(
        actor=None, station=Station.objects.get(code=objects["station"]),
        day=dt.date.fromisoformat(objects["tomorrow"]), opens=dt.time(10), closes=dt.time(16),
    )  # fmt: skip


def _major_rectified(w: World, role: str, objects: dict[str, Any]) -> None:
    """The major finding is rectified (its rectification can go to the workers' congress)."""
    inspection_services.finding_rectify(
        actor=None, finding=Finding.objects.get(pk=objects["finding_major"]),
        rectified_on=local_time.today(), evidence="已整改",
    )  # fmt: skip


def _accident_checks_done(w: World, role: str, objects: dict[str, Any]) -> None:
    """The last two checks of 四不放过 are done (the case may close)."""
    accident = Accident.objects.get(pk=objects["accident"])
    for kind in ("measures", "education"):
        accident_services.accident_check_record(
            actor=None, accident=accident, kind=kind, done_on=local_time.today(), evidence="已落实"
        )


def _finding(o: dict[str, Any]) -> dict[str, Any]:
    return {"category": "fire", "severity": "general", "description": "安全出口堵塞",
            "deadline": (local_time.today() + dt.timedelta(days=7)).isoformat(),
            "responsible_person": "后勤 周敏"}  # fmt: skip


# fmt: off
CASES: dict[str, Case] = {
    "api-visits-batch": Case(
        lambda o: {"visits": [{"uuid": _key(), "station": o["station"], "category": "courier",
                               "occurred_at": timezone.now().isoformat()}]},
        line_status=True,
    ),
    "api-visit-undo": Case(prepare=_visit_for_undo),
    "api-feedback": Case(lambda o: {"rating": 5, "comment": "很好"}),
    "api-report": Case(lambda o: {"kind": "water_broken", "description": "饮水机不出水"}),
    "api-closures": Case(
        lambda o: {"starts_on": o["tomorrow"], "ends_on": o["tomorrow"], "reason": "停电"}
    ),
    "api-day-hours": Case(
        lambda o: {"opens": "09:00", "closes": "17:00"}, prepare=_day_hours_changed
    ),
    "api-desk-today": Case(query=lambda o: {"station": o["station"]}),
    "api-desk-supplies": Case(query=lambda o: {"station": o["station"]}),
    "api-stock-levels": Case(query=lambda o: {"location": o["station"]}),
    "api-stock-receipts": Case(
        lambda o: {"location": o["depot"], "campaign": o["campaign"],
                   "lines": [{"item": "sun_hat", "quantity": 5}]}
    ),
    "api-stock-transfers": Case(
        lambda o: {"source": o["depot"], "destination": o["station"], "campaign": o["campaign"],
                   "lines": [{"item": "sun_hat", "quantity": 2}]}
    ),
    "api-stock-distributions": Case(
        lambda o: {"campaign": o["campaign"], "location": o["station"], "item": "water",
                   "quantity": 1, "category": "courier"}
    ),
    "api-stock-adjustments": Case(
        lambda o: {"location": o["depot"], "item": "sun_hat", "delta": -1, "reason": "盘点"}
    ),
    "api-desk-supplies-batch": Case(
        lambda o: {"actions": [{"key": _key(), "type": "hand_out", "station": o["station"],
                                "campaign": o["campaign"], "item": "water", "quantity": 1,
                                "category": "courier"}]},
        line_status=True,
    ),
    "api-voucher-issue": Case(
        lambda o: {"phone": "13900139000", "item": "water", "category": "courier"}
    ),
    "api-workplaces": Case(
        lambda o: {"name": "矩阵测试厂", "credit_code": demo_credit_code("91630100MA7MATX01"),
                   "lat": 36.62, "lng": 101.77, "address": "城中区", "region": "630103",
                   "union": "QH-XN-CZ"}
    ),
    "api-hazard-reports": Case(
        lambda o: {"category": "fire", "description": "消防通道堵塞", "region": "630103",
                   "address": "城中区某路"}
    ),
    "campaigns:stock": Case(lambda o: {"location": o["depot"], "item": "water", "level": 10}),
    "campaigns:plan": Case(
        lambda o: {"action": "plan", "item": "water", "source": o["depot"], "weeks": 4,
                   "minimum": 0, "weighting": "visits"}
    ),
    "campaigns:hand-out": Case(
        lambda o: {"location": o["station"], "item": "water", "quantity": 1,
                   "category": "courier", "workers": 1}
    ),
    "campaigns:receive": Case(
        lambda o: {"location": o["depot"], "item": "sun_hat", "quantity": 3}
    ),
    "campaigns-vouchers:issue": Case(
        lambda o: {"campaign": o["campaign"], "phone": "13700137000", "item": "water",
                   "category": "courier", "quantity": 1}
    ),
    "welfare:hazard-report": Case(
        lambda o: {"category": "fire", "description": "消防通道堵塞", "region": "630103",
                   "address": "城中区某路", "lat": "", "lng": ""}
    ),
    "welfare:worker-new": Case(
        lambda o: {"workplace": o["workplace"], "name": "李师傅", "category": "construction",
                   "consent": "on"}
    ),
    "welfare:roster-import": Case(
        lambda o: {"workplace": o["workplace"],
                   "file": SimpleUploadedFile("r.xlsx", roster.roster_template())}
    ),
    "welfare:check-record": Case(
        lambda o: {"kind": "periodic", "checked_on": o["today"], "result": "normal"}
    ),
    "welfare:worker-leave": Case(lambda o: {"left_on": o["today"]}),
    "welfare:hazard": Case(lambda o: {"status": "verified", "grade": "general"}),
    "welfare:reward-budget": Case(
        lambda o: {"union": o["xining_union"], "year": local_time.today().year, "amount": "500"}
    ),
    "welfare:reward-paid": Case(lambda o: {"paid_on": o["today"]}),
    "maps:station-feedback": Case(lambda o: {"rating": 4}),
    "maps:station-report": Case(lambda o: {"kind": "other", "description": "门口积水"}),
    "welfare:hazard-status": Case(query=lambda o: {"code": o["hazard_code"]}),
    "api-alerts": Case(query=lambda o: {"region": "630100"}),
    "two-factor": Case(lambda o: {"action": "off"}),
    "api-alerts-here": Case(query=lambda o: {"lat": "36.62", "lng": "101.77"}),
    "api-station-nearby": Case(query=lambda o: {"lat": "36.62", "lng": "101.77"}),
    "api-station-list": Case(query=lambda o: {"bbox": "101.7,36.6,101.8,36.7"}),
    "api-station-clusters": Case(query=lambda o: {"bbox": "101.7,36.6,101.8,36.7", "zoom": "10"}),
    # supervision
    "supervision:inspection-new": Case(
        lambda o: {"workplace": o["workplace"], "inspected_on": o["today"], "inspectors": "李明"}
    ),
    "supervision:inspection": Case(_finding),
    "supervision:finding-step": Case(
        lambda o: {"step": "rectify", "on": o["today"], "text": "已疏通安全出口"}
    ),
    "supervision:competition": Case(
        lambda o: {"action": "award", "entry": o["entry"], "award": "winner_unit"}
    ),
    "supervision:accidents": Case(
        lambda o: {"workplace": o["workplace"], "occurred_on": o["today"], "place": "车间",
                   "category": "struck", "cause": "unknown", "deaths": 0, "serious": 0,
                   "minor": 1}
    ),
    "supervision:accident": Case(
        lambda o: {"step": "check", "kind": "measures", "on": o["today"], "evidence": "已加装护栏"}
    ),
    "supervision:inspector-report": Case(lambda o: {"workplace": o["workplace"], **_finding(o)}),
    "supervision:stop-work": Case(
        lambda o: {"kind": "evacuate", "place": "电解车间",
                   "proposed_at": local_time.now().strftime("%Y-%m-%dT%H:%M"),
                   "addressed_to": "生产副总 王强", "danger": "电解槽漏铝，车间有爆炸危险"}
    ),
    "api-supervision-inspections": Case(
        lambda o: {"workplace": o["workplace"], "inspected_on": o["today"], "inspectors": "李明",
                   "findings": [_finding(o)]}
    ),
    "api-supervision-finding-rectify": Case(
        lambda o: {"rectified_on": o["today"], "evidence": "已完成三级安全教育"}
    ),
    "api-supervision-finding-verify": Case(lambda o: {"verified_on": o["today"]}),
    "api-supervision-finding-reopen": Case(lambda o: {"reason": "制动器仍有异响"}),
    "api-supervision-finding-report-government": Case(
        lambda o: {"reported_on": o["today"], "recipient": "西宁市应急管理局"}
    ),
    "api-supervision-finding-report-congress": Case(
        lambda o: {"reported_on": o["today"], "note": "职代会通报"}, prepare=_major_rectified
    ),
    "api-supervision-accidents": Case(
        lambda o: {"workplace": o["workplace"], "occurred_on": o["today"], "place": "车间",
                   "category": "struck", "minor": 1}
    ),
    "api-supervision-accident-statistics": Case(
        query=lambda o: {"union": "QH-XN", "year": o["today"][:4], "by": "category"}
    ),
    "api-supervision-accident-check": Case(
        lambda o: {"kind": "measures", "done_on": o["today"], "evidence": "已加装护栏"}
    ),
    "api-supervision-accident-cause": Case(lambda o: {"cause": "management"}),
    "api-supervision-accident-close": Case(
        lambda o: {"closed_on": o["today"]}, prepare=_accident_checks_done
    ),
    "api-supervision-injured-follow-up": Case(lambda o: {"placement": "调整到辅助岗位"}),
    "api-supervision-competition-enrol": Case(lambda o: {"workplace": o["workplace"]}),
    "api-supervision-entry-evaluate": Case(
        lambda o: {"scores": {"duty": 20, "hazards": 20, "training": 10, "groups": 10}}
    ),
    "api-supervision-entry-award": Case(lambda o: {"award": "winner_unit"}),
    "api-supervision-project-review": Case(
        lambda o: {"milestone": "construction", "reviewed_on": o["today"], "compliant": False,
                   "opinion": "除尘管道仍未施工", "finding": _finding(o)}
    ),
    "api-supervision-inspector-report": Case(
        lambda o: {"workplace": o["workplace"], **_finding(o)}
    ),
}
# fmt: on

#: HTML forms that name another union's row in the body: the form never offers it, so the
#: answer is the form again with "choose a valid option" (400), as if the row did not exist.
REFUSED_AS_NOT_OFFERED = {
    "campaigns-vouchers:issue", "welfare:reward-budget", "welfare:roster-import",
    "welfare:worker-new", "supervision:inspection-new", "supervision:accidents",
    "supervision:inspector-report",
}  # fmt: skip

#: Exports whose rows are not any union's own (Golmud may see Xining in them), and why.
NOT_SCOPED_EXPORTS = {
    "welfare:hot-days": "the weather of every region is public (api-alerts)",
}

#: Rows a refused request may leave: the API's idempotency records keep refusals too, so a
#: retry with the same key gets the same answer (campaigns.api).
NOT_STATE = {"campaigns.IdempotencyRecord"}

#: Writes whose success leaves our tables as they were (the others must write a row, their
#: history's at least, so that a "success" that saved nothing is caught), and why.
WRITES_NO_ROWS = {
    "login": "signing in touches the session only (sent empty: the form again)",
    "admin-login": "signing in touches the session only (sent empty: the form again)",
    "password_change": "accounts are Django's tables (sent empty: the form again)",
    "password_reset": "sends a mail at most (sent empty: the form again)",
    "two-factor": "the device is django-otp's table",
    "api-token-issue": "tokens are DRF's and core's tables",
    "welfare:roster-import": "the upload is previewed; a second POST applies it",
}

#: URLs the matrix does not send a request to, and why.
NOT_SENT = {
    "logout": "ends the session the cell is signed in with",
    "password_reset_confirm": "needs a token mailed to a user",
    "set_language": "changes only the visitor's cookie",
}


# -- running one cell --------------------------------------------------------------------


def fingerprint_models() -> list[type]:
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in ("stations", "campaigns", "welfare", "supervision")
        and not m._meta.proxy
        and m._meta.label not in NOT_STATE
    ]


def fingerprint() -> dict[str, int]:
    """Row counts of every table of ours (history included), in one query: a refused
    request adds, removes or records nothing."""
    models = fingerprint_models()
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT count(*) FROM {quote(m._meta.db_table)})" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        row = cursor.fetchone()
    return {m._meta.label: n for m, n in zip(models, row, strict=True)}


_CLIENTS: dict[tuple[int, bool], Client] = {}


def client_for(user: Any, api: bool) -> Client:
    """A signed-in client per person and kind, made once per test: signing in writes a
    session, and every cell rolls back to just after it."""
    if user is None:
        return APIClient() if api else Client()
    key = (user.pk, api)
    if key not in _CLIENTS:
        client: Client = APIClient() if api else Client()
        client.force_login(user)
        _CLIENTS[key] = client
    return _CLIENTS[key]


@pytest.fixture(autouse=True)
def _fresh_clients() -> Iterator[None]:
    _CLIENTS.clear()
    yield
    _CLIENTS.clear()


def send(client: Client, method: str, url: str, case: Case, objects: dict[str, Any], api: bool):
    query = case.query(objects)
    if method == "GET":
        return client.get(url, query)
    data = case.data(objects)
    if api:
        return client.generic(
            method, url, data=__import__("json").dumps(data), content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=_key(),
        ) if method != "POST" else client.post(url, data, format="json",
                                               HTTP_IDEMPOTENCY_KEY=_key())  # fmt: skip
    return getattr(client, method.lower())(url, data)


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and "login" in response.get("Location", "")


def classify(response: Any, case: Case) -> str:
    """'ok', 'denied' or 'other' (a failure either way, shown in the report)."""
    status = response.status_code
    if status in (401, 403, 404) or is_login_redirect(response):
        return "denied"
    if case.line_status and status == 200:
        line = response.json()["results"][0]
        if line["status"] in ("created", "applied", "duplicate"):
            return "ok"
        if line["status"] == "rejected" or line.get("code") in (403, 404):
            return "denied"
        return f"other: line {line}"
    if 200 <= status < 300 or status == 302:
        return "ok"
    return f"other: {status} {response.content[:200]!r}"


def export_text(response: Any) -> str | None:
    """The text of a CSV, HTML or XLSX download (every cell of every sheet), else None."""
    content_type = response.get("Content-Type", "")
    if content_type.startswith("text/"):
        return response.content.decode("utf-8-sig")
    if content_type.startswith(XLSX):
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
            for cell in row if cell is not None
        )  # fmt: skip
    return None


def url_for(name: str, rule: access.Access, objects: dict[str, Any]) -> str:
    return reverse(name, kwargs={k: objects[v] for k, v in rule.args.items()})


def run_cell(w: World, name: str, rule: access.Access, role: str, method: str) -> str | None:
    """None when the cell behaves as the table says, else what went wrong."""
    case = CASES.get(name, Case())
    allowed = role in ALLOWED[rule.who]
    api = name.startswith("api-")
    # Signed in before the cell's savepoint, so the session outlives the rollback; the
    # cookies are put back after the cell (a cell may sign out or rotate the session).
    client = client_for(w.users[role], api)
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        cache.clear()
        objects = dict(w.objects)
        if case.prepare is not None:
            case.prepare(w, role, objects)
        url = url_for(name, rule, objects)
        before = fingerprint() if method != "GET" else None
        response = send(client, method, url, case, objects, api)
        outcome = classify(response, case)
        after = fingerprint() if before is not None else None
        problem = None
        if allowed and outcome != "ok":
            problem = f"should succeed, got {outcome} ({response.status_code})"
        elif allowed and before == after and before is not None and name not in WRITES_NO_ROWS:
            problem = f"answered {response.status_code} but wrote nothing"
        elif not allowed and not (
            outcome == "denied"
            or (
                name in REFUSED_AS_NOT_OFFERED
                and role != "anonymous"
                and response.status_code == 400
            )
        ):
            problem = f"should be refused, got {outcome} ({response.status_code})"
        elif not allowed and before != after:
            changed = {k for k, v in after.items() if before[k] != v}
            problem = f"refused but changed {sorted(changed)}"
        elif (
            allowed
            and rule.kind == access.EXPORT
            and role == "org_golmud"
            and name not in NOT_SCOPED_EXPORTS
            and (body := export_text(response)) is not None
        ):
            leaked = [m for m in XINING_MARKERS if m in body]
            if leaked:
                problem = f"export shows Xining rows to Golmud: {leaked}"
        transaction.set_rollback(True)
    client.cookies = cookies
    return problem


@pytest.mark.postgis
def test_permission_matrix(world):
    failures: list[str] = []
    cells = 0
    for name, rule in sorted(access.URLS.items()):
        if name in NOT_SENT:
            continue
        methods = rule.methods if rule.kind == access.WRITE else ("GET",)
        for method in methods:
            for role in ROLES:
                problem = run_cell(world, name, rule, role, method)
                cells += 1
                if problem:
                    failures.append(f"{name} {method} as {role}: {problem}")
    assert not failures, "\n".join(failures)
    assert cells >= len(ROLES) * 100


# -- the admin ---------------------------------------------------------------------------


def admin_object(model: type, policy: str) -> Any:
    model_admin = admin.site._registry[model]
    rows = model._default_manager.all()
    if policy in (access.SCOPED, access.SCOPED_READ):
        rows = rows.filter(**{f"{model_admin.union_path_field}__startswith": XINING_PATH})
    return rows.order_by("pk").first()


def admin_allowed(policy: str, role: str, write: bool) -> bool:
    if policy in (access.SCOPED, access.SCOPED_READ):
        return role in ALLOWED[ORGANIZER]
    if policy == access.REFERENCE:
        return role in ALLOWED[ORGANIZERS] and not write
    return False


@pytest.mark.postgis
def test_admin_matrix(world):
    """Every admin change view: opened by those allowed; refused to the others, and a POST
    from them changes nothing."""
    failures: list[str] = []
    opened = 0
    for label, policy in sorted(access.ADMIN.items()):
        model = apps.get_model(label)
        obj = admin_object(model, policy)
        if obj is None:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        for role in ROLES:
            client = client_for(world.users[role], api=False)
            response = client.get(url)
            if admin_allowed(policy, role, write=False):
                if response.status_code != 200:
                    failures.append(f"{label} as {role}: should open, got {response.status_code}")
                opened += 1
                continue
            if response.status_code not in (302, 403) or response.get("Location") == url:
                failures.append(f"{label} as {role}: should be refused, got {response.status_code}")
            if policy != access.SCOPED or admin_allowed(policy, role, write=True):
                continue
            before = model_to_dict(obj)
            sent = {
                k: v for k, v in before.items() if v is not None and not isinstance(v, FieldFile)
            }
            client.post(url, {**sent, "_save": 1})
            obj.refresh_from_db()
            if model_to_dict(obj) != before:
                failures.append(f"{label} as {role}: a refused POST changed the row")
    assert not failures, "\n".join(failures)
    assert opened >= 40


def csv_export_form(client: Client, name: str) -> dict[str, str]:
    """What the admin's export page sends for every column, as CSV with Chinese headers."""
    form = client.get(reverse(name)).context["form"]
    csv = next(v for v, label in form.fields["format"].choices if str(label).lower() == "csv")
    return {"format": str(csv), "resource": "0"} | {
        f: "on" for f in form.fields if f not in ("format", "resource", "export_items")
    }


#: Imports of kinds the admin does not export: a row of Xining's, as (headers, cells).
THEIR_ROWS: dict[str, Callable[[dict[str, Any]], tuple[list[str], list[str]]]] = {
    "admin:welfare_worker_import_file": lambda o: (
        ["统一社会信用代码", "姓名", "手机号"],
        [Workplace.objects.get(pk=o["workplace"]).credit_code, "矩阵工人", "13800000001"],
    ),
    "admin:welfare_healthcheck_import_file": lambda o: (
        ["统一社会信用代码", "姓名", "手机号", "体检类型", "体检日期", "结论"],
        [
            Workplace.objects.get(pk=o["workplace"]).credit_code,
            "矩阵工人",
            "13800000001",
            "periodic",
            o["today"],
            "normal",
        ],
    ),
}


@pytest.mark.postgis
def test_admin_imports_take_no_other_unions_rows(world):
    """The admin's imports (core.admin_import): refused to those who may not add rows; and
    Xining's own export, uploaded and confirmed by the Golmud organizer, is refused row by
    row and writes nothing (history included)."""
    golmud = client_for(world.users["org_golmud"], api=False)
    xining = client_for(world.users["org_xining"], api=False)
    staff = client_for(world.users["staff_a"], api=False)
    checked = 0
    for name in admin_model_urls():
        if not name.endswith("_import_file"):
            continue
        assert staff.get(reverse(name)).status_code in (302, 403), name
        export = name.removesuffix("_import_file") + "_export"
        if name in THEIR_ROWS:  # a kind the admin does not export
            columns, row = THEIR_ROWS[name](world.objects)
            theirs = (",".join(columns) + "\n" + ",".join(row) + "\n").encode()
        else:
            theirs = xining.post(reverse(export), csv_export_form(xining, export)).content
        before = fingerprint()
        upload = golmud.post(reverse(name), {
            "file": SimpleUploadedFile("theirs.csv", theirs), "crs": "wgs84", "consent": "on",
        })  # fmt: skip
        assert upload.status_code == 302, (name, upload.status_code)
        golmud.post(upload["Location"])  # confirm: there is nothing it may write
        report = golmud.get(upload["Location"]).context["report"]
        assert not report["ok"] and report["counts"]["error"] >= 1, (name, report)
        assert all(  # refused for the union, whatever else the row lacks
            any("无权" in e["message"] for e in row["errors"]) for row in report["rows"]
        ), (name, report["rows"][:2])
        assert fingerprint() == before, name
        checked += 1
    assert checked >= 5


@pytest.mark.postgis
def test_admin_exports_show_only_ones_own_rows(world):
    """The admin's export pages (core.admin_import's TabularExportMixin, as CSV) export the
    scoped list, nothing more."""
    golmud = client_for(world.users["org_golmud"], api=False)
    xining = client_for(world.users["org_xining"], api=False)
    checked = 0
    for name in admin_model_urls():
        if not name.endswith("_export"):
            continue
        data = csv_export_form(xining, name)
        theirs = xining.post(reverse(name), data)
        assert theirs["Content-Disposition"].startswith("attachment"), name
        assert any(m in theirs.content.decode("utf-8-sig") for m in XINING_MARKERS), name  # control
        response = golmud.post(reverse(name), data)
        assert response.status_code == 200, (name, response.status_code)
        body = response.content.decode("utf-8-sig")
        assert not [m for m in XINING_MARKERS if m in body], name
        checked += 1
    assert checked >= 2


# -- references in the body --------------------------------------------------------------


def _values(data: Any) -> set[str]:
    if isinstance(data, dict):
        return set().union(*(_values(v) for v in data.values())) if data else set()
    if isinstance(data, list | tuple):
        return set().union(*(_values(v) for v in data)) if data else set()
    return {str(data)}


#: Who sends each write of the column: the first of these the table allows.
BODY_ACTORS = ("org_xining", "staff_a", "inspector", "anonymous")


@pytest.mark.postgis
def test_references_to_another_unions_rows_in_the_body_are_refused(world):
    """The matrix's column for a request body that names another union's row (campaign,
    location, station, workplace, union): for every write whose body names one, sent by
    someone allowed the URL with Golmud's row in place of Xining's, the answer is a refusal
    (4xx, or the line rejected) and nothing changes (security review 2, class 3)."""
    failures: list[str] = []
    checked = 0
    for name, rule in sorted(access.URLS.items()):
        case = CASES.get(name)
        if rule.kind != access.WRITE or case is None or name in NOT_SENT:
            continue
        own = dict(world.objects)
        theirs = {**own, **world.foreign}
        foreign_values = {str(v) for k, v in world.foreign.items() if own.get(k) != v}
        body = case.data(theirs)
        if not ((_values(body) - _values(case.data(own))) & foreign_values):
            continue  # the body names no row
        role = next(r for r in BODY_ACTORS if r in ALLOWED[rule.who])
        api = name.startswith("api-")
        client = client_for(world.users[role], api)
        cookies = copy.deepcopy(client.cookies)
        for method in rule.methods:
            with transaction.atomic():
                cache.clear()
                objects = dict(own)
                if case.prepare is not None:
                    case.prepare(world, role, objects)
                url = url_for(name, rule, objects)
                before = fingerprint()
                body_case = Case(data=lambda o, body=body: body, line_status=case.line_status)
                response = send(client, method, url, body_case, objects, api)
                outcome = classify(response, body_case)
                refused = outcome == "denied" or 400 <= response.status_code < 500
                if not refused:
                    failures.append(f"{name} {method} as {role}: accepted ({outcome})")
                elif fingerprint() != before:
                    failures.append(f"{name} {method} as {role}: refused but changed rows")
                transaction.set_rollback(True)
            checked += 1
        client.cookies = cookies
    assert not failures, "\n".join(failures)
    assert checked >= 15
