"""A node type added in one module (``tests/node_type_example.py``: gram(X) = Xᵀ X) works in
every method and every consumer with no other file changed. It runs in a fresh interpreter, so
the type and its rule never leak into the other tests' registries."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent

SCRIPT = textwrap.dedent(
    """
    import numpy as np
    import matdiff_magic as md
    import node_type_example as G
    from matdiff_magic.rules.differential import rule_for

    D = "A: matrix(n, n); X: matrix(m, n); x: vector(n)\\n"
    for expr, wrt in [("tr(A gram(X))", "X"), ("x' gram(X) x", "X"), ("x' gram(X) x", "x")]:
        written = expr.replace("gram(X)", "(X' X)")
        for layout in ("numerator", "denominator", "mixed"):
            report = md.compare(D + expr, wrt, layout=layout)
            assert not report.failed, report.failed
            assert {"differential", "vectorization", "definition"} <= set(report.results), (
                expr, set(report.results), report.skipped)
            assert report.agree_numeric
            reference = md.derive(D + written, wrt, layout=layout)
            values = {"A": np.eye(3) + 0.1, "X": np.arange(6.0).reshape(2, 3) / 5,
                      "x": np.array([1.0, -2.0, 0.5])}
            for r in report.results.values():
                assert r.verify().ok, r.method
                assert np.allclose(r.evaluate(values), reference.evaluate(values)), r.method
    r = md.derive(D + "tr(A gram(X))", "X")
    assert "gram" in md.derive(D + "gram(X)", "X", method="vectorization").steps.latex()
    namespace = {}
    exec(r.numpy_code(), namespace)
    rng = np.random.default_rng(0)
    A, X = rng.normal(size=(3, 3)), rng.normal(size=(2, 3))
    assert np.allclose(namespace["derivative"](A, X, np.ones(3)), X @ (A + A.T))
    assert r.sympy() is not None
    assert rule_for(G.Gram(md.parse_problem(D + "X").expr)) is G.RULE
    print("ok")
    """
)


def test_a_node_type_in_one_module_works_everywhere():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]
