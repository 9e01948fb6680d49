"""Write seeds/demo_borgere.json: about 40 fictitious borgere over three vejledere.

Deterministic (fixed seed). Names are first names only, as the app stores them; nothing here is
health data. Run: python scripts/build_demo_borgere.py
"""

import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "seeds" / "demo_borgere.json"
SEED = 20261123

FIRST_NAMES = [
    "Mette", "Jens", "Sofie", "Lars", "Anne", "Mads", "Camilla", "Søren", "Louise", "Henrik", "Maria",
    "Kasper", "Line", "Thomas", "Julie", "Martin", "Signe", "Rasmus", "Pernille", "Jesper", "Ida",
    "Nikolaj", "Emma", "Anders", "Karina", "Morten", "Tina", "Christian", "Sara", "Michael", "Helle",
    "Peter", "Nanna", "Jakob", "Lene", "Frederik", "Maja", "Brian", "Sanne", "Ole",
]
# (wishes, strengths) profiles a vejleder would write down with the borger.
PROFILES = [
    (["lagerarbejde", "pluk og pak"], ["punktlig", "kan lide fysisk arbejde"]),
    (["gartner", "grønne områder"], ["arbejder godt udendørs", "tålmodig"]),
    (["butik", "kasse"], ["god til at tale med kunder", "ordentlig"]),
    (["køkkenmedhjælper", "café"], ["hurtig", "kan lide at lave mad"]),
    (["rengøring"], ["grundig", "arbejder godt alene"]),
    (["kontorassistent", "administration"], ["god til computer", "struktureret"]),
    (["pædagogmedhjælper"], ["god med børn", "rolig"]),
    (["chauffør", "budkørsel"], ["kørekort B", "selvstændig"]),
    (["it-support", "programmør"], ["logisk sans", "god til computer"]),
    (["bager"], ["morgenfrisk", "kreativ"]),
    (["værkstedsarbejde", "montage"], ["praktisk anlagt", "god til detaljer"]),
    (["social- og sundhedshjælper", "ældrepleje"], ["omsorgsfuld", "stabil"]),
    (["bogholder", "regnskab"], ["god til tal", "præcis"]),
    (["pedel", "vicevært"], ["handy", "hjælpsom"]),
]
AREAS = {
    "vejleder1@demo.fodfaeste.dk": ["8000", "8200", "8210", "8220", "8230", "8240", "8260", "8270"],
    "vejleder2@demo.fodfaeste.dk": ["8000", "8210", "8300", "8310", "8520", "8530"],
    "vejleder3@demo.fodfaeste.dk": ["7500", "7540", "7600", "8722", "8740", "8781"],
}
PROGRAMME_FOR = {"vejleder1@demo.fodfaeste.dk": "Din vej i job", "vejleder2@demo.fodfaeste.dk": "Din vej i job",
                 "vejleder3@demo.fodfaeste.dk": "Job in mind"}
NEEDS = ["low_hours_start", "gradual_increase", "flexible_hours", "mentor", "quiet", "light_work"]


def main() -> None:
    rng = random.Random(SEED)
    vejledere = list(AREAS)
    borgere = []
    for i, name in enumerate(FIRST_NAMES):
        vejleder = vejledere[i % 3]
        wishes, strengths = PROFILES[rng.randrange(len(PROFILES))]
        hours_min = rng.choice([5, 8, 10, 12, 15, 20])
        consent = rng.random() < 0.8
        borgere.append({
            "first_name": name,
            "vejleder": vejleder,
            "programme": PROGRAMME_FOR[vejleder],
            "enrolled_days_ago": rng.randint(3, 300),
            "phase": rng.choice(["opstart", "virksomhedsmatch", "virksomhedsmatch", "virksomhedsforloeb",
                                 "udvikling"]),
            "postcode": rng.choice(AREAS[vejleder]),
            "transport": rng.choice(["bike", "public", "public", "car", "walk"]),
            "max_travel_minutes": rng.choice([20, 30, 45, 60]),
            "hours_min": hours_min,
            "hours_max": min(37, hours_min + rng.choice([5, 10, 15, 20])),
            "wishes": wishes,
            "strengths": strengths,
            "needs": sorted(rng.sample(NEEDS, rng.randint(0, 3))),
            "consent_to_propose": consent,
            "shared_fields": sorted(rng.sample(["first_name", "wishes", "strengths", "hours"], 3)) if consent else [],
            "disclosure": rng.random() < 0.4,
        })
    TARGET.write_text(json.dumps(borgere, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {len(borgere)} borgere to {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
