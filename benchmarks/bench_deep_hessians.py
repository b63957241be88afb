"""CPU time of deep Hessians the fuzzer found slow (derive with verification, LaTeX of result and
derivation), one row each; no small input may take more than a few seconds.

    python benchmarks/bench_deep_hessians.py

Figures (2 cores, loaded machine; derive without verification in brackets): case 520071 took
(8.0 s) before this stop's canonical-key and rebuild memos, (3.8 s) and 6.9-7.2 s verified after;
case 590000 took 10-17 s before SymPy's rewritings were skipped on blocks over 200 nodes,
0.7-0.8 s after (every Cookbook, Wikipedia and seed output unchanged). Not yet met for 520071.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matdiff_magic as md

CASES = [
    ("520071 (softmax ratio, σ, cos³)",
     "w: vector(r); x: vector(q); θ ∈ ℝ^{r}\ne = softmax(w ./ θ) ./ softmax(tan(w))\n"
     "σ(lse(e)) \\cdot cos(sigmoid(x’) x).^(3)", "w"),
    ("590000 (softplus(sum(S)), by a symmetric S)",
     "θ in R^q; S: symmetric(q); c: scalar\ne = softplus(sum(S))\n((c + 0.5) / 0.25 / "
     "(e^\\top .^2 + logistic(c)) ./ (θ.T × θ.^{1/2}) + exp(logistic(0.5 / e) - "
     "sqrt(1^(1/3)))).^(-1)", "S"),
    ("520000 (σ(sum(e)) with positive inputs)",
     "X: matrix(p, r); Y: matrix(r, n); w: vector(p); v: vector(n); e: matrix(m, q)\n"
     "sigmoid(sum(e)) * (w' (X Y).^(3/2) exp(v))", "e"),
]


def main() -> None:
    for name, text, wrt in CASES:
        for method in ("differential", "vectorization"):
            start = time.process_time()
            r = md.derive(text, wrt, method=method, layout="mixed", order=2)
            _ = r.latex, r.derivation_latex()
            print(f"{time.process_time() - start:7.2f} s  {method:14s} {name}")


if __name__ == "__main__":
    main()
