"""Central finite differences of a function (evaluated only: they share nothing with symbolic
differentiation), and the arrangement of a Jacobian in matdiff's layouts.

Every numeric check reads these: ``verify`` (each line against what it claims), ``check`` (the
magic's verdicts and plots).
"""

from __future__ import annotations

import numpy as np

from matdiff_magic.batched import values_at
from matdiff_magic.numeric import FD_NOISE, Env, Evaluator
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

STEP = 2e-6  # near the optimum eps^(1/3) for smooth functions
TINY = 1e-12
RELATIVE = 1e-5  # agreement asked for, relative to the size of the numbers compared
INCONCLUSIVE = 1e-2  # measured noise beyond this share of the values: try another point


def _size(a: np.ndarray) -> float:
    # (array methods, not np.max: these are called for every check on small arrays, where
    # NumPy's Python-level wrappers cost more than the reduction)
    a = np.asarray(a)
    return float(np.abs(a).max()) if a.size else 0.0


def central(
    f: Expr, wrt: N.Var, env: Env, direction: np.ndarray, step: float
) -> tuple[np.ndarray, float]:
    """(f(x + step·v) - f(x - step·v)) / 2·step as a column (vec of f), and its rounding-noise
    bound; ``direction`` has the shape of x."""
    x0 = np.asarray(env.values[wrt.name], dtype=float)
    outs = []
    for sign in (1.0, -1.0):
        values = dict(env.values)
        values[wrt.name] = x0 + sign * step * direction
        out = Evaluator(Env(values, env.sizes))(f)
        outs.append(np.asarray(out, dtype=float).reshape(-1, order="F"))
    noise = FD_NOISE * max(_size(o) for o in outs) / step
    return (outs[0] - outs[1]) / (2 * step), noise


def jacobian(f: Expr, wrt: N.Var, env: Env, h: float = STEP) -> tuple[np.ndarray, float]:
    """d vec(f)/d vec(x)ᵀ, one central difference per entry of x, and its rounding-noise bound."""
    x0 = np.asarray(env.values[wrt.name], dtype=float)
    flat = x0.reshape(-1, order="F")
    if not flat.size:
        return np.zeros((env.size(f.rows) * env.size(f.cols), 0)), 0.0
    directions, steps = [], []
    for k in range(flat.size):
        unit = np.zeros_like(flat)
        unit[k] = 1.0
        directions.append(unit.reshape(x0.shape, order="F"))
        steps.append(h * max(1.0, abs(flat[k])))
    return _differences(f, wrt, env, x0, directions, steps)


def directional(
    f: Expr, wrt: N.Var, env: Env, probes: np.ndarray, h: float = STEP
) -> tuple[np.ndarray, float]:
    """J v for each column v of ``probes`` (J = d vec(f)/d vec(x)ᵀ): one difference each."""
    x0 = np.asarray(env.values[wrt.name], dtype=float)
    scale = max(1.0, _size(x0))
    directions = [v.reshape(x0.shape, order="F") for v in probes.T]
    steps = [h * scale / max(_size(v), TINY) for v in probes.T]
    return _differences(f, wrt, env, x0, directions, steps)


def _differences(
    f: Expr, wrt: N.Var, env: Env, x0: np.ndarray, directions: list, steps: list[float]
) -> tuple[np.ndarray, float]:
    """:func:`central` along each direction with its step, as columns, and the largest noise
    bound; the function evaluated at all the points in one pass (``batched``)."""
    pairs = list(zip(directions, steps, strict=True))
    points = [x0 + sign * step * v for sign in (1.0, -1.0) for v, step in pairs]
    out = np.asarray(values_at(f, wrt, env, points), dtype=float)
    n = len(directions)
    if out.ndim == 2:  # f does not contain x: the same value at every point
        out = np.broadcast_to(out, (2 * n, *out.shape))
    vecs = out.transpose(0, 2, 1).reshape(2 * n, -1)  # each value's vec (columns stacked)
    plus, minus = vecs[:n], vecs[n:]
    step = np.asarray(steps, dtype=float)
    columns = (plus - minus) / (2 * step)[:, None]
    noise = 0.0
    if vecs.shape[1]:
        largest = np.maximum(np.max(np.abs(plus), axis=1), np.max(np.abs(minus), axis=1))
        noise = max(0.0, float(np.max(FD_NOISE * largest / step)))
    return np.ascontiguousarray(columns.T), noise


def structure_matrix(n: int, structure: str) -> np.ndarray:
    """M with J M the derivative of a function with Jacobian J (on vec(X), X n×n, every entry
    free) with respect to a structured X: "sym" (I + K)/2, the projection onto symmetric
    directions; "entries" I + K - diag(vec(I)), column (i, j) moving X_ij and X_ji together;
    "diagonal" diag(vec(I)), the diagonal directions; "" the identity."""
    eye = np.eye(n * n)
    if not structure:
        return eye
    k = np.zeros((n * n, n * n))
    for i in range(n):
        for j in range(n):
            k[i * n + j, j * n + i] = 1.0
    diagonal = np.diag(np.eye(n).reshape(-1, order="F"))
    if structure == "sym":
        return (eye + k) / 2
    if structure == "entries":
        return eye + k - diagonal
    if structure == "diagonal":
        return diagonal
    raise ValueError(f"unknown structure {structure!r}")


def structured(jac: np.ndarray, x_shape: tuple[int, int], structure: str) -> np.ndarray:
    """The Jacobian ``jac`` (every entry of x free) as the derivative under ``structure``."""
    if not structure:
        return jac
    return jac @ structure_matrix(x_shape[0], structure)


def arrange(
    jac: np.ndarray, f_shape: tuple[int, int], x_shape: tuple[int, int], orientation: str
) -> np.ndarray:
    """d vec(f)/d vec(x)ᵀ as a 2-D array in ``orientation``: "vec" (and "hessian") leave it;
    "numerator" and "denominator" arrange it as ``Result.evaluate`` returns derivatives, with
    scalars as 1×1."""
    if orientation in ("vec", "hessian"):
        return jac
    p, q = f_shape
    m, n = x_shape
    if (p, q) == (1, 1) and (m, n) == (1, 1):
        out = jac.reshape(1, 1)
    elif (m, n) == (1, 1):
        out = jac.reshape(p, q, order="F")
    elif (p, q) == (1, 1):
        out = jac.reshape(m, n, order="F").T
    else:
        out = jac
    return out.T if orientation == "denominator" else out


def unarrange(
    value: np.ndarray, f_shape: tuple[int, int], x_shape: tuple[int, int], orientation: str
) -> np.ndarray:
    """The inverse of :func:`arrange`: d vec(f)/d vec(x)ᵀ from a derivative as arranged."""
    if orientation in ("vec", "hessian"):
        return value
    if orientation == "denominator":
        value = value.T
    p, q = f_shape
    m, n = x_shape
    if (m, n) == (1, 1):
        return value.reshape(p * q, 1, order="F")
    if (p, q) == (1, 1):
        return value.T.reshape(1, m * n, order="F")
    return value


def conclusive(noise: float, value: np.ndarray) -> bool:
    """Whether a comparison that needed ``noise`` of slack still says something: not when the
    rounding noise is a sizeable part of the numbers themselves."""
    return noise <= INCONCLUSIVE * max(_size(np.asarray(value, dtype=float)), TINY)


def compare(got: np.ndarray, want: np.ndarray | object, noise: float = 0.0) -> tuple[bool, float]:
    """Whether two arrays agree up to RELATIVE of their size plus ``noise``; and the relative
    difference. ``want`` may be a :class:`Projected` derivative: then ``got`` is compared
    through the same random directions."""
    project = getattr(want, "project", None)  # a truth.Projected derivative
    if project is not None:
        try:
            got, want = project(np.asarray(got, dtype=float)), want.values  # type: ignore[union-attr]
        except ValueError:
            return False, float("inf")
    got = np.asarray(got, dtype=float)
    want = np.asarray(want, dtype=float)
    if got.shape != want.shape:
        if got.size == want.size == 1:
            got = got.reshape(want.shape)
        else:
            return False, float("inf")
    if not (np.isfinite(got).all() and np.isfinite(want).all()):
        return False, float("inf")
    if got.size == 0:
        return True, 0.0
    diff = float(np.abs(got - want).max())
    scale = max(float(np.abs(got).max()), float(np.abs(want).max()))
    ok = diff <= RELATIVE * scale + noise + TINY
    return ok, diff / max(scale, TINY)
