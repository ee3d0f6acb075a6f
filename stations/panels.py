"""Panels that apps above ``stations`` add to its pages (the desk, the organizer overview).

``stations`` sits below ``welfare`` and ``campaigns`` and may not import them, yet its
pages show their data. So stations owns this registry: an app registers a panel in its
``AppConfig.ready()`` (a name, a template, a context function and optional scripts), and
the stations view renders every registered panel, in registration order, with the
context its function returns for the request::

    from stations.panels import register_organizer_panel

    register_organizer_panel(
        name="welfare-checks",
        template="welfare/panels/checks_due.html",
        context=checks_due_panel,  # (request) -> dict | None; None hides the panel
    )

A panel's context function reads through its own app's selectors and must respect the
request user's scope (``core.scoping``). Registering the same name again replaces the
earlier panel (``ready()`` may run more than once in tests).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

PanelContext = Callable[[HttpRequest], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: PanelContext
    scripts: tuple[str, ...] = field(default_factory=tuple)  # static paths, e.g. "welfare/x.js"


@dataclass(frozen=True)
class RenderedPanel:
    """What a page's template includes: ``{% include panel.template with panel=panel %}``."""

    name: str
    template: str
    context: dict[str, Any]
    scripts: tuple[str, ...]


_DESK: dict[str, Panel] = {}
_ORGANIZER: dict[str, Panel] = {}


def _register(
    registry: dict[str, Panel],
    *,
    name: str,
    template: str,
    context: PanelContext,
    scripts: Sequence[str] = (),
) -> Panel:
    panel = Panel(name=name, template=template, context=context, scripts=tuple(scripts))
    registry[name] = panel
    return panel


def register_desk_panel(
    *, name: str, template: str, context: PanelContext, scripts: Sequence[str] = ()
) -> Panel:
    """Add a panel to the station desk (``/desk/``)."""
    return _register(_DESK, name=name, template=template, context=context, scripts=scripts)


def register_organizer_panel(
    *, name: str, template: str, context: PanelContext, scripts: Sequence[str] = ()
) -> Panel:
    """Add a panel to the organizers' overview (``/organizer/``)."""
    return _register(_ORGANIZER, name=name, template=template, context=context, scripts=scripts)


def _render(registry: dict[str, Panel], request: HttpRequest) -> list[RenderedPanel]:
    rendered = []
    for panel in registry.values():
        context = panel.context(request)
        if context is None:
            continue
        rendered.append(
            RenderedPanel(
                name=panel.name, template=panel.template, context=context, scripts=panel.scripts
            )
        )
    return rendered


def desk_panels(request: HttpRequest) -> list[RenderedPanel]:
    """The desk's panels for this request (those whose context function answered)."""
    return _render(_DESK, request)


def organizer_panels(request: HttpRequest) -> list[RenderedPanel]:
    """The organizer overview's panels for this request."""
    return _render(_ORGANIZER, request)
