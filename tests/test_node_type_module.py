"""A node type added in one module (``tests/node_type_example.py``: gram(X) = Xᵀ X; and a linear
one, ``tests/linear_node_example.py``: sym(X) = (X + Xᵀ)/2, with its adjoint and vectorization
steps) works in every method and every consumer with no other file changed. It runs in a fresh
interpreter, so the type and its rule never leak into the other tests' registries."""

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


LINEAR_SCRIPT = textwrap.dedent(
    """
    import numpy as np
    import matdiff_magic as md
    import linear_node_example as S

    D = "A: matrix(n, n); X: matrix(n, n); x: vector(n)\\n"
    rng = np.random.default_rng(0)
    values = {"A": rng.normal(size=(3, 3)), "X": rng.normal(size=(3, 3)), "x": rng.normal(size=3)}
    A, x = values["A"], values["x"].reshape(-1, 1)
    closed = {  # denominator layout, by hand: tr(A sym(dX)) = tr(sym(A) dX), ...
        "tr(A sym(X))": (A + A.T) / 2,
        "x' sym(X) x": x @ x.T,
        "sum(A .* sym(X))": (A + A.T) / 2,
    }
    for expr, want in closed.items():
        for layout in ("numerator", "denominator", "mixed"):
            report = md.compare(D + expr, "X", layout=layout)
            assert not report.failed, report.failed
            assert {"differential", "vectorization", "definition"} <= set(report.results), (
                expr, set(report.results), report.skipped)
            for r in report.results.values():
                assert r.verify().ok, r.method
                got = r.evaluate(values)
                assert np.allclose(got, want.T if layout == "numerator" else want), r.method
    steps = md.derive(D + "tr(A sym(X))", "X", method="differential").steps.text()
    assert "the symmetric part is self-adjoint" in steps, steps
    steps = md.derive(D + "x' sym(X) x", "X", method="vectorization").steps.text()
    assert "vec of the symmetric part" in steps, steps
    print("ok")
    """
)


def _run(script: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]


def test_a_node_type_in_one_module_works_everywhere():
    _run(SCRIPT)


def test_a_linear_node_type_registers_its_adjoint_in_its_module():
    _run(LINEAR_SCRIPT)
