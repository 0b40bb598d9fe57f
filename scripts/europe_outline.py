"""Write src/clusterkb/web/static/europe.json: simplified country outlines of Europe for the
server-drawn map, extracted once from world-atlas (TopoJSON of Natural Earth, public domain;
the package is ISC). Run it again only to change the outline:

    (cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz)
    .venv/bin/python scripts/europe_outline.py /tmp/package/countries-50m.json

Every country whose outline reaches the frame (longitude -25..45, latitude 34..72) is kept,
clipped to the frame, simplified (Douglas-Peucker, 0.025 degrees) and rounded to 0.01 degrees,
so the file stays small and the map needs nothing at run time but this file.
"""

from __future__ import annotations

import json
import sys
from itertools import pairwise
from pathlib import Path

FRAME = (-25.0, 34.0, 45.0, 72.0)  # west, south, east, north
TOLERANCE = 0.025
OUT = Path(__file__).resolve().parents[1] / "src" / "clusterkb" / "web" / "static" / "europe.json"
Point = tuple[float, float]


def decode_arcs(topology: dict) -> list[list[Point]]:
    """TopoJSON arcs (quantized, delta-encoded) as lists of (longitude, latitude)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[Point]]) -> list[Point]:
    """A closed ring from arc indexes (~i: arc i reversed), shared end points once."""
    points: list[Point] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def polygons(geometry: dict, arcs: list[list[Point]]) -> list[list[list[Point]]]:
    if geometry.get("type") == "Polygon":
        return [[ring(r, arcs) for r in geometry["arcs"]]]
    if geometry.get("type") == "MultiPolygon":
        return [[ring(r, arcs) for r in poly] for poly in geometry["arcs"]]
    return []


def unwrap(points: list[Point]) -> list[Point]:
    """A ring that crosses the antimeridian (Russia's) made continuous: its western longitudes
    moved past 180, so it does not jump across the whole map (and Chukotka falls outside)."""
    jumps = any(abs(a[0] - b[0]) > 180 for a, b in pairwise(points))
    return [(x + 360 if x < 0 else x, y) for x, y in points] if jumps else points


def clip(points: list[Point]) -> list[Point]:
    """Sutherland-Hodgman: the ring cut to the frame (edges along the frame where it was cut)."""
    west, south, east, north = FRAME
    edges = (
        (lambda p: p[0] >= west, lambda a, b: _at_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _at_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _at_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _at_y(a, b, north)),
    )
    for inside, cross in edges:
        if not points:
            break
        result: list[Point] = []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    result.append(cross(previous, point))
                result.append(point)
            elif inside(previous):
                result.append(cross(previous, point))
            previous = point
        points = result
    return points


def _at_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def simplify(points: list[Point], tolerance: float = TOLERANCE) -> list[Point]:
    """Douglas-Peucker, iteratively (long coastlines would overflow a recursive one)."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        worst, where = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                d = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            else:
                d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
            if d > worst:
                worst, where = d, i
        if worst > tolerance and where > 0:
            keep[where] = True
            stack += [(first, where), (where, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def area(points: list[Point]) -> float:
    return abs(
        sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(points, points[1:] + points[:1], strict=True))
        / 2
    )


def outline(topology: dict) -> list[dict]:
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        rings = []
        for polygon in polygons(geometry, arcs):
            for points in polygon:
                cut = clip(unwrap(points))
                if len(cut) < 3 or area(cut) < 0.01:  # islets smaller than about 10 km square
                    continue
                small = simplify([*cut, cut[0]])[:-1]
                rounded = [(round(x, 2), round(y, 2)) for x, y in small]
                deduped = [p for i, p in enumerate(rounded) if i == 0 or p != rounded[i - 1]]
                if len(deduped) >= 3:
                    rings.append([c for p in deduped for c in p])
        if rings:
            name = (geometry.get("properties") or {}).get("name", "")
            countries.append({"id": str(geometry.get("id", "")), "name": name, "rings": rings})
    return sorted(countries, key=lambda c: c["name"])


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write(__doc__ or "")
        return 2
    topology = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    document = {
        "source": "world-atlas 2.0.2 countries-50m.json (Natural Earth 1:50m Admin 0)",
        "licence": "Natural Earth: public domain; world-atlas: ISC (see europe.NOTICE)",
        "frame": list(FRAME),
        "format": "rings are flat lists: longitude, latitude, longitude, latitude, ...",
        "countries": outline(topology),
    }
    OUT.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes, {len(document['countries'])} countries)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
