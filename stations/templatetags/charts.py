"""Small server-rendered charts: inline SVG, no JavaScript, no external library."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

# Drawing units of the viewBox; the SVG itself is width 100% and scales to the screen.
WIDTH, HEIGHT = 320, 150
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 34, 6, 10, 22
FONT_SIZE = 9
LABEL_GAP = 4  # at least this much space between two x labels


def _text_width(text: str) -> float:
    """Rough width of ``text`` in drawing units: CJK glyphs are about 1 em, others ~0.6."""
    return sum(
        FONT_SIZE if unicodedata.east_asian_width(ch) in ("W", "F") else FONT_SIZE * 0.6
        for ch in text
    )


def _label_step(labels: list[str], slot: float) -> int:
    """Show every k-th label so the widest one never overlaps its neighbour."""
    if not labels:
        return 1
    widest = max(_text_width(label) for label in labels)
    return max(1, math.ceil((widest + LABEL_GAP) / max(slot, 0.001)))


def _number(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


@register.simple_tag
def bar_chart(series: Iterable[tuple[Any, int | float | None]], title: str = "") -> SafeString:
    """An accessible bar chart of ``(label, value)`` pairs, bars scaled to the largest value.

    The SVG has a ``<title>`` and ``aria-label`` (``title``), every bar a ``<title>`` with
    its label and value, the y axis its maximum, and the x labels are thinned to every k-th
    so they never overlap. An empty or all-zero series draws zero-height bars on the
    baseline. Labels are escaped.
    """
    points = [(str(label), float(value or 0)) for label, value in series]
    top = max((v for _, v in points), default=0.0)
    count = max(len(points), 1)
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    base = PAD_TOP + plot_h
    slot = plot_w / count
    bar_w = max(slot * 0.75, 0.5)
    step = _label_step([label for label, _ in points], slot)
    bars: list[tuple[str, ...]] = []
    labels: list[tuple[str, ...]] = []
    for index, (label, value) in enumerate(points):
        height = plot_h * value / top if top > 0 else 0.0
        x = PAD_LEFT + index * slot + (slot - bar_w) / 2
        bars.append(
            (
                f"{x:.1f}",
                f"{base - height:.1f}",
                f"{bar_w:.1f}",
                f"{height:.1f}",
                f"{label}: {_number(value)}",
            )
        )
        if index % step == 0:
            labels.append((f"{x + bar_w / 2:.1f}", str(HEIGHT - 6), label))
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{t}" '
        'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
        "<title>{t}</title>"
        '<line x1="{pl}" y1="{base}" x2="{right}" y2="{base}" stroke="#999" stroke-width="1"/>'
        '<line x1="{pl}" y1="{pt}" x2="{right}" y2="{pt}" stroke="#e0e0e0" stroke-width="1"/>'
        '<text x="{yl}" y="{ty}" font-size="{fs}" text-anchor="end" fill="#5f6368">{top}</text>'
        '<text x="{yl}" y="{base}" font-size="{fs}" text-anchor="end" fill="#5f6368">0</text>'
        '<g fill="#c0392b">{bars}</g>'
        '<g font-size="{fs}" text-anchor="middle" fill="#5f6368">{labels}</g></svg>',
        w=WIDTH,
        h=HEIGHT,
        t=title,
        pl=PAD_LEFT,
        pt=PAD_TOP,
        right=WIDTH - PAD_RIGHT,
        base=base,
        yl=PAD_LEFT - 3,
        ty=PAD_TOP + 3,
        fs=FONT_SIZE,
        top=_number(top),
        bars=format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
            bars,
        ),
        labels=format_html_join("", '<text x="{}" y="{}">{}</text>', labels),
    )


@register.filter
def get_item(mapping: Mapping[str, Any], key: str) -> Any:
    """``{{ row|get_item:code }}``: a value by a key held in a variable ("" when missing)."""
    return mapping.get(key, "")
