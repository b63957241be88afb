"""``Result.code(target=...)``: the fast functions for NumPy, PyTorch and JAX, run here (never
by the library) and checked against central finite differences in every layout, against the
verified evaluator, and against jax.grad / torch.func.grad where those are installed (skipped
cleanly otherwise). The JAX function is run under ``jax.jit``."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from test_codegen import CASES

import matdiff_magic as md
from matdiff_magic.check import check_result
from matdiff_magic.codegen import generate
from matdiff_magic.errors import NotSupportedYetError
from matdiff_magic.printing.numpy_printer import TARGET_CODE
from matdiff_magic.tree import nodes as N

INSTALLED = [t for t in ("numpy", "torch", "jax") if t == "numpy" or importlib.util.find_spec(t)]
TARGETS = [pytest.param(t, id=t) for t in INSTALLED]

# The lowering's own forms: K, the vec trick, diag(v) products, Kronecker sums, distribution.
LOWERED = [
    ("X: matrix(m, n)\nX'", "X"),  # the result is K
    ("X: matrix(n, n)\nX X", "X"),  # I ⊗ X + Xᵀ ⊗ I
    ("X: matrix(m, n); A: matrix(n, m)\ntr(A X) X'", "X"),
    ("X: matrix(n, n); A: matrix(n, n)\nvec(X)' kron(A, X) vec(X)", "X"),
    ("X: matrix(m, n); A: matrix(k, m)\nvec(A X)' commutation(k, n) vec((A X)')", "X"),
    ("w: vector(n); y: vector(n); X: matrix(n, n)\nw' diag(y) X w", "w"),
    ("X: matrix(n, n); S: symmetric(n)\nlogdet(X) + tr(S inv(X))", "X"),
    ("X: matrix(n, n); A: matrix(n, n); B: matrix(n, n)\ntr(A X B X')", "X"),
]
HESSIANS = [
    ("A: matrix(n, n); x: vector(n)\nx' A x", "x"),
    ("A: matrix(m, n); x: vector(n); b: vector(m)\nnorm(A x - b)^2", "x"),
    ("X: matrix(m, n); w: vector(n); y: vector(m)\nsum(log(1 + exp(-y .* (X w))))", "w"),
    ("X: matrix(n, n); S: symmetric(n)\nlogdet(X) + tr(S inv(X))", "X"),
    ("X: matrix(n, n); A: matrix(n, n); B: matrix(n, n)\ntr(A X B X')", "X"),
    ("X: matrix(m, n); A: matrix(m, m)\ntr(X' A X) + sum(X .* X)", "X"),
]


def compiled(source: str, target: str, name: str = "derivative"):
    namespace: dict[str, object] = {}
    exec(compile(source, "<matdiff generated>", "exec"), namespace)  # the test runs it
    func = namespace[name]
    if target == "jax":
        import jax

        jax.config.update("jax_enable_x64", True)
        return jax.jit(func)
    return func


def arguments(r: md.Result, values: dict[str, np.ndarray]) -> list[np.ndarray]:
    variables = dict(r.problem.variables)
    variables.setdefault(r.wrt.name, r.wrt)
    return [values[name] for name in variables]


def as_numpy(x) -> np.ndarray:
    return np.asarray(x.detach() if hasattr(x, "detach") else x, dtype=float)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("layout", ["numerator", "denominator", "mixed"])
@pytest.mark.parametrize(("expr", "wrt"), CASES + LOWERED)
def test_every_target_matches_finite_differences(target, expr, wrt, layout):
    r = md.derive(expr, wrt, layout=layout)
    report = check_result(r, seed=1)
    source = r.code(target)
    got = as_numpy(compiled(source, target)(*arguments(r, report.values)))
    want = report.finite_difference
    assert got.shape == np.shape(want), source
    scale = max(1.0, float(np.max(np.abs(want))))
    assert np.max(np.abs(got - want)) / scale < 1e-5, source
    assert np.allclose(got, r.evaluate(report.values), rtol=1e-9, atol=1e-11), source


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize(("expr", "wrt"), HESSIANS)
def test_every_target_hessian_matches_finite_differences(target, expr, wrt):
    r = md.derive(expr, wrt, order=2)
    report = check_result(r, seed=2)
    source = r.code(target)
    got = as_numpy(compiled(source, target)(*arguments(r, report.values)))
    assert np.allclose(got, report.finite_difference, rtol=1e-4, atol=1e-5), source
    assert np.allclose(got, r.evaluate(report.values), rtol=1e-9, atol=1e-10), source


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize(("expr", "wrt"), HESSIANS)
def test_with_value_returns_the_function_and_its_derivative(target, expr, wrt):
    r = md.derive(expr, wrt, order=2)
    report = check_result(r, seed=3)
    func = compiled(r.code(target, name="f_and_h", with_value=True), target, "f_and_h")
    value, hessian = func(*arguments(r, report.values))
    assert as_numpy(value).shape == ()
    assert np.isclose(as_numpy(value), r.function_value(report.values)[0, 0])
    assert np.allclose(as_numpy(hessian), r.evaluate(report.values), rtol=1e-9, atol=1e-10)


def _vec_hessian(h4: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A Hessian ∂²f/∂X_ij ∂X_kl as the matrix of vec(X) (columns stacked)."""
    p, q = shape
    return np.asarray(h4).reshape(p, q, p, q).transpose(1, 0, 3, 2).reshape(p * q, p * q)


@pytest.mark.parametrize(("expr", "wrt"), HESSIANS)
def test_jax_agrees_with_jax_grad_and_hessian(expr, wrt):
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    r = md.derive(expr, wrt, order=2)
    g = r.gradient()
    report = check_result(r, seed=4)
    args = arguments(r, report.values)
    index = list({**r.problem.variables, r.wrt.name: r.wrt}).index(wrt)
    f = compiled(g.code("jax", name="f_and_g", with_value=True), "jax", "f_and_g")

    def value(*a):
        return f(*a)[0]

    want_g = jax.grad(value, argnums=index)(*args)
    assert np.allclose(f(*args)[1], np.asarray(want_g).reshape(args[index].shape))
    want_h = _vec_hessian(jax.hessian(value, argnums=index)(*args), args[index].shape)
    got_h = compiled(r.code("jax"), "jax")(*args)
    assert np.allclose(got_h, want_h, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize(("expr", "wrt"), HESSIANS)
def test_torch_agrees_with_torch_func_grad_and_hessian(expr, wrt):
    torch = pytest.importorskip("torch")
    r = md.derive(expr, wrt, order=2)
    g = r.gradient()
    report = check_result(r, seed=5)
    args = [torch.as_tensor(a, dtype=torch.float64) for a in arguments(r, report.values)]
    index = list({**r.problem.variables, r.wrt.name: r.wrt}).index(wrt)
    f = compiled(g.code("torch", name="f_and_g", with_value=True), "torch", "f_and_g")

    def value(*a):
        return f(*a)[0]

    want_g = torch.func.grad(value, argnums=index)(*args)
    assert np.allclose(as_numpy(f(*args)[1]), as_numpy(want_g).reshape(args[index].shape))
    want_h = _vec_hessian(as_numpy(torch.func.hessian(value, argnums=index)(*args)),
                          tuple(args[index].shape))  # fmt: skip
    got_h = as_numpy(compiled(r.code("torch"), "torch")(*args))
    assert np.allclose(got_h, want_h, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize(
    "backend", ["eager", pytest.param("inductor", marks=pytest.mark.slow)]
)  # inductor compiles C++ (about 40 s)
def test_torch_code_runs_under_torch_compile(backend):
    torch = pytest.importorskip("torch")
    r = md.derive("X: matrix(m, n); w: vector(n); y: vector(m)\n"
                  "sum(log(1 + exp(-y .* (X w))))", "w", order=2)  # fmt: skip
    report = check_result(r, seed=6)
    func = torch.compile(compiled(r.code("torch"), "torch"), backend=backend)
    got = as_numpy(func(*[torch.as_tensor(a) for a in arguments(r, report.values)]))
    assert np.allclose(got, r.evaluate(report.values))


def test_the_lowering_forms_no_commutation_kronecker_or_diagonal_matrix():
    """The fast forms, read off the source: K as reshapes, diag(v) as broadcasting, Kronecker
    sums accumulated in place, (A + Aᵀ) x distributed, the vec trick."""
    hess = md.derive("X: matrix(n, n); S: symmetric(n)\nlogdet(X) + tr(S inv(X))", "X", order=2)
    source = hess.code()
    assert "_commutation" not in source and "np.kron" not in source
    assert "_kron_sum(" in source  # the Kronecker sum written once, block by block
    assert "-= " in hess.code("jax") or "+= " in hess.code("jax")  # accumulated in place
    logistic = md.derive(HESSIANS[2][0], "w", order=2).code()
    assert "np.diag" not in logistic and "* X)" in logistic
    quadratic = md.derive(HESSIANS[0][0], "x").code()
    assert "(A + A.T) @ x" not in quadratic and "A.T @ x" in quadratic
    vec_trick = md.derive(LOWERED[3][0], "X").code()
    assert "np.kron" not in vec_trick and ".reshape(-1, " in vec_trick


@pytest.mark.parametrize("target", ["torch", "jax"])
def test_an_operation_with_numpy_code_only_says_so_for_other_targets(target, monkeypatch):
    """An operation whose row gives only NumPy code still works for NumPy; for another
    target code generation stops with a clear error instead of writing NumPy calls there."""
    numpy_only = {"numpy": TARGET_CODE[N.Inverse]["*"]}
    monkeypatch.setitem(TARGET_CODE, N.Inverse, numpy_only)
    r = md.derive("y' inv(X) y", "y")
    assert "np.linalg.inv" in r.code("numpy")
    with pytest.raises(NotSupportedYetError, match=f"Inverse has no code for the target {target}"):
        r.code(target)


def test_unknown_target_is_a_clear_error():
    with pytest.raises(md.MatDiffError, match="unknown code target 'tensorflow'"):
        md.derive("x' x", "x").code("tensorflow")


def test_generate_takes_any_expression():
    r = md.derive("A: matrix(n, n); x: vector(n)\nx' A x", "x")
    variables = {"A": N.Var("A", *r.problem.variables["A"].shape), "x": r.wrt}
    namespace: dict[str, object] = {}
    exec(generate(r.expr, variables, "numpy", "g"), namespace)
    A, x = np.arange(9.0).reshape(3, 3), np.ones((3, 1))
    assert np.allclose(namespace["g"](A, x), (A + A.T) @ x)


@pytest.mark.parametrize("target", ["torch", "jax"])
def test_cli_code_option_prints_the_target_function(target, capsys):
    from matdiff_magic.frontend.cli import run

    assert run(["x' A x", "--wrt", "x", "--code", target]) == 0
    out = capsys.readouterr().out
    assert "def derivative(x, A):" in out
    want = "A @ x + A.T @ x" if target == "torch" else "A @ x + (x.T @ A).T"
    assert f"return {want}" in out
    assert ("import torch" if target == "torch" else "import jax.numpy as jnp") in out
