"""Regenerate seeds/postcodes.csv from the GeoNames extract in ../shared/data.

Usage: python scripts/build_postcodes.py [SOURCE_TSV]
The source is GeoNames postal code data (CC BY 4.0); keep the attribution in seeds/README.md.
"""

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "geonames_dk_postcodes.tsv"
TARGET = ROOT / "seeds" / "postcodes.csv"


def main(source: Path) -> None:
    rows = {}
    with source.open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t"):
            code = row["postcode"].strip()
            if len(code) == 4 and code.isdigit():
                rows[code] = (row["place"].strip(), float(row["latitude"]), float(row["longitude"]))
    with TARGET.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["postcode", "city", "lat", "lon"])
        for code in sorted(rows):
            city, lat, lon = rows[code]
            writer.writerow([code, city, f"{lat:.4f}", f"{lon:.4f}"])
    print(f"Wrote {len(rows)} postcodes to {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
