"""NumPy evaluation of index formulas: each subexpression becomes an array over its indices.

No lambdify, eval or exec: the SymPy tree is walked, products broadcast over named axes,
sums reduce an axis, Kronecker deltas are identity matrices.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import sympy

from matdiff_magic.errors import EvaluationError, Msg

Value = tuple[np.ndarray, tuple[sympy.Symbol, ...]]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "exp": np.exp,
    "log": np.log,
    "sin": np.sin,
    "cos": np.cos,
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
}


def align(value: Value, axes: tuple[sympy.Symbol, ...]) -> np.ndarray:
    """The array of ``value`` with its axes moved into ``axes`` order (size 1 where absent)."""
    arr, own = value
    arr = np.asarray(arr, dtype=float)
    if not own:
        return arr.reshape((1,) * len(axes)) if axes else arr
    perm = [own.index(a) for a in axes if a in own]
    arr = np.transpose(arr, perm)
    shape = []
    it = iter(arr.shape)
    for a in axes:
        shape.append(next(it) if a in own else 1)
    return arr.reshape(shape)


def _union(values: list[Value]) -> tuple[sympy.Symbol, ...]:
    out: list[sympy.Symbol] = []
    for _, axes in values:
        for a in axes:
            if a not in out:
                out.append(a)
    return tuple(out)


class IndexEvaluator:
    """Evaluates one SymPy index expression; ``base`` gives the array of a base by name."""

    def __init__(
        self,
        base: Callable[[str], np.ndarray],
        size: Callable[[sympy.Expr], int],
        sizes: Mapping[sympy.Symbol, int],
    ) -> None:
        self.base = base
        self.size = size
        self.sizes = dict(sizes)

    def __call__(self, e: sympy.Basic) -> Value:
        if isinstance(e, sympy.Indexed):
            return self._indexed(e)
        if isinstance(e, sympy.KroneckerDelta):
            return self._delta(e)
        if isinstance(e, sympy.Symbol):
            if "#" in e.name:
                return float(self.base(e.name).reshape(-1)[0]), ()
            if e in self.sizes:
                raise EvaluationError(Msg("eval.index_as_value", index=str(e)))
            return float(self.size(e)), ()
        if isinstance(e, sympy.Number):
            return float(e), ()
        if isinstance(e, sympy.Add):
            vals = [self(a) for a in e.args]
            axes = _union(vals)
            return sum(align(v, axes) for v in vals), axes
        if isinstance(e, sympy.Mul):
            vals = [self(a) for a in e.args]
            axes = _union(vals)
            out = align(vals[0], axes)
            for v in vals[1:]:
                out = out * align(v, axes)
            return out, axes
        if isinstance(e, sympy.Pow):
            vals = [self(e.base), self(e.exp)]
            axes = _union(vals)
            with np.errstate(all="ignore"):
                return np.power(align(vals[0], axes), align(vals[1], axes)), axes
        if isinstance(e, sympy.Sum):
            return self._sum(e)
        if isinstance(e, sympy.Function):
            fn = FUNCTIONS.get(type(e).__name__)
            if fn is None:
                raise EvaluationError(Msg("eval.index_formula", what=type(e).__name__))
            arr, axes = self(e.args[0])
            with np.errstate(all="ignore"):
                return fn(np.asarray(arr, dtype=float)), axes
        if e.is_number:
            return float(e), ()
        raise EvaluationError(Msg("eval.index_formula", what=str(e)))

    def _indexed(self, e: sympy.Indexed) -> Value:
        arr = self.base(e.base.label.name)
        idx = list(e.indices)
        if len(idx) == 1:
            arr = arr[:, 0] if arr.ndim == 2 else arr
        axes: list[sympy.Symbol] = []
        for s in idx:
            if isinstance(s, sympy.Symbol):
                axes.append(s)
            else:
                k = int(s) - 1
                arr = np.take(arr, k, axis=len(axes))
        if len(axes) == 2 and axes[0] == axes[1]:
            return np.diagonal(arr).copy(), (axes[0],)
        return arr, tuple(axes)

    def _delta(self, e: sympy.KroneckerDelta) -> Value:
        a, b = e.args[:2]
        if a == b:
            return 1.0, ()
        if isinstance(a, sympy.Symbol) and isinstance(b, sympy.Symbol):
            n = self.sizes[a]
            return np.eye(n, self.sizes[b]), (a, b)
        sym, num = (a, b) if isinstance(a, sympy.Symbol) else (b, a)
        out = np.zeros(self.sizes[sym])
        out[int(num) - 1] = 1.0
        return out, (sym,)

    def _sum(self, e: sympy.Sum) -> Value:
        saved = dict(self.sizes)
        for s, lo, hi in e.limits:
            if lo != 1:
                raise EvaluationError(Msg("eval.sum_start"))
            self.sizes[s] = self.size(hi)
        try:
            arr, axes = self(e.function)
        finally:
            inner = self.sizes
            self.sizes = saved
        arr = np.asarray(arr, dtype=float)
        axes_list = list(axes)
        for s, _, _ in e.limits:
            if s in axes_list:
                k = axes_list.index(s)
                arr = arr.sum(axis=k)
                axes_list.pop(k)
            else:
                arr = arr * inner[s]
        return arr, tuple(axes_list)


def evaluate_axes(
    terms: tuple[sympy.Expr, ...],
    axes: tuple[sympy.Symbol, ...],
    base: Callable[[str], np.ndarray],
    size: Callable[[sympy.Expr], int],
    sizes: Mapping[sympy.Symbol, int],
) -> np.ndarray:
    """The array of a sum of terms with one axis per free index, in ``axes`` order."""
    ev = IndexEvaluator(base, size, sizes)
    full = tuple(sizes[a] for a in axes)
    total = np.zeros(full)
    for t in terms:
        value = ev(t)
        extra = [a for a in value[1] if a not in axes]
        if extra:
            raise EvaluationError(Msg("eval.stray_index", index=str(extra[0])))
        total = total + np.broadcast_to(align(value, axes), full)
    return total


def evaluate_terms(
    terms: tuple[sympy.Expr, ...],
    rows: tuple[sympy.Symbol, ...],
    cols: tuple[sympy.Symbol, ...],
    base: Callable[[str], np.ndarray],
    size: Callable[[sympy.Expr], int],
    sizes: Mapping[sympy.Symbol, int],
) -> np.ndarray:
    """The 2-D array of a sum of terms over free ``rows`` × ``cols`` indices.

    Several row (column) indices combine column-major: row i + j·p for (i, j).
    """
    total = evaluate_axes(terms, (*rows, *cols), base, size, sizes)
    nr = int(np.prod([sizes[a] for a in rows])) if rows else 1
    nc = int(np.prod([sizes[a] for a in cols])) if cols else 1
    return np.reshape(total, (nr, nc), order="F")
