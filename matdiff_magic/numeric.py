"""NumPy evaluation of expressions, and binding user values to declared variables.

``d(...)`` nodes (unevaluated differentials inside a derivation) evaluate as central finite
differences along the given directions, so every step of a derivation can be checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import sympy

from matdiff_magic.dims import ONE, dim_text
from matdiff_magic.errors import EvaluationError, Msg, ShapeError
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.dispatch import handler


@dataclass
class Env:
    """Values of variables (2-D arrays), sizes of dimension symbols, differential directions."""

    values: dict[str, np.ndarray]
    sizes: dict[sympy.Symbol, int]
    directions: dict[str, np.ndarray] = field(default_factory=dict)
    fd_step: float = 1e-6

    def size(self, d: sympy.Expr) -> int:
        if d.is_Integer:
            return int(d)
        if d.is_Symbol and d in self.sizes:
            return int(self.sizes[d])
        missing = [s for s in d.free_symbols if s not in self.sizes]
        if missing:
            raise EvaluationError(Msg("eval.unknown_size", size=dim_text(missing[0])))
        return int(d.xreplace(self.sizes))

    def number(self, v: sympy.Expr) -> float:
        if v.free_symbols:
            missing = [s for s in v.free_symbols if s not in self.sizes]
            if missing:
                raise EvaluationError(Msg("eval.unknown_size", size=dim_text(missing[0])))
            v = v.xreplace({s: self.sizes[s] for s in v.free_symbols})
        return float(v)


def as_matrix(value: object, name: str) -> np.ndarray:
    """A user value as a 2-D float array (scalars 1×1, 1-D arrays as columns)."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise EvaluationError(Msg("eval.not_real", name=name, detail=str(exc))) from None
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    elif arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    elif arr.ndim > 2:
        raise ShapeError(Msg("eval.too_many_axes", name=name, ndim=arr.ndim))
    if not np.all(np.isfinite(arr)):
        raise EvaluationError(Msg("eval.not_finite", name=name))
    return arr


def bind(
    variables: Mapping[str, N.Var], values: Mapping[str, object], needed: set[str] | None = None
) -> Env:
    """Check values against declarations and infer every size from them."""
    sizes: dict[sympy.Symbol, int] = {}
    origin: dict[sympy.Symbol, str] = {}
    arrays: dict[str, np.ndarray] = {}
    for name, var in variables.items():
        if name not in values:
            if needed is None or name in needed:
                raise EvaluationError(
                    Msg("eval.no_value_declared", name=name, declared=_describe(var))
                )
            continue
        arr = as_matrix(values[name], name)
        if var.is_scalar and arr.size == 1:
            arr = arr.reshape(1, 1)
        if arr.shape[1] != 1 and var.shape[1] == ONE and arr.shape[0] == 1:
            arr = arr.reshape(-1, 1)  # a row given for a column vector
        for axis, d in enumerate(var.shape):
            actual = arr.shape[axis]
            if d.is_Integer:
                if int(d) != actual:
                    raise ShapeError(
                        Msg(
                            "eval.declared_shape",
                            name=name,
                            declared=_describe(var),
                            rows=arr.shape[0],
                            cols=arr.shape[1],
                        )
                    )
            elif isinstance(d, sympy.Symbol):
                if d in sizes and sizes[d] != actual:
                    raise ShapeError(
                        Msg(
                            "eval.size_conflict",
                            size=dim_text(d),
                            first=sizes[d],
                            first_name=origin[d],
                            second=actual,
                            name=name,
                        )
                    )
                sizes[d] = actual
                origin[d] = name
        if var.symmetric and not np.allclose(arr, arr.T, rtol=1e-9, atol=1e-12):
            raise ShapeError(Msg("eval.not_symmetric", name=name))
        if var.structure == "diagonal" and np.any(arr - np.diag(np.diag(arr))):
            raise ShapeError(Msg("eval.not_diagonal", name=name))
        if var.structure == "spd" and np.min(np.linalg.eigvalsh((arr + arr.T) / 2)) <= 0:
            raise ShapeError(Msg("eval.not_spd", name=name))
        if var.fact and not has_fact(arr, var.fact):
            raise ShapeError(Msg(f"eval.not_{var.fact}", name=name))
        arrays[name] = arr
    return Env(arrays, sizes)


def has_fact(arr: np.ndarray, fact: str) -> bool:
    """Whether a vector's value has its declared fact (one-hot, on the simplex, ±1 entries)."""
    if fact == "onehot":
        return bool(np.all((arr == 0) | (arr == 1)) and np.sum(arr) == 1)
    if fact == "simplex":
        return bool(np.all(arr >= 0) and abs(np.sum(arr) - 1) <= 1e-9)
    return bool(np.all(np.abs(arr) == 1))


def _describe(var: N.Var) -> str:
    if var.is_scalar:
        return "scalar"
    if var.symmetric or var.fact:
        return f"{var.structure}({dim_text(var.rows)})"
    if var.shape[1] == ONE:
        return f"vector({dim_text(var.rows)})"
    return f"matrix({dim_text(var.rows)}, {dim_text(var.cols)})"


class Evaluator:
    """Evaluates one expression tree in one environment (subtrees shared are computed once)."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self._memo: dict[Expr, np.ndarray] = {}
        # The largest rounding error a finite difference (a d(...) node) may have added.
        self.noise = 0.0

    def __call__(self, e: Expr) -> np.ndarray:
        key = e
        found = self._memo.get(key)
        if found is None:
            method = handler(self, "_eval_", e)
            try:
                # Extension point: a node class defined outside the core evaluates itself.
                found = method(e) if method is not None else e._evaluate_with(self)  # type: ignore[attr-defined]
            except np.linalg.LinAlgError as exc:
                # an SVD or eigensolver that fails (a NaN in its argument, no convergence) is
                # a point where the function has no value, as a log of a negative number is
                raise EvaluationError(Msg("eval.linalg_failed", cause=str(exc))) from None
            self._memo[key] = found
        return found

    # Every node type's evaluation is in its operation's module (matdiff_magic/operations).

# Rounding error of a central difference (f(x + h) - f(x - h)) / 2h, per unit of |f|/h: a few
# units in the last place of each value, lost in the subtraction.
FD_NOISE = 64 * float(np.finfo(float).eps)


def commutation_matrix(m: int, n: int) -> np.ndarray:
    """K with K vec(A) = vec(A^T) for A of size m×n (vec stacks columns)."""
    k = np.zeros((m * n, m * n))
    for i in range(m):
        for j in range(n):
            k[i * n + j, j * m + i] = 1.0
    return k


def evaluate(e: Expr, env: Env) -> np.ndarray:
    return Evaluator(env)(e)
