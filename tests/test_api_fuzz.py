"""Schemathesis against a live server on PostGIS, as a client that reads only the schema.

Every operation of ``/api/schema/`` gets generated input, anonymously and as an organizer:
no answer may be a server error, and every answer's status, content type and body must be
the ones the schema declares. Bounded in examples per operation so it stays minutes.

``make test`` runs it with 6 deterministic examples per operation (about a minute);
``make fuzz`` runs only it, with ``FUZZ_EXAMPLES`` (default 50) for a longer search.
``FUZZ_PHASES`` picks schemathesis's phases. ``make test`` leaves out the coverage phase
(each parameter's boundary values: about 80 % of the time) but for the path parameters,
whose refused values once fell through to Django's HTML 404 (``tests/fuzz_hooks.py``);
``make fuzz`` runs the whole coverage phase.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.serverprocess import free_port, serving

pytestmark = [pytest.mark.postgis, pytest.mark.fuzz, pytest.mark.django_db(transaction=True)]

CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance"
)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
PHASES = os.environ.get("FUZZ_PHASES", "examples,fuzzing")


@pytest.fixture
def demo(settings):
    settings.YIZHAN_ALLOW_DEMO = True
    settings.PUBLIC_FORM_RATE = "100000/minute"  # the fuzzer is one client sending a lot
    for command in (
        "load_demo",
        "load_demo_campaign",
        "load_demo_welfare",
        "load_demo_supervision",
    ):
        call_command(command, verbosity=0)


@pytest.fixture
def server(demo, tmp_path) -> Iterator[str]:
    """The production server (gunicorn) on the test database, which holds the demo.

    Django's development server answers some malformed requests (control characters in
    the request line) with a bare HTML page and no status line; gunicorn answers 400 as
    a real deployment would, so the fuzzer measures our code, not the toy server.
    """
    db = connection.settings_dict
    url = f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    command = [gunicorn, "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", "2", "--threads", "4", "--timeout", "60"]  # fmt: skip
    with serving(command, port=port, env=env, log_path=tmp_path / "gunicorn.log") as base:
        yield base


def run_schemathesis(
    base_url: str, *headers: str, path_parameters_only: bool = False
) -> subprocess.CompletedProcess[str]:
    st = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert st, "schemathesis is a dev dependency: pip install -e .[dev]"
    args = [
        st, "run", f"{base_url}/api/schema/", "--checks", CHECKS,
        "--max-examples", str(EXAMPLES), "--generation-deterministic",
        "--request-timeout", "30", "--suppress-health-check", "all",
    ]  # fmt: skip
    env = dict(os.environ)
    if path_parameters_only:  # the coverage phase's cases for path parameters only
        args += ["--phases", "coverage", "--include-path-regex", r"\{"]
        env["SCHEMATHESIS_HOOKS"] = "tests.fuzz_hooks"
    else:
        args += ["--phases", PHASES]
    for header in headers:
        args += ["--header", header]
    return subprocess.run(args, capture_output=True, text=True, timeout=900, check=False, env=env)


def report(result: subprocess.CompletedProcess[str]) -> str:
    out = result.stdout
    start = out.find("FAILURES")
    # The failures first: the warnings after them can run for pages.
    return (out[start : start + 6000] if start >= 0 else out[-6000:]) + result.stderr[-2000:]


def test_anonymous_client(server):
    result = run_schemathesis(server)
    assert result.returncode == 0, report(result)
    assert "Tested:" in result.stdout


def test_organizer_client(server):
    organizer = get_user_model().objects.get(username="demo-organizer")
    token, _created = Token.objects.get_or_create(user=organizer)
    result = run_schemathesis(server, f"Authorization: Token {token.key}")
    assert result.returncode == 0, report(result)
    if "coverage" not in PHASES.split(","):
        paths = run_schemathesis(
            server, f"Authorization: Token {token.key}", path_parameters_only=True
        )
        assert paths.returncode == 0, report(paths)
        assert "Coverage" in paths.stdout and "Tested:" in paths.stdout
