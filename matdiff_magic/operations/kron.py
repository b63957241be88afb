"""kron(A, B) = A ⊗ B, the Kronecker product."""

from __future__ import annotations

import numpy as np
import sympy

from matdiff_magic.errors import NotApplicableError
from matdiff_magic.language.functions import FunctionSpec, register_function
from matdiff_magic.messages import Msg
from matdiff_magic.operations.define import define
from matdiff_magic.printing import base as P
from matdiff_magic.rules import vectorization as V
from matdiff_magic.rules.adjoint import deflinear, times
from matdiff_magic.rules.diffrule import row
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr


def _latex(p, e):
    """A ⊗ B, an infix product (its operands' parentheses are the printer's: see
    ``Printer._kron_operand``)."""
    return p.KRON.join(p._kron_operand(f, i) for i, f in enumerate((e.left, e.right)))


def _text(p, e):
    left, right = (
        p._identity_sized(f) if isinstance(f, N.Identity) else p._print(f)
        for f in (e.left, e.right)
    )
    return "kron(" + left + ", " + right + ")"


define(
    N.Kron,
    evaluate=lambda ev, e: np.kron(ev(e.left), ev(e.right)),
    latex=_latex,
    text=_latex,
    ascii=_text,
    code={"*": lambda p, e: p.call(p.fn("kron"), e.left, e.right)},
    sympy=lambda e, go: sympy.KroneckerProduct(go(e.left), go(e.right)),
    no_entry=Msg("op.the_kronecker_product"),
    precedence=P.MUL,
)
register_function(FunctionSpec("kron", 2, B.kron, "Kronecker product A ⊗ B"))
row(
    "d.kron",
    N.Kron,
    "Kronecker product rule",
    "克罗内克积的微分",
    r"\mathrm{d}(X \otimes Y) = \mathrm{d}X \otimes Y + X \otimes \mathrm{d}Y",
    "The product rule for the Kronecker product.",
    "克罗内克积的乘法法则。",
    lambda e, d: B.add(B.kron(d(e.left), e.right), B.kron(e.left, d(e.right))),
)


def _trace_kron(m, e, has):
    raise NotApplicableError(Msg("reason.trace_kronecker"))


def _kron_perm(a: Expr, x: Expr) -> Expr:
    """I_n ⊗ K_{q,m} ⊗ I_p for A m×n and X p×q."""
    m, n = a.rows, a.cols
    p, q = x.rows, x.cols
    return B.kron(B.kron(B.identity(n), B.commutation(q, m)), B.identity(p))


def _vec_kron(j, e, has):
    first, second = e.left, e.right  # first m×n, second p×q
    perm = _kron_perm(first, second)
    if has(second):  # vec(A ⊗ X) = (I_n ⊗ K_{q,m} ⊗ I_p)(vec(A) ⊗ I_{pq}) vec(X)
        tail = B.kron(B.vec(first), B.identity(second.rows * second.cols))
        return V.KRON_PRODUCT, times(j, B.matmul(perm, tail)), second
    # vec(X ⊗ B) = (I_n ⊗ K_{q,m} ⊗ I_p)(I_{mn} ⊗ vec(B)) vec(X)
    tail = B.kron(B.identity(first.rows * first.cols), B.vec(second))
    return V.KRON_PRODUCT, times(j, B.matmul(perm, tail)), first


deflinear(N.Kron, trace=_trace_kron, vec=_vec_kron)
