"""One generic test over every linear pair of ``rules/adjoint.py``: each node type's trace step
(its adjoint) and vectorization step (its matrix) are checked numerically against the identity
they claim, tr(M L(E)) = tr(M' E') and J vec(L(E)) = J' vec(E'), for random E, M and J; and every
node type of the tree is either registered or stated not linear. A new pair without an example
below fails here."""

from __future__ import annotations

import numpy as np
import pytest
from sympy import Rational

from matdiff_magic.dims import ONE, symbol
from matdiff_magic.errors import NotApplicableError
from matdiff_magic.language.problem import parse_problem
from matdiff_magic.numeric import Env, Evaluator
from matdiff_magic.operations.matrix_function_nodes import Frechet
from matdiff_magic.rules.adjoint import PAIRS, pair_for, trace_step, vec_step
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

DECLARED = (
    "E: matrix(m, n); S: matrix(n, n); e: vector(n); A: matrix(p, m); B: matrix(n, q);"
    " C: matrix(m, n); a: vector(m); b: vector(n); c: scalar; R: matrix(q, q)\n"
)
SIZES = {"m": 3, "n": 4, "p": 2, "q": 5}

# Examples in which E (or e, S) stands for dX: each is L(E) for the node type it is listed
# under, in every position the steps distinguish.
EXAMPLES: dict[type, tuple[str, ...]] = {
    N.Transpose: ("E'", "e'"),
    N.MatMul: ("A E B", "A E", "E B", "B' E' A'", "B' S'", "C' A' A E", "a' E b"),
    N.Mul: ("c E", "(a' E b) C", "(b' b) E", "(a' a) (b' e)"),
    N.Hadamard: ("C .* E", "E .* C .* C"),
    N.HadamardDiv: ("E ./ (C .* C + 1)",),
    N.Trace: ("tr(S)", "tr(E' C)"),
    N.Sum: ("sum(E)", "sum(e)"),
    N.Vec: ("vec(E)",),
    N.DiagMat: ("diag(e)",),
    N.DiagVec: ("diag(S)",),
    N.Kron: ("kron(A, E)", "kron(E, B)"),
    N.KhatriRao: ("C ∗ E", "E ∗ B'"),
}
# Built directly: the language has no way to write them.
BUILT: dict[type, tuple[Expr, ...]] = {
    N.Unvec: (B.unvec(N.Var("u", symbol("m") * symbol("n"), ONE), symbol("m"), symbol("n")),),
}
# L_f(X, S) at a fixed non-symmetric X = I + B R Bᵀ / 50 (its eigenvalues near 1, where logm,
# sqrtm and X^p have their principal branches), for every matrix function.
_AT = parse_problem(DECLARED + "eye(n) + B R B' / 50").expr
_S = N.Var("S", symbol("n"), symbol("n"))
BUILT[Frechet] = tuple(
    Frechet(f, _AT, _S, p)
    for f, p in (("expm", None), ("logm", None), ("sqrtm", None), ("power", Rational(1, 3)))
)
# Node types d never finds around dX in a term linear in it, and why.
NOT_LINEAR = {
    "Add": "a sum is split into terms before the steps start",
    "Inverse": "its differential -X⁻¹ dX X⁻¹ is a product",
    "Det": "its differential det(X) tr(X⁻¹ dX) is a product",
    "LogDet": "its differential tr(X⁻¹ dX) is a trace",
    "MatPow": "its differential is a sum of products",
    "Power": "its differential is a scalar multiple",
    "HadamardPow": "its differential is a Hadamard product",
    "Norm": "its differential is a scalar multiple of a trace",
    "Softmax": "its differential is a product",
    "LogSumExp": "its differential is an inner product",
    "Elementwise": "its differential is a Hadamard product",
    "Differential": "dX itself: where the steps stop",
    "D": "expanded before the steps start",
    "Named": "a definition is written out or differentiated once before the steps",
    "Opaque": "a derivative symbol, not linear in dX",
    "Var": "a leaf",
    "Const": "a leaf",
    "Identity": "a leaf",
    "Zero": "a leaf",
    "Ones": "a leaf",
    "Commutation": "a leaf",
}
MOVING = {"E", "e", "S", "u"}


def _examples() -> list[tuple[type, Expr]]:
    out = []
    for node_type, texts in EXAMPLES.items():
        for text in texts:
            expr = parse_problem(DECLARED + text).expr
            out.append((node_type, expr))
    for node_type, exprs in BUILT.items():
        out.extend((node_type, expr) for expr in exprs)
    return out


CASES = _examples()


def _has(e: Expr) -> bool:
    return any(isinstance(n, N.Var) and n.name in MOVING for n in e.walk())


def _evaluator(seed: int, extra: dict[str, tuple[object, object]]) -> Evaluator:
    rng = np.random.default_rng(seed)
    problem = parse_problem(DECLARED + "E")
    env_sizes = {symbol(k): v for k, v in SIZES.items()}
    env = Env({}, env_sizes)
    values = {}
    shapes = {name: (v.rows, v.cols) for name, v in problem.variables.items()}
    shapes.update(extra)
    shapes["u"] = (symbol("m") * symbol("n"), ONE)
    for name, (rows, cols) in shapes.items():
        values[name] = rng.normal(size=(env.size(rows), env.size(cols)))
    return Evaluator(Env(values, env_sizes))


def _trace_of(ev: Evaluator, m: Expr | None, e: Expr) -> float:
    ee = ev(e)
    if m is None:
        return float(np.trace(ee))
    mm = ev(m)
    if mm.shape == (1, 1) and ee.shape != (1, 1):
        return float(mm[0, 0] * np.trace(ee))
    return float(np.trace(mm @ ee))


def _vec_of(ev: Evaluator, j: Expr | None, e: Expr) -> np.ndarray:
    ve = ev(e).reshape(-1, 1, order="F")
    if j is None:
        return ve
    jj = ev(j)
    return jj[0, 0] * ve if jj.shape == (1, 1) and ve.shape[0] != 1 else jj @ ve


def _weights(e: Expr) -> list[Expr | None]:
    """M of the right shape, and where tr(M E) also reads with M absent or a scalar, those."""
    out: list[Expr | None] = [N.Var("M", e.cols, e.rows)]
    if e.rows == e.cols:
        out += [None, N.Var("k", ONE, ONE)]
    return out


def test_every_pair_has_an_example_and_every_node_type_is_classified():
    assert set(PAIRS) <= set(EXAMPLES) | set(BUILT), set(PAIRS) - set(EXAMPLES) - set(BUILT)
    for node_type, expr in CASES:
        assert isinstance(expr, node_type), (node_type.__name__, type(expr).__name__)
    for cls in vars(N).values():
        if (
            isinstance(cls, type)
            and issubclass(cls, Expr)
            and cls.__module__.startswith("matdiff_magic.tree.nodes")
        ):
            if cls.__name__ in {"_Unary"}:
                continue
            assert (cls in PAIRS) != (cls.__name__ in NOT_LINEAR), cls.__name__


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0].__name__}:{c[1]}")
def test_trace_step_is_the_adjoint(case):
    """tr(M L(E)) = tr(M' E'): the trace step moves the adjoint out, for M a matrix, absent or
    a scalar, at two random points."""
    node_type, expr = case
    if node_type in (N.Kron, N.KhatriRao):
        with pytest.raises(NotApplicableError):
            trace_step(N.Var("M", expr.cols, expr.rows), expr, _has)
        return
    for m in _weights(expr):
        rule, m2, inner = trace_step(m, expr, _has)
        assert _has(inner) and inner != expr
        for seed in (0, 1):
            ev = _evaluator(seed, {"M": (expr.cols, expr.rows), "k": (ONE, ONE)})
            want, got = _trace_of(ev, m, expr), _trace_of(ev, m2, inner)
            assert np.isclose(got, want, rtol=1e-9, atol=1e-9), (str(m), rule, want, got)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0].__name__}:{c[1]}")
def test_vectorization_step_is_the_matrix(case):
    """J vec(L(E)) = J' vec(E'): the vectorization step pulls out the matrix of L."""
    _, expr = case
    size = expr.rows * expr.cols
    for j in (None, N.Var("J", symbol("p"), size)):
        rule, j2, inner = vec_step(j, expr, _has)
        assert _has(inner)
        for seed in (0, 1):
            ev = _evaluator(seed, {"J": (symbol("p"), size)})
            want, got = _vec_of(ev, j, expr), _vec_of(ev, j2, inner)
            assert np.allclose(got, want, rtol=1e-9, atol=1e-9), (rule, want, got)


def test_a_subclass_takes_its_base_pair():
    class Flip(N.Transpose):
        __slots__ = ()

    assert pair_for(Flip) is PAIRS[N.Transpose]
    assert pair_for(N.Inverse) is None
