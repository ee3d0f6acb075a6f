"""Shared fixtures: a small union tree of Qinghai with Xining and Golmud branches."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.contrib.gis.geos import Point

from stations.models import Region, Station, Union
from stations.services.memberships import membership_grant
from tests.factories import RegionFactory, StationFactory, UnionFactory, UserFactory


def pytest_configure(config):
    """Under pytest-xdist each worker process gets a Redis database of its own as the
    broker of the tests that start a real Celery worker: on a shared one, one test's worker
    would take the other's tasks. gw0 keeps the configured database, gw1 the one below."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw"):
        base = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
        prefix, _sep, number = base.rpartition("/")
        os.environ["CELERY_TEST_BROKER_URL"] = f"{prefix}/{int(number) - int(worker[2:])}"


#: Fixtures through which a test reaches the database of the run (pytest-django refuses
#: any other access). ``fixturenames`` is transitive, so a test that takes ``network``
#: (which takes ``db``) counts.
DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}
)


def uses_database(item: pytest.Item) -> bool:
    return bool(
        item.get_closest_marker("django_db")
        or DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config, items):
    """The SpatiaLite pass re-runs only what can behave differently there: tests that reach
    the database (queries, writes, locks, migrations). A test that never touches it (a
    property of a pure function, a subprocess with its own settings, a lint) gives the same
    answer on either backend, so it runs once, in the PostGIS pass. Tests that need
    PostgreSQL itself, a browser or a server process of their own never run on SpatiaLite.
    """
    for item in items:
        if any(item.get_closest_marker(name) for name in ("postgis", "browser", "serverprocess")):
            continue
        if uses_database(item):
            item.add_marker(pytest.mark.spatialite)


@dataclass
class Network:
    province: Union
    xining: Union
    chengzhong: Union
    haixi: Union
    golmud: Union
    xining_station: Station
    xining_station_2: Station
    golmud_station: Station


@pytest.fixture
def network(db) -> Network:
    return build_network()


def build_network() -> Network:
    """The union tree and its three stations; for a module-scoped world, call it inside the
    module's transaction (see tests/maps/test_query_plans.py)."""
    qh = RegionFactory(code="630000", name="青海省", level=Region.Level.PROVINCE)
    xn = RegionFactory(code="630100", name="西宁市", parent=qh)
    cz = RegionFactory(code="630103", name="城中区", parent=xn, level=Region.Level.COUNTY)
    hx = RegionFactory(code="632800", name="海西州", parent=qh)
    gem = RegionFactory(code="632801", name="格尔木市", parent=hx, level=Region.Level.COUNTY)

    province = UnionFactory(code="QH", name="青海省总工会", kind=Union.Kind.PROVINCE, region=qh)
    xining = UnionFactory(
        code="QH-XN", name="西宁市总工会", parent=province, region=xn, kind=Union.Kind.PREFECTURE
    )
    chengzhong = UnionFactory(code="QH-XN-CZ", name="城中区总工会", parent=xining, region=cz)
    haixi = UnionFactory(
        code="QH-HX", name="海西州总工会", parent=province, region=hx, kind=Union.Kind.PREFECTURE
    )
    golmud = UnionFactory(code="QH-HX-GEM", name="格尔木市总工会", parent=haixi, region=gem)

    return Network(
        province=province,
        xining=xining,
        chengzhong=chengzhong,
        haixi=haixi,
        golmud=golmud,
        xining_station=StationFactory(
            code="QH-XN-0001", union=chengzhong, location=Point(101.7782, 36.6171, srid=4326)
        ),
        xining_station_2=StationFactory(
            code="QH-XN-0002", union=xining, location=Point(101.7600, 36.6300, srid=4326)
        ),
        golmud_station=StationFactory(
            code="QH-HX-0001", union=golmud, location=Point(94.9033, 36.4021, srid=4326)
        ),
    )


@pytest.fixture
def organizer_xining(network: Network):
    user = UserFactory(username="org-xining")
    membership_grant(actor=None, user=user, union=network.xining, role="organizer")
    return user


@pytest.fixture
def staff_xining(network: Network):
    user = UserFactory(username="staff-xining", is_staff=False)
    membership_grant(
        actor=None,
        user=user,
        union=network.xining,
        role="station_staff",
        stations=[network.xining_station],
    )
    return user


@pytest.fixture
def province_admin(network: Network):
    user = UserFactory(username="admin-qh")
    membership_grant(actor=None, user=user, union=network.province, role="admin")
    return user


#: The reference data the migrations seed, as (module, loader, model whose emptiness says
#: it is missing). Idempotent loaders: each gets or creates its rows.
SEEDED_DATA = (
    ("stations.migrations.0002_service_catalog", "load", "stations.Service"),
    ("stations.migrations.0010_service_alias_home_choice", "load", "stations.ServiceAlias"),
    ("campaigns.migrations.0002_item_catalog", "load", "campaigns.Item"),
    ("welfare.migrations.0007_province_rules_qinghai", "seed", "welfare.ProvinceRule"),
)


@pytest.fixture(autouse=True)
def _seeded_data(request):
    """A transactional test flushes every table after it runs, the data the migrations
    seeded (the service and item catalogs, the aliases, Qinghai's rules) included. Tests
    run in any order (pytest-randomly) and on any xdist worker, so every test that reaches
    the database finds that data there first, put back if a flush took it."""
    if not uses_database(request.node) and "live_server" not in request.fixturenames:
        yield
        return
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker is not None and marker.kwargs.get("transaction")
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    ensure_seeded_data()
    yield
    if transactional or "live_server" in request.fixturenames:
        wait_for_database_quiet()


def wait_for_database_quiet(timeout: float = 30.0) -> None:
    """Before a transactional test's flush, wait until no other session on the test
    database is inside a statement or a transaction.

    The flush TRUNCATEs every table, taking their locks one by one. A request the live
    server is still answering after the browser closed (a map's late fetch), or a worker
    finishing a task, may hold a lock on one table while it waits for another: PostgreSQL
    then reports a deadlock and the flush fails (CI, 2026-12-03). Polls with a deadline;
    past it the flush goes ahead and any lock conflict surfaces as it would have."""
    import time

    from django.db import connection

    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                " AND state IS NOT NULL AND state <> 'idle'"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)


def ensure_seeded_data() -> None:
    """Put back what the migrations seeded if a transactional test's flush took it; for
    worlds built once per module too (their fixtures set up before any test's)."""
    from importlib import import_module

    from django.apps import apps

    for module, loader, model in SEEDED_DATA:
        if not apps.get_model(model).objects.exists():
            getattr(import_module(module), loader)(apps, None)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
