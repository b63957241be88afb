"""norm(X): the 2-norm of a vector, the Frobenius norm of a matrix (norm(x, 1) is written with
the entrywise row abs; norm(X, 2) and norm(X, "nuc") of a matrix are ``spectral.py``'s)."""

from __future__ import annotations

import numpy as np
import sympy

from matdiff_magic.errors import NotSupportedYetError
from matdiff_magic.index.convert import summed
from matdiff_magic.language.functions import FunctionSpec, register_function
from matdiff_magic.messages import Msg
from matdiff_magic.operations.define import called, define
from matdiff_magic.operations.spectral import Spectral
from matdiff_magic.printing.base import is_vector_shaped
from matdiff_magic.rules.diffrule import Differentiate, row
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr


def _entry(c, e, i, j):
    p, q = c.space.fresh(e.arg.rows), c.space.fresh(e.arg.cols)
    inner = summed(c.entry(e.arg, p, q) ** 2, [(p, e.arg.rows), (q, e.arg.cols)])
    return sympy.sqrt(inner)


def _sympy(e, go):
    arg = go(e.arg)
    return sympy.sqrt(sympy.Trace(sympy.Transpose(arg) * arg))


def _latex(p, e):
    inner = r"\left\lVert " + p._print(e.arg) + r" \right\rVert"
    return inner if is_vector_shaped(e.arg) else inner + "_{F}"


def _text(p, e):
    inner = "‖" + p._print(e.arg) + "‖"
    return inner if is_vector_shaped(e.arg) else inner + "_F"


define(
    N.Norm,
    evaluate=lambda ev, e: np.array([[np.linalg.norm(ev(e.arg))]]),
    latex=_latex,
    text=_text,
    ascii=called("norm"),
    code={"*": lambda p, e: p.call(p.fn("linalg.norm"), e.arg)},
    sympy=_sympy,
    entry=_entry,
    edge=lambda node, ev, margin: bool(ev(node)[0, 0] > margin(node.arg)),  # ‖X‖ > 0
)


def _norm(a: Expr, p: object = None) -> Expr:
    """norm(x), norm(x, 2), norm(X, "fro"): the 2-norm of a vector, the Frobenius norm of a
    matrix; norm(x, 1) is sum(abs(x)), written with the entrywise row abs."""
    vector = a.is_column or a.is_row or a.is_scalar
    if p is None or p == "fro" or (_number(p) == 2 and vector):
        return B.norm(a)
    if _number(p) == 1 and vector:
        return B.total(B.elementwise("abs", a))
    if _number(p) == 2 or p == "nuc":  # a matrix: the spectral norm, the nuclear norm
        return Spectral("sigma_max" if p != "nuc" else "norm_nuc", a)
    raise NotSupportedYetError(Msg("build.norm_kind", p=p if isinstance(p, str) else _shown(p)))


def _shown(p: object) -> str:
    return str(_number(p)) if _number(p) is not None else "an expression"


def _number(e: object) -> object:
    return e.value if isinstance(e, N.Const) else None


register_function(
    FunctionSpec(
        "norm",
        1,
        _norm,
        'norm(x), norm(x, 2), norm(x, 1), norm(X, "fro"), norm(X, 2), norm(X, "nuc")',
        scalar=True,
        most=2,
    )
)


def _d_norm(node: Expr, d: Differentiate) -> Expr:
    x = node.arg
    return B.mul(B.power(node, B.const(-1)), B.trace(B.matmul(B.transpose(x), d(x))))


row(
    "d.norm",
    N.Norm,
    "norm rule",
    "范数的微分",
    r"\mathrm{d}\lVert X \rVert = \frac{\operatorname{tr}(X^{T} \mathrm{d}X)}{\lVert X \rVert}",
    "From ‖X‖² = tr(X^T X): 2‖X‖ d‖X‖ = 2 tr(X^T dX).",
    "由 ‖X‖² = tr(X^T X) 得 2‖X‖ d‖X‖ = 2 tr(X^T dX)。",
    _d_norm,
)
