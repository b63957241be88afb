"""A node type added in one module, as a new operation would be: ``gram(X) = Xᵀ X``.

Everything the operation means lives here: its name in the language, its shape rule, NumPy
evaluation, LaTeX and text printing, NumPy code, its SymPy form, its entrywise (index) form for
the definition method, its canonical key, and its differential rule. No other file changes:
``tests/test_node_type_module.py`` imports this module and checks every method and consumer.
(The example is deliberately a composition matdiff already knows, so the results can be
checked against ``X' X`` written out.)
"""

from __future__ import annotations

import sympy

from matdiff_magic import dims
from matdiff_magic.index.convert import summed
from matdiff_magic.language.functions import FunctionSpec, register_function
from matdiff_magic.printing.latex import LatexPrinter
from matdiff_magic.rules.diffrule import row
from matdiff_magic.tree import build as B
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.canonical import ckey

MUL_PRECEDENCE = 20  # the NumPy printer's level of "@"


class Gram(Expr):
    """Xᵀ X of an m×n matrix X (n×n)."""

    __slots__ = ()
    _fields = ("arg",)
    arg: Expr

    def __init__(self, arg: Expr):
        self._setup((arg,), (arg.cols, arg.cols))

    # -- consumers --------------------------------------------------------------------------
    def _evaluate_with(self, evaluator):
        x = evaluator(self.arg)
        return x.T @ x

    def _print_with(self, printer) -> str:
        inner = printer._print(self.arg)
        if isinstance(printer, LatexPrinter):
            return r"\operatorname{gram}\left(" + inner + r"\right)"
        return "gram(" + inner + ")"

    def _numpy_with(self, printer) -> tuple[str, int]:
        x = printer.operand(self.arg, 50)
        return f"{x}.T @ {x}", MUL_PRECEDENCE

    def _sympy_with(self, go) -> sympy.Basic:
        x = go(self.arg)
        return sympy.Transpose(x) * x

    def _entry_with(self, converter, i: sympy.Expr, j: sympy.Expr) -> sympy.Expr:
        p = converter.space.fresh(self.arg.rows)
        body = converter.entry(self.arg, p, i) * converter.entry(self.arg, p, j)
        return summed(body, [(p, self.arg.rows)])

    def _canonical_key(self) -> str:
        return f"gram({ckey(self.arg)})"


def _d_gram(node: Expr, d) -> Expr:
    x, dx = node.arg, d(node.arg)
    return B.add(B.matmul(B.transpose(dx), x), B.matmul(B.transpose(x), dx))


RULE = row(
    "d.gram",
    Gram,
    "Gram matrix rule",
    "Gram 矩阵的微分",
    r"\mathrm{d}(X^{T} X) = \mathrm{d}X^{T} X + X^{T} \mathrm{d}X",
    "d(Xᵀ X) is the product rule on Xᵀ and X.",
    "d(Xᵀ X) 即对 Xᵀ 与 X 用乘积法则。",
    _d_gram,
)
register_function(FunctionSpec("gram", 1, Gram, "Gram matrix Xᵀ X"))

__all__ = ["Gram", "RULE", "dims"]
