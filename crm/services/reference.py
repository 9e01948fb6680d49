"""Reference vocabularies shipped in seeds/: what a workplace can offer, and DB07 industries."""

import csv
from pathlib import Path

import sqlalchemy as sa

from crm.extensions import db
from crm.models import Industry, OfferTag
from crm.sorting import danish

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _read_csv(name: str) -> list[dict]:
    with (SEEDS / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def ensure_reference_data() -> None:
    """Insert the shipped offer tags and industries that are missing; admins' edits are kept.

    The migration seeds the same rows; this is for databases built with ``create_all`` (tests).
    """
    known_tags = set(db.session.scalars(sa.select(OfferTag.code)))
    for position, row in enumerate(_read_csv("offer_tags.csv")):
        if row["code"] not in known_tags:
            db.session.add(OfferTag(code=row["code"], label=row["label"],
                                    description=row["description"], position=position))
    known_industries = set(db.session.scalars(sa.select(Industry.code)))
    for row in _read_csv("db07.csv"):
        if row["code"] not in known_industries:
            db.session.add(Industry(code=row["code"], label=row["label"]))
    db.session.flush()


def active_offer_tags() -> list[OfferTag]:
    return list(db.session.scalars(
        sa.select(OfferTag).where(OfferTag.active).order_by(OfferTag.position, danish(OfferTag.label))
    ))


def offer_tag_labels() -> dict[str, str]:
    """Code → Danish label for every offer tag (for the matcher's reasons and for display)."""
    return dict(db.session.execute(sa.select(OfferTag.code, OfferTag.label)).tuples().all())


def industries() -> list[Industry]:
    return list(db.session.scalars(sa.select(Industry).order_by(Industry.code)))
