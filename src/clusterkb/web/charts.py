"""Charts drawn on the server as SVG: no script, no CDN, readable without a browser plug-in.

Each chart carries a <title> and <desc> for screen readers and the numbers it draws as rows for
a <table> beside it, so nothing is shown only as a picture. Every text is escaped here (the
markup is built as strings, out of the template engine's reach).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

PALETTE = ("#1f5a96", "#d9822b", "#3b8f4f", "#a23b72", "#6b5ca5", "#b8a52a", "#2a9d9d", "#c0392b")
INK = "#1d2733"
MUTED = "#667"
GRID = "#dde3ea"
CHAR = 6.2  # average width of a character at the charts' font size, in SVG units


@dataclass
class Chart:
    """An SVG and the same numbers as a table (columns and rows of text)."""

    key: str
    title: str
    desc: str
    svg: Markup
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Bar:
    label: str
    value: float
    href: str | None = None
    group: str = ""  # bars of one group share a heading and are coloured by their label


@dataclass
class Span:
    label: str
    start: tuple[int, int]  # (year, month 1-12)
    end: tuple[int, int]
    href: str | None = None


Number = Callable[[float], str]


def plain(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def _e(text: object) -> str:
    return str(escape(str(text)))


def _clip(text: str, width: float) -> str:
    most = max(int(width / CHAR), 4)
    return text if len(text) <= most else text[: most - 1] + "…"


def _open(key: str, title: str, desc: str, width: float, height: float) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="chart-{_e(key)}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'role="img" aria-labelledby="chart-{_e(key)}-title chart-{_e(key)}-desc">',
        f'<title id="chart-{_e(key)}-title">{_e(title)}</title>',
        f'<desc id="chart-{_e(key)}-desc">{_e(desc)}</desc>',
    ]


def _linked(href: str | None, inner: str) -> str:
    return f'<a href="{_e(href)}">{inner}</a>' if href else inner


def bar_chart(
    key: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    columns: Sequence[str],
    number: Number = plain,
    width: int = 720,
) -> Chart:
    """Horizontal bars, longest scale first; grouped bars get a heading per group."""
    label_w = min(max((len(b.label) for b in bars), default=10) * CHAR + 12, width * 0.42)
    value_w = max((len(number(b.value)) for b in bars), default=4) * CHAR + 10
    plot_w = width - label_w - value_w - 10
    top = max((b.value for b in bars), default=0) or 1
    row_h, bar_h = 22, 15
    colours: dict[str, str] = {}
    parts: list[str] = []
    y = 6.0
    group = None
    for bar in bars:
        if bar.group != group:
            group = bar.group
            if group:
                y += 6
                parts.append(
                    f'<text x="4" y="{y + 12:.0f}" class="group" font-weight="700" '
                    f'fill="{INK}">{_e(_clip(group, width - 8))}</text>'
                )
                y += row_h
        colour = PALETTE[0]
        if bar.group:
            colour = colours.setdefault(bar.label, PALETTE[len(colours) % len(PALETTE)])
        length = max(plot_w * bar.value / top, 1.0 if bar.value else 0.0)
        shown = number(bar.value)
        body = (
            f"<title>{_e(bar.label)}: {_e(shown)}</title>"
            f'<text x="{label_w - 6:.0f}" y="{y + 12:.0f}" text-anchor="end" fill="{INK}">'
            f"{_e(_clip(bar.label, label_w - 10))}</text>"
            f'<rect x="{label_w:.0f}" y="{y:.0f}" width="{length:.1f}" height="{bar_h}" '
            f'fill="{colour}"/>'
            f'<text x="{label_w + length + 4:.0f}" y="{y + 12:.0f}" fill="{INK}">{_e(shown)}</text>'
        )
        parts.append("<g>" + _linked(bar.href, body) + "</g>")
        y += row_h
    height = y + 8
    svg = _open(key, title, desc, width, height) + parts + ["</svg>"]
    grouped = any(b.group for b in bars)
    rows = [([b.group] if grouped else []) + [b.label, number(b.value)] for b in bars]
    return Chart(key, title, desc, Markup("".join(svg)), list(columns), rows)


def column_chart(
    key: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    columns: Sequence[str],
    number: Number = plain,
    height: int = 220,
) -> Chart:
    """Vertical bars in the given order (years), a value on top of each."""
    step = 44
    left, bottom, top_pad = 10, 24, 18
    width = left * 2 + step * max(len(bars), 1)
    top = max((b.value for b in bars), default=0) or 1
    plot_h = height - bottom - top_pad
    parts = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - left}" y2="{height - bottom}" '
        f'stroke="{GRID}"/>'
    ]
    for i, bar in enumerate(bars):
        h = plot_h * bar.value / top
        x = left + i * step + 6
        shown = number(bar.value)
        body = (
            f"<title>{_e(bar.label)}: {_e(shown)}</title>"
            f'<rect x="{x}" y="{height - bottom - h:.1f}" width="{step - 12}" height="{h:.1f}" '
            f'fill="{PALETTE[0]}"/>'
            f'<text x="{x + (step - 12) / 2:.0f}" y="{height - bottom - h - 4:.0f}" '
            f'text-anchor="middle" fill="{INK}">{_e(shown)}</text>'
            f'<text x="{x + (step - 12) / 2:.0f}" y="{height - 8}" text-anchor="middle" '
            f'fill="{MUTED}">{_e(_clip(bar.label, step))}</text>'
        )
        parts.append("<g>" + _linked(bar.href, body) + "</g>")
    svg = _open(key, title, desc, width, height) + parts + ["</svg>"]
    rows = [[b.label, number(b.value)] for b in bars]
    return Chart(key, title, desc, Markup("".join(svg)), list(columns), rows)


def network(
    key: str,
    title: str,
    desc: str,
    nodes: Sequence[tuple[str, str, str | None]],
    edges: Sequence[tuple[str, str, float]],
    columns: Sequence[str],
    number: Number = plain,
    radius: int = 190,
) -> Chart:
    """Nodes (key, label, href) on a circle; an edge's width grows with its weight."""
    margin = 120
    size = 2 * (radius + margin)
    cx = cy = size / 2
    where: dict[str, tuple[float, float, float]] = {}
    for i, (node, _, _) in enumerate(nodes):
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(nodes), 1)
        where[node] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle), angle)
    strength: dict[str, float] = {}
    for a, b, w in edges:
        strength[a] = strength.get(a, 0) + w
        strength[b] = strength.get(b, 0) + w
    heaviest = max((w for _, _, w in edges), default=1) or 1
    strongest = max(strength.values(), default=1) or 1
    labels = {node: label for node, label, _ in nodes}
    parts: list[str] = ['<g class="edges">']
    for a, b, w in sorted(edges, key=lambda e: e[2]):
        if a not in where or b not in where:
            continue
        (x1, y1, _), (x2, y2, _) = where[a], where[b]
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{PALETTE[0]}" stroke-opacity="0.5" stroke-width="{1 + 7 * w / heaviest:.1f}">'
            f"<title>{_e(labels[a])} – {_e(labels[b])}: {_e(number(w))}</title></line>"
        )
    parts.append('</g><g class="nodes">')
    for node, label, href in nodes:
        x, y, angle = where[node]
        r = 4 + 6 * math.sqrt(strength.get(node, 0) / strongest)
        cos = math.cos(angle)
        anchor = "start" if cos > 0.2 else "end" if cos < -0.2 else "middle"
        lx = x + (r + 5) * cos
        ly = y + (r + 5) * math.sin(angle) + 4
        body = (
            f"<title>{_e(label)}</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{PALETTE[1]}"/>'
            f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" fill="{INK}">'
            f"{_e(_clip(label, margin - 10))}</text>"
        )
        parts.append("<g>" + _linked(href, body) + "</g>")
    parts.append("</g>")
    svg = _open(key, title, desc, size, size) + parts + ["</svg>"]
    rows = [[labels.get(a, a), labels.get(b, b), number(w)] for a, b, w in edges]
    return Chart(key, title, desc, Markup("".join(svg)), list(columns), rows)


_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?")


def month_of(text: str, end: bool = False) -> tuple[int, int] | None:
    """'2010-06-01', '2010-03' or '2010' as (year, month); a bare year ends in December."""
    m = _DATE.match(text.strip())
    if not m:
        return None
    month = int(m[2]) if m[2] else (12 if end else 1)
    return (int(m[1]), min(max(month, 1), 12))


def timeline(
    key: str,
    title: str,
    desc: str,
    spans: Sequence[Span],
    columns: Sequence[str],
    width: int = 720,
) -> Chart:
    """One bar per project from its start month to its end month, years along the top."""
    first = min((s.start[0] for s in spans), default=2000)
    last = max((s.end[0] for s in spans), default=first) + 1
    label_w = min(max((len(s.label) for s in spans), default=10) * CHAR + 12, width * 0.4)
    plot_w = width - label_w - 12
    years = max(last - first, 1)

    def x(year: int, month: int) -> float:
        return label_w + plot_w * ((year - first) + (month - 1) / 12) / years

    row_h, head = 22, 22
    height = head + row_h * len(spans) + 8
    parts = []
    every = 1 if years <= 12 else 2 if years <= 24 else 5
    for year in range(first, last + 1):
        if (year - first) % every:
            continue
        gx = x(year, 1)
        parts.append(
            f'<line x1="{gx:.1f}" y1="{head - 4}" x2="{gx:.1f}" y2="{height - 6}" stroke="{GRID}"/>'
        )
        if gx + 4 * CHAR < width:  # the last year's tick closes the axis unlabelled
            parts.append(f'<text x="{gx + 2:.1f}" y="{head - 8}" fill="{MUTED}">{year}</text>')
    for i, span in enumerate(spans):
        y = head + i * row_h
        x1 = x(*span.start)
        end_year, end_month = span.end
        x2 = x(end_year + end_month // 12, end_month % 12 + 1)  # to the end of the last month
        when = f"{span.start[0]}-{span.start[1]:02d} – {span.end[0]}-{span.end[1]:02d}"
        body = (
            f"<title>{_e(span.label)}: {_e(when)}</title>"
            f'<text x="{label_w - 6:.0f}" y="{y + 13}" text-anchor="end" fill="{INK}">'
            f"{_e(_clip(span.label, label_w - 10))}</text>"
            f'<rect x="{x1:.1f}" y="{y + 2}" width="{max(x2 - x1, 2):.1f}" height="15" rx="3" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
        )
        parts.append("<g>" + _linked(span.href, body) + "</g>")
    svg = _open(key, title, desc, width, height) + parts + ["</svg>"]
    rows = [
        [s.label, f"{s.start[0]}-{s.start[1]:02d}", f"{s.end[0]}-{s.end[1]:02d}"] for s in spans
    ]
    return Chart(key, title, desc, Markup("".join(svg)), list(columns), rows)


# -- the map ------------------------------------------------------------------------------------

OUTLINE = Path(__file__).parent / "static" / "europe.json"
SEA, LAND, COAST = "#e3edf7", "#cfd7e0", "#ffffff"


@dataclass
class Place:
    label: str
    count: float
    lat: float | None = None
    long: float | None = None
    href: str | None = None
    group: str = ""  # the country, for the table


@cache
def outline() -> dict[str, Any]:
    """The shipped outline of Europe (static/europe.json, see europe.NOTICE)."""
    return dict(json.loads(OUTLINE.read_text(encoding="utf-8")))


class Projection:
    """Equirectangular with its scale true at 50°N (so Europe is not stretched sideways),
    clipped to the outline's frame: longitude, latitude -> x, y in SVG units."""

    def __init__(self, frame: Sequence[float], width: float) -> None:
        self.west, self.south, self.east, self.north = frame
        self.squeeze = math.cos(math.radians(50))
        self.scale = width / ((self.east - self.west) * self.squeeze)
        self.width = width
        self.height = (self.north - self.south) * self.scale

    def __call__(self, long: float, lat: float) -> tuple[float, float]:
        return (
            (long - self.west) * self.squeeze * self.scale,
            (self.north - lat) * self.scale,
        )

    def inside(self, long: float, lat: float) -> bool:
        return self.west <= long <= self.east and self.south <= lat <= self.north


def europe_map(
    key: str,
    title: str,
    desc: str,
    places: Sequence[Place],
    columns: Sequence[str],
    dot_title: Callable[[Place], str],
    number: Number = plain,
    width: int = 720,
) -> Chart:
    """Country outlines, and a dot per place with coordinates, its area growing with its count
    (a <title> each: place and count); every place is a row of the table, drawn or not."""
    shape = outline()
    project = Projection(shape["frame"], width)
    parts = [
        f'<rect class="sea" x="0" y="0" width="{width}" height="{project.height:.0f}" '
        f'fill="{SEA}"/>',
        f'<g class="land" fill="{LAND}" stroke="{COAST}" stroke-width="0.7" '
        'stroke-linejoin="round">',
    ]
    for country in shape["countries"]:
        rings = []
        for flat in country["rings"]:
            points = [project(flat[i], flat[i + 1]) for i in range(0, len(flat) - 1, 2)]
            rings.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
        parts.append(f'<path class="country" data-id="{_e(country["id"])}" d="{"".join(rings)}"/>')
    parts.append('</g><g class="dots">')
    drawn = [
        p
        for p in places
        if p.lat is not None and p.long is not None and project.inside(p.long, p.lat)
    ]
    most = max((p.count for p in drawn), default=1) or 1
    for place in sorted(drawn, key=lambda p: -p.count):  # small dots over big ones
        assert place.lat is not None and place.long is not None
        x, y = project(place.long, place.lat)
        r = 3.5 + 8.5 * math.sqrt(place.count / most)
        body = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{PALETTE[1]}" '
            f'fill-opacity="0.85" stroke="{INK}" stroke-width="0.8">'
            f"<title>{_e(dot_title(place))}</title></circle>"
        )
        parts.append('<g class="dot">' + _linked(place.href, body) + "</g>")
    parts.append("</g>")
    svg = _open(key, title, desc, width, project.height) + parts + ["</svg>"]
    rows = [
        [
            p.label,
            p.group,
            number(p.count),
            f"{p.lat:.2f}, {p.long:.2f}" if p.lat is not None and p.long is not None else "—",
        ]
        for p in places
    ]
    return Chart(key, title, desc, Markup("".join(svg)), list(columns), rows)
