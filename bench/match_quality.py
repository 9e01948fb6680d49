"""Match quality of the engine on the judged set (issue 11): nDCG@5, nDCG@10 and P@5.

Loads ``tests/matcher/judged/`` (format and grading rules in its README), builds one
``matcher.MatchIndex`` over all judged targets the way the app does (the shipped occupation
vocabulary and the offer-tag labels, default weights), ranks every borger at the set's fixed
reference date (never the wall clock) and prints per borger and per split (dev, heldout, all):
nDCG@5, nDCG@10, P@5 (grade >= 2 counts as relevant), hard-rule violations and hours misfits in
the top 10 (definitions in ``bench/quality.py``).

Run from the repository root:

    .venv/bin/python bench/match_quality.py                 # table
    .venv/bin/python bench/match_quality.py --json          # machine-readable
    .venv/bin/python bench/match_quality.py --show          # also the top 10 of each dev borger
    .venv/bin/python bench/match_quality.py --no-vocabulary # the bare API, as rank(candidate, targets)

Tune only on dev. The heldout borgere's rankings are not shown unless ``--show-heldout`` is given:
looking at them while changing the engine makes the heldout figures worthless.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import quality  # noqa: E402
from matcher import MatchIndex  # noqa: E402


def build_index(judged: quality.JudgedSet, *, vocabulary: bool = True) -> MatchIndex:
    """The index over the judged targets, built as ``crm.services.matching`` builds the app's."""
    if not vocabulary:
        return MatchIndex(judged.targets)
    return MatchIndex(judged.targets, vocabulary=quality.app_vocabulary(), tag_labels=quality.app_tag_labels())


def run(*, vocabulary: bool = True, folder: Path = quality.JUDGED_DIR) -> tuple[quality.JudgedSet, list]:
    judged = quality.load_judged(folder)
    return judged, quality.evaluate(judged, build_index(judged, vocabulary=vocabulary))


def report(judged: quality.JudgedSet, results: list, *, vocabulary: bool, show: bool, show_heldout: bool) -> dict:
    """Everything the script prints, as a JSON-ready dict."""
    borgere = {b.id: b for b in judged.borgere}
    rows = []
    for r in results:
        row = {
            "id": r.id, "split": r.split, "wishes": list(borgere[r.id].candidate.wishes),
            "ndcg@5": round(r.ndcg5, 4), "ndcg@10": round(r.ndcg10, 4), "p@5": round(r.p5, 4),
            "hard_rule_violations": [list(v) for v in r.violations], "hours_misfits": list(r.hours_misfits),
        }
        if show and (r.split == "dev" or show_heldout):
            grades = borgere[r.id].grades
            row["top10"] = [[tid, grades.get(tid, 0)] for tid in r.ranked[:10]]
        rows.append(row)
    splits = {name: quality.summarise([r for r in results if name == "all" or r.split == name])
              for name in (*quality.SPLITS, "all")}
    return {
        "reference_date": judged.reference_date.isoformat(),
        "vocabulary": vocabulary,
        "targets": len(judged.targets),
        "splits": splits,
        "borgere": rows,
    }


def print_table(data: dict) -> None:
    print(f"Judged set: {len(data['borgere'])} borgere, {data['targets']} targets, "
          f"reference date {data['reference_date']}, vocabulary {'on' if data['vocabulary'] else 'off'}")
    print()
    print(f"{'borger':7} {'split':8} {'nDCG@5':>7} {'nDCG@10':>8} {'P@5':>5} {'rules':>5} {'hours':>5}  wishes")
    for row in data["borgere"]:
        print(f"{row['id']:7} {row['split']:8} {row['ndcg@5']:7.3f} {row['ndcg@10']:8.3f} {row['p@5']:5.2f} "
              f"{len(row['hard_rule_violations']):5d} {len(row['hours_misfits']):5d}  {'; '.join(row['wishes'])}")
        for tid, rule in row["hard_rule_violations"]:
            print(f"{'':16}hard rule broken: {tid} ({rule})")
        for pos, (tid, grade) in enumerate(row.get("top10", []), start=1):
            print(f"{'':16}{pos:2d}. {tid} (grade {grade})")
    print()
    print(f"{'split':8} {'borgere':>7} {'nDCG@5':>7} {'nDCG@10':>8} {'P@5':>5} {'rules':>5} {'hours':>5}")
    for name, s in data["splits"].items():
        print(f"{name:8} {s['borgere']:7d} {s['ndcg@5']:7.3f} {s['ndcg@10']:8.3f} {s['p@5']:5.2f} "
              f"{s['hard_rule_violations']:5d} {s['hours_misfits']:5d}")
    print()
    print("rules: hard-rule violations in the top 10 (travel, excluded industry/company, kind not accepted,")
    print("stale opening); hours: targets in the top 10 that start above the borger's hours, with no low start.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-vocabulary", action="store_true",
                        help="rank as the bare API does: MatchIndex(targets), no tag labels (since issue 11 "
                             "the matcher's shipped vocabulary is used then too)")
    parser.add_argument("--show", action="store_true", help="also list each dev borger's top 10 with grades")
    parser.add_argument("--show-heldout", action="store_true",
                        help="with --show, list the heldout borgere's top 10 too (do not tune on them)")
    parser.add_argument("--folder", type=Path, default=quality.JUDGED_DIR, help="judged set folder")
    args = parser.parse_args(argv)
    vocabulary = not args.no_vocabulary
    judged, results = run(vocabulary=vocabulary, folder=args.folder)
    data = report(judged, results, vocabulary=vocabulary, show=args.show, show_heldout=args.show_heldout)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        print_table(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
