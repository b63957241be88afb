"""LaTeX for expressions (only commands MathJax 3 renders)."""

from __future__ import annotations

import sympy

from matdiff_magic.dims import ONE
from matdiff_magic.printing.base import ATOM, Printer
from matdiff_magic.printing.names import latex_name
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.elementwise import ELEMENTWISE


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
    def _print_Identity(self, e: N.Identity) -> str:
        return "I"

    def _identity_sized(self, e: N.Identity) -> str:
        return "I_{" + latex_dim(e.n) + "}"

    def _print_Zero(self, e: N.Zero) -> str:
        return "0"

    def _print_Ones(self, e: N.Ones) -> str:
        if e.rows == ONE:
            return r"\mathbf{1}^{T}"
        if e.cols == ONE:
            return r"\mathbf{1}"
        return r"\mathbf{1}_{" + latex_dim(e.rows) + r" \times " + latex_dim(e.cols) + "}"

    def _print_Commutation(self, e: N.Commutation) -> str:
        return "K_{" + latex_dim(e.m) + "," + latex_dim(e.n) + "}"

    def _print_Differential(self, e: N.Differential) -> str:
        return r"\mathrm{d}" + latex_name(e.var.name)

    def _print_Opaque(self, e: N.Opaque) -> str:
        return e.latex

    def _print_Named(self, e: N.Named) -> str:
        return latex_name(e.name)

    def _print_D(self, e: N.D) -> str:
        if isinstance(e.arg, N.Var | N.Named):
            return r"\mathrm{d}" + self._print(e.arg)
        return r"\mathrm{d}" + self.paren(self._print(e.arg))

    # -- postfix ----------------------------------------------------------------------------
    def _print_Transpose(self, e: N.Transpose) -> str:
        if isinstance(e.arg, N.Inverse):
            return self._base(e.arg.arg) + "^{-T}"
        if isinstance(e.arg, N.Differential):
            return self._print(e.arg) + "^{T}"
        return self._base(e.arg) + "^{T}"

    def _print_Power(self, e: N.Power) -> str:
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

    def _power_base(self, base: Expr) -> str:
        # A scalar like x^T x needs parentheses before ^2; so does a function call with \left.
        s = self._print(base)
        if self.precedence(base) < ATOM or isinstance(base, N.Transpose | N.Power):
            return self.paren(s)
        return s

    def _print_HadamardPow(self, e: N.HadamardPow) -> str:
        return self._base(e.base) + r"^{\circ " + self.number(e.exponent) + "}"

    # -- entrywise functions (the other functions: matdiff_magic/operations) --------------
    def _print_Elementwise(self, e: N.Elementwise) -> str:
        return ELEMENTWISE[e.func].latex.format(self._print(e.arg))


def latex(e: Expr) -> str:
    """The LaTeX of an expression (no surrounding $)."""
    return LatexPrinter().doprint(e)
