"""tr(X): the trace of a square matrix."""

from __future__ import annotations

import numpy as np
import sympy

from matdiff_magic.index.convert import summed
from matdiff_magic.language.functions import FunctionSpec, register_function
from matdiff_magic.operations.define import called, define
from matdiff_magic.rules import trace as T
from matdiff_magic.rules import vectorization as V
from matdiff_magic.rules.adjoint import deflinear, times
from matdiff_magic.rules.diffrule import row
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N


def _entry(c, e, i, j):
    p = c.space.fresh(e.arg.rows)
    return summed(c.entry(e.arg, p, p), [(p, e.arg.rows)])


define(
    N.Trace,
    evaluate=lambda ev, e: np.array([[np.trace(ev(e.arg))]]),
    latex=called("tr"),
    text=called("tr"),
    code={"*": lambda p, e: p.call(p.fn("trace"), e.arg)},
    sympy=lambda e, go: sympy.Trace(go(e.arg)),
    entry=_entry,
)
register_function(
    FunctionSpec("tr", 1, B.trace, "trace of a square matrix", ("trace",), scalar=True)
)
row(
    "d.trace",
    N.Trace,
    "trace rule",
    "迹的微分",
    r"\mathrm{d}\operatorname{tr}(X) = "
    r"\operatorname{tr}(\mathrm{d}X)",
    "d and tr commute: both are linear.",
    "微分与迹可以交换次序（两者都是线性运算）。",
    lambda e, d: B.trace(d(e.arg)),
)
deflinear(
    N.Trace,
    trace=lambda m, e, has: ((None if m is None else T.TRACE), m, e.arg),
    vec=lambda j, e, has: (V.TRACE, times(j, B.transpose(B.vec(B.identity(e.arg.rows)))), e.arg),
)
