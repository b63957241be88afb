"""Does equality saturation (egglog) beat matdiff's hand-ordered simplifier? (issue 12)

Run by hand from the repository root (egglog is a benchmark-only dependency, ``pip install
egglog``; matdiff never imports it)::

    python benchmarks/bench_egglog.py                 # every row, a table on stdout
    python benchmarks/bench_egglog.py --write         # and benchmarks/egglog_results.md
    python benchmarks/bench_egglog.py --rows 10 --seconds 2

Rows: the book-form table (tests/textbook_forms.py) and the rewrite corpus (CORPUS in
tests/test_rewrites.py), each derived by ``md.derive`` (default method, mixed layout).

Two egglog runs a row, both over the same identities (egglog_bench/language.py) and limits:
- **pre**: from the tree matdiff's *final simplify* is given (caught while deriving,
  egglog_bench/capture.py): egglog in place of the hand-ordered pass, the comparison the issue
  asks for. matdiff's time is one cold ``tidy`` of that same tree.
- **post**: from matdiff's printed result: can saturation still shorten it? Rows where it can
  are candidates for new named rewrites.

Each extraction is printed by matdiff's printer, counted with ``written_tokens.tokens`` (the
textbook test's measure), parsed back and checked numerically against the verified derivative
with ``md.check_against`` (random points; no eval anywhere).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parent / "tests")]

from egglog_bench.capture import derive_caught, time_tidy  # noqa: E402
from egglog_bench.report import markdown  # noqa: E402
from egglog_bench.saturate import Limits, Outcome, simplify  # noqa: E402

import matdiff_magic as md  # noqa: E402
from matdiff_magic.answers import check_against  # noqa: E402
from matdiff_magic.written_tokens import tokens  # noqa: E402


@dataclass
class Run:
    text: str = ""
    tokens: int | None = None
    seconds: float = 0.0
    stop: str = ""
    nodes: int = 0
    verdict: str = ""
    error: str = ""
    model: str = ""
    extraction: float = 0.0


@dataclass
class Row:
    table: str
    source: str
    problem: str
    wrt: str
    book: str | None
    order: int = 1
    matdiff: str = ""
    matdiff_tokens: int = 0
    matdiff_seconds: float | None = None
    pre_text: str = ""
    pre: Run = field(default_factory=Run)
    post: Run = field(default_factory=Run)
    error: str = ""


def rows() -> list[Row]:
    from test_rewrites import CORPUS
    from textbook_forms import ROWS

    out = [Row("book", r.source, r.problem, r.wrt, r.book, r.order) for r in ROWS]
    for problem, wrt in CORPUS:
        out.append(Row("corpus", problem.replace("\n", "; "), problem, wrt, None))
    return out


def _egglog(result: md.Result, tree: object, limits: Limits) -> Run:
    run = Run()
    try:
        out: Outcome = simplify(tree, limits)
    except BaseException as err:
        if isinstance(err, KeyboardInterrupt):
            raise
        run.error = f"{type(err).__name__}: {str(err)[:160]}"
        return run
    run.text, run.seconds, run.stop, run.nodes = out.text, out.seconds, out.stop, out.nodes
    run.model, run.extraction = out.model, out.extraction
    run.tokens = tokens(out.text)
    try:
        run.verdict = check_against(result, out.text).verdict
    except md.MatDiffError as err:
        run.verdict = f"error: {err}"
    return run


def measure(row: Row, limits: Limits) -> Row:
    try:
        caught = derive_caught(row.problem, row.wrt, row.order)
    except md.MatDiffError as err:
        row.error = f"derive: {err}"
        return row
    result = caught.result
    row.matdiff, row.matdiff_tokens = result.text, tokens(result.text)
    if caught.before is not None:
        from matdiff_magic.printing.text import text

        row.pre_text = text(caught.before)
        row.matdiff_seconds = time_tidy(caught.before)
        row.pre = _egglog(result, caught.before, limits)
    else:
        row.pre.error = "final simplify not caught"
    row.post = _egglog(result, result.expr, limits)
    return row


def summary(done: list[Row]) -> dict[str, object]:
    def compare(kind: str) -> dict[str, int]:
        runs = [(getattr(r, kind), r) for r in done if getattr(r, kind).tokens is not None]
        return {
            "rows": len(runs),
            "shorter": sum(x.tokens < r.matdiff_tokens for x, r in runs),
            "equal": sum(x.tokens == r.matdiff_tokens for x, r in runs),
            "longer": sum(x.tokens > r.matdiff_tokens for x, r in runs),
            "egglog tokens": sum(x.tokens for x, _ in runs),
            "matdiff tokens": sum(r.matdiff_tokens for _, r in runs),
            "numerically equal": sum(x.verdict == "correct" for x, _ in runs),
            "failed": sum(bool(getattr(r, kind).error) for r in done),
            "stops": _counts(x.stop for x, _ in runs),
            "cost models": _counts(x.model for x, _ in runs),
            "seconds total": sum(x.seconds for x, _ in runs),
            "seconds median": statistics.median([x.seconds for x, _ in runs] or [0]),
            "seconds max": max([x.seconds for x, _ in runs] or [0]),
            "extraction seconds total": sum(x.extraction for x, _ in runs),
        }

    timed = [r.matdiff_seconds for r in done if r.matdiff_seconds is not None]
    book = [r for r in done if r.book is not None and not r.error]
    ran = [r for r in book if r.pre.tokens is not None]
    return {
        "pre": compare("pre"),
        "post": compare("post"),
        "matdiff seconds total": sum(timed),
        "matdiff seconds median": statistics.median(timed or [0]),
        "matdiff seconds max": max(timed or [0]),
        "book rows": len(book),
        "book tokens": sum(tokens(r.book) for r in book),
        "matdiff tokens on book rows": sum(r.matdiff_tokens for r in book),
        "book rows pre": len(ran),
        "book tokens pre": sum(tokens(r.book) for r in ran),
        "matdiff tokens pre": sum(r.matdiff_tokens for r in ran),
        "egglog pre tokens on book rows": sum(r.pre.tokens for r in ran),
        "derive errors": sum(bool(r.error) for r in done),
    }


def _counts(items: object) -> dict[str, int]:
    out: dict[str, int] = {}
    for x in items:
        out[x] = out.get(x, 0) + 1
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=0, help="only the first N rows")
    parser.add_argument("--seconds", type=float, default=Limits.seconds)
    parser.add_argument("--nodes", type=int, default=Limits.nodes)
    parser.add_argument("--iterations", type=int, default=Limits.iterations)
    parser.add_argument("--write", action="store_true", help="write egglog_results.md")
    args = parser.parse_args()
    limits = Limits(iterations=args.iterations, nodes=args.nodes, seconds=args.seconds)
    todo = rows()[: args.rows or None]
    done: list[Row] = []
    start = time.perf_counter()
    for i, row in enumerate(todo, 1):
        measure(row, limits)
        done.append(row)
        print(
            f"{i:3}/{len(todo)} {row.source[:44]:44} md {row.matdiff_tokens:3} "
            f"pre {row.pre.tokens!s:>4} {row.pre.verdict[:7]:7} "
            f"post {row.post.tokens!s:>4} {row.post.verdict[:7]:7} "
            f"{row.pre.seconds:6.2f}s {row.error or row.pre.error or row.post.error}",
            flush=True,
        )
    facts = summary(done)
    print(facts)
    if args.write:
        text = markdown(done, facts, limits, time.perf_counter() - start)
        (HERE / "egglog_results.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
