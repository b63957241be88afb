"""LaTeX for expressions (only commands MathJax 3 renders)."""

from __future__ import annotations

import sympy

from matdiff_magic.name_forms import latex_name
from matdiff_magic.printing.base import ATOM, Printer
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr


def latex_dim(d: sympy.Expr) -> str:
    if isinstance(d, sympy.Symbol):
        return latex_name(d.name)
    if isinstance(d, sympy.Mul):
        return " ".join(latex_dim(f) for f in sympy.Mul.make_args(d))
    return sympy.latex(d)


class LatexPrinter(Printer):
    PRODUCT_SEP = " "
    HADAMARD = r" \odot "
    HADAMARD_DIV = r" \oslash "
    KRON = r" \otimes "
    PLUS = " + "
    MINUS = " - "
    NEG_SIGN = "-"

    def paren(self, s: str) -> str:
        if r"\frac" in s or r"\sum" in s:
            return r"\left(" + s + r"\right)"
        return "(" + s + ")"

    def frac(self, num: str, den: str) -> str:
        return r"\frac{" + num + "}{" + den + "}"

    def sup(self, base: str, exponent: str) -> str:
        return base + "^{" + exponent + "}"

    def number(self, value: sympy.Expr) -> str:
        if value.is_Rational and not value.is_Integer:
            p, q = value.p, value.q
            sign = "-" if p < 0 else ""
            return sign + r"\frac{" + str(abs(p)) + "}{" + str(q) + "}"
        if value.is_Integer:
            return str(value)
        if value.is_Symbol or value.is_Mul:
            return latex_dim(value)
        return sympy.latex(value)

    def call(self, name: str, arg: str) -> str:
        return r"\operatorname{" + name + "}" + self.paren(arg)

    def var(self, name: str) -> str:
        return latex_name(name)

    # -- leaves -----------------------------------------------------------------------------
    def _identity_sized(self, e: N.Identity) -> str:
        return "I_{" + latex_dim(e.n) + "}"

    # -- postfix ----------------------------------------------------------------------------
    def _power_base(self, base: Expr) -> str:
        # A scalar like x^T x needs parentheses before ^2; so does a function call with \left.
        s = self._print(base)
        if self.precedence(base) < ATOM or isinstance(base, N.Transpose | N.Power):
            return self.paren(s)
        return s

    # -- entrywise functions (the other functions: matdiff_magic/operations) --------------

def latex(e: Expr) -> str:
    """The LaTeX of an expression (no surrounding $)."""
    return LatexPrinter().doprint(e)
