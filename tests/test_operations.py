"""One generic test over every operation: each entrywise row of ``tree/elementwise.py`` is checked
in every consumer that reads it (the language, the differential rule and its derivative against
finite differences, SymPy's form and its derivative, the index form through the definition
method, every method and layout with every step verified, the Hessian, generated NumPy code,
LaTeX that MathJax renders, text that parses back), and every node type of ``tree/nodes.py`` is
checked to have an evaluator, printers, code, a differential rule and a SymPy form (or a stated
reason why not). A new row without an example below fails here: a new operation is one row and
one example."""

from __future__ import annotations

import re

import numpy as np
import pytest
import sympy
from test_mathjax import MATHJAX, commands

import matdiff_magic as md
from matdiff_magic.check import check_result, random_values
from matdiff_magic.dims import ONE, symbol
from matdiff_magic.domain_edges import well_posed
from matdiff_magic.language.functions import FUNCTIONS
from matdiff_magic.language.problem import parse_problem
from matdiff_magic.numeric import Env, Evaluator
from matdiff_magic.printing.latex import latex
from matdiff_magic.printing.numpy_printer import HELPERS, NumpyPrinter
from matdiff_magic.printing.text import text
from matdiff_magic.rules.differential import rule_for
from matdiff_magic.to_sympy import to_sympy
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.elementwise import DOMAINS, ELEMENTWISE
from matdiff_magic.tree.sympy_functions import SCALAR_FUNCTIONS

DECLARED = "x: vector(n); y: vector(n); A: matrix(m, n); X: matrix(n, n); c: scalar\n"

# One example per row: a scalar function of a vector or matrix that uses the row on a moving
# argument, so that every method, the Hessian and the code generator meet it.
EXAMPLES: dict[str, tuple[str, str]] = {
    "exp": ("sum(exp(A x))", "x"),
    "log": ("sum(log(x .* x + 1))", "x"),
    "sin": ("y' sin(x)", "x"),
    "cos": ("tr(cos(X) A' A)", "X"),
    "tan": ("sum(tan(0.1 * x))", "x"),
    "arctan": ("y' arctan(A' A x)", "x"),
    "sinh": ("sum(sinh(X))", "X"),
    "cosh": ("c * sum(cosh(x))", "x"),
    "tanh": ("sum(tanh(A x))", "x"),
    "sigmoid": ("y' sigmoid(x)", "x"),
    "softplus": ("sum(softplus(A x))", "x"),
    "sqrt": ("sum(sqrt(x .* x + 1))", "x"),
    "log1p": ("sum(log1p(x .* x))", "x"),
    "expm1": ("y' expm1(x)", "x"),
    "abs": ("sum(abs(A x))", "x"),
    "sign": ("sign(y' x) * (y' x)", "x"),
    "step": ("sum(step(x) .* x .* x)", "x"),
    "relu": ("sum(relu(A x))", "x"),
}
LAYOUTS = ("numerator", "denominator", "mixed")
ROWS = sorted(ELEMENTWISE)


def numpy_code(r: md.Result, **kwargs: str) -> str:
    return r.numpy_code(**kwargs)


def test_every_row_has_an_example():
    assert set(EXAMPLES) == set(ELEMENTWISE)


def _points(row, rng: np.random.Generator, k: int = 6) -> np.ndarray:
    """Scalar points inside the row's domain, clear of its edge or kink."""
    v = rng.uniform(-1.5, 1.5, size=k)
    if row.domain == "positive":
        v = np.abs(v) + 0.1
    elif row.domain == "nonzero":
        v = np.sign(v) * (np.abs(v) + 0.1)
    elif row.domain == "above_minus_one":
        v = np.maximum(v, -0.9)
    return v


@pytest.mark.parametrize("name", ROWS)
def test_row_is_complete(name):
    row = ELEMENTWISE[name]
    assert row.domain in DOMAINS
    assert row.name_en and row.name_zh
    assert "numpy" in row.code and row.code["numpy"].count("{}") == 1
    assert row.latex.format("X") and row.text.format("x")
    for spelling in (row.name, *row.aliases):
        assert FUNCTIONS[spelling].name == row.name, spelling
    assert rule_for(N.Elementwise(name, N.Var("X", ONE, ONE))).key == f"d.elementwise.{name}"


@pytest.mark.parametrize("name", ROWS)
def test_derivative_matches_finite_differences(name):
    """The row's derivative, evaluated as a matdiff expression, against central differences of
    the row's NumPy function (the differential rule reads this formula)."""
    row = ELEMENTWISE[name]
    t = N.Var("t", ONE, ONE)
    derivative = row.derivative(t)
    for v in _points(row, np.random.default_rng(0)):
        env = Env({"t": np.array([[v]])}, {})
        h = 1e-6
        fd = (row.numpy(np.array(v + h)) - row.numpy(np.array(v - h))) / (2 * h)
        got = Evaluator(env)(derivative)[0, 0]
        assert np.isclose(got, fd, rtol=1e-6, atol=1e-7), (name, v, got, fd)


@pytest.mark.parametrize("name", ROWS)
def test_sympy_form_and_its_derivative(name):
    """SymPy's form evaluates like NumPy, and its derivative (what the definition method
    differentiates with) matches finite differences."""
    row = ELEMENTWISE[name]
    f = SCALAR_FUNCTIONS[name]
    s = sympy.Symbol("s", real=True)
    df = sympy.diff(f(s), s)
    for v in _points(row, np.random.default_rng(1)):
        value = float(f(sympy.Float(v)).evalf())
        assert np.isclose(value, row.numpy(np.array(v)), rtol=1e-12, atol=1e-14), (name, v)
        h = 1e-6
        fd = (row.numpy(np.array(v + h)) - row.numpy(np.array(v - h))) / (2 * h)
        got = float(df.subs(s, v).evalf())
        assert np.isclose(got, fd, rtol=1e-6, atol=1e-7), (name, v, got, fd)


@pytest.mark.parametrize("name", ROWS)
def test_code_template_matches_numpy(name):
    row = ELEMENTWISE[name]
    namespace: dict[str, object] = {"np": np}
    for helper in row.helpers:
        assert HELPERS[helper] == row.helpers[helper]
        exec(row.helpers[helper], namespace)  # the test runs our own generated source
    z = _points(row, np.random.default_rng(2)).reshape(3, 2)
    got = eval(row.code["numpy"].format("z"), {**namespace, "z": z})  # our template, not input
    assert np.allclose(got, row.numpy(z), rtol=1e-12, atol=1e-14)
    printer = NumpyPrinter({"x": "x"}, {})
    printed = printer.doprint(N.Elementwise(name, N.Var("x", ONE, ONE)))
    assert printed == row.code["numpy"].format("x")


@pytest.mark.parametrize("name", ROWS)
def test_latex_renders_and_text_parses_back(name):
    row = ELEMENTWISE[name]
    rule = rule_for(N.Elementwise(name, N.Var("X", ONE, ONE)))
    for source in (row.latex.format("X"), row.derivative_latex, rule.latex):
        assert commands(source) <= MATHJAX, (name, commands(source) - MATHJAX)
        assert source.count("{") == source.count("}"), source
        assert len(re.findall(r"\\left", source)) == len(re.findall(r"\\right", source)), source
    x = N.Var("x", ONE, ONE)
    assert latex(N.Elementwise(name, x)) == row.latex.format("x")
    written = text(N.Elementwise(name, x))
    problem = parse_problem("x: scalar\n" + written)
    assert problem.expr == N.Elementwise(name, x), (written, problem.expr)


@pytest.mark.parametrize("name", ROWS)
def test_every_method_and_layout_with_every_step_verified(name):
    """compare() derives with every method that applies and verifies each result and each step
    against finite differences at random points inside the domain (clear of kinks)."""
    expr, wrt = EXAMPLES[name]
    for layout in LAYOUTS:
        report = md.compare(DECLARED + expr, wrt, layout=layout)
        assert not report.failed, (name, layout, report.failed)
        assert {"differential", "definition"} <= set(report.results), (name, set(report.results))
        for r in report.results.values():
            assert r.verify(seed=3).ok, (name, layout, r.method)


@pytest.mark.parametrize("name", ROWS)
def test_hessian_and_generated_code(name):
    expr, wrt = EXAMPLES[name]
    hessian = md.derive(DECLARED + expr, wrt, order=2)
    assert hessian.verify(seed=4).ok, name
    for layout in LAYOUTS:
        r = md.derive(DECLARED + expr, wrt, layout=layout)
        report = check_result(r, seed=5)
        namespace: dict[str, object] = {}
        exec(compile(numpy_code(r), "<generated>", "exec"), namespace)  # our own code
        variables = dict(r.problem.variables)
        got = np.asarray(namespace["derivative"](*[report.values[v] for v in variables]))
        want = report.finite_difference
        assert got.shape == np.shape(want), name
        assert np.max(np.abs(got - want)) <= 1e-5 * max(1.0, float(np.max(np.abs(want)))), name


@pytest.mark.parametrize("name", ROWS)
def test_random_points_respect_the_domain(name):
    row = ELEMENTWISE[name]
    if row.domain == "real":
        return
    problem = parse_problem("x: vector(n)\n" + row.text.format("x"))
    values = random_values(problem.variables, np.random.default_rng(6), f=problem.expr)
    arg = values["x"].ravel()
    if row.domain == "positive":
        assert arg.min() > 0
    elif row.domain == "nonzero":
        assert np.abs(arg).min() > 0
    else:
        assert arg.min() > -1
    assert not well_posed(
        problem.expr, Env({"x": np.zeros((3, 1)) - (row.domain == "above_minus_one")}, {})
    )


def test_kinks_are_said_once_in_the_rule():
    for name in ("abs", "sign", "step", "relu"):
        rule = rule_for(N.Elementwise(name, N.Var("X", ONE, ONE)))
        assert "almost everywhere" in rule.explain("en")
        assert "几乎处处" in rule.explain("zh")


# -- every node type -------------------------------------------------------------------------

NODE_TYPES = sorted(
    (c for c in vars(N).values() if isinstance(c, type) and issubclass(c, Expr)),
    key=lambda c: c.__name__,
)
# Node types that are not operations a user writes, and why a consumer does not apply to them.
NOT_DIFFERENTIATED = {
    "Differential": "dX itself: a differential is not differentiated again",
    "D": "d(e), a differential still to expand",
    "Opaque": "a named derivative symbol inside a derivation, never differentiated",
    "Named": "a definition: methods differentiate its body once (rule 'definition')",
    "Var": "a variable: dX, or 0 for a constant",
    "Const": "a number: 0",
    "Identity": "a constant: 0",
    "Zero": "a constant: 0",
    "Ones": "a constant: 0",
    "Commutation": "a constant: 0",
    "Elementwise": "one rule per row of the entrywise table (checked above)",
}
NO_CODE = {
    "Differential": "a differential is not computed by generated code",
    "D": "a differential is not computed by generated code",
}
ABSTRACT = {"_Unary", "Expr"}


@pytest.mark.parametrize("cls", NODE_TYPES, ids=lambda c: c.__name__)
def test_every_node_type_has_every_consumer(cls):
    name = cls.__name__
    if name in ABSTRACT:
        return
    assert hasattr(Evaluator, "_eval_" + name), name
    from matdiff_magic.printing.latex import LatexPrinter
    from matdiff_magic.printing.text import TextPrinter

    for printer in (LatexPrinter, TextPrinter):
        assert hasattr(printer, "_print_" + name), (printer.__name__, name)
    if name not in NO_CODE:
        assert hasattr(NumpyPrinter, "_print_" + name), name
    if name not in NOT_DIFFERENTIATED:
        from matdiff_magic.rules.differential import RULES

        assert any(r.node is cls for r in RULES.values()), name


def test_sympy_bridge_evaluates_like_numpy():
    """to_sympy of expressions over every node type SymPy has, made explicit with numbers,
    equals matdiff's own evaluation."""
    rng = np.random.default_rng(7)
    sizes = {"n": 3, "m": 2}
    problem = parse_problem(
        "x: vector(n); y: vector(n); A: matrix(m, n); X: matrix(n, n)\n"
        "tr(inv(X) X' X) + det(X) + norm(A x) + sum(exp(x) .* x ./ (x .* x + 1))"
        " + x' diag(x) x + sum(kron(A, X)) + logdet(X' X + I) + x' X^2 x + (x' x)^(3/2)"
        " + sum(sqrt(x .^ 2 + 1)) + sum(relu(A x)) + sum(softplus(x)) + sum(abs(x))"
        " + logsumexp(A x) + y' softmax(x) + sum(diag(X)) + sum(X .^ 3)"
    )
    values = {
        "x": rng.normal(size=(3, 1)),
        "y": rng.normal(size=(3, 1)),
        "A": rng.normal(size=(2, 3)),
        "X": np.eye(3) + 0.3 * rng.normal(size=(3, 3)),
    }
    env = Env(values, {symbol(k): v for k, v in sizes.items()})
    seen = {type(n).__name__ for n in problem.expr.walk()}
    assert {
        "Inverse", "Det", "Norm", "Kron", "LogDet", "MatPow", "DiagMat", "Power", "HadamardDiv",
        "LogSumExp", "Softmax", "DiagVec", "Sum", "HadamardPow", "Hadamard", "Trace",
    } <= seen, seen  # fmt: skip
    want = Evaluator(env)(problem.expr)[0, 0]
    expr = to_sympy(problem.expr)
    explicit = {}
    for s in expr.atoms(sympy.MatrixSymbol):
        explicit[s] = sympy.Matrix(values[s.name])
    got = expr.xreplace(explicit)
    got = got.subs({symbol(k): v for k, v in sizes.items()})
    got = got.replace(lambda a: isinstance(a, sympy.Identity), lambda a: sympy.eye(int(a.rows)))
    got = complex(sympy.N(got.doit())).real
    assert np.isclose(got, want, rtol=1e-8), (got, want)


def test_consumers_dispatch_along_the_class_hierarchy():
    """A subclass of a node type is printed, evaluated and written as code like its base until
    it has handlers of its own (SymPy's Printer._print walks the MRO the same way)."""

    class Product(N.Kron):
        __slots__ = ()

    a, b = N.Var("a", symbol("n"), ONE), N.Var("b", symbol("m"), ONE)
    env = Env({"a": np.ones((2, 1)), "b": np.arange(3.0).reshape(3, 1)}, {})
    assert latex(Product(a, b)) == latex(N.Kron(a, b))
    assert text(Product(a, b)) == text(N.Kron(a, b))
    assert np.array_equal(Evaluator(env)(Product(a, b)), Evaluator(env)(N.Kron(a, b)))
    printer = NumpyPrinter({"a": "a", "b": "b"}, {})
    assert printer.doprint(Product(a, b)) == NumpyPrinter({"a": "a", "b": "b"}, {}).doprint(
        N.Kron(a, b)
    )


# -- batches: softmax and logsumexp of a matrix act column by column ---------------------------

BATCH = "W: matrix(k, n); X: matrix(n, b); Y: matrix(k, b); Z: matrix(k, b)\n"


def _softmax_columns(z: np.ndarray) -> np.ndarray:
    w = np.exp(z - z.max(axis=0))
    return w / w.sum(axis=0)


def test_batched_values_are_per_column():
    rng = np.random.default_rng(8)
    z = rng.normal(size=(3, 4))
    values = {"Z": z}
    problem = parse_problem(BATCH + "softmax(Z)")
    got = Evaluator(Env(values, {symbol("k"): 3, symbol("b"): 4}))(problem.expr)
    assert np.allclose(got, _softmax_columns(z))
    problem = parse_problem(BATCH + "logsumexp(Z)")
    assert problem.expr.shape == (ONE, symbol("b"))
    got = Evaluator(Env(values, {symbol("k"): 3, symbol("b"): 4}))(problem.expr)
    assert np.allclose(got, np.log(np.exp(z).sum(axis=0, keepdims=True)))
    problem = parse_problem("x: vector(n)\nlogsumexp(x')")  # a row is a vector: one value
    assert problem.expr.is_scalar


@pytest.mark.parametrize("layout", LAYOUTS)
def test_softmax_regression_over_a_batch(layout):
    """The seed articles' batch form: 𝟏ᵀ logsumexp(W X)ᵀ - tr(Yᵀ W X) has the gradient
    (softmax(W X) - Y) Xᵀ, written out here in NumPy."""
    expr = BATCH + "1' logsumexp(W X)' - tr(Y' W X)"
    report = md.compare(expr, "W", layout=layout)
    assert not report.failed and {"differential", "chain", "definition"} <= set(report.results)
    r = report.results["differential"]
    assert r.text in ("(softmax(W X) - Y) Xᵀ", "((softmax(W X) - Y) Xᵀ)ᵀ", "X (softmax(W X) - Y)ᵀ")
    rng = np.random.default_rng(9)
    values = {"W": rng.normal(size=(3, 2)), "X": rng.normal(size=(2, 5))}
    y = np.zeros((3, 5))
    y[rng.integers(0, 3, size=5), np.arange(5)] = 1.0
    values["Y"] = y
    want = (_softmax_columns(values["W"] @ values["X"]) - y) @ values["X"].T
    got = r.evaluate(values)
    assert np.allclose(got if layout != "numerator" else got.T, want)


@pytest.mark.parametrize(
    ("expr", "wrt"),
    [("sum(softmax(Z) .* Y)", "Z"), ("sum(logsumexp(W X))", "W"), ("softmax(W X)", "W")],
)
def test_batched_in_every_method_and_in_code(expr, wrt):
    report = md.compare(BATCH + expr, wrt)
    assert not report.failed and report.results
    for r in report.results.values():
        assert r.verify(seed=10).ok, r.method
    r = md.derive(BATCH + expr, wrt)
    check = check_result(r, seed=11)
    namespace: dict[str, object] = {}
    exec(compile(numpy_code(r), "<generated>", "exec"), namespace)  # our own code
    args = [check.values[v] for v in r.problem.variables]
    got = np.asarray(namespace["derivative"](*args))
    assert np.allclose(got, check.finite_difference, rtol=1e-4, atol=1e-6)


# -- functions written with others: norm(x, 1), norm(X, "fro"), ones, mean, max, min ----------


@pytest.mark.parametrize(
    ("expr", "wrt", "closed_form"),
    [
        ("norm(x, 1)", "x", lambda v: np.sign(v["x"])),
        ("norm(x, 2)", "x", lambda v: v["x"] / np.linalg.norm(v["x"])),
        ('norm(X, "fro")', "X", lambda v: v["X"] / np.linalg.norm(v["X"])),
        ("x' ones(n)", "x", lambda v: np.ones((3, 1))),
        ("tr(ones(n, n) X)", "X", lambda v: np.ones((3, 3))),
        ("mean(X)", "X", lambda v: np.full((3, 3), 1 / 9)),
        ("sum(max(0, 1 - x))", "x", lambda v: -(1 - v["x"] > 0).astype(float)),
        ("sum(min(x, y))", "x", lambda v: (v["x"] < v["y"]).astype(float)),
    ],
)
def test_composed_functions_against_closed_forms(expr, wrt, closed_form):
    values = {
        "x": np.array([[0.5], [-1.3], [2.0]]),
        "y": np.array([[1.0], [-2.0], [1.5]]),
        "X": np.arange(9.0).reshape(3, 3) / 7 - 0.4,
        "A": np.ones((2, 3)),
        "c": 1.0,
    }
    for layout in LAYOUTS:  # every method that applies, every layout, every step verified
        report = md.compare(DECLARED + expr, wrt, layout=layout)
        assert not report.failed and len(report.results) >= 3, (expr, report.skipped)
        for r in report.results.values():
            got = r.evaluate(values)
            want = closed_form(values)
            # a scalar function: the numerator layout is the gradient transposed
            assert np.allclose(got.T if r.orientation == "numerator" else got, want), r.method
            assert r.verify().ok


@pytest.mark.parametrize(
    ("expr", "says"),
    [
        ("norm(X, 1)", 'p = 2 and 1 for a vector and "fro"'),
        ('"fro" + x', "only an option of a function"),
        ("ones(2.5)", "a size"),
        ('norm(X, "fro"', "expected ')'"),
        ('norm(X, "fro)', 'no closing "'),
        ("norm(x, 1, 2)", "takes 1-2 arguments"),
    ],
)
def test_composed_functions_refuse_clearly(expr, says):
    with pytest.raises(md.MatDiffError) as err:
        md.derive(DECLARED + expr, "x" if "x" in expr else "X")
    assert says in str(err.value)


def test_a_derivation_says_almost_everywhere_once():
    r = md.derive(DECLARED + "sum(relu(A x)) + sum(abs(x)) + sum(relu(x))", "x")
    for lang, words in (("en", "almost everywhere"), ("zh", "几乎处处")):
        assert r.steps.text(lang=lang).count(words) == 1
        assert r.steps.latex(lang=lang).count(words) == 1
    assert "almost everywhere" not in md.derive(DECLARED + "sum(exp(x))", "x").steps.text()
