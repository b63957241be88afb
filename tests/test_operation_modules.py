"""One generic test over every operation module (``matdiff_magic/operations``): each entry of
``OPERATIONS`` is checked in every consumer it installs, against independent references:
evaluation against SymPy's form made explicit with numbers, generated NumPy code against
evaluation, LaTeX against the commands MathJax renders, text that parses back to the same
values, the entrywise form through the definition method (or its stated absence), and every
method and layout against finite differences with every step verified. A new operation
without an example below fails here."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import sympy
from sympy.matrices.expressions.diagonal import DiagonalOf
from test_mathjax import MATHJAX, commands

import matdiff_magic as md
from matdiff_magic.check import check_result
from matdiff_magic.codegen import generate
from matdiff_magic.dims import symbol
from matdiff_magic.errors import NotSupportedYetError
from matdiff_magic.language.problem import parse_problem
from matdiff_magic.numeric import Env, Evaluator
from matdiff_magic.operations import OPERATIONS
from matdiff_magic.operations.daleckii_krein import DividedDifferences, EigenBasis
from matdiff_magic.operations.matrix_function_nodes import Frechet, FrechetKron, MatrixFunction
from matdiff_magic.operations.spectral import Spectral, SpectralFactor
from matdiff_magic.printing.latex import latex
from matdiff_magic.printing.numpy_code import numpy_code
from matdiff_magic.printing.text import text
from matdiff_magic.rules.differential import rule_for
from matdiff_magic.to_sympy import to_sympy
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N

DECLARED = (
    "X: matrix(n, n); A: matrix(m, m); Z: matrix(m, k); w: vector(n); y: vector(n); v: vector(m)\n"
)
SIZES = {"n": 3, "m": 2, "k": 4}
# Per operation: (function, variable), each using the operation on a moving argument.
EXAMPLES: dict[type, tuple[tuple[str, str], ...]] = {
    N.Trace: (("tr(X' X X)", "X"),),
    N.Det: (("det(X X' + I)", "X"),),
    N.LogDet: (("logdet(X' X + I)", "X"),),
    N.Norm: (("norm(X w)", "w"), ("norm(X - I)", "X")),
    N.Sum: (("sum(X .* X) + sum(w)", "X"),),
    N.Vec: (("vec(X)' vec(X X)", "X"),),
    N.DiagMat: (("w' diag(y) X w", "w"),),
    N.DiagVec: (("y' diag(X X)", "X"),),
    N.Softmax: (("y' log(softmax(X w))", "w"), ("sum(v' softmax(Z))", "Z")),
    N.LogSumExp: (("logsumexp(X w)", "w"), ("sum(logsumexp(Z))", "Z")),
    N.Kron: (("sum(kron(A, X) .* kron(A, X))", "X"),),
    N.KhatriRao: (("sum((X ∗ X) .* (X ∗ X))", "X"), ("sum((Z' ∗ A) v)", "Z")),
    N.Inverse: (("y' inv(X) y", "X"), ("w' inv(X' X + I) w", "w")),
    N.MatPow: (("y' X^3 w", "X"),),
    MatrixFunction: (
        ("tr(X' expm(X))", "X"),
        ("y' logm(X) w", "X"),
        ("tr(sqrtm(X))", "X"),
        ("y' X^(1/3) w", "X"),
    ),
    Spectral: (
        ("lambda_max(X + X')", "X"),
        ("lambda_min(X' X) + sigma_max(Z)", "X"),
        ("sigma_max(Z)", "Z"),
        ("norm_nuc(Z)", "Z"),
    ),
    # The algebra and the leaves.
    N.Var: (("w' w", "w"),),
    N.Const: (("w' X w + 3", "X"),),
    N.Identity: (("w' (X + I) w", "X"),),
    N.Ones: (("𝟏' X w", "w"),),
    N.Commutation: (("vec(X)' commutation(n, n) vec(X)", "X"),),
    N.Named: (("u = X w\nu' u + sum(u)", "w"),),
    N.Add: (("w' w + sum(X)", "X"),),
    N.Mul: (("(w' X w) (y' X y)", "X"), ("2 (w' X' y) sum(X)", "X")),
    N.MatMul: (("w' X X' y", "X"),),
    N.Transpose: (("w' X' y", "X"),),
    N.Hadamard: (("sum(X .* X')", "X"),),
    N.HadamardDiv: (("sum(X ./ (X .* X + 1))", "X"),),
    N.HadamardPow: (("sum(X .^ 3)", "X"),),
    N.Elementwise: (("sum(exp(X w))", "w"),),
    N.Power: (("(w' w)^(3/2)", "w"),),
}
LEAVES = {N.Var, N.Const, N.Identity, N.Ones, N.Commutation, N.Zero}
# In derivations only: dX, d(...) still to expand, and a derivative symbol ∂f/∂u of the chain
# method; checked through the derivations that write them. Zero: a result, never parsed.
IN_DERIVATIONS = {N.Differential, N.D, N.Opaque, N.Zero}
# The trace trick cannot move dX out of these (vectorization can).
NO_TRACE_TRICK = {N.Kron, N.KhatriRao}
# Built by the methods: vec⁻¹ (when they reshape a gradient), a Fréchet derivative and its
# matrix (when they differentiate expm); spelled unvec(v, m, n), L_exp(X, E), K_exp(X) so that
# results read back (tests/test_round_trip.py, tests/test_spelled_factors.py).
BUILT = {N.Unvec, Frechet, FrechetKron}
# In results: the eigenvectors and singular vectors of a spectral function's gradient, the
# eigenvectors and divided differences of the Daleckii–Krein form (tests/test_daleckii_krein);
# spelled v_max(S), polar(X), eigvecs(S), F_log(S), ... for answers, with no differential rule.
IN_RESULTS = {SpectralFactor, EigenBasis, DividedDifferences}

# SymPy's exp, log and fractional MatPow of an explicit float matrix go through its Jordan form
# and do not finish: the form is checked as SymPy's function of the symbol instead.
SYMBOLIC_ONLY = {MatrixFunction}

CASES = [(op, expr, wrt) for op, pairs in EXAMPLES.items() for expr, wrt in pairs]


def _values(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    n, m, k = SIZES["n"], SIZES["m"], SIZES["k"]
    return {
        "X": np.eye(n) + 0.3 * rng.normal(size=(n, n)),
        "A": rng.normal(size=(m, m)),
        "Z": rng.normal(size=(m, k)),
        "w": rng.normal(size=(n, 1)),
        "y": rng.normal(size=(n, 1)),
        "v": rng.normal(size=(m, 1)),
    }


def _env(seed: int = 0) -> Env:
    return Env(_values(seed), {symbol(s): v for s, v in SIZES.items()})


def _sympy_value(e, values) -> np.ndarray:
    form = to_sympy(e)
    explicit = {s: sympy.Matrix(values[s.name]) for s in form.atoms(sympy.MatrixSymbol)}
    got = form.xreplace(explicit).subs({symbol(s): v for s, v in SIZES.items()})
    got = got.replace(lambda a: isinstance(a, sympy.Identity), lambda a: sympy.eye(int(a.rows)))
    # SymPy's DiagonalOf of an explicit matrix fails on its shape: take the diagonal by hand.
    got = got.replace(
        lambda a: isinstance(a, DiagonalOf),
        lambda a: sympy.Matrix([a.arg[i, i] for i in range(a.arg.shape[0])]),
    )
    got = sympy.N(got.doit() if hasattr(got, "doit") else got)
    return np.array(sympy.Matrix(got) if hasattr(got, "shape") else [[got]], dtype=float)


def test_every_operation_has_an_example():
    covered = set(EXAMPLES) | BUILT | IN_DERIVATIONS | IN_RESULTS
    assert set(OPERATIONS) == covered, set(OPERATIONS) ^ covered


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0].__name__}:{c[1]}")
def test_operation_in_every_consumer(case):
    op_type, expr, wrt = case
    problem = parse_problem(DECLARED + expr)
    f = problem.expr
    nodes = [n for n in f.walk() if type(n) is op_type]
    assert nodes, (op_type.__name__, str(f))
    node = nodes[0]
    op = OPERATIONS[op_type]
    # Leaves have no row: d of the variable is dX, of a constant 0 (rule "constant").
    assert rule_for(node) is not None or op_type in LEAVES, op_type.__name__
    values = _values(0)
    ev = Evaluator(_env())
    # SymPy's form, made explicit with numbers, evaluates like NumPy (or says it has none).
    if op.sympy is None:
        with pytest.raises(NotSupportedYetError):
            to_sympy(node)
    elif op_type in SYMBOLIC_ONLY:  # SymPy's own function of the matrix symbol
        form = to_sympy(node)
        assert form.has(sympy.MatrixSymbol("X", symbol("n"), symbol("n"))), form
        assert isinstance(form, (sympy.exp, sympy.log, sympy.MatPow)), form
    else:
        assert np.allclose(_sympy_value(node, values), ev(node), rtol=1e-8, atol=1e-10)
    # Generated code computes what the evaluator computes.
    code = numpy_code(node, problem.variables, name="value")
    namespace: dict[str, object] = {}
    exec(code, namespace)  # our own generated source
    used = [name for name in problem.variables if name + "," in code or name + ")" in code]
    args = [values[name] for name in problem.variables if name in used]
    assert np.allclose(np.asarray(namespace["value"](*args)).reshape(ev(node).shape), ev(node))
    # LaTeX MathJax renders; text and ASCII that parse back to the same value.
    assert commands(latex(node)) <= MATHJAX, latex(node)
    for written in (text(f), text(f, ascii_only=True)) if not problem.definitions else ():
        again = parse_problem(DECLARED + written).expr
        assert np.allclose(ev(again), ev(f)), written
    # Every method and layout, against finite differences, every step verified; the definition
    # method runs where the operation has an entrywise form and says why not where it has none.
    def moving(e) -> bool:
        return any(isinstance(n, N.Var) and n.name == wrt for n in e.walk())

    # The definition method applies unless a node around the variable has no entrywise form.
    blocked = any(
        type(n) in OPERATIONS and OPERATIONS[type(n)].no_entry is not None and moving(n)
        for n in f.walk()
    )
    for layout in ("numerator", "denominator", "mixed"):
        report = md.compare(DECLARED + expr, wrt, layout=layout)
        assert not report.failed, report.failed
        assert "vectorization" in report.results, report.skipped
        if op_type in NO_TRACE_TRICK:  # stated, not silently skipped
            assert "Kronecker" in report.skipped["differential"], report.skipped
        else:
            assert "differential" in report.results, report.skipped
        if blocked:  # no entrywise form around the variable: said so
            assert "definition" in report.skipped, report.results
        else:
            assert "definition" in report.results, report.skipped
        for r in report.results.values():
            assert r.verify().ok, (r.method, layout)
            assert check_result(r, seed=1).max_rel_error < 2e-5, (r.method, layout)


TARGETS = [t for t in ("numpy", "torch", "jax") if t == "numpy" or importlib.util.find_spec(t)]


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0].__name__}:{c[1]}")
def test_operation_code_for_every_installed_target(case, target):
    """The fast code (``matdiff_magic.codegen``) for each target computes what the evaluator
    does, or, for an operation that gives no code for the target, says so."""
    op_type, expr, _ = case
    problem = parse_problem(DECLARED + expr)
    node = next(n for n in problem.expr.walk() if type(n) is op_type)
    expected = Evaluator(_env())(node)
    gives = OPERATIONS[op_type].targets
    if target not in gives and "*" not in gives:
        with pytest.raises(NotSupportedYetError):
            generate(node, problem.variables, target, "value")
        return
    try:
        source = generate(node, problem.variables, target, "value")
    except NotSupportedYetError as error:  # logm, sqrtm, X^p: the target has no such function
        assert error.key == "code.no_matfun_target" and target != "numpy", error
        return
    namespace: dict[str, object] = {}
    exec(source, namespace)  # our own source
    func = namespace["value"]
    if target == "jax":
        import jax

        jax.config.update("jax_enable_x64", True)
        func = jax.jit(func)
    values = _values(0)
    got = func(*[values[name] for name in problem.variables])
    got = np.asarray(got.detach() if hasattr(got, "detach") else got, dtype=float)
    assert np.allclose(got.reshape(expected.shape), expected), target


def test_unvec_in_every_consumer():
    """vec⁻¹ has no name in the language: built directly, and reached by the methods."""
    u = N.Var("u", symbol("m") * symbol("n"), sympy.Integer(1))
    e = B.unvec(u, symbol("m"), symbol("n"))
    rng = np.random.default_rng(0)
    value = rng.normal(size=(6, 1))
    ev = Evaluator(Env({"u": value}, {symbol("m"): 2, symbol("n"): 3}))
    assert np.allclose(ev(e), value.reshape(2, 3, order="F"))
    assert commands(latex(e)) <= MATHJAX
    assert "unvec" in text(e)
    shaped = N.Var("M", symbol("m"), symbol("n"))  # the generated function reads m, n off M
    code = numpy_code(e, {"u": u, "M": shaped}, name="value")
    namespace: dict[str, object] = {}
    exec(code, namespace)  # our own generated source
    assert np.allclose(namespace["value"](value, np.zeros((2, 3))), ev(e))
    r = md.derive("X: matrix(m, n); B: matrix(n, m)\ntr(B X)", "X", method="vectorization")
    assert r"\operatorname{vec}^{-1}" in r.steps.latex() and r.verify().ok


NEARLY_SINGULAR = np.array([[1.0, 2, 3], [2, 4, 6 + 1e-9], [0, 1, 1]])


@pytest.mark.parametrize(
    "expr, edge",
    [
        ("det(X)", {"X": NEARLY_SINGULAR}),
        ("logdet(X)", {"X": NEARLY_SINGULAR}),
        ("y' inv(X) y", {"X": NEARLY_SINGULAR}),
        ("norm(X w)", {"w": np.zeros((3, 1))}),
    ],
)
def test_random_points_keep_clear_of_an_operations_edge(expr, edge):
    """The edge each operation declares (a singular matrix, a zero norm) is a point random
    checks refuse; a point away from it is accepted."""
    from matdiff_magic.domain_edges import well_posed

    f = parse_problem(DECLARED + expr).expr
    env = _env()
    assert well_posed(f, env)
    assert not well_posed(f, Env({**env.values, **edge}, env.sizes))


def test_symbols_of_derivations_in_every_consumer():
    """dX, d(...), ∂f/∂u and 0 appear in derivations: each prints with MathJax's commands and
    reads as the steps claim (every step verified numerically)."""
    seen: set[type] = set()
    for expr, wrt, method in [
        ("u = X w\nsum(exp(u))", "w", "chain"),
        ("w' X w", "X", "differential"),
        ("sum(X) + y' w", "w", "vectorization"),
    ]:
        r = md.derive(DECLARED + expr, wrt, method=method)
        assert r.verify().ok
        for step in r.steps:
            for n in step.expr.walk():
                if type(n) in IN_DERIVATIONS:
                    seen.add(type(n))
                    assert commands(latex(n)) <= MATHJAX, latex(n)
                    assert text(n) and text(n, ascii_only=True).isascii()
    zero = B.zero(symbol("n"), symbol("n"))
    assert np.array_equal(Evaluator(_env())(zero), np.zeros((3, 3)))
    assert _sympy_value(zero, {}).shape == (3, 3) and latex(zero) == "0"
    assert seen >= {N.Differential, N.D, N.Opaque}, seen
