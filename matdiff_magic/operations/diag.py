"""diag: of a vector, the diagonal matrix (DiagMat); of a square matrix, its diagonal as a
column (DiagVec)."""

from __future__ import annotations

import numpy as np
import sympy
from sympy.matrices.expressions.diagonal import DiagonalOf

from matdiff_magic.dims import ONE
from matdiff_magic.index.convert import delta
from matdiff_magic.language.functions import FunctionSpec, register_function
from matdiff_magic.messages import Msg
from matdiff_magic.operations.define import called, define
from matdiff_magic.printing.numpy_printer import ATOM
from matdiff_magic.rules import trace as T
from matdiff_magic.rules import vectorization as V
from matdiff_magic.rules.adjoint import deflinear, times
from matdiff_magic.rules.diffrule import row
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

define(
    N.DiagMat,
    evaluate=lambda ev, e: np.diag(ev(e.arg).ravel()),
    latex=called("diag"),
    text=called("diag"),
    code={"*": lambda p, e: (p.fn("diag") + "(" + p.operand(e.arg, ATOM) + ".ravel())", ATOM)},
    sympy=lambda e, go: sympy.DiagMatrix(go(e.arg)),
    entry=lambda c, e, i, j: delta(i, j) * c.entry(e.arg, i, ONE),
)
define(
    N.DiagVec,
    evaluate=lambda ev, e: np.diag(ev(e.arg)).reshape(-1, 1).copy(),
    latex=called("diag"),
    text=called("diag"),
    code={"*": lambda p, e: (p.call(p.fn("diag"), e.arg)[0] + ".reshape(-1, 1)", ATOM)},
    sympy=lambda e, go: DiagonalOf(go(e.arg)),
    entry=lambda c, e, i, j: c.entry(e.arg, i, i),
)


def _diag(a: Expr) -> Expr:
    if a.is_scalar:
        return a
    if a.is_column:
        return B.diag_mat(a)
    if a.is_row:
        raise N.shape_mismatch("shape.diag", (a,), Msg("shape.diag_argument"))
    return B.diag_vec(a)


register_function(
    FunctionSpec("diag", 1, _diag, "diagonal matrix of a vector; diagonal of a matrix")
)
row(
    "d.diag_mat",
    N.DiagMat,
    "diag rule",
    "对角矩阵的微分",
    r"\mathrm{d}\operatorname{diag}(x) = \operatorname{diag}(\mathrm{d}x)",
    "diag is linear.",
    "diag 是线性运算。",
    lambda e, d: B.diag_mat(d(e.arg)),
)
row(
    "d.diag_vec",
    N.DiagVec,
    "diagonal rule",
    "取对角元的微分",
    r"\mathrm{d}\operatorname{diag}(X) = \operatorname{diag}(\mathrm{d}X)",
    "Taking the diagonal is linear.",
    "取对角元是线性运算。",
    lambda e, d: B.diag_vec(d(e.arg)),
)


def _trace_diag_mat(m, e, has):
    assert m is not None
    return T.DIAG, B.transpose(B.diag_vec(m)), e.arg


def _vec_diag_mat(j, e, has):
    n = e.arg.rows
    embed = B.matmul(B.diag_mat(B.vec(B.identity(n))), B.kron(B.ones(n, ONE), B.identity(n)))
    return V.DIAG, times(j, embed), e.arg


def _trace_diag_vec(m, e, has):
    assert m is not None
    return T.DIAG, B.diag_mat(B.transpose(m)), e.arg


def _vec_diag_vec(j, e, has):
    n = e.arg.rows
    pick = B.matmul(B.kron(B.ones(ONE, n), B.identity(n)), B.diag_mat(B.vec(B.identity(n))))
    return V.DIAG, times(j, pick), e.arg


deflinear(N.DiagMat, trace=_trace_diag_mat, vec=_vec_diag_mat, matrix_weight=True)
deflinear(N.DiagVec, trace=_trace_diag_vec, vec=_vec_diag_vec, matrix_weight=True)
