"""Median time of parse + derive (verification included) + LaTeX (result and derivation) for
the seed examples, for the chain tr(A1 X A2 X ... Ak X) by every method and by md.compare, and
for chains of definitions e_k = sin(e_{k-1}) + e_{k-1} (each used twice).

    python benchmarks/bench_derive.py            # full run
    python benchmarks/bench_derive.py --quick    # fewer repetitions

Targets: each seed example under 20 ms; k = 64 under 1 s by "auto"; no method and not compare
growing faster than k²; 200 definition lines within 5 s CPU (issues 2 and 8).
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matdiff_magic as md

SEEDS = [
    ("001 x'Ax wrt x", "x: vector(n); A: matrix(n, n)\ny = x' A x", "x", "auto"),
    ("001 x'Ax wrt A", "x: vector(n); A: matrix(n, n)\ny = x' A x", "A", "auto"),
    ("001 least squares", "l = (X θ - y)^T (X θ - y)", "θ", "auto"),
    ("001 least squares, chain", "e = X θ - y\nl = e' e", "θ", "chain"),
    ("000 det", "X: matrix(n, n)\ndet(X)", "X", "auto"),
    ("000 Y = AXB", "A: matrix(p, m); X: matrix(m, n); B: matrix(n, p)\ntr(A X B)", "X", "auto"),
    ("000 sin(X)", "X: matrix(m, n)\nsin(X)", "X", "auto"),
    ("002 ABX", "A: matrix(p, n); B: matrix(n, m); X: matrix(m, q)\nA B X", "X", "auto"),
    ("002 ABXC", "A: matrix(p, n); B: matrix(n, m); X: matrix(m, q); C: matrix(q, r)\nA B X C",
     "X", "auto"),
]


def timed(expr: str, wrt: str, method: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        if method == "compare":
            c = md.compare(expr, wrt)
            for r in c.results.values():
                r.steps.latex()
        else:
            r = md.derive(expr, wrt, method=method)
            r.latex  # noqa: B018 - the printing is part of what is timed
            r.steps.latex()
        times.append(time.process_time() - start)
    return statistics.median(times)


def definitions(k: int) -> str:
    lines = ["x: vector(n)", "e1 = sin(x)"]
    lines += [f"e{i} = sin(e{i - 1}) + e{i - 1}" for i in range(2, k + 1)]
    return "\n".join([*lines, f"sum(e{k})"])


def chain(k: int) -> str:
    decl = "; ".join(f"A{i}: matrix(n, n)" for i in range(1, k + 1)) + "; X: matrix(n, n)"
    return decl + "\ntr(" + " ".join(f"A{i} X" for i in range(1, k + 1)) + ")"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeat = 3 if args.quick else 9
    timed("x' x", "x", "auto", 1)  # warm up imports and caches
    print("seed examples (median of", repeat, "runs; target < 20 ms)")
    for name, expr, wrt, method in SEEDS:
        t = timed(expr, wrt, method, repeat)
        print(f"  {name:28s} {t * 1000:8.2f} ms  {'ok' if t < 0.020 else 'SLOW'}")
    print("tr(A1 X A2 X ... Ak X) wrt X (target: k = 64 < 1 s, growth <= k^2)")
    results = {}
    for k in (1, 2, 4, 8, 16, 32, 64):
        results[k] = timed(chain(k), "X", "auto", repeat if k < 32 else max(3, repeat // 3))
        print(f"  k = {k:3d}  {results[k] * 1000:9.1f} ms")
    slope = math.log(results[64] / results[16]) / math.log(4)
    print(f"  growth exponent from k = 16 to 64: {slope:.2f} (2 means k²)")
    print(f"  k = 64: {'ok' if results[64] < 1.0 else 'SLOW'}")
    print("the same chain by each method and by compare (CPU seconds; growth 16 -> 64)")
    for method in ("differential", "chain", "vectorization", "definition", "compare"):
        times = {k: timed(chain(k), "X", method, 1) for k in (4, 8, 16, 32, 64)}
        slope = math.log(times[64] / times[16]) / math.log(4)
        row = "  ".join(f"k={k}: {t:6.2f} s" for k, t in times.items())
        print(f"  {method:13s} {row}   exponent {slope:.2f}")
    print("definitions e_k = sin(e_(k-1)) + e_(k-1), sum(e_k) wrt x (target: k = 200 < 5 s)")
    for k in (8, 16, 32, 48, 200):
        try:
            t = timed(definitions(k), "x", "auto", 1)
        except md.MatDiffError as err:  # nesting deeper than the language accepts
            print(f"  k = {k:3d}  {type(err).__name__}: {str(err).splitlines()[0][:70]}")
            continue
        print(f"  k = {k:3d}  {t:7.2f} s  {'ok' if t < 5 else 'SLOW'}")


if __name__ == "__main__":
    main()
