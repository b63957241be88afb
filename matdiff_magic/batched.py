"""A function evaluated at many values of one variable in one pass: what the central differences
of ``finite`` need (f at x ± h eₖ for every entry k, or along a few directions).

Evaluating the tree once per value costs a walk of the tree and a small NumPy call per node per
value; here every node is evaluated once for the whole batch: subtrees without the variable once
(their value is the same for every value of it), the others as stacked arrays (batch, rows,
cols) by the rules below, which do what the operations' own evaluations do (``operations/``),
entry for entry. A node type with no rule here is evaluated by its own evaluation once per value,
its children's values handed to it, so every node type is covered. The values are the function's
values at those points, as evaluating it at each point gives (up to the last bits of rounding
NumPy's stacked products may order differently): nothing is taken from the derivation.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from matdiff_magic.numeric import Env, Evaluator
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.elementwise import ELEMENTWISE
from matdiff_magic.tree.query import variable_occurs

# The largest stacked array one pass may build (entries); a larger batch is cut into parts.
MAX_BATCH_ENTRIES = 1_000_000


def values_at(f: Expr, wrt: N.Var, env: Env, points: list[np.ndarray]) -> np.ndarray:
    """f evaluated at ``env`` with ``wrt`` set to each of ``points`` (arrays of its shape):
    an array (len(points), rows, cols)."""
    if not points:
        return np.zeros((0, env.size(f.rows), env.size(f.cols)))
    largest = max(env.size(n.rows) * env.size(n.cols) for n in f.distinct())
    part = max(1, MAX_BATCH_ENTRIES // max(largest, 1))
    outs = [_Batch(f, wrt, env, points[i : i + part]).value(f) for i in range(0, len(points), part)]
    return np.concatenate(outs, axis=0) if len(outs) > 1 else outs[0]


class _Batch:
    """One pass over f for one batch of values of ``wrt``."""

    def __init__(self, f: Expr, wrt: N.Var, env: Env, points: list[np.ndarray]) -> None:
        self.env = env
        self.wrt = wrt
        self.points = points
        self.stacked = np.stack([np.asarray(p, dtype=float) for p in points])
        self.varies = variable_occurs(wrt.name)
        # as central differences evaluate f: the values and sizes only (no directions)
        self.constant = Evaluator(Env(env.values, env.sizes))  # subtrees without the variable
        self.memo: dict[Expr, np.ndarray] = {}
        self._each: list[Evaluator] | None = None

    def value(self, e: Expr) -> np.ndarray:
        """e's values: (batch, rows, cols), or (rows, cols) where e does not vary."""
        if not self.varies(e):
            return np.asarray(self.constant(e), dtype=float)
        found = self.memo.get(e)
        if found is None:
            rule = RULES.get(type(e))
            found = rule(self, e) if rule is not None else self._one_by_one(e)
            self.memo[e] = found
        return found

    def _one_by_one(self, e: Expr) -> np.ndarray:
        """e by its own evaluation at each point, its children's values given."""
        if self._each is None:
            self._each = []
            for p in self.points:
                values = dict(self.env.values)
                values[self.wrt.name] = p
                self._each.append(Evaluator(Env(values, self.env.sizes)))
        children = [(c, self.value(c)) for c in e.args]
        out = []
        for b, ev in enumerate(self._each):
            for c, v in children:
                ev._memo[c] = v[b] if v.ndim == 3 else v
            out.append(np.asarray(ev(e), dtype=float))
        return np.stack(out)


def _scalars(v: np.ndarray) -> np.ndarray | float:
    """The 1×1 values as numbers: one per point, or one."""
    return v[:, 0, 0] if v.ndim == 3 else v[0, 0]


def _rows(c: np.ndarray | float) -> np.ndarray | float:
    """Numbers, one per point, as a factor of (batch, rows, cols) arrays."""
    return c[:, None, None] if isinstance(c, np.ndarray) else c


def _var(b: _Batch, e: N.Var) -> np.ndarray:
    return b.stacked  # the only variable that varies is wrt


def _named(b: _Batch, e: N.Named) -> np.ndarray:
    return b.value(e.body)


def _add(b: _Batch, e: N.Add) -> np.ndarray:
    total = b.value(e.terms[0])
    for t in e.terms[1:]:
        total = total + b.value(t)
    return total


def _mul(b: _Batch, e: N.Mul) -> np.ndarray:
    c = b.env.number(e.coeff)
    with np.errstate(all="ignore"):  # inf · 0 is NaN, reported by whoever needs the value
        for s in e.scalars:
            c = c * _scalars(b.value(s))
        if e.body is None:
            return np.asarray(c, dtype=float).reshape(-1, 1, 1)
        return _rows(c) * b.value(e.body)


def _mat_mul(b: _Batch, e: N.MatMul) -> np.ndarray:
    out = b.value(e.factors[0])
    for f in e.factors[1:]:
        out = np.matmul(out, b.value(f))
    return out


def _transpose(b: _Batch, e: N.Transpose) -> np.ndarray:
    return np.swapaxes(b.value(e.arg), -1, -2)


def _trace(b: _Batch, e: N.Trace) -> np.ndarray:
    return np.trace(b.value(e.arg), axis1=-2, axis2=-1).reshape(-1, 1, 1)


def _hadamard(b: _Batch, e: N.Hadamard) -> np.ndarray:
    out = b.value(e.factors[0])
    for f in e.factors[1:]:
        out = out * b.value(f)
    return out


def _hadamard_div(b: _Batch, e: N.HadamardDiv) -> np.ndarray:
    with np.errstate(all="ignore"):
        return b.value(e.num) / b.value(e.den)


def _hadamard_pow(b: _Batch, e: N.HadamardPow) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.power(b.value(e.base), b.env.number(e.exponent))


def _power(b: _Batch, e: N.Power) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.power(b.value(e.base), b.value(e.exponent))


def _elementwise(b: _Batch, e: N.Elementwise) -> np.ndarray:
    with np.errstate(all="ignore"):  # an entrywise function: entry for entry, any shape
        return ELEMENTWISE[e.func].numpy(b.value(e.arg))


# By exact type: a subclass may evaluate differently, and goes one point at a time.
RULES: dict[type, Callable[[_Batch, Expr], np.ndarray]] = {
    N.Var: _var,
    N.Named: _named,
    N.Add: _add,
    N.Mul: _mul,
    N.MatMul: _mat_mul,
    N.Transpose: _transpose,
    N.Trace: _trace,
    N.Hadamard: _hadamard,
    N.HadamardDiv: _hadamard_div,
    N.HadamardPow: _hadamard_pow,
    N.Power: _power,
    N.Elementwise: _elementwise,
}
