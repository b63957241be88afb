"""Every printed output of the Cookbook, Wikipedia and seed rows, to diff before and after a change
that must not change any (a speed change, a refactoring).

    python scripts/snapshot_outputs.py OUT.txt              # write the snapshot
    python scripts/snapshot_outputs.py OUT.txt --rows eq46  # only rows whose id holds eq46
    diff BEFORE.txt AFTER.txt                               # zero lines: nothing changed

For each row (tests/test_cookbook.py, tests/test_wikipedia.py, and every ``md.derive`` /
``md.compare`` call tests/test_seeds.py makes, recorded by running it once), in each layout:
``derive`` by every method (text, LaTeX, the derivation's text and LaTeX, the where lines, or
the error) and ``compare`` (the agreed text and LaTeX, each method's text and what was skipped
or failed).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import matdiff_magic as md  # noqa: E402

LAYOUTS = ("mixed", "numerator", "denominator")
METHODS = ("auto", "differential", "vectorization", "definition", "chain")
# the recorded seed rows, kept between runs of one session (delete it after editing the tests)
SEEDS = Path(tempfile.gettempdir()) / "matdiff_seed_rows.json"


def table_rows() -> list[dict]:
    import test_cookbook
    import test_wikipedia

    out = []
    for p in test_cookbook.CASES:
        expr, wrt, _formula, _text, _sizes, order = p.values
        out.append({"id": f"cookbook-{p.id}", "expr": expr, "wrt": wrt, "order": order})
    for p in test_wikipedia.ROWS:
        _table, expr, wrt, _num, _den, _nf, _df, order, _sizes = p.values
        out.append({"id": f"wikipedia-{p.id}", "expr": expr, "wrt": wrt, "order": order})
    return out


def seed_rows() -> list[dict]:
    """The distinct (expr, wrt, variables, order, symmetric) of the seed tests' derive/compare
    calls, recorded once by running tests/test_seeds.py with both functions wrapped."""
    if SEEDS.exists():
        return json.loads(SEEDS.read_text())
    import pytest

    seen: dict[str, dict] = {}

    def recording(f):
        def wrapper(expr, wrt, variables=None, *args, **kwargs):
            row = {
                "expr": expr,
                "wrt": wrt,
                "variables": variables,
                "order": kwargs.get("order", 1),
                "symmetric": kwargs.get("symmetric", "sym"),
            }
            key = json.dumps(row, sort_keys=True, ensure_ascii=False)
            if key not in seen:
                seen[key] = {"id": f"seed-{len(seen)}", **row}
            return f(expr, wrt, variables, *args, **kwargs)

        return wrapper

    derive, compare = md.derive, md.compare
    md.derive, md.compare = recording(derive), recording(compare)
    try:
        pytest.main(["-q", "-p", "no:cacheprovider", str(ROOT / "tests" / "test_seeds.py")])
    finally:
        md.derive, md.compare = derive, compare
    rows = list(seen.values())
    SEEDS.write_text(json.dumps(rows, ensure_ascii=False, indent=0))
    return rows


def outcome(run, *args: object) -> list[str]:
    try:
        return run(*args)
    except md.MatDiffError as e:
        return [f"error {type(e).__name__}: {e}"]


def derived(row: dict, layout: str, method: str) -> list[str]:
    r = md.derive(
        row["expr"],
        row["wrt"],
        row.get("variables"),
        layout=layout,
        method=method,
        order=row["order"],
        symmetric=row.get("symmetric", "sym"),
    )
    return [
        f"method {r.method}",
        f"text {r.text}",
        f"latex {r.latex}",
        f"where {r.where_text()}",
        "steps",
        r.derivation_text(),
        "steps latex",
        r.derivation_latex(),
    ]


def compared(row: dict, layout: str) -> list[str]:
    c = md.compare(
        row["expr"],
        row["wrt"],
        row.get("variables"),
        layout=layout,
        order=row["order"],
        symmetric=row.get("symmetric", "sym"),
    )
    lines = [f"agreed {c.text}", f"latex {c.latex}"]
    for name, r in c.results.items():
        lines.append(f"{name}: {r.text}")
    for name, why in sorted(c.skipped_in().items()):
        lines.append(f"skipped {name}: {why}")
    for name, err in sorted(c.failed.items()):
        lines.append(f"failed {name}: {type(err).__name__}: {err}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--rows", default="", help="comma-separated substrings of row ids")
    args = parser.parse_args()
    wanted = [s for s in args.rows.split(",") if s]
    rows = table_rows() + seed_rows()
    with open(args.out, "w") as out:
        for row in rows:
            if wanted and not any(w in row["id"] for w in wanted):
                continue
            head = f"== {row['id']} {row['expr']!r} wrt {row['wrt']} order {row['order']}"
            for layout in LAYOUTS:
                for method in METHODS:
                    print(f"{head} [{layout}, {method}]", file=out)
                    print(*outcome(derived, row, layout, method), sep="\n", file=out)
                print(f"{head} [{layout}, compare]", file=out)
                print(*outcome(compared, row, layout), sep="\n", file=out)
            out.flush()


if __name__ == "__main__":
    main()
