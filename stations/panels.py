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


# -- "What needs me today" on the organizer home, and the area table's columns ----------


@dataclass(frozen=True)
class Attention:
    """One line of the organizer home's first screen: how many things wait, and where.

    ``count`` is what waits (0 is shown as done); ``compare`` is an optional second figure
    shown beside it (today's visits against the same day last week)."""

    key: str
    label: Any
    count: int
    url: str
    detail: Any = ""
    urgent: bool = True
    compare: int | None = None


AttentionSource = Callable[[HttpRequest], "list[Attention]"]
_ATTENTION: dict[str, AttentionSource] = {}


def register_attention(*, name: str, source: AttentionSource) -> None:
    """Add lines to the organizer home's "今天需要处理" block (in registration order)."""
    _ATTENTION[name] = source


def attention_items(request: HttpRequest) -> list[Attention]:
    """Every registered source's lines for this request."""
    items: list[Attention] = []
    for source in _ATTENTION.values():
        items.extend(source(request))
    return items


@dataclass(frozen=True)
class AreaColumn:
    """A column of the province overview's table of cities and counties.

    ``values(user, unions, today)`` answers, for each union (a city or a county), the
    figure for everything under it, keyed by the union's pk. ``kind`` says how it is
    shown and exported: ``int``; ``percent`` (a number 0–100, or None for "no data");
    ``ratio`` (a pair done/target shown as "done / target").
    """

    key: str
    label: Any
    values: Callable[[Any, Sequence[Any], Any], dict[int, Any]]
    kind: str = "int"
    help: Any = ""
    order: int = 50  # the table's column order (stations 10–30, campaigns 40, supervision 50–70)


_AREA_COLUMNS: dict[str, AreaColumn] = {}


def register_area_column(column: AreaColumn) -> None:
    """Add a column to the province overview (``/organizer/province/``)."""
    _AREA_COLUMNS[column.key] = column


def area_columns() -> list[AreaColumn]:
    return sorted(_AREA_COLUMNS.values(), key=lambda column: column.order)
