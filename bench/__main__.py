"""``python -m bench import|bootstrap|startup``: figures for the README. Prints, never asserts.

- import: the demo council (1,500 tenancies, ~300,000 ledger lines) into the central store on
  SQLite and on PostgreSQL (DOORSTEP_BENCH_PG_URL or DOORSTEP_TEST_PG_URL), beside the floor:
  a raw executemany of the same ledger rows into SQLCipher.
- bootstrap: an empty device to a usable caseload (~250 tenancies) over HTTP from a real
  ``central serve`` process, beside the floor: a raw executemany of the same rows into
  SQLCipher.
- startup: process start to the main window showing the caseload (offscreen), beside the floor:
  a minimal PySide6 + SQLCipher program that reads the same caseload and paints it.
- worklist: an encrypted laptop store of ``--cases`` cases (default 600) with ``--years`` of
  weekly ledger (default 5): loading, the worklist recompute, a filter keystroke, opening a
  case. Run it again with ``--cases 20000`` for a whole council.
- visits: on the same caseload, saving a contact with its outbox write and opening visit mode.
- visit-sheet: a 12-case visit sheet (the Day plan's PDF) from a laptop store of ``--cases``
  synthetic cases with ``--years`` of weekly ledger.
"""

from __future__ import annotations

import argparse
import sys

from bench import figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "what",
        choices=["import", "bootstrap", "startup", "worklist", "visits", "visit-sheet", "all"],
    )
    parser.add_argument("--tenancies", type=int, default=1500)
    parser.add_argument("--officers", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cases", type=int, default=600, help="worklist: cases on the laptop")
    parser.add_argument("--years", type=int, default=5, help="worklist: years of weekly ledger")
    args = parser.parse_args(argv)
    if args.what == "worklist":
        from bench.worklist import bench_worklist

        bench_worklist(cases=args.cases, years=args.years, seed=args.seed)
        return 0
    if args.what == "visit-sheet":
        from bench.visit_sheet import bench_visit_sheet

        bench_visit_sheet(cases=args.cases, years=args.years)
        return 0
    if args.what == "visits":
        from bench.visits import bench_visits

        bench_visits(cases=args.cases, years=args.years, seed=args.seed)
        return 0
    runs = ["import", "bootstrap", "startup"] if args.what == "all" else [args.what]
    for what in runs:
        getattr(figures, f"bench_{what}")(
            tenancies=args.tenancies, officers=args.officers, seed=args.seed
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
