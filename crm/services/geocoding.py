"""Turn an address into coordinates, offline by default.

Offline, the shipped postcode centroids (seeds/postcodes.csv, GeoNames) give "postcode"
precision. With GEOCODER=nominatim a geopy Nominatim geocoder is asked for the street address
("address" precision); answers are cached in the database, and any failure falls back to the
postcode centroid. An unknown postcode is always a validation error, never a silent (0, 0).
"""

import csv
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

from crm.extensions import db
from crm.models import GeocodeCache
from crm.services import ValidationError

log = logging.getLogger(__name__)

POSTCODES_FILE = Path(__file__).resolve().parents[2] / "seeds" / "postcodes.csv"
# Denmark's bounding box (incl. Bornholm): an online answer outside it is a wrong match.
DK_BOUNDS = (54.4, 58.0, 7.9, 15.3)


@dataclass(frozen=True)
class Postcode:
    code: str
    city: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Geocoded:
    lat: float
    lon: float
    precision: str  # "postcode" or "address"
    postcode: str
    city: str


@cache
def postcodes() -> dict[str, Postcode]:
    """Return all Danish postcodes by code, read once from the shipped file."""
    with POSTCODES_FILE.open(encoding="utf-8") as handle:
        return {
            row["postcode"]: Postcode(row["postcode"], row["city"], float(row["lat"]), float(row["lon"]))
            for row in csv.DictReader(handle)
        }


def lookup_postcode(code: str) -> Postcode:
    """Return the postcode or raise ValidationError with a Danish message."""
    code = (code or "").strip()
    if not (len(code) == 4 and code.isdigit()):
        raise ValidationError(_("Postnummeret skal være fire cifre."), field="postcode")
    try:
        return postcodes()[code]
    except KeyError:
        raise ValidationError(_("Postnummer %(code)s findes ikke i Danmark.", code=code), field="postcode") from None


def _in_denmark(lat: float, lon: float) -> bool:
    south, north, west, east = DK_BOUNDS
    return south <= lat <= north and west <= lon <= east


def _online_lookup(query: str) -> tuple[float, float] | None:
    cached = db.session.get(GeocodeCache, query)
    if cached is not None:
        return cached.lat, cached.lon
    cfg = current_app.config
    geocoder = Nominatim(
        user_agent=cfg["GEOCODER_USER_AGENT"],
        domain=cfg["GEOCODER_DOMAIN"],
        scheme=cfg["GEOCODER_SCHEME"],
        timeout=cfg["GEOCODER_TIMEOUT"],
    )
    try:
        location = geocoder.geocode(query, country_codes="dk", exactly_one=True)
    except GeopyError as exc:
        log.warning("Online geocoding failed, falling back to the postcode: %s", exc)
        return None
    if location is None or not _in_denmark(location.latitude, location.longitude):
        return None
    db.session.add(GeocodeCache(query=query, lat=location.latitude, lon=location.longitude))
    return location.latitude, location.longitude


def geocode(*, street: str = "", postcode: str, city: str = "") -> Geocoded:
    """Geocode a Danish address. Raises ValidationError for an unknown postcode."""
    place = lookup_postcode(postcode)
    street = (street or "").strip()
    if street and current_app.config["GEOCODER"] == "nominatim":
        query = f"{street}, {place.code} {place.city}, Danmark"
        found = _online_lookup(query)
        if found is not None:
            return Geocoded(found[0], found[1], "address", place.code, place.city)
    return Geocoded(place.lat, place.lon, "postcode", place.code, place.city)
