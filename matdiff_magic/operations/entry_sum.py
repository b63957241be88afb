"""sum(X): the sum of all entries, 𝟏ᵀ X 𝟏."""

from __future__ import annotations

import numpy as np
import sympy

from matdiff_magic.dims import ONE
from matdiff_magic.index.convert import summed
from matdiff_magic.language.functions import FunctionSpec, register_function
from matdiff_magic.operations.define import called, define
from matdiff_magic.rules import trace as T
from matdiff_magic.rules import vectorization as V
from matdiff_magic.rules.adjoint import deflinear, times
from matdiff_magic.rules.diffrule import row
from matdiff_magic.to_sympy import scalar
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N


def _entry(c, e, i, j):
    p, q = c.space.fresh(e.arg.rows), c.space.fresh(e.arg.cols)
    return summed(c.entry(e.arg, p, q), [(p, e.arg.rows), (q, e.arg.cols)])


def _sympy(e, go):
    arg = go(e.arg)
    if e.arg.is_scalar:
        return scalar(arg)
    rows, cols = e.arg.shape
    return (sympy.OneMatrix(1, rows) * arg * sympy.OneMatrix(cols, 1))[0, 0]


define(
    N.Sum,
    evaluate=lambda ev, e: np.array([[np.sum(ev(e.arg))]]),
    latex=called("sum"),
    text=called("sum"),
    code={"*": lambda p, e: p.call(p.fn("sum"), e.arg)},
    sympy=_sympy,
    entry=_entry,
)
register_function(FunctionSpec("sum", 1, B.total, "sum of all entries", scalar=True))
row(
    "d.sum_entries",
    N.Sum,
    "sum of entries rule",
    "元素和的微分",
    r"\mathrm{d}\operatorname{sum}(X) = \operatorname{sum}(\mathrm{d}X)",
    "Summing the entries is linear.",
    "求元素和是线性运算。",
    lambda e, d: B.total(d(e.arg)),
)


def _trace_step(m, e, has):
    ones = B.ones(e.arg.cols, e.arg.rows)
    return T.SUM, ones if m is None else B.mul(m, ones), e.arg


def _vec_step(j, e, has):
    return V.SUM, times(j, B.ones(ONE, e.arg.rows * e.arg.cols)), e.arg


deflinear(N.Sum, trace=_trace_step, vec=_vec_step)
