"""The maps' offline base layer (issue 16, capability 6): a small, valid GeoJSON of Denmark with its
licence, drawn by both map pages, and the script that regenerates it from the npm package."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYER = ROOT / "static" / "maps" / "denmark.geojson"
LICENCE = ROOT / "static" / "maps" / "LICENSE.txt"
SCRIPT = ROOT / "seeds" / "tools" / "denmark_base_layer.py"
# Denmark without the Faroes and Greenland: Blåvandshuk to Ertholmene, Gedser to Skagen.
DENMARK_BBOX = (8.07, 54.56, 15.19, 57.75)
MAX_BYTES = 300 * 1024


def _script():
    spec = importlib.util.spec_from_file_location("denmark_base_layer", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rings(feature):
    for polygon in feature["geometry"]["coordinates"]:
        yield from polygon


@pytest.fixture(scope="module")
def layer():
    return json.loads(LAYER.read_text(encoding="utf-8"))


def test_the_base_layer_is_small(layer):
    assert LAYER.stat().st_size < MAX_BYTES


def test_the_base_layer_is_valid_geojson_with_closed_rings(layer):
    assert layer["type"] == "FeatureCollection"
    for feature in layer["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "MultiPolygon"
        assert feature["properties"]["name"] and feature["properties"]["kind"] in {
            "region",
            "neighbour",
            "municipality",
        }
        for ring in _rings(feature):
            assert len(ring) >= 4 and ring[0] == ring[-1]
            assert all(len(point) == 2 and -180 <= point[0] <= 180 and -90 <= point[1] <= 90 for point in ring)


def test_the_danish_regions_cover_denmarks_bounding_box(layer):
    regions = [f for f in layer["features"] if f["properties"]["kind"] == "region"]
    assert sorted(f["properties"]["name"] for f in regions) == [
        "Region Hovedstaden",
        "Region Midtjylland",
        "Region Nordjylland",
        "Region Sjælland",
        "Region Syddanmark",
    ]
    points = [point for feature in regions for ring in _rings(feature) for point in ring]
    west, south, east, north = DENMARK_BBOX
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    # Within 0.1° (a few km) of each extreme: Skagen, Gedser, the west coast and Bornholm are all there.
    assert abs(min(lons) - west) < 0.1 and abs(min(lats) - south) < 0.1
    assert abs(max(lats) - north) < 0.1 and max(lons) > 15.1


def test_the_licence_and_attribution_ship_beside_it(layer):
    text = LICENCE.read_text(encoding="utf-8")
    assert "Natural Earth" in text and "public domain" in text and "ISC License" in text
    assert "Natural Earth" in layer["attribution"]
    assert "react-denmark-map" in text and "MIT License" in text and "Martin Polley" in text
    assert "react-denmark-map" in layer["attribution"]


def _municipalities(layer):
    return {f["properties"]["name"]: f for f in layer["features"] if f["properties"]["kind"] == "municipality"}


def _inside(point, feature):
    """Even-odd point in polygon over all the feature's rings (a ring inside another is a hole)."""
    x, y = point
    inside = False
    for ring in _rings(feature):
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def _postcode_point(postcode):
    import csv

    with (ROOT / "seeds" / "postcodes.csv").open(encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["postcode"] == postcode)
    return float(row["lon"]), float(row["lat"])


def test_the_layer_has_the_98_municipalities_with_their_danish_names(layer):
    municipalities = _municipalities(layer)
    assert len(municipalities) == 98
    assert {"Aarhus", "København", "Høje-Taastrup", "Ærø", "Læsø", "Tårnby", "Faaborg-Midtfyn"} <= set(municipalities)
    assert len({f["properties"]["code"] for f in municipalities.values()}) == 98


@pytest.mark.parametrize(
    ("postcode", "name"),
    [
        ("5000", "Odense"),
        ("8000", "Aarhus"),
        ("3700", "Bornholm"),
        ("9000", "Aalborg"),
        ("6700", "Esbjerg"),
        ("5900", "Langeland"),
        ("4800", "Guldborgsund"),
        ("7100", "Vejle"),
        ("9900", "Frederikshavn"),
    ],
)
def test_a_towns_postcode_point_lies_in_its_own_municipality(layer, postcode, name):
    municipalities = _municipalities(layer)
    point = _postcode_point(postcode)
    assert _inside(point, municipalities[name])
    assert [n for n, f in municipalities.items() if _inside(point, f)] == [name]


def test_the_municipalities_fit_the_coastline_within_a_kilometre(layer):
    fit = layer["municipality_fit"]
    assert fit["projection"] == "UTM 32N"
    assert fit["median_km"] < 1.0 and fit["bornholm_median_km"] < 0.5


def test_svg_paths_with_relative_commands_and_curves_become_closed_rings():
    module = _script()
    rings = module.path_rings("M10,10l10,0c0,5 0,5 0,10L10,20Zm100,0l5,0l0,5z")
    assert rings[0] == [(10, 10), (20, 10), (20.0, 15.0), (20, 20), (10, 20), (10, 10)]
    assert rings[1] == [(110, 10), (115, 10), (115, 15), (110, 10)]


def test_utm_forward_and_inverse_agree_with_known_coordinates():
    import numpy as np

    module = _script()
    # On the zone's central meridian (9° E) the easting is the false easting; east of it, larger.
    easting, _ = module.utm32_forward(np.array([9.0, 10.2108]), np.array([56.0, 56.1567]))
    assert abs(easting[0] - 500_000) < 1e-6 and 570_000 < easting[1] < 580_000
    easting, northing = module.utm32_forward(np.array([10.2108]), np.array([56.1567]))
    lon, lat = module.utm32_inverse(easting, northing)
    assert abs(lon[0] - 10.2108) < 1e-7 and abs(lat[0] - 56.1567) < 1e-7


def test_the_company_map_draws_the_base_layer(browser, make_user):
    browser.login(make_user("konsulent"))
    html = browser.client.get("/virksomheder/kort").get_data(as_text=True)
    assert 'data-base-layer-url="/static/maps/denmark.geojson"' in html
    assert "js/base_layer.js" in html


def test_the_match_map_draws_the_base_layer(browser, make_user, make_borger, make_partner):
    vejleder = make_user("vejleder")
    borger_id = make_borger(vejleder)
    make_partner("Jyllands Lager ApS", postcode="8200")
    browser.login(vejleder)
    html = browser.client.get(f"/borgere/{borger_id}/match").get_data(as_text=True)
    assert 'data-base-layer-url="/static/maps/denmark.geojson"' in html
    assert "js/base_layer.js" in html


def test_the_static_file_is_served(client):
    with client.get("/static/maps/denmark.geojson") as response:
        assert response.status_code == 200
        assert response.get_json()["type"] == "FeatureCollection"


def test_simplify_drops_points_within_the_tolerance_and_keeps_the_ends():
    module = _script()
    line = [(0.0, 0.0), (1.0, 0.0001), (2.0, 0.0), (3.0, 1.0)]
    assert module.simplify(line, 0.01) == [(0.0, 0.0), (2.0, 0.0), (3.0, 1.0)]


def test_the_script_builds_the_layer_from_a_natural_earth_source(tmp_path):
    module = _script()
    square = [[[[8.0, 54.5], [15.2, 54.5], [15.2, 57.8], [8.0, 57.8], [8.0, 54.5]]]]
    islet = [[[9.0, 55.0], [9.001, 55.0], [9.001, 55.001], [9.0, 55.0]]]
    features = [
        {
            "type": "Feature",
            "properties": {"iso_3166_2": code},
            "geometry": {"type": "MultiPolygon", "coordinates": square + [islet]},
        }
        for code in [*module.DANISH_REGIONS, *module.NEIGHBOURS]
    ]
    package = tmp_path / "package"
    (package / "data").mkdir(parents=True)
    (package / "data" / "build.json").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    output = tmp_path / "out.geojson"
    assert module.main(["--package", str(package), "--without-municipalities", "--output", str(output)]) == 0
    built = json.loads(output.read_text(encoding="utf-8"))
    assert [f["properties"]["code"] for f in built["features"]] == [*module.DANISH_REGIONS, *module.NEIGHBOURS]
    assert built["features"][0]["geometry"]["coordinates"] == square  # the islet is dropped
