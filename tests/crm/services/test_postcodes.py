"""The shipped postcode centroids (seeds/postcodes.csv) lie where their postcodes are.

Danish postcodes are grouped by region (1xxx–2xxx Copenhagen, 5xxx Funen, 9xxx North Jutland …),
so a centroid outside its postcode's region is a data error, like 0900 København C once placed in
Aalborg. The boxes enclose each postal region with its islands and a few km to spare.
"""

import csv

from crm.services.geocoding import POSTCODES_FILE

# (first postcode, last postcode, region): (south, north, west, east) in degrees.
POSTAL_REGIONS = {
    ("0800", "2999", "Storkøbenhavn"): (55.45, 56.00, 12.05, 12.75),
    ("3000", "3699", "Nordsjælland"): (55.65, 56.15, 11.75, 12.70),
    ("3700", "3799", "Bornholm og Christiansø"): (54.95, 55.35, 14.65, 15.25),
    ("4000", "4999", "Sjælland, Lolland, Falster og Møn"): (54.55, 56.00, 10.90, 12.60),
    ("5000", "5999", "Fyn og øerne"): (54.70, 55.65, 9.65, 11.00),
    ("6000", "6999", "Syd- og Sønderjylland"): (54.80, 56.35, 8.05, 10.00),
    ("7000", "7999", "Vest- og Midtjylland"): (55.50, 57.15, 8.05, 10.05),
    ("8000", "8999", "Østjylland og Anholt"): (55.70, 56.75, 9.25, 11.65),
    ("9000", "9999", "Nordjylland og Læsø"): (56.55, 57.80, 8.15, 11.10),
}


def _region(postcode: str):
    return next(((name, box) for (first, last, name), box in POSTAL_REGIONS.items()
                 if first <= postcode <= last), (None, None))


def test_every_postcode_centroid_lies_in_its_postal_region():
    with POSTCODES_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) > 1000
    outliers = []
    for row in rows:
        name, box = _region(row["postcode"])
        lat, lon = float(row["lat"]), float(row["lon"])
        if box is None:
            outliers.append(f"{row['postcode']} {row['city']}: no Danish postal region")
            continue
        south, north, west, east = box
        if not (south <= lat <= north and west <= lon <= east):
            outliers.append(f"{row['postcode']} {row['city']} at {lat}, {lon}: outside {name}")
    assert outliers == []
