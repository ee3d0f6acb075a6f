"""Shared fixtures of the headless-browser tests: one Chromium per session, one fresh
context per test (a 360×640 phone in Chinese, in Xining's time zone), and the real Qinghai
demo data loaded into the database the live server reads."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would otherwise
# refuse ORM calls from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip

PHONE = {
    "viewport": {"width": 360, "height": 640},
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium for the whole session.

    Only one sync Playwright can run at a time in a thread: a test module that starts its
    own (a module-scoped ``chromium`` of its own) fails while this one is alive, so such
    modules should drop theirs and use this fixture.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


@dataclass
class Phone:
    """Opens pages in fresh browser contexts and remembers every error they report."""

    browser: Any
    base_url: str
    errors: list[str] = field(default_factory=list)
    contexts: list[Any] = field(default_factory=list)

    def open(self, path: str | None = "/", **context_options: Any) -> Any:
        """A new page in a new context; it goes to ``path`` unless that is None."""
        options = {**PHONE, **context_options}
        context = self.browser.new_context(base_url=self.base_url, **options)
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda msg: (
                self.errors.append(f"console: {msg.text} ({msg.location.get('url', '')})")
                if msg.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        if path is not None:
            page.goto(path)
        return page

    def assert_no_errors(self) -> None:
        assert self.errors == [], "the browser reported errors:\n" + "\n".join(self.errors)

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts.clear()


@pytest.fixture
def phone(chromium, live_server) -> Iterator[Phone]:
    session = Phone(browser=chromium, base_url=live_server.url)
    yield session
    session.close()


@pytest.fixture
def demo_stations(transactional_db) -> None:
    """The service catalog (flushed after every transactional test), Qinghai's regions and
    unions, and the 98 real demo stations."""
    from django.apps import apps

    from stations.fixtures_loader import load_demo_stations, load_network
    from tests.worlds import world

    def build() -> None:
        import_module("stations.migrations.0002_service_catalog").load(apps, None)
        load_network()
        load_demo_stations()

    world("demo-stations", build)


def wait_until(page: Any, expression: str, arg: Any = None, timeout: float = 10.0) -> None:
    """``page.wait_for_function`` without eval: Playwright compiles a string predicate
    with ``eval`` inside the page, which the Content-Security-Policy (no 'unsafe-eval')
    forbids; ``page.evaluate`` runs it through the DevTools protocol, which the policy
    does not govern. The expression must give a boolean (an object the protocol cannot
    copy arrives as an empty dict, which is false)."""
    deadline = time.monotonic() + timeout
    while not (page.evaluate(expression, arg) if arg is not None else page.evaluate(expression)):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(50)


def wait_for_service_worker(page: Any, timeout: float = 15.0) -> None:
    """Wait until the page's service worker is installed and active. A test that goes
    offline before that cuts the worker's script download: Chrome then logs "An unknown
    error occurred when fetching the script", and the page would not open offline."""
    wait_until(
        page,
        "navigator.serviceWorker.getRegistration().then(r => !!(r && r.active))",
        timeout=timeout,
    )


def zoom(page: Any, control: str, times: int) -> None:
    """Tap the map's zoom button ``times`` times, each once the map has left the zoom it
    had before the tap and stopped animating (Leaflet drops a tap made during a zoom's
    animation; the map may then move on by itself, as it does to fit a list)."""
    for _ in range(times):
        wait_until(page, "!document.querySelector('#map .leaflet-zoom-anim')")
        level = page.get_attribute("#map", "data-zoom")
        page.click(f".leaflet-control-zoom-{control}")
        wait_until(
            page,
            "([z]) => document.querySelector('#map').dataset.zoom !== z"
            " && !document.querySelector('#map .leaflet-zoom-anim')",
            [level],
        )
