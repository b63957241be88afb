"""A scalar raised to a scalar power (a^b; √a for b = 1/2)."""

from __future__ import annotations

import numpy as np
import sympy

from matdiff_magic.dims import ONE
from matdiff_magic.operations.define import define
from matdiff_magic.printing import base as P
from matdiff_magic.printing import numpy_printer as C
from matdiff_magic.rules.diffrule import Differentiate, row
from matdiff_magic.to_sympy import scalar
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr


# -- scalar power ---------------------------------------------------------------------------------
def _latex_power(self, e: N.Power) -> str:
    if isinstance(e.exponent, N.Const):
        k = e.exponent.value
        if k == sympy.Rational(1, 2):
            return r"\sqrt{" + self._print(e.base) + "}"
        if k == -1:
            return self.frac("1", self._print(e.base))
        if k == sympy.Rational(-1, 2):
            return self.frac("1", r"\sqrt{" + self._print(e.base) + "}")
        if k.is_negative:
            return self.frac("1", self._power_base(e.base) + "^{" + self.number(-k) + "}")
        return self._power_base(e.base) + "^{" + self.number(k) + "}"
    return self._power_base(e.base) + "^{" + self._print(e.exponent) + "}"


def _text_power(self, e: N.Power) -> str:
    if isinstance(e.exponent, N.Const):
        k = e.exponent.value
        if k == sympy.Rational(1, 2):
            return "√(" + self._print(e.base) + ")"
        if k == -1:
            return self.frac("1", self._power_base(e.base))
        if k.is_negative:
            return self.frac("1", self.sup(self._power_base(e.base), str(-k)))
        return self.sup(self._power_base(e.base), str(k))
    return self._power_base(e.base) + "^(" + self._print(e.exponent) + ")"


def _ascii_power(self, e: N.Power) -> str:
    if isinstance(e.exponent, N.Const) and e.exponent.value == sympy.Rational(1, 2):
        return "sqrt(" + self._print(e.base) + ")"
    return _text_power(self, e)


def _numpy_power(self, e: N.Power) -> tuple[str, int]:
    if isinstance(e.exponent, N.Const):
        k = e.exponent.value
        if k == sympy.Rational(1, 2):
            return self.call(self.fn("sqrt"), e.base)
        exponent = self._dim_operand(k, C.POW + 1) if k >= 0 else "(" + self.dim(k)[0] + ")"
    else:
        exponent = self.operand(e.exponent, C.POW + 1)
    return self.operand(e.base, C.ATOM) + " ** " + exponent, C.POW


def _eval_power(self, e: N.Power) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.power(self(e.base), self(e.exponent))


def _d_power(node: Expr, d: Differentiate) -> Expr:
    base, exponent = node.base, node.exponent
    db, de = d(base), d(exponent)
    terms = []
    if not isinstance(db, N.Zero):
        terms.append(B.mul(B.mul(exponent, B.power(base, B.sub(exponent, B.const(1)))), db))
    if not isinstance(de, N.Zero):
        terms.append(B.mul(B.mul(node, B.elementwise("log", base)), de))
    return B.add(*terms) if terms else B.zero_like(node)


def _power_precedence(e: N.Power) -> int:
    """a^(-1) and √a print as fractions and roots: they bind like a product."""
    k = e.exponent
    fraction = isinstance(k, N.Const) and (
        P.is_negative(k.value) or k.value == sympy.Rational(1, 2)
    )
    return P.MUL if fraction else P.POW


define(
    N.Power,
    evaluate=_eval_power,
    latex=_latex_power,
    text=_text_power,
    ascii=_ascii_power,
    code={"*": _numpy_power},
    sympy=lambda e, go: sympy.Pow(scalar(go(e.base)), scalar(go(e.exponent))),
    entry=lambda c, e, i, j: c.entry(e.base, ONE, ONE) ** c.entry(e.exponent, ONE, ONE),
    precedence=_power_precedence,
)
row(
    "d.power",
    N.Power,
    "power rule",
    "幂函数的微分",
    r"\mathrm{d}(a^{k}) = k a^{k-1}\, \mathrm{d}a",
    "The scalar power rule (with d(a^b) = a^b (log a db + b da / a) for a variable exponent).",
    "标量的幂法则（指数也含变量时 d(a^b) = a^b (log a db + b da / a)）。",
    _d_power,
)
