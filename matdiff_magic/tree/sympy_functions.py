"""The entrywise rows as SymPy functions: SymPy's own where its meaning is exactly the row's
(exp, sin ...), otherwise a SymPy function made from the row (σ, relu, abs with sign'(0) = 0
...), which keeps the row's name, prints with its LaTeX, evaluates with its NumPy function and
differentiates with its derivative, so the definition method reads the same formula as the
differential rule. Below ``to_sympy`` (which converts whole matrix expressions) so that the
tree's entrywise simplifier can use these functions too.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy

from matdiff_magic.dims import ONE
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.elementwise import ELEMENTWISE, ElementwiseFunction

_T = sympy.Symbol("t", real=True)


def _function_class(row: ElementwiseFunction) -> type[sympy.Function]:
    def fdiff(self: sympy.Function, argindex: int = 1) -> sympy.Expr:
        derivative = row.derivative(N.Var("t", ONE, ONE))
        return scalar_to_sympy(derivative).xreplace({_T: self.args[0]})

    def _latex(self: sympy.Function, printer: object, exp: str | None = None) -> str:
        body = row.latex.format(sympy.latex(self.args[0]))
        # SymPy's printer passes ``exp`` for a power of a function: σ(x)²
        return body if exp is None else r"\left(" + body + r"\right)^{" + str(exp) + "}"

    def _eval_evalf(self: sympy.Function, prec: int) -> sympy.Expr | None:
        arg = self.args[0].evalf(prec)
        if not arg.is_Number:
            return None
        value = float(row.numpy(np.array(float(arg))))
        return sympy.Float(value, precision=min(prec, 53))  # NumPy's double precision, no more

    methods = {"fdiff": fdiff, "_latex": _latex, "_eval_evalf": _eval_evalf}
    return type(row.name, (sympy.Function,), methods)


def scalar_to_sympy(e: Expr) -> sympy.Expr:
    """A scalar expression of one variable (what a row's derivative is) as SymPy."""
    if isinstance(e, N.Var):
        return sympy.Symbol(e.name, real=True)
    if isinstance(e, N.Const):
        return e.value
    if isinstance(e, N.Zero):
        return sympy.Integer(0)
    if isinstance(e, N.Add):
        return sympy.Add(*[scalar_to_sympy(t) for t in e.terms])
    if isinstance(e, N.Mul):
        out = e.coeff
        for s in e.scalars:
            out = out * scalar_to_sympy(s)
        return out if e.body is None else out * scalar_to_sympy(e.body)
    if isinstance(e, N.Power):
        return scalar_to_sympy(e.base) ** scalar_to_sympy(e.exponent)
    if isinstance(e, N.Elementwise):
        return SCALAR_FUNCTIONS[e.func](scalar_to_sympy(e.arg))
    if isinstance(e, N.Hadamard):
        return sympy.Mul(*[scalar_to_sympy(f) for f in e.factors])
    if isinstance(e, N.HadamardDiv):
        return scalar_to_sympy(e.num) / scalar_to_sympy(e.den)
    if isinstance(e, N.HadamardPow):
        return scalar_to_sympy(e.base) ** e.exponent
    raise TypeError(f"not a scalar expression of the entries: {type(e).__name__}")


SCALAR_FUNCTIONS: dict[str, Callable] = {
    row.name: row.sympy if row.sympy is not None else _function_class(row)
    for row in ELEMENTWISE.values()
}
# the row of a SymPy function class (sqrt is not one: SymPy writes it as a power)
ROW_OF_SYMPY: dict[type, ElementwiseFunction] = {
    f: ELEMENTWISE[name] for name, f in SCALAR_FUNCTIONS.items() if isinstance(f, type)
}
sigmoid = SCALAR_FUNCTIONS["sigmoid"]
