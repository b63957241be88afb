"""The numbers behind the pictures (no drawing): the Taylor-model errors along a line X + tV,
their fitted slopes, and the derivative at concrete values arranged as a Jacobian with its
Kronecker block size. Only the function is evaluated along the line: the evidence shares
nothing with the symbolic work."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from matdiff_magic import check
from matdiff_magic.compare import Comparison
from matdiff_magic.errors import MatDiffError, Msg
from matdiff_magic.name_forms import text_name
from matdiff_magic.numeric import bind, evaluate
from matdiff_magic.result import Result

DEFAULT_STEPS = np.logspace(-6, 0, 25)


# -- numbers -----------------------------------------------------------------------------------
def to_jacobian(
    value: np.ndarray, f_shape: tuple[int, int], x_shape: tuple[int, int], orientation: str
) -> np.ndarray:
    """A derivative as ``Result.evaluate`` returns it, as the numerator Jacobian.

    The inverse of :func:`matdiff_magic.check.arrange`: d vec(F)/d vec(X)^T, pq×mn (a Hessian
    is returned as it is, mn×mn).
    """
    p, q = f_shape
    m, n = x_shape
    a = np.asarray(value, dtype=float)
    if orientation == "hessian":
        return a.reshape(m * n, m * n)
    if (p, q) == (1, 1) and (m, n) == (1, 1):
        return a.reshape(1, 1)
    if orientation == "denominator":
        a = a.T
    if (m, n) == (1, 1):
        return a.reshape(-1, 1, order="F")
    if (p, q) == (1, 1):
        return a.T.reshape(1, -1, order="F")
    return a


def results_of(obj: Result | Comparison, method: str | None = None) -> list[tuple[str, Result]]:
    if isinstance(obj, Comparison):
        items = list(obj.results.items())
        if method is not None:
            items = [(m, r) for m, r in items if m == method]
            if not items:
                raise MatDiffError(Msg("api.no_result", method=method))
        return items
    return [(obj.method, obj)]


def _variables(r: Result) -> dict:
    variables = dict(r.problem.variables)
    variables.setdefault(r.wrt.name, r.wrt)
    return variables


def point(
    r: Result,
    values: Mapping[str, object] | None = None,
    seed: int = 0,
    sizes: Mapping[str, int] | None = None,
) -> dict[str, np.ndarray]:
    """Values for every variable: the given ones, the others random (where f is finite)."""
    variables = _variables(r)
    rng = np.random.default_rng(seed)
    fixed = {k: v for k, v in (values or {}).items() if k in variables}
    return check.random_values(variables, rng, sizes, r.function, fixed=fixed)


def _gradient(r: Result) -> Result:
    """The first derivative that a Hessian result is the derivative of."""
    return r.gradient()


@dataclass
class CheckCurves:
    """The errors of the Taylor models of f along X + tV, for each step t."""

    steps: np.ndarray
    first: dict[str, np.ndarray]  # method -> |f(X+tV) - f(X) - t <G, V>|
    second: dict[str, np.ndarray]  # method -> ... - t²/2 <V, H V> (Hessians only)
    direction: np.ndarray
    values: dict[str, np.ndarray]
    change: np.ndarray | None = None  # |f(X+tV) - f(X)|, the size of what the models predict

    def exact(self, name: str, order: str = "first") -> bool:
        """Whether a model is exact up to rounding (f is linear, or quadratic for order 2)."""
        errors = (self.first if order == "first" else self.second)[name]
        if self.change is None:
            return False
        return bool(np.all(errors <= 1e-9 * np.maximum(self.change, 1e-300) + 1e-12))


def check_curves(
    obj: Result | Comparison,
    values: Mapping[str, object] | None = None,
    *,
    seed: int = 0,
    steps: Sequence[float] | np.ndarray | None = None,
    direction: np.ndarray | None = None,
    method: str | None = None,
) -> CheckCurves:
    """The data of :func:`check_plot`: model errors for a random unit direction V."""
    items = results_of(obj, method)
    first_result = items[0][1]
    variables = _variables(first_result)
    wrt = first_result.wrt
    values = point(first_result, values, seed)
    env = bind(variables, values)
    x0 = env.values[wrt.name]
    rng = np.random.default_rng(seed + 1)
    if direction is None:
        v = rng.normal(size=x0.shape)
        if wrt.symmetric:
            v = (v + v.T) / 2
    else:
        v = np.asarray(direction, dtype=float).reshape(x0.shape)
    v = v / max(float(np.linalg.norm(v)), 1e-300)
    vec_v = v.reshape(-1, order="F")
    ts = np.asarray(DEFAULT_STEPS if steps is None else steps, dtype=float)

    def f_at(x: np.ndarray) -> np.ndarray:
        shifted = dict(env.values)
        shifted[wrt.name] = x
        return evaluate(first_result.function, bind(variables, shifted)).reshape(-1, order="F")

    f0 = f_at(x0)
    moved = [f_at(x0 + t * v) for t in ts]
    f_shape = (env.size(first_result.function.rows), env.size(first_result.function.cols))
    x_shape = x0.shape
    first: dict[str, np.ndarray] = {}
    second: dict[str, np.ndarray] = {}
    for name, r in items:
        if r.order == 2:
            grad = _gradient(r)
            g = to_jacobian(grad.evaluate(values), f_shape, x_shape, grad.orientation) @ vec_v
            h = to_jacobian(r.evaluate(values), f_shape, x_shape, "hessian")
            curvature = float(vec_v @ h @ vec_v)
            second[name] = np.array(
                [
                    np.linalg.norm(ft - f0 - t * g - 0.5 * t * t * curvature)
                    for t, ft in zip(ts, moved, strict=True)
                ]
            )
        else:
            g = to_jacobian(r.evaluate(values), f_shape, x_shape, r.orientation) @ _along(r, v)
        first[name] = np.array(
            [np.linalg.norm(ft - f0 - t * g) for t, ft in zip(ts, moved, strict=True)]
        )
    change = np.array([np.linalg.norm(ft - f0) for ft in moved])
    return CheckCurves(ts, first, second, v, dict(env.values), change)


def _along(r: Result, v: np.ndarray) -> np.ndarray:
    """vec of the direction the derivative is applied to: v itself, except for the derivative
    by distinct entries (structured.py), J (I + K - diag(vec(I))), which moves a symmetric v
    when applied to (v + diag(v))/2."""
    if getattr(r.outcome, "structure", "") == "entries":
        v = (v + np.diag(np.diag(v))) / 2
    return v.reshape(-1, order="F")


def fitted_slope(
    steps: np.ndarray, errors: np.ndarray, lo: float = 1e-4, hi: float = 1e-1
) -> float:
    """The least-squares slope of log(error) against log(t) for lo <= t <= hi."""
    steps = np.asarray(steps, dtype=float)
    errors = np.asarray(errors, dtype=float)
    keep = (steps >= lo) & (steps <= hi) & np.isfinite(errors) & (errors > 0)
    if keep.sum() < 2:
        return float("nan")
    slope, _ = np.polyfit(np.log(steps[keep]), np.log(errors[keep]), 1)
    return float(slope)


def jacobian_matrix(
    obj: Result | Comparison,
    values: Mapping[str, object] | None = None,
    *,
    sizes: Mapping[str, int] | None = None,
    seed: int = 0,
    method: str | None = None,
) -> tuple[np.ndarray, tuple[int, int]]:
    """The derivative at concrete values as a matrix in its layout, and its block size.

    For F p×q and X m×n, d vec(F)/d vec(X)^T is made of q×n blocks of size p×m (transposed in
    denominator layout); a Hessian on vec(X) has m×m blocks.
    """
    r = results_of(obj, method)[0][1]
    values = point(r, values, seed, sizes)
    env = bind(_variables(r), values)
    p, q = env.size(r.function.rows), env.size(r.function.cols)
    m, n = env.size(r.wrt.rows), env.size(r.wrt.cols)
    jac = to_jacobian(r.evaluate(values), (p, q), (m, n), r.orientation)
    if r.orientation == "hessian":
        return jac, (m, m)
    if (p, q) == (1, 1) and (m, n) != (1, 1):
        # A gradient: show it with the shape of the variable (columns of X as blocks).
        return (jac.T, (m, 1)) if r.orientation == "denominator" else (jac, (1, m))
    if r.orientation == "denominator":
        return jac.T, (m, p)
    return jac, (p, m)


def jacobian_sizes(
    r: Result,
    values: Mapping[str, object] | None = None,
    *,
    sizes: Mapping[str, int] | None = None,
    seed: int = 0,
) -> dict[str, tuple[int, int]]:
    """The concrete sizes of the function and the variable used by :func:`jacobian_matrix`."""
    env = bind(_variables(r), point(r, values, seed, sizes))
    f = r.function
    return {
        text_name(r.name): (env.size(f.rows), env.size(f.cols)),
        text_name(r.wrt.name): (env.size(r.wrt.rows), env.size(r.wrt.cols)),
    }
