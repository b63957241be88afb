"""NumPy evaluation of index formulas: each subexpression becomes an array over its indices.

No lambdify, eval or exec: the SymPy tree is walked, products broadcast over named axes,
sums reduce an axis, Kronecker deltas are identity matrices.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import sympy

from matdiff_magic.errors import EvaluationError, Msg
from matdiff_magic.tree.sympy_functions import ROW_OF_SYMPY

Value = tuple[np.ndarray, tuple[sympy.Symbol, ...]]


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
    return tuple(dict.fromkeys(a for _, axes in values for a in axes))


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
            row = ROW_OF_SYMPY.get(type(e))
            if row is None:
                raise EvaluationError(Msg("eval.index_formula", what=type(e).__name__))
            arr, axes = self(e.args[0])
            with np.errstate(all="ignore"):
                return row.numpy(np.asarray(arr, dtype=float)), axes
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
            if isinstance(e.function, sympy.Mul):
                # A sum of a product is a contraction: do it pair by pair, never building
                # the product over every index at once (n^2k entries for tr(A₁X⋯AₖX)).
                summed = [lim[0] for lim in e.limits]
                factors = [self(a) for a in e.function.args]
                present = set(_union(factors))
                arr, axes = contract(factors, summed, self.sizes)
                missing = [s for s in summed if s not in present]
                arr = np.asarray(arr, dtype=float)
                for s in missing:
                    arr = arr * self.sizes[s]
                return arr, axes
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


def contract(
    values: list[Value], summed: list[sympy.Symbol], sizes: Mapping[sympy.Symbol, int]
) -> Value:
    """The product of ``values`` summed over the indices ``summed`` (the others stay).

    Factors are absorbed one at a time into an accumulator, always a factor sharing an index
    with it (the cheapest such), and every summed index is summed out as soon as no factor
    left needs it: a chain A_ip X_pq B_qr ... is contracted link by link, in linear time."""
    symbols = list(dict.fromkeys(a for _, ax in values for a in ax))
    label = {a: n for n, a in enumerate(symbols)}
    size = [sizes[a] for a in symbols]
    gone = {label[a] for a in summed if a in label}
    ops = [(np.asarray(arr, dtype=float), tuple(label[a] for a in ax)) for arr, ax in values]
    holders: dict[int, list[int]] = {}
    left: dict[int, int] = {}  # how many factors not yet absorbed hold each index
    for k, (_, ax) in enumerate(ops):
        for a in set(ax):
            holders.setdefault(a, []).append(k)
            left[a] = left.get(a, 0) + 1
    remaining = set(range(1, len(ops)))
    acc = ops[0]
    for a in set(acc[1]):
        left[a] -= 1
    acc = (_einsum((acc,), _kept(acc[1], (), gone, left)), _kept(acc[1], (), gone, left))
    while remaining:
        near = {k for a in acc[1] for k in holders[a] if k in remaining} or {min(remaining)}
        best = None
        for k in sorted(near):
            after = dict(left)
            for a in set(ops[k][1]):
                after[a] -= 1
            axes = _kept(acc[1], ops[k][1], gone, after)
            cost = 1
            for a in axes:
                cost *= size[a]
            if best is None or cost < best[0]:
                best = (cost, k, axes, after)
        assert best is not None
        _, k, axes, left = best
        acc = (_einsum((acc, ops[k]), axes), axes)
        remaining.discard(k)
    return acc[0], tuple(symbols[a] for a in acc[1])


def _kept(
    first: tuple[int, ...], second: tuple[int, ...], gone: set[int], left: dict[int, int]
) -> tuple[int, ...]:
    """The indices of a product of two factors that survive: all but the summed ones that no
    factor still to come holds."""
    joined = dict.fromkeys((*first, *second))
    return tuple(a for a in joined if not (a in gone and left[a] == 0))


def _einsum(operands: tuple[tuple[np.ndarray, tuple[int, ...]], ...], out: tuple[int, ...]):
    letters: dict[int, str] = {}
    for _, ax in operands:
        for a in ax:
            letters.setdefault(a, chr(ord("a") + len(letters)))
    spec = ",".join("".join(letters[a] for a in ax) for _, ax in operands)
    return np.einsum(spec + "->" + "".join(letters[a] for a in out), *[arr for arr, _ in operands])


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
