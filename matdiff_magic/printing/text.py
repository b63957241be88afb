"""Readable Unicode text for expressions (terminal output, error messages, repr)."""

from __future__ import annotations

from collections.abc import Callable

import sympy

from matdiff_magic.dims import ONE, dim_text, fresh_display_name
from matdiff_magic.name_forms import GREEK_ASCII, ascii_name, text_name
from matdiff_magic.printing.base import ATOM, MUL, Printer
from matdiff_magic.printing.grouping import grouped, superscript
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.dispatch import lookup

# How tightly a node's text binds where it differs from its LaTeX (``define(text_precedence=)``):
# K_exp(X) is a call in text, an integral in LaTeX.
TEXT_PRECEDENCE: dict[type, int | Callable[[Expr], int]] = {}


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

    def precedence(self, e: Expr) -> int:
        level = lookup(TEXT_PRECEDENCE, type(e))
        if level is None:
            return super().precedence(e)
        return level(e) if callable(level) else level

    def frac(self, num: str, den: str) -> str:
        if not _top_level_sum(num):
            # A product over a number reads the same grouped either way (A B/c = (A B)/c), as
            # books write 2 (a - b)/c and (x - a) (x - a)ᵀ/‖x - a‖³.
            return num + "/" + grouped(den)
        return grouped(num) + "/" + grouped(den)

    def frac_before_factor(self, num: str, den: str) -> str:
        return grouped(num) + "/" + grouped(den)

    def sup(self, base: str, exponent: str) -> str:
        small = superscript(exponent)
        return base + (small if small is not None else "^(" + exponent + ")")

    def number(self, value: sympy.Expr) -> str:
        if value.is_Integer or (value.is_Rational):
            return str(value)
        if value.is_Symbol or value.is_Mul or value.is_Pow:
            return size_number(value)
        return str(value)

    def call(self, name: str, arg: str) -> str:
        return name + "(" + arg + ")"

    def var(self, name: str) -> str:
        return text_name(name)

    def _identity_sized(self, e: N.Identity) -> str:
        # I_(n²), not I_n²: that would read back as (I_n)²
        size = dim_text(e.n)
        simple = isinstance(e.n, sympy.Symbol | sympy.Integer) and size.isalnum()
        return "I_" + (size if simple else f"({size})")

    def _ones_sized(self, e: N.Ones) -> str:
        if e.cols == ONE and isinstance(e.rows, sympy.Symbol) and dim_text(e.rows).isalnum():
            return "𝟏_" + dim_text(e.rows)
        return f"𝟏_({dim_text(e.rows)}×{dim_text(e.cols)})"

    # Inside an operand of ⊗ nothing around a 𝟏 or an I says its size ((𝟏 xᵀ) ⊗ I_n): while
    # one is printed, every 𝟏 and I in it is written with its size, so the text reads back.
    # What is printed there goes in a memo of its own: ``A + I`` alone, ``(A + I_n) ⊗ B`` in an
    # operand, whichever of the two is printed first.
    sizing = False

    def _kron_operand(self, f: Expr, index: int) -> str:
        outer, self.sizing = self.sizing, True
        plain = self._memo
        if not outer:
            self._memo = self._sized_memo()
        try:
            return super()._kron_operand(f, index)
        finally:
            self.sizing, self._memo = outer, plain

    def _sized_memo(self) -> dict[Expr, str]:
        memo = self.__dict__.get("_sized")
        if memo is None:
            memo = self._sized = self._new_memo("sized")
        return memo

    def _power_base(self, base: Expr) -> str:
        s = self._print(base)
        if self.precedence(base) < ATOM or isinstance(base, N.Transpose | N.Power):
            return self.paren(s)
        return s


class AsciiPrinter(TextPrinter):
    """Text in ASCII, for terminals that cannot show Unicode: the matdiff language itself
    (``x'``, ``X^-1``, ``X^-T``, ``.*``, ``./``, ``kron(A, B)``, ``x.^2``, ``sigmoid(z)``,
    ``theta``, ``1'`` for the ones row), so an expression can be pasted back as input.

    ``𝟏`` (a column of ones) is ``1`` where a scalar broadcasts to the same thing (a term of a
    sum, an operand of ``.*`` or ``./`` next to a vector or matrix) and ``1''`` elsewhere;
    sized identities, commutation matrices and symbols such as ∂f/∂x have no spelling in the
    language and are shown readably (``I_n``, ``K_(m,n)``, ``df/dx``).
    """

    HADAMARD = " .* "
    HADAMARD_DIV = " ./ "

    def _print(self, e: Expr) -> str:
        out = super()._print(e)
        if not hasattr(self, "_print_" + type(e).__name__):
            return ascii_text(out)  # a node that prints itself (index notation, ...)
        return out

    def sup(self, base: str, exponent: str) -> str:
        if exponent.lstrip("-").isdigit():
            return base + "^" + exponent
        return base + "^(" + exponent + ")"

    def number(self, value: sympy.Expr) -> str:
        if value.is_Integer or value.is_Rational:
            return str(value)
        if value.is_Symbol or value.is_Mul or value.is_Pow:
            return ascii_dim(value)
        return ascii_text(str(value))

    def var(self, name: str) -> str:
        return ascii_name(name)

    def precedence(self, e: Expr) -> int:
        if isinstance(e, N.Ones) and e.rows != ONE and e.cols != ONE:
            return MUL  # 1'' 1' is a product
        return super().precedence(e)

    # -- leaves -------------------------------------------------------------------------------
    def _identity_sized(self, e: N.Identity) -> str:
        return "I_" + ascii_dim(e.n)

    # -- operators ----------------------------------------------------------------------------
    def _broadcast_one(self, f: Expr, others: tuple[Expr, ...]) -> bool:
        """Whether the column or matrix of ones ``f`` may be written as the scalar 1 here."""
        return isinstance(f, N.Ones) and any(
            not o.is_scalar and not isinstance(o, N.Ones) for o in others if o is not f
        )


def size_number(d: sympy.Expr) -> str:
    """A size used as a number, as the language reads it back: m n (not mn, which reads as a
    name), p² (not SymPy's p**2); ``frac`` brackets a spaced denominator, 𝟏/(m n)."""
    if isinstance(d, sympy.Mul):
        coeff, rest = d.as_coeff_Mul()
        parts = [
            f"({size_number(f)})" if isinstance(f, sympy.Add) else size_number(f)
            for f in sympy.Mul.make_args(rest)
        ]
        head = "" if coeff == 1 else ("-" if coeff == -1 else str(coeff) + " ")
        return head + " ".join(parts)
    if isinstance(d, sympy.Pow) and d.exp.is_Integer and d.exp > 0:
        base = size_number(d.base)
        return (f"({base})" if " " in base else base) + (superscript(d.exp) or "")
    if isinstance(d, sympy.Pow):
        return str(d)
    return dim_text(d)


def ascii_dim(d: sympy.Expr) -> str:
    """A dimension in ASCII: m, 3, m*n, n^2."""
    if isinstance(d, sympy.Mul):
        return "*".join(
            ascii_dim(f) if not isinstance(f, sympy.Add) else f"({ascii_dim(f)})"
            for f in sympy.Mul.make_args(d)
        )
    if isinstance(d, sympy.Pow) and d.exp.is_Integer and d.exp > 0:
        return ascii_dim(d.base) + "^" + str(d.exp)
    if isinstance(d, sympy.Symbol):
        return ascii_name(fresh_display_name(d))
    return str(d)


# Symbols that prose and ready-made notation (∂f/∂θᵀ, rule names, "m×n") use, in ASCII.
# Expressions never come here: AsciiPrinter writes them in the language.
_ASCII_SYMBOLS = {
    "∂": "d",
    "×": " x ",
    "·": "*",
    "⋅": "*",
    "−": "-",
    "–": "-",
    "∗": "*",
    "⊙": ".*",
    "∘": ".",
    "⊘": "./",
    "⊗": " kron ",
    "≠": "!=",
    "≤": "<=",
    "≥": ">=",
    "≈": "~",
    "⇒": "=>",
    "→": "->",
    "∈": " in ",
    "ℝ": "R",
    "𝕊": "S",
    "√": "sqrt",
    "∑": "sum",
    "‖": "||",
    "𝟏": "1",
    "…": "...",
    "✓": "ok",
    "✗": "x",
    "’": "'",
    "“": '"',
    "”": '"',
}
_SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6",
                 "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-", "ᵀ": "T"}  # fmt: skip
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def ascii_text(s: str) -> str:
    """Prose or ready-made notation in ASCII where it has an ASCII spelling (superscripts become
    ^..., a lone ᵀ becomes ', Greek letters their names); anything else is left as it is."""
    if s.isascii():
        return s
    out: list[str] = []
    i, n = 0, len(s)
    while i < n:
        ch = s[i]
        if ch in _SUPERSCRIPTS:
            j = i
            while j < n and s[j] in _SUPERSCRIPTS:
                j += 1
            run = "".join(_SUPERSCRIPTS[c] for c in s[i:j])
            out.append("'" if run == "T" else "^" + run)
            i = j
            continue
        word = _ASCII_SYMBOLS.get(ch) or GREEK_ASCII.get(ch) or ch.translate(_SUBSCRIPTS)
        if word.startswith(" ") and (not out or out[-1].endswith(" ")):
            word = word[1:]  # m×n -> m x n, but m × n -> m x n too
        if word.endswith(" ") and i + 1 < n and s[i + 1] == " ":
            word = word[:-1]
        out.append(word)
        i += 1
    return "".join(out)


def text(e: Expr, ascii_only: bool = False) -> str:
    """Readable Unicode text of an expression (or, with ``ascii_only``, the language in ASCII)."""
    return (AsciiPrinter() if ascii_only else TextPrinter()).doprint(e)


def _top_level_sum(s: str) -> bool:
    """Whether s has a + or a binary - outside every bracket (so it needs one to be divided)."""
    depth = 0
    bars = {"‖": False, "|": False}
    for i, ch in enumerate(s):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch in bars:
            bars[ch] = not bars[ch]
        elif ch in "+-" and depth == 0 and not any(bars.values()) and 0 < i < len(s) - 1:
            if s[i - 1] == " " and s[i + 1] == " ":
                return True
    return False
