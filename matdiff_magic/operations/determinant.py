"""det(X) = |X| and logdet(X) = log|X| of a square matrix."""

from __future__ import annotations

import numpy as np
import sympy

from matdiff_magic.domain_edges import well_conditioned
from matdiff_magic.language.functions import FunctionSpec, register_function
from matdiff_magic.messages import Msg
from matdiff_magic.operations.define import called, define
from matdiff_magic.printing.numpy_printer import ATOM
from matdiff_magic.rules.diffrule import row
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N


def _logabsdet(ev, e):
    # log|det X|: its differential tr(X^{-1} dX) holds whatever the sign of det X.
    _, logabs = np.linalg.slogdet(ev(e.arg))
    return np.array([[logabs]])


define(
    N.Det,
    evaluate=lambda ev, e: np.array([[np.linalg.det(ev(e.arg))]]),
    latex=lambda p, e: r"\left|" + p._print(e.arg) + r"\right|",
    text=lambda p, e: "|" + p._print(e.arg) + "|",
    ascii=called("det"),
    code={"*": lambda p, e: p.call(p.fn("linalg.det"), e.arg)},
    sympy=lambda e, go: sympy.Determinant(go(e.arg)),
    no_entry=Msg("op.det"),
    edge=well_conditioned,
)
define(
    N.LogDet,
    evaluate=_logabsdet,
    latex=lambda p, e: r"\log\left|" + p._print(e.arg) + r"\right|",
    text=lambda p, e: "log|" + p._print(e.arg) + "|",
    ascii=called("logdet"),
    code={"*": lambda p, e: (p.call(p.fn("linalg.slogdet"), e.arg)[0] + "[1]", ATOM)},
    sympy=lambda e, go: sympy.log(sympy.Determinant(go(e.arg))),
    no_entry=Msg("op.logdet"),
    edge=well_conditioned,
)
register_function(FunctionSpec("det", 1, B.det, "determinant |X|", scalar=True))
register_function(
    FunctionSpec("logdet", 1, B.logdet, "log of the determinant, log|X|", scalar=True)
)
row(
    "d.det",
    N.Det,
    "determinant rule",
    "行列式的微分",
    r"\mathrm{d}|X| = |X| \operatorname{tr}(X^{-1} \mathrm{d}X)",
    "Jacobi's formula (X invertible).",
    "雅可比公式（X 可逆时）。",
    lambda e, d: B.mul(e, B.trace(B.matmul(B.inverse(e.arg), d(e.arg)))),
)
row(
    "d.logdet",
    N.LogDet,
    "log-determinant rule",
    "对数行列式的微分",
    r"\mathrm{d}\log|X| = \operatorname{tr}(X^{-1} \mathrm{d}X)",
    "Jacobi's formula divided by |X|.",
    "雅可比公式两边除以 |X|。",
    lambda e, d: B.trace(B.matmul(B.inverse(e.arg), d(e.arg))),
)
