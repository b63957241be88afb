"""A linear node type added in one module: ``sym(X) = (X + Xᵀ)/2``, the symmetric part.

Besides what every node type has (see ``node_type_example.py``), a linear one registers its
differential rule d sym(X) = sym(dX) together with its pair of steps, as JAX's ``deflinear``
keeps a linear primitive's forward rule and its transpose: the trace step moves its adjoint out,
tr(M sym(E)) = tr(sym(M) E), and the vectorization step its matrix, vec(sym(E)) =
½(I + K) vec(E). No other file changes; ``tests/test_node_type_module.py`` runs every method.
"""

from __future__ import annotations

import sympy

from matdiff_magic.language.functions import FunctionSpec, register_function
from matdiff_magic.printing.latex import LatexPrinter
from matdiff_magic.rules.adjoint import deflinear, times
from matdiff_magic.rules.diffrule import row
from matdiff_magic.rules.rule import table
from matdiff_magic.tree import build as B
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.canonical import ckey

MUL_PRECEDENCE = 20  # the NumPy printer's level of "*"
HALF = sympy.Rational(1, 2)


class Sym(Expr):
    """(X + Xᵀ)/2 of a square X."""

    __slots__ = ()
    _fields = ("arg",)
    arg: Expr

    def __init__(self, arg: Expr):
        self._setup((arg,), (arg.rows, arg.cols))

    def _evaluate_with(self, evaluator):
        x = evaluator(self.arg)
        return (x + x.T) / 2

    def _print_with(self, printer) -> str:
        inner = printer._print(self.arg)
        if isinstance(printer, LatexPrinter):
            return r"\operatorname{sym}\left(" + inner + r"\right)"
        return "sym(" + inner + ")"

    def _numpy_with(self, printer) -> tuple[str, int]:
        x = printer.operand(self.arg, 50)
        return f"0.5 * ({x} + {x}.T)", MUL_PRECEDENCE

    def _sympy_with(self, go) -> sympy.Basic:
        x = go(self.arg)
        return HALF * (x + sympy.Transpose(x))

    def _entry_with(self, converter, i: sympy.Expr, j: sympy.Expr) -> sympy.Expr:
        return HALF * (converter.entry(self.arg, i, j) + converter.entry(self.arg, j, i))

    def _canonical_key(self) -> str:
        return f"sym({ckey(self.arg)})"


RULE = row(
    "d.sym",
    Sym,
    "symmetric part rule",
    "对称部分的微分",
    r"\mathrm{d}\operatorname{sym}(X) = \operatorname{sym}(\mathrm{d}X)",
    "The symmetric part is linear.",
    "取对称部分是线性运算。",
    lambda e, d: Sym(d(e.arg)),
)
TRACE = table("trace")(
    "tr.sym",
    "the symmetric part is self-adjoint",
    "对称部分是自伴的",
    r"\operatorname{tr}(M \operatorname{sym}(E)) = \operatorname{tr}(\operatorname{sym}(M) E)",
    "tr(M Eᵀ) = tr(E Mᵀ), so half of each term moves to the other side.",
    "tr(M Eᵀ) = tr(E Mᵀ)，每项的一半移到另一侧。",
)
VEC = table("vectorization")(
    "vec.sym",
    "vec of the symmetric part",
    "对称部分的向量化",
    r"\operatorname{vec}(\operatorname{sym}(E)) = \tfrac{1}{2}(I + K_{n,n}) \operatorname{vec}(E)",
    "vec(Eᵀ) = K vec(E).",
    "vec(Eᵀ) = K vec(E)。",
)


def _trace_sym(m, e, has):
    return TRACE, Sym(m), e.arg


def _vec_sym(j, e, has):
    n = e.rows
    half = B.mul(B.const(HALF), B.add(B.identity(n * n), B.commutation(n, n)))
    return VEC, times(j, half), e.arg


deflinear(Sym, trace=_trace_sym, vec=_vec_sym, matrix_weight=True)
register_function(FunctionSpec("sym", 1, Sym, "symmetric part (X + Xᵀ)/2"))
