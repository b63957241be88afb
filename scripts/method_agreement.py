#!/usr/bin/env python
"""How many problems print differently across methods (issue 12: one canonical final form).

    python scripts/method_agreement.py [--tables book,corpus,cookbook,wikipedia,seeds]
                                       [--layouts mixed,numerator,denominator] [--verify]

For every problem of each table (the test suite's own data: tests/textbook_forms.py, the
rewrite corpus of tests/test_rewrites.py, the Cookbook, Wikipedia and seed rows) and every
layout, derives with each method (differential, vectorization, definition, chain) and prints,
per table and layout, how many problems at least two methods derive, how many of those print
differently, and the differing ones with each method's text. A method that does not apply is
left out. ``--verify`` also verifies each result (slower; the printed form does not depend on it).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import matdiff_magic as md  # noqa: E402

METHODS = ("differential", "vectorization", "definition", "chain")
LAYOUTS = ("mixed", "numerator", "denominator")

Problem = tuple[str, str, str, int]  # (label, expression, wrt, order)


def _book() -> Iterator[Problem]:
    from textbook_forms import ROWS

    for r in ROWS:
        yield r.source, r.problem, r.wrt, r.order


def _corpus() -> Iterator[Problem]:
    from test_rewrites import CORPUS

    for expr, wrt in CORPUS:
        yield expr.replace("\n", "; "), expr, wrt, 1


def _params(cases: list, expr_at: int, wrt_at: int, order_at: int | None) -> Iterator[Problem]:
    for p in cases:
        v = p.values
        yield p.id, v[expr_at], v[wrt_at], (v[order_at] if order_at is not None else 1)


def _cookbook() -> Iterator[Problem]:
    from test_cookbook import CASES

    return _params(CASES, 0, 1, 5)


def _wikipedia() -> Iterator[Problem]:
    from test_wikipedia import ROWS

    return _params(ROWS, 1, 2, 7)


def _seeds() -> Iterator[Problem]:
    from test_seeds import SEED_EXAMPLES

    for name, (expr, wrt, _) in sorted(SEED_EXAMPLES.items()):
        yield name, expr, wrt, 1


TABLES = {
    "book": _book,
    "corpus": _corpus,
    "cookbook": _cookbook,
    "wikipedia": _wikipedia,
    "seeds": _seeds,
}


def printed_by_method(expr: str, wrt: str, order: int, layout: str, verify: bool) -> dict:
    """Each applicable method's printed result."""
    out = {}
    for method in METHODS:
        try:
            r = md.derive(expr, wrt, method=method, layout=layout, order=order, verify=verify)
        except md.MatDiffError:
            continue
        out[method] = r.text
    return out


def measure(table: str, layouts: tuple[str, ...], verify: bool) -> dict[str, tuple[int, list]]:
    """layout -> (problems at least two methods derive, [(label, printed), ...] differing)."""
    problems = list(TABLES[table]())
    found: dict[str, tuple[int, list]] = {}
    for layout in layouts:
        compared, differing = 0, []
        for label, expr, wrt, order in problems:
            printed = printed_by_method(expr, wrt, order, layout, verify)
            if len(printed) < 2:
                continue
            compared += 1
            if len(set(printed.values())) > 1:
                differing.append((label, printed))
        found[layout] = (compared, differing)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", default=",".join(TABLES))
    parser.add_argument("--layouts", default=",".join(LAYOUTS))
    parser.add_argument("--verify", action="store_true")
    parser.add_argument("--quiet", action="store_true", help="figures only, no listing")
    args = parser.parse_args(argv)
    layouts = tuple(args.layouts.split(","))
    summary = []
    for table in args.tables.split(","):
        found = measure(table, layouts, args.verify)
        for layout, (compared, differing) in found.items():
            line = f"{table:10} {layout:12} {len(differing):3} of {compared:3} differ"
            summary.append(line)
            print(line, flush=True)
            if not args.quiet:
                for label, printed in differing:
                    print(f"    {label}")
                    for method, text in printed.items():
                        print(f"        {method:14} {text}")
    print("\n".join(["", "summary:", *summary]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
