"""Regenerate seeds/postcodes.csv from the GeoNames extract in ../shared/data.

Usage: python scripts/build_postcodes.py [SOURCE_TSV]
The source is GeoNames postal code data (CC BY 4.0); keep the attribution in seeds/README.md.
A few special postcodes have placeholder coordinates in GeoNames (accuracy 0, far from where the
postcode is); CORRECTIONS and LEFT_OUT fix them on every regeneration, and
tests/crm/services/test_postcodes.py fails on any postcode outside its postal region.
"""

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "geonames_dk_postcodes.tsv"
TARGET = ROOT / "seeds" / "postcodes.csv"
# GeoNames' København centroid (as it gives for 0917 and 1001–1026) for the two København C
# business postcodes that GeoNames places in Aalborg (0900) and near Skagen (0999).
COPENHAGEN = (55.6759, 12.5655)
CORRECTIONS = {"0900": COPENHAGEN, "0999": COPENHAGEN}
# 0960 "Udland" is mail abroad: no place in Denmark (GeoNames puts it near Viborg).
LEFT_OUT = {"0960"}


def main(source: Path) -> None:
    rows = {}
    with source.open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t"):
            code = row["postcode"].strip()
            if len(code) == 4 and code.isdigit() and code not in LEFT_OUT:
                lat, lon = CORRECTIONS.get(code, (float(row["latitude"]), float(row["longitude"])))
                rows[code] = (row["place"].strip(), lat, lon)
    with TARGET.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["postcode", "city", "lat", "lon"])
        for code in sorted(rows):
            city, lat, lon = rows[code]
            writer.writerow([code, city, f"{lat:.4f}", f"{lon:.4f}"])
    print(f"Wrote {len(rows)} postcodes to {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
