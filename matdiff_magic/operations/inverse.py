"""inv(X) = X⁻¹ of a square matrix (printed as a postfix power; X⁻ᵀ is the transpose's)."""

from __future__ import annotations

import numpy as np
import sympy

from matdiff_magic.domain_edges import well_conditioned
from matdiff_magic.errors import EvaluationError
from matdiff_magic.language.functions import FunctionSpec, register_function
from matdiff_magic.messages import Msg
from matdiff_magic.operations.define import define
from matdiff_magic.printing import base as P
from matdiff_magic.rules.diffrule import row
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr


def _evaluate(ev, e):
    try:
        return np.linalg.inv(ev(e.arg))
    except np.linalg.LinAlgError:
        raise EvaluationError(Msg("eval.singular")) from None


def _code(p, e):
    if isinstance(e.arg, N.DiagMat):  # diag(v)⁻¹, as books print it: no O(n³) inverse
        v = e.arg.arg
        return p._print(N.DiagMat(N.HadamardDiv(N.Ones(v.rows, v.cols), v)))
    if isinstance(e.arg, N.MatPow) and isinstance(e.arg.arg, N.DiagMat):  # diag(v)⁻ᵏ
        v = e.arg.arg.arg
        ones = N.Ones(v.rows, v.cols)
        return p._print(N.DiagMat(N.HadamardDiv(ones, B.hadamard_pow(v, e.arg.k))))
    return p.call(p.fn("linalg.inv"), e.arg)


def _power(e: N.Inverse) -> tuple[Expr, int]:
    """(X^k)⁻¹ is written X⁻ᵏ, as books do: the base and the (negative) exponent."""
    if isinstance(e.arg, N.MatPow):
        return e.arg.arg, -e.arg.k
    return e.arg, -1


define(
    N.Inverse,
    evaluate=_evaluate,
    latex=lambda p, e: p._base(_power(e)[0]) + "^{" + str(_power(e)[1]) + "}",
    text=lambda p, e: p.sup(p._base(_power(e)[0]), str(_power(e)[1])),
    ascii=lambda p, e: p.sup(p._base(_power(e)[0]), str(_power(e)[1])),
    code={"*": _code},
    sympy=lambda e, go: sympy.Inverse(go(e.arg)),
    no_entry=Msg("op.the_inverse"),
    edge=well_conditioned,
    precedence=P.POW,
)
register_function(FunctionSpec("inv", 1, B.inverse, "inverse X^{-1}", ("inverse",)))
row(
    "d.inverse",
    N.Inverse,
    "inverse rule",
    "逆矩阵的微分",
    r"\mathrm{d}X^{-1} = -X^{-1}\, \mathrm{d}X\, X^{-1}",
    "Take d of X X^{-1} = I: dX X^{-1} + X dX^{-1} = 0.",
    "对 X X^{-1} = I 两边求微分：dX X^{-1} + X dX^{-1} = 0。",
    lambda e, d: B.neg(B.matmul(e, d(e.arg), e)),
)
