"""The printer shared by LaTeX and plain text: structure, precedence and parentheses.

Dispatch is by node class (``_print_<ClassName>``), like SymPy's printers. Subclasses supply
the notation (``Notation`` methods); this class decides where parentheses go.
"""

from __future__ import annotations

import sympy

from matdiff_magic.dims import ONE
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.dispatch import handler

ADD, NEG, MUL, POW, ATOM = 10, 15, 20, 30, 40


class Printer:
    """Subclasses define the notation hooks below and the per-node methods they change."""

    def __init__(self) -> None:
        self._memo: dict[Expr, str] = {}

    # -- notation hooks (overridden) ------------------------------------------------------
    def paren(self, s: str) -> str:
        raise NotImplementedError

    def frac(self, num: str, den: str) -> str:
        raise NotImplementedError

    def sup(self, base: str, exponent: str) -> str:
        raise NotImplementedError

    def number(self, value: sympy.Expr) -> str:
        raise NotImplementedError

    def call(self, name: str, arg: str) -> str:
        raise NotImplementedError

    def var(self, name: str) -> str:
        raise NotImplementedError

    PRODUCT_SEP = " "
    HADAMARD = " ⊙ "
    HADAMARD_DIV = " ⊘ "
    KRON = " ⊗ "
    PLUS = " + "
    MINUS = " - "
    NEG_SIGN = "-"

    # -- dispatch ----------------------------------------------------------------------------
    def doprint(self, e: Expr) -> str:
        return self._print(e)

    def _print(self, e: Expr) -> str:
        key = e
        found = self._memo.get(key)
        if found is None:
            method = handler(self, "_print_", e)
            if method is not None:
                found = method(e)
            else:
                # Extension point: a node class defined outside the core prints itself.
                found = e._print_with(self)  # type: ignore[attr-defined]
            self._memo[key] = found
        return found

    # -- precedence --------------------------------------------------------------------------
    def precedence(self, e: Expr) -> int:
        if isinstance(e, N.Add):
            return ADD
        if isinstance(e, N.Mul):
            return NEG if _negative(e.coeff) else MUL
        if isinstance(e, N.MatMul | N.Hadamard | N.HadamardDiv | N.Kron):
            return MUL
        if isinstance(e, N.Transpose | N.Inverse | N.MatPow | N.HadamardPow):
            return POW
        if isinstance(e, N.Power):
            return POW if not _is_fraction_power(e) else MUL
        if isinstance(e, N.Const):
            v = e.value
            if _negative(v):
                return NEG
            if v.is_Integer or v.is_Symbol:
                return ATOM
            return MUL
        return ATOM

    def wrap(self, e: Expr, needs: int) -> str:
        s = self._print(e)
        return self.paren(s) if self.precedence(e) < needs else s

    # -- leaves -------------------------------------------------------------------------------
    def _print_Var(self, e: N.Var) -> str:
        return self.var(e.name)

    def _print_Const(self, e: N.Const) -> str:
        return self.number(e.value)

    def _print_Opaque(self, e: N.Opaque) -> str:
        raise NotImplementedError

    # -- algebra ------------------------------------------------------------------------------
    def _print_Add(self, e: N.Add) -> str:
        out = []
        for i, term in enumerate(e.terms):
            negative, body = self._split_sign(term)
            s = self.wrap(body, ADD + 1) if body is not None else ""
            if i == 0:
                out.append((self.NEG_SIGN + s) if negative else s)
            else:
                out.append((self.MINUS if negative else self.PLUS) + s)
        return "".join(out)

    def _split_sign(self, term: Expr) -> tuple[bool, Expr | None]:
        """(is the term negative, the term without its sign)."""
        if isinstance(term, N.Mul) and _negative(term.coeff):
            from matdiff_magic.tree import build

            return True, build.make_mul(-term.coeff, term.scalars, term.body)
        if isinstance(term, N.Const) and _negative(term.value):
            return True, N.Const(-term.value)
        return False, term

    def _print_Mul(self, e: N.Mul) -> str:
        from matdiff_magic.tree import build

        coeff = e.coeff
        negative = _negative(coeff)
        if negative:
            coeff = -coeff
        p, q = sympy.fraction(coeff)
        top: list[Expr] = []
        bottom: list[Expr] = []
        for s in e.scalars:
            if (
                isinstance(s, N.Power)
                and isinstance(s.exponent, N.Const)
                and _negative(s.exponent.value)
            ):
                bottom.append(build.power(s.base, N.Const(-s.exponent.value)))
            else:
                top.append(s)
        sign = self.NEG_SIGN if negative else ""
        body = e.body
        simple_body = body is not None and (
            self.precedence(body) >= POW
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
            head = self.frac(self.PRODUCT_SEP.join(num) or "1", self.PRODUCT_SEP.join(den))
            if body is not None and not simple_body:
                return sign + head + self.PRODUCT_SEP + self._body(body)
            return sign + head
        if negative and p == 1 and not top and isinstance(body, N.Hadamard | N.HadamardDiv):
            return sign + self._print(body)  # -(a ⊙ b) = (-a) ⊙ b: no parentheses needed
        parts = [self.number(p)] if p != 1 else []
        # (aᵀ x) (bᵀ x): a product-valued scalar needs parentheses unless it stands alone.
        parts += [self._scalar_factor(t, last=(len(top) == 1 and body is None)) for t in top]
        if body is not None:
            parts.append(self._body(body))
        return sign + self.PRODUCT_SEP.join(parts)

    def _scalar_factor(self, s: Expr, last: bool) -> str:
        if isinstance(s, N.MatMul | N.Hadamard | N.Kron | N.HadamardDiv):
            return self._print(s) if last else self.paren(self._print(s))
        return self.wrap(s, POW)

    def _body(self, body: Expr) -> str:
        if isinstance(body, N.Add | N.Hadamard | N.HadamardDiv | N.Kron):
            return self.paren(self._print(body))
        return self.wrap(body, MUL)

    def _print_MatMul(self, e: N.MatMul) -> str:
        return self.PRODUCT_SEP.join(self._factor(f) for f in e.factors)

    def _factor(self, f: Expr) -> str:
        if isinstance(f, N.Add | N.Mul | N.Hadamard | N.HadamardDiv | N.Kron | N.MatMul):
            return self.paren(self._print(f))
        return self.wrap(f, POW)

    def _print_Hadamard(self, e: N.Hadamard) -> str:
        return self.HADAMARD.join(self._elementwise_operand(f) for f in e.factors)

    def _print_HadamardDiv(self, e: N.HadamardDiv) -> str:
        return (
            self._elementwise_operand(e.num) + self.HADAMARD_DIV + self._elementwise_operand(e.den)
        )

    def _elementwise_operand(self, f: Expr) -> str:
        if isinstance(f, N.Add | N.Mul | N.MatMul | N.Kron | N.HadamardDiv | N.Hadamard):
            return self.paren(self._print(f))
        return self.wrap(f, POW)

    def _kron_operand(self, f: Expr, index: int) -> str:
        if isinstance(f, N.Kron) and index == 0:
            return self._print(f)
        if isinstance(f, N.Add | N.Mul | N.MatMul | N.Hadamard | N.HadamardDiv | N.Kron):
            return self.paren(self._print(f))
        if isinstance(f, N.Identity):
            return self._identity_sized(f)
        if isinstance(f, N.Transpose) and isinstance(f.arg, N.Identity):
            return self._identity_sized(f.arg) + self._print(N.Transpose(N.Var("", ONE, ONE)))
        return self.wrap(f, POW)

    def _identity_sized(self, e: N.Identity) -> str:
        return self._print(e)

    def _base(self, e: Expr) -> str:
        """An operand of a postfix operator (transpose, inverse, power)."""
        if isinstance(e, N.Opaque) and ("/" in e.text or "\\frac" in e.latex):
            return self.paren(self._print(e))  # (∂l/∂e)ᵀ, not ∂l/∂eᵀ
        return self.wrap(e, ATOM)


def _negative(v: sympy.Expr) -> bool:
    try:
        return bool(v.could_extract_minus_sign())
    except (AttributeError, TypeError):
        return False


def _is_fraction_power(e: N.Power) -> bool:
    return isinstance(e.exponent, N.Const) and (
        _negative(e.exponent.value) or e.exponent.value == sympy.Rational(1, 2)
    )


def is_vector_shaped(e: Expr) -> bool:
    return e.cols == ONE or e.rows == ONE
