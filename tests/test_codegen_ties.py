"""Generated code at a tie: where λ_max or λ_min is a repeated eigenvalue, σ_max a repeated or
zero singular value, or X rank-deficient under the nuclear norm, the derivative does not exist
and ``evaluate`` raises NotDifferentiableError. The generated function of every installed target
decides by the same test and tolerance (the source of ``spectral._spectral_gap`` and ``_is_tie``,
carried verbatim) and raises its own NotDifferentiableError (a ValueError, the generated code
does not import matdiff); JAX under ``jax.jit``, where Python cannot raise on traced values,
returns NaN instead (documented in the helper). Just off the tolerance every target agrees with
``evaluate`` and with central finite differences of the function."""

from __future__ import annotations

import numpy as np
import pytest
from test_codegen_targets import INSTALLED, arguments, as_numpy, compiled

import matdiff_magic as md
from matdiff_magic.operations import spectral

D = "S: symmetric(n); Y: matrix(m, n)\n"
RNG = np.random.default_rng(11)
S0 = (lambda g: g + g.T)(RNG.normal(size=(4, 4)))
Y0 = RNG.normal(size=(3, 4))
VALUES = {"S": S0, "Y": Y0}
TARGETS = [pytest.param(t, id=t) for t in INSTALLED]


def _rect(singular: list[float]) -> np.ndarray:
    """A 3×4 matrix with these singular values (exactly: diagonal)."""
    y = np.zeros((3, 4))
    y[range(3), range(3)] = singular
    return y


def _points(gap: float) -> list[tuple[str, str, np.ndarray]]:
    """(function, variable, value) whose tie measure is ``gap`` times the tolerance TIE (the
    scale is 3 in each: the largest eigenvalue or singular value)."""
    g = gap * spectral.TIE * 3
    return [
        ("lambda_max(S)", "S", np.diag([1.0, 3.0 - g, 3.0, 2.0])),
        ("lambda_min(S)", "S", np.diag([1.0, 1.0 + g, 3.0, 2.0])),
        ("norm(Y, 2)", "Y", _rect([3.0, 3.0 - g, 1.0])),
        ("sigma_max(Y)", "Y", _rect([3.0, 3.0 - g, 1.0])),
        ("norm_nuc(Y)", "Y", _rect([3.0, 1.0, g])),
    ]


TIES = _points(0.0) + _points(0.5)  # ties, exact and within the tolerance
NEAR = _points(2.0)  # twice the tolerance: differentiable
EXTRA_TIES = [("sigma_max(Y)", "Y", np.zeros((3, 4)))]  # σ_max = 0


def _function(expr: str, wrt: str, target: str, jit: bool = True):
    r = md.derive(D + expr, wrt)
    source = r.code(target)
    namespace: dict[str, object] = {}
    if target == "jax" and not jit:
        exec(compile(source, "<matdiff generated>", "exec"), namespace)  # the test runs it
        return r, namespace["derivative"], namespace
    func = compiled(source, target)
    return r, func, func.__globals__ if target != "jax" else None


def _ids(cases):
    return [f"{e}-{'zero' if not np.any(v) else i}" for i, (e, _, v) in enumerate(cases)]


@pytest.mark.parametrize("target", [t for t in INSTALLED if t != "jax"])
@pytest.mark.parametrize(("expr", "wrt", "value"), TIES + EXTRA_TIES, ids=_ids(TIES + EXTRA_TIES))
def test_generated_code_raises_at_a_tie_as_evaluate_does(target, expr, wrt, value):
    r, func, namespace = _function(expr, wrt, target)
    values = {**VALUES, wrt: value}
    with pytest.raises(md.NotDifferentiableError) as want:
        r.evaluate(values)
    with pytest.raises(ValueError) as got:
        func(*arguments(r, values))
    assert type(got.value).__name__ == "NotDifferentiableError"
    assert isinstance(got.value, namespace["NotDifferentiableError"])
    # the same words as evaluate's (English), the number aside
    assert str(got.value).split("(")[0] == str(want.value).split("(")[0]


@pytest.mark.skipif("jax" not in INSTALLED, reason="JAX is not installed")
@pytest.mark.parametrize(("expr", "wrt", "value"), TIES + EXTRA_TIES, ids=_ids(TIES + EXTRA_TIES))
def test_jax_code_raises_outside_jit_and_gives_nan_under_jit(expr, wrt, value):
    import jax

    jax.config.update("jax_enable_x64", True)
    values = {**VALUES, wrt: value}
    r, eager, namespace = _function(expr, wrt, "jax", jit=False)
    with pytest.raises(namespace["NotDifferentiableError"], match="no derivative"):
        eager(*arguments(r, values))
    got = as_numpy(jax.jit(eager)(*arguments(r, values)))
    assert np.isnan(got).all()


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize(("expr", "wrt", "value"), NEAR, ids=_ids(NEAR))
def test_just_off_a_tie_every_target_matches_evaluate(target, expr, wrt, value):
    r, func, _ = _function(expr, wrt, target)
    values = {**VALUES, wrt: value}
    want = r.evaluate(values)
    got = as_numpy(func(*arguments(r, values)))
    np.testing.assert_allclose(got, want, atol=1e-12)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize(
    ("expr", "wrt", "value"),
    [
        ("lambda_max(S)", "S", np.diag([1.0, 2.9, 3.0, 2.0])),
        ("lambda_min(S)", "S", np.diag([1.0, 1.1, 3.0, 2.0]) + 0.01 * S0),
        ("norm(Y, 2)", "Y", _rect([3.0, 2.9, 1.0]) + 0.01 * Y0),
        ("norm_nuc(Y)", "Y", _rect([3.0, 1.0, 0.1]) + 0.01 * Y0),
    ],
)
def test_near_a_tie_every_target_matches_finite_differences(target, expr, wrt, value):
    """Close to (not at) a tie the gradient is still the derivative: against central
    differences of the function along random directions (symmetric ones for S)."""
    r, func, _ = _function(expr, wrt, target)
    values = {**VALUES, wrt: value}
    got = as_numpy(func(*arguments(r, values)))
    np.testing.assert_allclose(got, r.evaluate(values), atol=1e-10)
    h = 1e-6
    for _ in range(3):
        e = RNG.normal(size=value.shape)
        e = (e + e.T) / 2 if wrt == "S" else e
        up, down = (r.function_value({**values, wrt: value + s * h * e}) for s in (1, -1))
        slope = (np.asarray(up) - np.asarray(down)).item() / (2 * h)
        assert np.isclose(np.sum(got * e), slope, rtol=1e-6, atol=1e-8)


@pytest.mark.skipif("jax" not in INSTALLED, reason="JAX is not installed")
def test_jax_in_float32_sees_a_tie_that_rounding_has_split():
    """In float32 (JAX's default) rounding alone splits a repeated eigenvalue by ~1e-7 of the
    largest; the test allows 100 eps of the working precision there (float64: TIE decides)."""
    import jax

    r, eager, _ = _function("lambda_max(S)", "S", "jax", jit=False)
    q, _ = np.linalg.qr(np.random.default_rng(0).normal(size=(4, 4)))
    tie = q @ np.diag([1.0, 3.0, 3.0, 2.0]) @ q.T
    apart = q @ np.diag([1.0, 3.0, 2.9, 2.0]) @ q.T
    old = jax.config.read("jax_enable_x64")
    jax.config.update("jax_enable_x64", False)
    try:
        at = lambda s: arguments(r, {**VALUES, "S": s})
        assert np.isnan(as_numpy(jax.jit(eager)(*at(tie)))).all()
        got = as_numpy(jax.jit(eager)(*at(apart)))
    finally:
        jax.config.update("jax_enable_x64", old)
    np.testing.assert_allclose(got, r.evaluate({**VALUES, "S": apart}), atol=1e-5)


@pytest.mark.parametrize(("expr", "wrt", "value"), TIES[:5], ids=_ids(TIES[:5]))
def test_numpy_code_as_derived_raises_at_a_tie_too(expr, wrt, value):
    r = md.derive(D + expr, wrt)
    namespace: dict[str, object] = {}
    exec(compile(r.numpy_code(), "<matdiff numpy_code>", "exec"), namespace)  # the test runs it
    values = {**VALUES, wrt: value}
    with pytest.raises(namespace["NotDifferentiableError"], match="no derivative"):
        namespace["derivative"](*arguments(r, values))
    values = {**VALUES, wrt: {e: v for e, _, v in NEAR}[expr]}  # just off the tie
    got = namespace["derivative"](*arguments(r, values))
    np.testing.assert_allclose(got, r.evaluate(values), atol=1e-12)
