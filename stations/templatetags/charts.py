"""Small server-rendered charts: inline SVG, no JavaScript, no external library."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 320, 140, 28, 22, 10


@register.simple_tag
def bar_chart(series: Sequence[tuple[str, int | float]], title: str = "") -> SafeString:
    """A bar chart of ``(label, value)`` pairs scaled to the largest value.

    Labels are thinned so at most about eight show; every bar has a <title> for screen
    readers and hover. An all-zero series draws a flat baseline.
    """
    points = [(str(label), float(value or 0)) for label, value in series]
    top = max((v for _, v in points), default=0)
    count = max(len(points), 1)
    plot_w = WIDTH - PAD_LEFT - 4
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = plot_w / count
    bar_w = max(slot * 0.75, 1)
    step = max(1, math.ceil(count / 8))
    bars = []
    labels = []
    for index, (label, value) in enumerate(points):
        h = 0 if top <= 0 else plot_h * value / top
        x = PAD_LEFT + index * slot + (slot - bar_w) / 2
        y = PAD_TOP + plot_h - h
        bars.append((f"{x:.1f}", f"{y:.1f}", f"{bar_w:.1f}", f"{h:.1f}", f"{label}: {value:g}"))
        if index % step == 0:
            labels.append((f"{x + bar_w / 2:.1f}", HEIGHT - 6, label))
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{t}" '
        'preserveAspectRatio="xMidYMid meet"><title>{t}</title>'
        '<line x1="{pl}" y1="{base}" x2="{w}" y2="{base}" stroke="#999" stroke-width="1"/>'
        '<text x="2" y="{ty}" font-size="9" fill="#5f6368">{top}</text>'
        "{bars}{labels}</svg>",
        w=WIDTH,
        h=HEIGHT,
        t=title,
        pl=PAD_LEFT,
        base=PAD_TOP + plot_h,
        ty=PAD_TOP + 8,
        top=f"{top:g}",
        bars=format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" fill="#c0392b"><title>{}</title></rect>',
            bars,
        ),
        labels=format_html_join(
            "",
            '<text x="{}" y="{}" font-size="9" text-anchor="middle" fill="#5f6368">{}</text>',
            labels,
        ),
    )


@register.filter
def get_item(mapping: dict, key: str):
    """``{{ row|get_item:code }}``: a value by a key held in a variable."""
    return mapping.get(key, "")
