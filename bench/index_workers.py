"""Memory of N worker processes that map one saved match index (issue 12, point 1).

Builds an index over ``--targets`` demo targets (``match_bench.make_demo_targets``), saves it to a
temporary folder, then starts ``--workers`` processes that each load it (memory-mapped) and rank
the bench's candidates, as gunicorn workers would. Each reports from /proc/self/smaps: its resident
memory, the part that is the index's files (shared by all: one copy in the page cache) and its
proportional share (PSS) of those pages. Linux only.

Run: .venv/bin/python bench/index_workers.py [--targets 100000] [--workers 4]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))


def _smaps(folder: str) -> dict[str, float]:
    """Resident, private and index-file memory (MB) of this process."""
    rss = private = index_rss = index_pss = 0
    current = None
    with open("/proc/self/smaps", encoding="utf-8") as f:
        for line in f:
            head = line.split()
            if not head:
                continue
            if not head[0].endswith(":") or "-" in head[0]:
                current = head[-1] if len(head) >= 6 else ""
                continue
            kb = int(head[1]) if len(head) > 1 and head[1].isdigit() else 0
            if head[0] == "Rss:":
                rss += kb
                if current and current.startswith(folder):
                    index_rss += kb
            elif head[0] in ("Private_Clean:", "Private_Dirty:"):
                private += kb
            elif head[0] == "Pss:" and current and current.startswith(folder):
                index_pss += kb
    return {"rss": rss / 1024, "private": private / 1024, "index_rss": index_rss / 1024, "index_pss": index_pss / 1024}


def worker(folder: str, candidates, ready, go, out) -> None:
    from match_bench import TODAY

    from matcher import MatchIndex

    index = MatchIndex.load(folder)
    for _ in range(2):
        for c in candidates:
            index.rank(c, today=TODAY)
    ready.set()
    go.wait()  # every worker has touched its pages: now the sharing shows
    out.put(_smaps(folder))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    import numpy as np
    from match_bench import ISSUE_WISHES, make_candidates, make_demo_targets

    from matcher import MatchIndex

    rng = np.random.default_rng(2025)
    targets = make_demo_targets(args.targets, rng)
    borgere = json.loads((BENCH.parent / "seeds" / "demo_borgere.json").read_text(encoding="utf-8"))
    candidates = make_candidates(rng, [b["wishes"] for b in borgere[:12]] + ISSUE_WISHES)
    with tempfile.TemporaryDirectory() as tmp:
        folder = str(Path(tmp) / "index")
        start = time.perf_counter()
        index = MatchIndex(targets)
        index.save(folder)
        size = index.nbytes()
        print(f"{len(targets):,} targets: built and saved in {time.perf_counter() - start:.1f} s, "
              f"{size / 2**20:.1f} MB of arrays ({size / len(targets):.0f} B/target)")
        del index, targets
        ctx = mp.get_context("spawn")
        go, out = ctx.Event(), ctx.Queue()
        readies = [ctx.Event() for _ in range(args.workers)]
        procs = [ctx.Process(target=worker, args=(folder, candidates, r, go, out)) for r in readies]
        for p in procs:
            p.start()
        for r in readies:
            r.wait()
        go.set()
        results = [out.get() for _ in procs]
        for p in procs:
            p.join()
    print(f"{'worker':>6} {'RSS MB':>8} {'private MB':>10} {'index RSS MB':>12} {'index PSS MB':>12}")
    for i, r in enumerate(results):
        print(f"{i:>6} {r['rss']:>8.1f} {r['private']:>10.1f} {r['index_rss']:>12.1f} {r['index_pss']:>12.1f}")
    print("index RSS: the index's pages each worker has touched (the same pages in every worker); "
          "index PSS: its share of them (RSS / workers when all share)")


if __name__ == "__main__":
    main()
