"""Derivatives with respect to structured variables (symmetric, spd, diagonal) in the three
conventions (``md.derive(..., symmetric="sym" | "entries" | "free")``).

References are independent of matdiff: G, the unconstrained gradient of the expression *as
written*, from its textbook formula in NumPy, then sym(G) = (G + Gᵀ)/2, G + Gᵀ - diag(G), or
diag(G) for a diagonal variable; and central differences of the function written in NumPy,
taken in this file along the right directions (symmetric ones, each distinct entry with S_ij
and S_ji moving together, every entry alone, diagonal ones).
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import matdiff_magic as md
from matdiff_magic import structured
from matdiff_magic.check import random_value
from matdiff_magic.errors import MatDiffError
from matdiff_magic.finite import structure_matrix

N = 4
DECL = "A: matrix(n, n); B: matrix(n, n); x: vector(n); y: vector(n)\n"
LAYOUTS = ("numerator", "denominator", "mixed")
METHODS = ("auto", "differential", "definition", "chain", "vectorization")

# expression -> (f(S, v) in NumPy, G(S, v): the unconstrained gradient of f as written)
CASES = {
    "tr(A S)": (lambda S, v: np.trace(v["A"] @ S), lambda S, v: v["A"].T),
    "x' S x": (lambda S, v: v["x"] @ S @ v["x"], lambda S, v: np.outer(v["x"], v["x"])),
    "x' S' y": (lambda S, v: v["x"] @ S.T @ v["y"], lambda S, v: np.outer(v["y"], v["x"])),
    "x' S y": (lambda S, v: v["x"] @ S @ v["y"], lambda S, v: np.outer(v["x"], v["y"])),
    "logdet(S)": (
        lambda S, v: np.linalg.slogdet(S)[1],
        lambda S, v: np.linalg.inv(S).T,
    ),
    "tr(inv(S) A)": (
        lambda S, v: np.trace(np.linalg.inv(S) @ v["A"]),
        lambda S, v: -(np.linalg.inv(S) @ v["A"] @ np.linalg.inv(S)).T,
    ),
    "tr(S A S B)": (
        lambda S, v: np.trace(S @ v["A"] @ S @ v["B"]),
        lambda S, v: (v["A"] @ S @ v["B"]).T + (v["B"] @ S @ v["A"]).T,
    ),
}


def _point(structure: str, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    g = rng.normal(size=(N, N))
    if structure == "diagonal":
        s = np.diag(rng.uniform(0.5, 1.5, N))
    else:  # positive definite, so logdet and inv are defined for spd and symmetric alike
        s = g @ g.T / N + np.eye(N)
    return {
        "S": s,
        "A": rng.normal(size=(N, N)),
        "B": rng.normal(size=(N, N)),
        "x": rng.normal(size=(N, 1)),
        "y": rng.normal(size=(N, 1)),
    }


def _scalar(f, S, v) -> float:
    return float(np.asarray(f(S, {k: np.ravel(a) if a.shape[1] == 1 else a for k, a in v.items()})))


def _expected(G: np.ndarray, structure: str, convention: str) -> np.ndarray:
    if convention == "free":
        return G
    if structure == "diagonal":
        return np.diag(np.diag(G))
    if convention == "sym":
        return (G + G.T) / 2
    return G + G.T - np.diag(np.diag(G))


def _difference(f, v, direction: np.ndarray, h: float = 1e-6) -> float:
    S = v["S"]
    return (_scalar(f, S + h * direction, v) - _scalar(f, S - h * direction, v)) / (2 * h)


def _by_differences(f, v, structure: str, convention: str) -> np.ndarray:
    """The derivative in the convention, by central differences along its own directions."""
    out = np.zeros((N, N))
    for i in range(N):
        for j in range(N):
            e = np.zeros((N, N))
            e[i, j] = 1.0
            if convention == "free":
                out[i, j] = _difference(f, v, e)  # one entry alone, at the symmetric point
            elif structure == "diagonal":
                out[i, j] = _difference(f, v, e) if i == j else 0.0
            elif convention == "entries":
                out[i, j] = _difference(f, v, e if i == j else e + e.T)  # S_ij, S_ji together
            else:
                # sym(G) is the gradient for <P, Q> = tr(Pᵀ Q) on symmetric matrices: its (i, j)
                # entry is the derivative along the symmetric direction (e + eᵀ)/2, i ≠ j
                out[i, j] = _difference(f, v, (e + e.T) / 2)
    return out


@pytest.mark.parametrize("structure", ["symmetric", "spd", "diagonal"])
@pytest.mark.parametrize("convention", structured.CONVENTIONS)
@pytest.mark.parametrize("expr", sorted(CASES))
def test_scalar_functions_in_every_convention(structure, convention, expr):
    f, gradient = CASES[expr]
    v = _point(structure)
    flat = {k: np.ravel(a) if a.shape[1] == 1 else a for k, a in v.items()}
    want = _expected(gradient(v["S"], flat), structure, convention)
    fd = _by_differences(f, v, structure, convention)
    np.testing.assert_allclose(fd, want, rtol=1e-5, atol=1e-6)  # the two references agree
    text = f"S: {structure}(n)\n" + DECL + expr
    derived = 0
    for method in METHODS:
        for layout in LAYOUTS:
            try:
                r = md.derive(text, "S", layout=layout, method=method, symmetric=convention)
            except md.UnsupportedError:
                continue
            got = r.evaluate(v)
            arranged = want.T if layout == "numerator" else want
            np.testing.assert_allclose(got, arranged, rtol=1e-8, atol=1e-10, err_msg=str(r))
            last = [s for s in r.steps if s.rule is not None and s.rule.group == "structure"]
            assert last, r.steps.text()  # the convention step is there
            derived += 1
    assert derived >= 3 * len(LAYOUTS)  # differential, vectorization, chain at least


def test_free_depends_on_the_writing_and_sym_does_not():
    v = _point("symmetric", 3)
    text = "S: symmetric(n)\n" + DECL
    free_t = md.derive(text + "x' S' y", "S", symmetric="free").evaluate(v)
    free = md.derive(text + "x' S y", "S", symmetric="free").evaluate(v)
    np.testing.assert_allclose(free_t, np.outer(v["y"], v["x"]))
    np.testing.assert_allclose(free, np.outer(v["x"], v["y"]))
    sym_t = md.derive(text + "x' S' y", "S").evaluate(v)
    sym = md.derive(text + "x' S y", "S").evaluate(v)
    np.testing.assert_allclose(sym_t, sym)
    np.testing.assert_allclose(sym, (free + free.T) / 2)


def test_a_symmetric_constant_is_still_simplified():
    # Sᵀ = S of a symmetric matrix that is not the variable changes no gradient: it stays.
    r = md.derive("P: symmetric(n); x: vector(n)\nx' P' x", "x")
    assert r.text == "2 P x"


@pytest.mark.parametrize("convention", structured.CONVENTIONS)
@pytest.mark.parametrize("expr", ["S x", "inv(S)"])
def test_jacobians_of_matrix_functions(convention, expr):
    """A non-scalar function: the Jacobian J on vec(S) becomes J M, checked against
    differences along vec(E) for E from the convention's directions."""
    v = _point("spd", 5)
    func = {"S x": lambda S: S @ v["x"], "inv(S)": np.linalg.inv}[expr]
    columns = []
    for k in range(N * N):
        e = np.zeros(N * N)
        e[k] = 1.0
        d = e.reshape(N, N, order="F")
        h = 1e-6
        diff = (func(v["S"] + h * d) - func(v["S"] - h * d)) / (2 * h)
        columns.append(diff.reshape(-1, order="F"))
    jac = np.stack(columns, axis=1)
    which = "" if convention == "free" else convention
    want = jac @ structure_matrix(N, which)
    for method in ("vectorization", "chain"):
        try:
            r = md.derive(
                "S: spd(n); x: vector(n)\n" + expr, "S", method=method, symmetric=convention
            )
        except md.UnsupportedError:
            continue
        np.testing.assert_allclose(r.evaluate(v), want, rtol=1e-5, atol=1e-7, err_msg=str(r))


def test_structure_matrices_are_the_directions():
    k = np.zeros((N * N, N * N))
    for i in range(N):
        for j in range(N):
            k[i * N + j, j * N + i] = 1.0  # vec(Eᵀ) = K vec(E)
    e = np.random.default_rng(0).normal(size=(N, N))
    vec = e.reshape(-1, order="F")
    sym = structure_matrix(N, "sym") @ vec
    np.testing.assert_allclose(sym.reshape(N, N, order="F"), (e + e.T) / 2)
    ent = structure_matrix(N, "entries") @ vec
    np.testing.assert_allclose(ent.reshape(N, N, order="F"), e + e.T - np.diag(np.diag(e)))
    dia = structure_matrix(N, "diagonal") @ vec
    np.testing.assert_allclose(dia.reshape(N, N, order="F"), np.diag(np.diag(e)))
    assert np.allclose(structure_matrix(N, "sym"), (np.eye(N * N) + k) / 2)


def test_the_convention_step_is_checked_against_its_own_directions():
    """A convention step whose claim names another convention fails verification: the check
    really reads the convention (sym(G) is not the entries form off the diagonal)."""
    from dataclasses import replace

    r = md.derive("S: symmetric(n)\n" + DECL + "tr(A S)", "S", symmetric="entries")
    assert r.verify().ok
    wrong = [
        replace(s, claim=replace(s.claim, structure="sym"))
        if s.claim is not None and s.claim.structure == "entries"
        else s
        for s in r.steps
    ]
    outcome = replace(r.outcome, steps=md.derivation.Derivation(wrong))
    bad = md.result.Result(r.problem, outcome, r.layout).verify()
    assert not all(s.ok for s in bad.steps)
    # and the result itself, claimed as sym(G), is wrong
    bad_result = md.result.Result(r.problem, replace(outcome, structure="sym"), r.layout)
    assert not bad_result.verify().result_ok


def test_every_step_verified_with_its_relation():
    r = md.derive("S: spd(n)\n" + DECL + "tr(inv(S) A)", "S", method="differential")
    v = r.verify()
    assert v.ok and all(s.checked for s in v.steps)
    conv = [i for i, s in enumerate(r.steps) if s.rule and s.rule.key == "structure.sym"]
    assert conv and "claim" in v.steps[conv[0]].against
    assert "sym(G)" in r.steps[conv[0]].explanation("en")
    assert "梯度下降" in r.steps.text(lang="zh")


def test_declarations_and_values():
    p = md.parse_problem("S: spd(n); D: diagonal(n); P: sym(n)\ntr(S D P)")
    assert [p.variables[k].structure for k in "SDP"] == ["spd", "diagonal", "symmetric"]
    assert all(p.variables[k].symmetric for k in "SDP")
    r = md.derive("D: diagonal(n)\n" + DECL + "tr(A D)", "D")
    with pytest.raises(MatDiffError, match="diagonal"):
        r.evaluate({"D": np.ones((3, 3)), "A": np.eye(3)})
    r = md.derive("S: spd(n)\n" + DECL + "logdet(S)", "S")
    with pytest.raises(MatDiffError, match="positive definite"):
        r.evaluate({"S": -np.eye(3)})
    var = p.variables["S"]
    rng = np.random.default_rng(1)
    import sympy

    for _ in range(20):
        value = random_value(var, {sympy.Symbol("n", integer=True, positive=True): 5}, rng)
        assert np.allclose(value, value.T) and np.min(np.linalg.eigvalsh(value)) > 0
    with pytest.raises(MatDiffError, match="convention"):
        md.derive("S: symmetric(n)\ntr(S)", "S", symmetric="cookbook")


def test_compare_and_the_command_line_take_the_convention():
    c = md.compare("S: symmetric(n)\n" + DECL + "x' S' y", "S", symmetric="free")
    v = _point("symmetric", 2)
    for r in c.results.values():
        np.testing.assert_allclose(r.evaluate(v), np.outer(v["y"], v["x"]))
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "matdiff_magic",
            "S: symmetric(n); x' S' y",
            "--wrt",
            "S",
            "--symmetric",
            "free",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "y xᵀ" in out


@pytest.mark.parametrize("convention", structured.CONVENTIONS)
def test_the_taylor_check_plot_moves_along_symmetric_directions(convention):
    """The magic's --plot data: f(S + tV) - f(S) - t·(derivative applied to V) is O(t²) for a
    symmetric V in every convention (the entries form applied to (V + diag(V))/2)."""
    from matdiff_magic.frontend import plot_data

    r = md.derive("S: symmetric(n)\n" + DECL + "x' S' y + logdet(S)", "S", symmetric=convention)
    curves = plot_data.check_curves(r)
    assert np.allclose(curves.direction, curves.direction.T)
    for errors in curves.first.values():
        assert plot_data.fitted_slope(curves.steps, errors) > 1.8


@pytest.mark.parametrize(
    ("convention", "expected"),
    [
        ("sym", "S - (M + Mᵀ)/2"),
        ("entries", "2 S - M - Mᵀ - diag(diag(S - M))"),
        ("free", "S - M"),
    ],
)
def test_a_symmetric_term_of_g_stays_apart_in_each_convention(convention, expected):
    """G = S - M: sym(G) = S - (M + Mᵀ)/2 (not S - M/2 - Mᵀ/2), the entries form
    2 S - M - Mᵀ - diag(diag(S - M)) (not (S - M)ᵀ + S - diag(diag(S - M)) - M); the values
    against sym(G), G + Gᵀ - diag(G) and G computed here."""
    problem = "M: matrix(n, n); S: symmetric(n)\ntr((S - M)' (S - M))/2"
    r = md.derive(problem, "S", symmetric=convention)
    assert r.text == expected
    rng = np.random.default_rng(5)
    m, s = rng.normal(size=(4, 4)), (lambda a: a + a.T)(rng.normal(size=(4, 4)))
    g = s - m
    want = {"sym": (g + g.T) / 2, "entries": g + g.T - np.diag(np.diag(g)), "free": g}
    np.testing.assert_allclose(r.evaluate({"M": m, "S": s}), want[convention], atol=1e-12)


@pytest.mark.parametrize(
    "expr",
    ["norm(S - M)^2", "tr(M S) + x' S x", "x' S y + 3 tr(M S)", "tr(S M S) - logdet(S + 3 I)"],
)
def test_convention_forms_against_the_free_gradient(expr):
    """Whatever form the simplification picks, sym and entries are sym(G) and G + Gᵀ - diag(G)
    of the free gradient G, at a symmetric point."""
    problem = "M: matrix(n, n); S: symmetric(n); x: vector(n); y: vector(n)\n" + expr
    rng = np.random.default_rng(6)
    s = (lambda a: a @ a.T / 4)(rng.normal(size=(4, 4)))
    values = {"M": rng.normal(size=(4, 4)), "S": s, "x": rng.normal(size=(4, 1)),
              "y": rng.normal(size=(4, 1))}  # fmt: skip
    g = md.derive(problem, "S", symmetric="free").evaluate(values)
    got = {c: md.derive(problem, "S", symmetric=c).evaluate(values) for c in ("sym", "entries")}
    np.testing.assert_allclose(got["sym"], (g + g.T) / 2, atol=1e-10)
    np.testing.assert_allclose(got["entries"], g + g.T - np.diag(np.diag(g)), atol=1e-10)
