"""Sums and scalar multiples (a number times scalars times at most one matrix body)."""

from __future__ import annotations

import numpy as np
import sympy

from matdiff_magic.dims import ONE
from matdiff_magic.operations.define import define
from matdiff_magic.printing import base as P
from matdiff_magic.printing import numpy_printer as C
from matdiff_magic.rules import trace as T
from matdiff_magic.rules import vectorization as V
from matdiff_magic.rules.adjoint import Has, Weight, deflinear, index_of_dx, times
from matdiff_magic.rules.diffrule import Differentiate, product_rule, row
from matdiff_magic.to_sympy import scalar
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr


# -- sum ------------------------------------------------------------------------------------------
def _base_add(self, e: N.Add) -> str:
    out = []
    for i, term in enumerate(e.terms):
        negative, body = self._split_sign(term)
        s = self.wrap(body, P.ADD + 1) if body is not None else ""
        if i == 0:
            out.append((self.NEG_SIGN + s) if negative else s)
        else:
            out.append((self.MINUS if negative else self.PLUS) + s)
    return "".join(out)


def _ascii_add(self, e: N.Add) -> str:
    out = []
    for i, term in enumerate(e.terms):
        negative, body = self._split_sign(term)
        if body is not None and self._broadcast_one(body, e.terms):
            s = "1"
        else:
            s = self.wrap(body, P.ADD + 1) if body is not None else ""
        if i == 0:
            out.append((self.NEG_SIGN + s) if negative else s)
        else:
            out.append((self.MINUS if negative else self.PLUS) + s)
    return "".join(out)


def _numpy_add(self, e: N.Add) -> tuple[str, int]:
    out = []
    for i, term in enumerate(e.terms):
        negative, body = C.split_sign(term)
        if i == 0:
            out.append(
                "-" + self.operand(body, C.UNARY + 1) if negative else self.operand(body, C.ADD)
            )
        else:
            out.append((" - " if negative else " + ") + self.operand(body, C.ADD + 1))
    return "".join(out), C.ADD


def _eval_add(self, e: N.Add) -> np.ndarray:
    total = self(e.terms[0])
    for t in e.terms[1:]:
        total = total + self(t)
    return total


def _sympy_add(e, go):
    terms = [go(t) for t in e.terms]
    if e.is_scalar:
        return sympy.Add(*[scalar(t) for t in terms])
    return sympy.MatAdd(*terms).doit()


define(
    N.Add,
    evaluate=_eval_add,
    latex=_base_add,
    text=_base_add,
    ascii=_ascii_add,
    code={"*": _numpy_add},
    sympy=_sympy_add,
    entry=lambda c, e, i, j: sympy.Add(*[c.entry(t, i, j) for t in e.terms]),
    precedence=P.ADD,
)
row(
    "d.sum",
    N.Add,
    "sum rule",
    "加减法则",
    r"\mathrm{d}(X \pm Y) = \mathrm{d}X \pm \mathrm{d}Y",
    "The differential of a sum is the sum of the differentials.",
    "和的微分等于微分的和。",
    lambda e, d: B.add(*[d(t) for t in e.terms]),
)


# -- scalar multiple ------------------------------------------------------------------------------
def _base_mul(self, e: N.Mul) -> str:
    from matdiff_magic.tree import build

    coeff = e.coeff
    negative = P.is_negative(coeff)
    if negative:
        coeff = -coeff
    p, q = sympy.fraction(coeff)
    top: list[Expr] = []
    bottom: list[Expr] = []
    for s in e.scalars:
        if (
            isinstance(s, N.Power)
            and isinstance(s.exponent, N.Const)
            and P.is_negative(s.exponent.value)
        ):
            bottom.append(build.power(s.base, N.Const(-s.exponent.value)))
        else:
            top.append(s)
    sign = self.NEG_SIGN if negative else ""
    body = e.body
    simple_body = body is not None and (
        self.precedence(body) >= P.POW
        or (isinstance(body, N.Add | N.MatMul) and not body.is_scalar and not top)
    )
    if bottom or q != 1:
        den = ([self.number(q)] if q != 1 else []) + [
            self._scalar_factor(b, last=len(bottom) == 1 and q == 1) for b in bottom
        ]
        num_items = top + ([body] if simple_body else [])
        alone = len(num_items) == 1 and p == 1
        num = ([self.number(p)] if p != 1 else []) + [
            self._scalar_factor(t, last=alone)
            if t is not body
            else (self._print(t) if alone else self._body(t))
            for t in num_items
        ]
        top_text, bottom_text = self.PRODUCT_SEP.join(num) or "1", self.PRODUCT_SEP.join(den)
        if body is not None and not simple_body:
            head = self.frac_before_factor(top_text, bottom_text)
            return sign + head + self.PRODUCT_SEP + self._body(body)
        return sign + self.frac(top_text, bottom_text)
    parts = [self.number(p)] if p != 1 else []
    # (aᵀ x) (bᵀ x): a product-valued scalar needs parentheses unless it stands alone.
    parts += [self._scalar_factor(t, last=(len(top) == 1 and body is None)) for t in top]
    if isinstance(body, N.Hadamard | N.HadamardDiv):
        # c (a ⊙ b) = (c a) ⊙ b, however it is read: no parentheses needed (2 a ⊙ x, -a ⊙ b)
        parts.append(self._print(body))
    elif body is not None:
        parts.append(self._body(body))
    return sign + self.PRODUCT_SEP.join(parts)


def _numpy_mul(self, e: N.Mul) -> tuple[str, int]:
    coeff = e.coeff
    negative = bool(coeff.could_extract_minus_sign())
    if negative:
        coeff = -coeff
    p, q = sympy.fraction(coeff)
    top: list[tuple[str, int]] = [self.dim(p)] if p != 1 else []
    bottom: list[tuple[str, int]] = [self.dim(q)] if q != 1 else []
    for f in (*e.scalars, *((e.body,) if e.body is not None else ())):
        exponent = f.exponent if isinstance(f, N.Power) else None
        if isinstance(exponent, N.Const) and exponent.value.is_negative:
            k = -exponent.value
            base = self._print(f.base)
            if k == 1:
                bottom.append(base)
            else:
                power = C.wrap(base, C.ATOM) + " ** " + C.wrap(self.dim(k), C.POW + 1)
                bottom.append((power, C.POW))
        else:
            top.append(self._print(f))
    if len(top) == 1 and not bottom:
        code, prec = top[0]
    else:
        # Only a leading number goes unparenthesized: (1ᵀ y) * s, not 1ᵀ @ y * s.
        first = C.MUL if p != 1 else C.MUL + 1
        parts = [C.wrap(t, first if i == 0 else C.MUL + 1) for i, t in enumerate(top)] or ["1"]
        code = " * ".join(parts) + "".join(" / " + C.wrap(b, C.MUL + 1) for b in bottom)
        prec = C.MUL
    if negative:
        return "-" + C.wrap((code, prec), C.UNARY + 1), C.UNARY
    return code, prec


def _eval_mul(self, e: N.Mul) -> np.ndarray:
    c = self.env.number(e.coeff)
    with np.errstate(all="ignore"):  # inf · 0 is NaN, reported by whoever needs the value
        for s in e.scalars:
            c = c * self(s)[0, 0]
        return np.array([[c]]) if e.body is None else c * self(e.body)


def _sympy_mul(e, go):
    c = e.coeff
    for s in e.scalars:
        c = c * scalar(go(s))
    return c if e.body is None else c * go(e.body)


def _entry_mul(c, e, i, j):
    parts = [e.coeff] + [c.entry(s, ONE, ONE) for s in e.scalars]
    if e.body is not None:
        parts.append(c.entry(e.body, i, j))
    return sympy.Mul(*parts)


def _d_scaled(node: Expr, d: Differentiate) -> Expr:
    assert isinstance(node, N.Mul)
    return product_rule(node, d, lambda *factors: B.make_mul(node.coeff, (), B.matmul(*factors)))


def _trace_mul(m: Weight, e: Expr, has: Has):
    factors = e.factors
    i = index_of_dx(factors, has)
    f = factors[i]
    others = B.make_mul(
        e.coeff,
        [s for k, s in enumerate(e.scalars) if k != i],
        e.body if i < len(e.scalars) else None,
    )
    if i == len(e.scalars) and e.body is not None:  # dX is in the body
        return T.SCALAR_FACTOR, times(m, others) if m is not None else others, f
    weight = others if m is None else B.trace(B.mul(m, others))
    return T.SCALAR_FACTOR, weight, f


def _vec_mul(j: Weight, e: Expr, has: Has):
    factors = e.factors
    i = index_of_dx(factors, has)
    f = factors[i]
    if i == len(e.scalars) and e.body is not None:
        scale = B.make_mul(e.coeff, e.scalars, None)
        return V.SCALAR, scale if j is None else B.mul(scale, j), f
    rest = B.make_mul(e.coeff, [s for k, s in enumerate(e.scalars) if k != i], e.body)
    return V.SCALAR, times(j, B.vec(rest)), f


define(
    N.Mul,
    evaluate=_eval_mul,
    latex=_base_mul,
    text=_base_mul,
    code={"*": _numpy_mul},
    sympy=_sympy_mul,
    entry=_entry_mul,
    precedence=lambda e: P.NEG if P.is_negative(e.coeff) else P.MUL,
)
row(
    "d.scale",
    N.Mul,
    "scalar product rule",
    "数乘法则",
    r"\mathrm{d}(\alpha X) = (\mathrm{d}\alpha) X + \alpha\, \mathrm{d}X",
    "A product with scalar factors: differentiate one factor at a time.",
    "含标量因子的乘积：逐个因子求微分再相加。",
    _d_scaled,
)
deflinear(N.Mul, trace=_trace_mul, vec=_vec_mul)
