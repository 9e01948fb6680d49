"""Constants and helpers shared by the matcher tests (a uniquely named module, unlike conftest)."""

from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TODAY = date(2025, 6, 2)
# Aarhus Rådhus; targets default to 1 km north of it.
HOME = (56.1527, 10.2030)
NEAR = (56.1617, 10.2030)


def ids(matches):
    """Target ids of ``matches`` in rank order."""
    return [m.target_id for m in matches]
