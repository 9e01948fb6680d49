"""Benchmark ``MatchIndex.rank`` against a straightforward per-target loop.

Synthetic targets are scattered around Danish cities (weighted roughly by population), with titles
from the shipped occupation vocabulary, generated descriptions, skills, hours, offers and dates.
A fixed set of candidates (different cities, transport modes, wishes, needs) is ranked repeatedly;
the script prints, per size, the build time, the time to save the index and to map it back, the
bytes of the index per target, the median / p90 / p95 time per ``rank`` call on the mapped index,
the cost of a delta (``LiveIndex`` with 10 changed targets and one retired) and a rank through it,
and the ratio against a naive loop (geopy.distance.geodesic and rapidfuzz per target, in the same
process).

``--corpus demo`` builds the targets the way the demo generator writes them instead: openings with
the titles, descriptions, skills and hours of ``crm/demo_openings.py`` (one in three titled "... til
<city>"), and companies without openings as ``crm.services.matching`` builds them from
``seeds/demo_companies.json`` (title = the company's free-text industry, description = "<name>.
<description>", industry = the DB07 label), with the borgere's wishes of ``seeds/demo_borgere.json``
plus the free-text wishes of issue 11.

Run: .venv/bin/python bench/match_bench.py [--sizes 1000 10000 100000] [--repeat 5] [--corpus demo]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

# One core: keep numerical libraries from spreading work over threads (set before numpy loads).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from geopy.distance import geodesic  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402

from matcher import (  # noqa: E402
    KINDS,
    Candidate,
    LiveIndex,
    MatchIndex,
    Target,
    geo,  # noqa: E402
)
from matcher.scoring import STALE_EXCLUDE_DAYS  # noqa: E402

try:  # the engine before issue 11 had no shipped vocabulary; the bench runs on both for comparison
    from matcher import default_vocabulary  # noqa: E402
except ImportError:  # pragma: no cover
    from matcher import load_vocabulary  # noqa: E402

    def default_vocabulary():
        return load_vocabulary(REPO / "seeds" / "occupations.csv")

TODAY = date(2025, 6, 2)

# (city, lat, lon, share of targets, spread in km)
CITIES = [
    ("København", 55.6761, 12.5683, 0.30, 9.0),
    ("Aarhus", 56.1629, 10.2039, 0.12, 6.0),
    ("Odense", 55.4038, 10.4024, 0.08, 5.0),
    ("Aalborg", 57.0488, 9.9217, 0.07, 5.0),
    ("Esbjerg", 55.4765, 8.4594, 0.04, 4.0),
    ("Randers", 56.4607, 10.0364, 0.03, 3.0),
    ("Kolding", 55.4904, 9.4722, 0.03, 3.0),
    ("Horsens", 55.8607, 9.8503, 0.03, 3.0),
    ("Vejle", 55.7093, 9.5357, 0.03, 3.0),
    ("Roskilde", 55.6419, 12.0878, 0.03, 3.0),
    ("Herning", 56.1393, 8.9738, 0.03, 3.0),
    ("Silkeborg", 56.1697, 9.5451, 0.02, 3.0),
    ("Næstved", 55.2299, 11.7609, 0.02, 3.0),
    ("Viborg", 56.4532, 9.4020, 0.02, 3.0),
    ("Holstebro", 56.3601, 8.6161, 0.02, 3.0),
    ("Hedensted", 55.7706, 9.7017, 0.01, 2.0),
    ("Hillerød", 55.9267, 12.3109, 0.03, 3.0),
    ("Helsingør", 56.0361, 12.6136, 0.03, 3.0),
    ("Slagelse", 55.4028, 11.3546, 0.02, 3.0),
    ("Svendborg", 55.0598, 10.6068, 0.04, 3.0),
]
INDUSTRIES = [
    "Landbrug, skovbrug og fiskeri", "Industri", "Bygge og anlæg", "Handel", "Transport",
    "Hoteller og restauranter", "Information og kommunikation", "Finansiering og forsikring", "Videnservice",
    "Rejsebureauer, rengøring og anden operationel service", "Undervisning", "Sundhed og socialvæsen",
    "Kultur og fritid", "Andre serviceydelser",
]
SENTENCES = [
    "Vi søger en {t} til vores team i {c}.", "Som {t} får du faste opgaver og gode kolleger.",
    "Du bliver en del af en travl hverdag med mange opgaver.",
    "Vi lægger vægt på godt humør og mødestabilitet.",
    "Arbejdet foregår primært i dagtimerne.", "Du skal kunne arbejde selvstændigt og i teams.",
    "Erfaring som {t} er en fordel, men ikke et krav.",
    "Vi tilbyder grundig oplæring og en fast kontaktperson.",
    "Stillingen kan kombineres med virksomhedspraktik.", "Du er god til at tale med kunder og kolleger.",
    "Vi har et roligt arbejdsmiljø med plads til alle.", "Du holder orden og er omhyggelig.",
    "Der er mulighed for fleksible arbejdstider.", "Opgaverne omfatter {s} og {s2}.",
    "Vi er en mindre virksomhed i {c} med {n} ansatte.", "Kørekort er en fordel.",
]
SKILLS = ["truckcertifikat", "kørekort B", "kundeservice", "ordenssans", "excel", "rengøring", "madlavning",
          "kassearbejde", "mødestabil", "hygiejne", "IT", "engelsk", "regnskab", "pædagogik", "håndværk",
          "maskiner", "lagerstyring", "salg", "telefon", "omsorg"]
TAGS = ["low_hours_start", "gradual_increase", "flexible_hours", "mentor", "ambassador", "quiet",
        "praktik", "loentilskud", "flexjob", "light_work", "step_free"]
KIND_SHARES = {
    "job": 0.45, "company": 0.2, "flexjob": 0.1, "loentilskud": 0.08, "praktik": 0.12, "uddannelse": 0.05,
}
MODES = ["bike", "public", "car", "walk"]
WISHES = [
    ["lager"], ["pluk og pak", "chauffør"], ["butik", "kasse"], ["rengøring"], ["køkken", "kantine"],
    ["gartner", "udendørs arbejde"], ["kontor"], ["pædagogmedhjælper"], ["lagermedarbjder"], ["it-support"],
]


def make_targets(n: int, vocabulary, rng: np.random.Generator) -> list[Target]:
    titles = [o.title for o in vocabulary.occupations]
    city_idx = rng.choice(len(CITIES), size=n, p=np.array([c[3] for c in CITIES]) / sum(c[3] for c in CITIES))
    kinds = rng.choice(list(KIND_SHARES), size=n, p=list(KIND_SHARES.values()))
    targets = []
    for i in range(n):
        city, lat, lon, _, spread = CITIES[city_idx[i]]
        dlat = rng.normal(0, spread / 111.0)
        dlon = rng.normal(0, spread / (111.0 * np.cos(np.radians(lat))))
        title = titles[rng.integers(len(titles))]
        words = {"t": title.lower(), "c": city, "s": SKILLS[rng.integers(20)], "s2": SKILLS[rng.integers(20)],
                 "n": int(rng.integers(3, 300))}
        chosen = rng.choice(len(SENTENCES), 4, replace=False)
        description = " ".join(SENTENCES[j].format(**words) for j in chosen)
        kind = str(kinds[i])
        hours = None if kind == "company" else sorted(rng.choice([5, 10, 15, 20, 25, 30, 37], 2).tolist())
        targets.append(Target(
            id=i, company_id=int(rng.integers(n // 3 + 1)), kind=kind,
            title=f"{title} til {city}" if rng.random() < 0.3 else title,
            description=description, industry=INDUSTRIES[rng.integers(len(INDUSTRIES))],
            skills=[SKILLS[j] for j in rng.choice(20, 3, replace=False)],
            lat=lat + dlat, lon=lon + dlon,
            hours_min=None if hours is None else float(hours[0]),
            hours_max=None if hours is None else float(hours[1]),
            offers={TAGS[j] for j in np.flatnonzero(rng.random(len(TAGS)) < 0.2)},
            start=None if rng.random() < 0.6 else TODAY + timedelta(days=int(rng.integers(1, 120))),
            updated=TODAY - timedelta(days=int(rng.integers(0, 90))),
            partner=bool(rng.random() < 0.2), placements=int(rng.poisson(0.5)),
        ))
    return targets


ISSUE_WISHES = [
    ["vil gerne arbejde med dyr"], ["arbejde med ældre mennesker"], ["museum", "noget stille"],
    ["warehouse"], ["cleaning", "få timer"], ["lager, ikke nattevagt"], ["byggeri"], ["noget med computere"],
]


def make_demo_targets(n: int, rng: np.random.Generator) -> list[Target]:
    """Targets as the demo generator writes them (see the module docstring)."""
    from crm.demo_openings import BY_INDUSTRY, GENERIC  # the bench may import the app; the matcher not

    templates = list(BY_INDUSTRY.values()) + GENERIC
    companies = json.loads((REPO / "seeds" / "demo_companies.json").read_text(encoding="utf-8"))
    db07 = {}
    with open(REPO / "seeds" / "db07.csv", encoding="utf-8") as f:
        for line in f.read().splitlines()[1:]:
            code, _, label = line.partition(",")
            db07[code] = label.strip('"')
    city_idx = rng.choice(len(CITIES), size=n, p=np.array([c[3] for c in CITIES]) / sum(c[3] for c in CITIES))
    targets = []
    for i in range(n):
        city, lat, lon, _, spread = CITIES[city_idx[i]]
        at = (lat + rng.normal(0, spread / 111.0), lon + rng.normal(0, spread / (111.0 * np.cos(np.radians(lat)))))
        company = companies[int(rng.integers(len(companies)))]
        industry = db07.get(company["industry_code"], "")
        common = dict(company_id=int(rng.integers(n // 3 + 1)), lat=at[0], lon=at[1], industry=industry,
                      offers={TAGS[j] for j in np.flatnonzero(rng.random(len(TAGS)) < 0.2)},
                      updated=TODAY - timedelta(days=int(rng.integers(0, 90))),
                      partner=bool(rng.random() < 0.2), placements=int(rng.poisson(0.5)))
        if rng.random() < 0.25:
            name = f"{company['name']} {city}"
            targets.append(Target(id=i, kind="company", title=company["industry_text"] or name,
                                  description=f"{name}. {company['description']}", **common))
            continue
        title, kind, low, high, low_start, description, skills = templates[int(rng.integers(len(templates)))]
        targets.append(Target(
            id=i, kind=kind, title=f"{title} til {city}" if rng.random() < 0.33 else title,
            description=description, skills=skills, hours_min=float(low), hours_max=float(high),
            start=None if rng.random() < 0.6 else TODAY + timedelta(days=int(rng.integers(1, 120))), **common,
        ))
    return targets


def make_candidates(rng: np.random.Generator, wishes: list[list[str]] = WISHES) -> list[Candidate]:
    candidates = []
    for k in range(20):
        city, lat, lon, _, spread = CITIES[k % 8]
        mode = MODES[k % len(MODES)]
        candidates.append(Candidate(
            id=k, lat=lat + rng.normal(0, 0.01), lon=lon + rng.normal(0, 0.01),
            wishes=wishes[k % len(wishes)], strengths=["mødestabil", "god til kunder"][: 1 + k % 2],
            hours_min=float(5 + 5 * (k % 3)), hours_max=float(15 + 10 * (k % 3)), transport=mode,
            max_travel_minutes=float([30, 45, 40, 25][k % 4]),
            needs={TAGS[j] for j in rng.choice(len(TAGS), k % 3, replace=False)},
            accepts=set(KINDS) if k % 5 else {"job", "company", "flexjob"},
        ))
    return candidates


def naive_rank(candidate: Candidate, targets: list[Target], limit: int = 20) -> list[tuple[float, object]]:
    """The straightforward version: one Python iteration per target with geopy and rapidfuzz."""
    scored = []
    for t in targets:
        if t.kind not in candidate.accepts or t.company_id in candidate.excluded_company_ids:
            continue
        if t.kind != "company" and (TODAY - t.updated).days > STALE_EXCLUDE_DAYS:
            continue
        km = geodesic((candidate.lat, candidate.lon), (t.lat, t.lon)).km
        minutes = float(geo.travel_minutes(km, candidate.transport))
        if minutes > candidate.max_travel_minutes:
            continue
        text = f"{t.title} {t.industry} {t.description}"
        wish = max((fuzz.WRatio(w, text) for w in candidate.wishes), default=50) / 100
        skills = " ".join(t.skills)
        strength = max((fuzz.partial_ratio(s, skills) for s in candidate.strengths), default=50) / 100
        needs = len(candidate.needs & t.offers) / len(candidate.needs) if candidate.needs else 1.0
        score = 0.5 * wish + 0.1 * strength + 0.2 * (1 - minutes / candidate.max_travel_minutes) + 0.2 * needs
        scored.append((score, t.id))
    scored.sort(reverse=True)
    return scored[:limit]


def median_ms(fn, candidates, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        for c in candidates:
            start = time.perf_counter()
            fn(c)
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5, help="rank calls per candidate")
    parser.add_argument("--naive-max", type=int, default=2_000, help="most targets the naive loop runs on")
    parser.add_argument("--corpus", choices=["synthetic", "demo"], default="synthetic",
                        help="synthetic: vocabulary titles, generated descriptions; demo: as the demo generator")
    args = parser.parse_args()

    vocabulary = default_vocabulary()
    rng = np.random.default_rng(2025)
    if args.corpus == "demo":
        all_targets = make_demo_targets(max(args.sizes), rng)
        borgere = json.loads((REPO / "seeds" / "demo_borgere.json").read_text(encoding="utf-8"))
        wishes = [b["wishes"] for b in borgere[:12]] + ISSUE_WISHES
        candidates = make_candidates(rng, wishes)
    else:
        all_targets = make_targets(max(args.sizes), vocabulary, rng)
        candidates = make_candidates(rng)
    print(f"{len(candidates)} candidates x {args.repeat} calls each; "
          "median wall time of one rank(limit=20) call, one process, one core")
    print("reachable = median number of targets left after the spatial pre-filter and the hard rules")
    print(f"corpus: {args.corpus}")
    print("bytes/target = all arrays of the index (what a machine maps once) / targets; "
          "save/load = write the .npy files / map them back; delta = a LiveIndex with 10 changed targets")
    print("rank/p90/p95/max ms: wall time; cpu p50/p95: CPU time of the calling thread (what a busy, shared machine "
          "does not inflate)")
    print(f"{'targets':>9} {'build s':>8} {'save s':>7} {'load s':>7} {'B/target':>8} {'rank ms':>8} {'p90 ms':>7} "
          f"{'p95 ms':>7} {'max ms':>7} {'cpu p50':>7} {'cpu p95':>7} {'delta ms':>8} {'live ms':>7} {'reachable':>9} "
          f"{'naive ms':>10} {'ratio':>7}")
    for n in args.sizes:
        targets = all_targets[:n]
        start = time.perf_counter()
        built = MatchIndex(targets, vocabulary=vocabulary)
        build_s = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            built.save(Path(tmp) / "index")
            save_s = time.perf_counter() - start
            del built
            gc.collect()
            start = time.perf_counter()
            index = MatchIndex.load(Path(tmp) / "index", vocabulary=vocabulary)  # ranked from the mapped files
            load_s = time.perf_counter() - start
            per_target = index.nbytes() / n
            for c in candidates:  # warm-up: vocabulary lookups of the wishes are cached after this
                index.rank(c, today=TODAY)
            gc.collect()
            times, cpu = [], []
            for _ in range(args.repeat):
                for c in candidates:
                    t0, c0 = time.perf_counter(), time.thread_time()
                    index.rank(c, today=TODAY)
                    cpu.append((time.thread_time() - c0) * 1000)
                    times.append((time.perf_counter() - t0) * 1000)
            fast = statistics.median(times)
            p90 = float(np.percentile(times, 90))
            p95 = float(np.percentile(times, 95))
            cpu50, cpu95 = statistics.median(cpu), float(np.percentile(cpu, 95))
            changed = [replace(t, title=t.title + " (ændret)") for t in targets[:10]]
            start = time.perf_counter()
            live = LiveIndex(index, added=changed, retired=[targets[10].id])
            delta_ms = (time.perf_counter() - start) * 1000
            live_times = []
            for c in candidates:
                t0 = time.perf_counter()
                live.rank(c, today=TODAY)
                live_times.append((time.perf_counter() - t0) * 1000)
            reachable = statistics.median(len(index._reachable(c, TODAY.toordinal())[0]) for c in candidates)
            del index, live
        subset = targets[: min(n, args.naive_max)]
        naive = median_ms(lambda c, subset=subset: naive_rank(c, subset), candidates, 1) * n / len(subset)
        note = "" if len(subset) == n else f"  (naive: {len(subset):,} timed, extrapolated)"
        print(f"{n:>9,} {build_s:>8.2f} {save_s:>7.2f} {load_s:>7.2f} {per_target:>8.0f} {fast:>8.2f} {p90:>7.2f} "
              f"{p95:>7.2f} {max(times):>7.2f} {cpu50:>7.2f} {cpu95:>7.2f} {delta_ms:>8.1f} "
              f"{statistics.median(live_times):>7.2f} "
              f"{reachable:>9,.0f} {naive:>10,.1f} {naive / fast:>6.0f}x{note}", flush=True)


if __name__ == "__main__":
    main()
