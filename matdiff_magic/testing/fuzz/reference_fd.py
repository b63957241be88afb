"""Finite differences and layouts for the fuzzer's reference: the Jacobian and Hessian of the
reference evaluator's function by central differences, and how a layout arranges them.

Nothing here imports matdiff (see reference.py).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

# -- finite differences -------------------------------------------------------------------------


def jacobian(
    fun: Callable[[np.ndarray], np.ndarray], x0: np.ndarray, h: float = 1e-6
) -> tuple[np.ndarray, np.ndarray]:
    """d vec(f)/d vec(x)^T by central differences, and an entrywise error estimate.

    The estimate is the difference between steps h and 2h (three times the truncation error
    of the step-h formula, plus the rounding noise of both).
    """
    flat = x0.reshape(-1, order="F")
    cols, errs = [], []
    for k in range(flat.size):
        step = h * max(1.0, abs(flat[k]))
        diffs = []
        for s in (step, 2 * step):
            outs = []
            for sign in (1.0, -1.0):
                shifted = flat.copy()
                shifted[k] += sign * s
                outs.append(fun(shifted.reshape(x0.shape, order="F")).reshape(-1, order="F"))
            diffs.append((outs[0] - outs[1]) / (2 * s))
        cols.append(diffs[0])
        errs.append(np.abs(diffs[0] - diffs[1]))
    return np.stack(cols, axis=1), np.stack(errs, axis=1)


def hessian(
    fun: Callable[[np.ndarray], float], x0: np.ndarray, h: float = 1e-4
) -> tuple[np.ndarray, np.ndarray]:
    """d²f/d vec(x) d vec(x)^T by the four-point central formula, and an error estimate: the
    difference from the same formula with steps h/8 (far apart, so that a function too
    oscillatory for step h, whose two estimates alias alike at h and 2h, shows a large error
    rather than a confident wrong value)."""
    flat = x0.reshape(-1, order="F")
    size = flat.size
    steps = np.array([h * max(1.0, abs(v)) for v in flat])
    cache: dict[tuple, float] = {}

    def at(offsets: tuple[tuple[int, float], ...]) -> float:
        key = tuple(sorted(offsets))
        if key not in cache:
            shifted = flat.copy()
            for k, delta in offsets:
                shifted[k] += delta
            cache[key] = float(fun(shifted.reshape(x0.shape, order="F")))
        return cache[key]

    results = []
    for scale in (1.0, 0.125):
        out = np.zeros((size, size))
        for i in range(size):
            for j in range(i, size):
                hi, hj = scale * steps[i], scale * steps[j]
                total = 0.0
                for si, sj, w in ((1, 1, 1), (1, -1, -1), (-1, 1, -1), (-1, -1, 1)):
                    offsets = ((i, si * hi), (j, sj * hj)) if i != j else ((i, (si + sj) * hi),)
                    total += w * at(offsets)
                out[i, j] = out[j, i] = total / (4 * hi * hj)
        results.append(out)
        cache.clear()
    return results[0], np.abs(results[0] - results[1])


def symmetrize_columns(jac: np.ndarray, n: int) -> np.ndarray:
    """J (I + K)/2: the Jacobian along symmetric directions of an n×n variable."""
    t = jac.reshape(jac.shape[0], n, n)
    return ((t + t.transpose(0, 2, 1)) / 2).reshape(jac.shape[0], n * n)


def entries_columns(jac: np.ndarray, n: int) -> np.ndarray:
    """J (I + K - diag(vec I)): the derivative by each distinct entry of a symmetric n×n
    variable (S_ij and S_ji moving together off the diagonal), arranged as a matrix."""
    t = jac.reshape(jac.shape[0], n, n)
    out = t + t.transpose(0, 2, 1)
    idx = np.arange(n)
    out[:, idx, idx] = t[:, idx, idx]
    return out.reshape(jac.shape[0], n * n)


# -- layouts ----------------------------------------------------------------------------------


def orientation(layout: str, f_shape: tuple[int, int], x_shape: tuple[int, int],
                order: int = 1) -> str:
    """numerator, denominator or hessian: how the derivative is arranged in this layout."""
    if order == 2:
        return "hessian"
    if layout == "mixed":
        return "denominator" if f_shape == (1, 1) and x_shape != (1, 1) else "numerator"
    return layout


def expected_shape(f_shape: tuple[int, int], x_shape: tuple[int, int], orient: str
                   ) -> tuple[int, ...]:
    """README "Shapes returned by evaluate": numerator shapes, transposed for denominator."""
    p, q = f_shape
    m, n = x_shape
    if orient == "hessian":
        return () if (m, n) == (1, 1) else (m * n, m * n)
    if (p, q) == (1, 1) and (m, n) == (1, 1):
        return ()
    if (m, n) == (1, 1):
        shape: tuple[int, int] = (p, q)
    elif (p, q) == (1, 1):
        shape = (n, m)
    else:
        shape = (p * q, m * n)  # column by column: p×m, the same formula
    return shape[::-1] if orient == "denominator" else shape


def to_jacobian(arr: np.ndarray, f_shape: tuple[int, int], x_shape: tuple[int, int],
                orient: str) -> np.ndarray:
    """A derivative arranged as ``evaluate`` returns it, back to d vec(f)/d vec(x)^T."""
    p, q = f_shape
    m, n = x_shape
    a = np.asarray(arr, dtype=float)
    if orient == "hessian":
        return a.reshape(m * n, m * n)
    if a.ndim == 2 and orient == "denominator":
        a = a.T
    if (m, n) == (1, 1):
        return a.reshape(p, q).reshape(-1, 1, order="F")
    if (p, q) == (1, 1):
        return a.T.reshape(1, -1, order="F")
    return a.reshape(p * q, m * n)

