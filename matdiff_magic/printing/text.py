"""Readable Unicode text for expressions (terminal output, error messages, repr)."""

from __future__ import annotations

import sympy

from matdiff_magic.dims import ONE, dim_text
from matdiff_magic.printing.base import ATOM, Printer, is_vector_shaped
from matdiff_magic.printing.names import text_name
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.elementwise import ELEMENTWISE

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _wrapped(s: str) -> bool:
    """Whether s is one parenthesized group, like (a + b) but not (a) (b)."""
    if not (s.startswith("(") and s.endswith(")")):
        return False
    depth = 0
    for i, ch in enumerate(s):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and i < len(s) - 1:
            return False
    return True


def _grouped(s: str) -> str:
    single = len(s) > 1 and s[0] in "‖|" and s[-1] == s[0] and s[0] not in s[1:-1]
    if _wrapped(s) or single or not (" " in s or "+" in s or "-" in s[1:] or "/" in s):
        return s
    return "(" + s + ")"


def superscript(value: sympy.Expr | int) -> str | None:
    text = str(value)
    if all(ch in "0123456789-" for ch in text):
        return text.translate(_SUPERSCRIPT)
    return None


class TextPrinter(Printer):
    PRODUCT_SEP = " "
    HADAMARD = " ⊙ "
    HADAMARD_DIV = " ⊘ "
    KRON = " ⊗ "
    PLUS = " + "
    MINUS = " - "
    NEG_SIGN = "-"

    def paren(self, s: str) -> str:
        return "(" + s + ")"

    def frac(self, num: str, den: str) -> str:
        return _grouped(num) + "/" + _grouped(den)

    def sup(self, base: str, exponent: str) -> str:
        small = superscript(exponent)
        return base + (small if small is not None else "^(" + exponent + ")")

    def number(self, value: sympy.Expr) -> str:
        if value.is_Integer or (value.is_Rational):
            return str(value)
        if value.is_Symbol or value.is_Mul:
            return dim_text(value)
        return str(value)

    def call(self, name: str, arg: str) -> str:
        return name + "(" + arg + ")"

    def var(self, name: str) -> str:
        return text_name(name)

    def _print_Identity(self, e: N.Identity) -> str:
        return "I"

    def _identity_sized(self, e: N.Identity) -> str:
        return "I_" + dim_text(e.n)

    def _print_Zero(self, e: N.Zero) -> str:
        return "0"

    def _print_Ones(self, e: N.Ones) -> str:
        if e.rows == ONE:
            return "𝟏ᵀ"
        if e.cols == ONE:
            return "𝟏"
        return f"𝟏_({dim_text(e.rows)}×{dim_text(e.cols)})"

    def _print_Commutation(self, e: N.Commutation) -> str:
        return f"K_({dim_text(e.m)},{dim_text(e.n)})"

    def _print_Differential(self, e: N.Differential) -> str:
        return "d" + text_name(e.var.name)

    def _print_Opaque(self, e: N.Opaque) -> str:
        return e.text

    def _print_D(self, e: N.D) -> str:
        if isinstance(e.arg, N.Var):
            return "d" + self._print(e.arg)
        return "d(" + self._print(e.arg) + ")"

    def _print_Transpose(self, e: N.Transpose) -> str:
        if isinstance(e.arg, N.Inverse):
            return self._base(e.arg.arg) + "⁻ᵀ"
        if isinstance(e.arg, N.Differential):
            return self._print(e.arg) + "ᵀ"
        return self._base(e.arg) + "ᵀ"

    def _print_Inverse(self, e: N.Inverse) -> str:
        return self._base(e.arg) + "⁻¹"

    def _print_MatPow(self, e: N.MatPow) -> str:
        return self.sup(self._base(e.arg), str(e.k))

    def _print_Power(self, e: N.Power) -> str:
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

    def _power_base(self, base: Expr) -> str:
        s = self._print(base)
        if self.precedence(base) < ATOM or isinstance(base, N.Transpose | N.Power):
            return self.paren(s)
        return s

    def _print_HadamardPow(self, e: N.HadamardPow) -> str:
        small = superscript(e.exponent)
        base = self._base(e.base)
        return base + ("∘" + small if small is not None else "^∘(" + str(e.exponent) + ")")

    def _print_Trace(self, e: N.Trace) -> str:
        return self.call("tr", self._print(e.arg))

    def _print_Det(self, e: N.Det) -> str:
        return "|" + self._print(e.arg) + "|"

    def _print_LogDet(self, e: N.LogDet) -> str:
        return "log|" + self._print(e.arg) + "|"

    def _print_Norm(self, e: N.Norm) -> str:
        inner = "‖" + self._print(e.arg) + "‖"
        return inner if is_vector_shaped(e.arg) else inner + "_F"

    def _print_Sum(self, e: N.Sum) -> str:
        return self.call("sum", self._print(e.arg))

    def _print_Vec(self, e: N.Vec) -> str:
        return self.call("vec", self._print(e.arg))

    def _print_Unvec(self, e: N.Unvec) -> str:
        return f"unvec_{dim_text(e.m)}×{dim_text(e.n)}(" + self._print(e.arg) + ")"

    def _print_DiagMat(self, e: N.DiagMat) -> str:
        return self.call("diag", self._print(e.arg))

    def _print_DiagVec(self, e: N.DiagVec) -> str:
        return self.call("diag", self._print(e.arg))

    def _print_Softmax(self, e: N.Softmax) -> str:
        return self.call("softmax", self._print(e.arg))

    def _print_LogSumExp(self, e: N.LogSumExp) -> str:
        return self.call("logsumexp", self._print(e.arg))

    def _print_Elementwise(self, e: N.Elementwise) -> str:
        return ELEMENTWISE[e.func].text.format(self._print(e.arg))


def text(e: Expr) -> str:
    """Readable Unicode text of an expression."""
    return TextPrinter().doprint(e)
