"""What a default ``%%matdiff`` cell costs beyond deriving its methods: CPU time of the whole
cell, run through a real InteractiveShell with the extension loaded (parse, every method
derived and verified, compared, every layout rendered, the widget built, displayed), against
the sum of one ``md.derive`` per method the cell shows (verification included); and what
``--plot`` adds to that cell. The cells: the seed articles' examples, larger models, Hessians
(``--order 2``), a vectorization case and Chinese cells (``--lang zh``).

    python benchmarks/bench_cell.py            # full run
    python benchmarks/bench_cell.py --quick    # fewer repetitions

Targets (issue 10): cell / sum of derives at most 1.5; --plot adds at most 300 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from IPython.core.displaypub import CapturingDisplayPublisher
from IPython.testing import globalipapp

import matdiff_magic as md

SEEDS = [
    ("001 x'Ax wrt x", "x: vector(n); A: matrix(n, n)\ny = x' A x", "x"),
    ("001 x'Ax wrt A", "x: vector(n); A: matrix(n, n)\ny = x' A x", "A"),
    ("001 least squares", "l = (X θ - y)^T (X θ - y)", "θ"),
    ("001 least squares, chain", "e = X θ - y\nl = e' e", "θ"),
    ("000 det", "X: matrix(n, n)\ndet(X)", "X"),
    ("000 Y = AXB", "A: matrix(p, m); X: matrix(m, n); B: matrix(n, p)\ntr(A X B)", "X"),
    ("000 sin(X)", "X: matrix(m, n)\nsin(X)", "X"),
    ("002 ABX", "A: matrix(p, n); B: matrix(n, m); X: matrix(m, q)\nA B X", "X"),
]
LARGER = [
    ("logistic loss", "X: matrix(m, n); y: vector(m)\n1' log(1 + exp(-y .* (X w)))", "w"),
    ("softmax regression", "X: matrix(n, k); Y: matrix(c, k)\n"
     "1' logsumexp(W X)' - tr(Y' W X)", "W"),  # fmt: skip
    ("two-layer network", "W1: matrix(h, n); w2: vector(h); x: vector(n); y: scalar\n"
     "z = W1 x\na = sigmoid(z)\nl = (w2' a - y)^2", "W1"),  # fmt: skip
    ("tr(A1 X A2 X A3 X)", "X: matrix(n, n)\ntr(A1 X A2 X A3 X)", "X"),
]
# (name, expression, wrt, options): a Hessian, a vectorization case, Chinese cells
MORE = [
    ("Hessian x'Ax", "x: vector(n); A: matrix(n, n)\nx' A x", "x", "--order 2"),
    ("Hessian logistic", "X: matrix(m, n); y: vector(m)\n1' log(1 + exp(-y .* (X w)))", "w",
     "--order 2"),  # fmt: skip
    ("vec: A X B", "A: matrix(p, m); X: matrix(m, n); B: matrix(n, q)\nA X B", "X", ""),
    ("zh least squares", "l = (X θ - y)^T (X θ - y)", "θ", "--lang zh"),
    ("zh softmax regression", "X: matrix(n, k); Y: matrix(c, k)\n"
     "1' logsumexp(W X)' - tr(Y' W X)", "W", "--lang zh"),  # fmt: skip
]


def cpu(run: Callable[[], object], repeat: int) -> float:
    """Median CPU seconds of ``run`` over ``repeat`` runs (after one warm-up run)."""
    run()
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    repeat = 3 if args.quick else 7

    ip = globalipapp.get_ipython()
    ip.run_line_magic("load_ext", "matdiff_magic")
    ip.display_pub = CapturingDisplayPublisher()  # displayed, kept in memory, not printed

    def cell(line: str, body: str) -> Callable[[], object]:
        def run() -> None:
            ip.display_pub.outputs.clear()
            result = ip.run_cell(f"%%matdiff {line}\n{body}")
            if not result.success:
                raise SystemExit(f"the cell failed: {line}\n{body}\n{result.error_in_exec}")

        return run

    print(f"{'example':28s} {'methods':>7s} {'derives':>9s} {'cell':>9s} {'ratio':>6s} "
          f"{'--plot adds':>12s}")  # fmt: skip
    ratios, plots = [], []
    cells = [(*cell_, "") for cell_ in SEEDS + LARGER] + MORE
    for name, expr, wrt, options in cells:
        order = 2 if "--order 2" in options else 1
        methods = list(md.compare(expr, wrt, order=order).results)
        derives = sum(
            cpu(lambda e=expr, w=wrt, m=m, o=order: md.derive(e, w, method=m, order=o), repeat)
            for m in methods
        )
        whole = cpu(cell(f"--wrt {wrt} {options}", expr), repeat)
        plotted = cpu(cell(f"--wrt {wrt} {options} --plot", expr), repeat)
        ratio, plot = whole / derives, plotted - whole
        ratios.append(ratio)
        plots.append(plot)
        print(f"{name:28s} {len(methods):7d} {derives * 1e3:7.1f}ms {whole * 1e3:7.1f}ms "
              f"{ratio:6.2f} {plot * 1e3:10.1f}ms")  # fmt: skip
    print(
        f"\ncell / sum of derives: median {statistics.median(ratios):.2f}, "
        f"max {max(ratios):.2f} (target ≤ 1.5); --plot adds: median "
        f"{statistics.median(plots) * 1e3:.0f} ms, max {max(plots) * 1e3:.0f} ms (target ≤ 300 ms)"
    )


if __name__ == "__main__":
    main()
