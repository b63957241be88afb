"""A ∗ B, the Khatri–Rao (column-wise Kronecker) product: A p×k and B q×k give the pq×k
matrix whose column l is a_l ⊗ b_l. It is how books write the Jacobian of A diag(x) B by x
(Bᵀ ∗ A) instead of the Kronecker product sandwiched by selection matrices
((Bᵀ ⊗ A) diag(vec(I)) (𝟏 ⊗ I)). The notation ∗ is the one of Khatri & Rao and of
Wikipedia's "Khatri–Rao product" (⊙, used for it in the tensor literature, is our Hadamard)."""

from __future__ import annotations

import numpy as np
import sympy

from matdiff_magic.errors import NotApplicableError
from matdiff_magic.language.functions import FunctionSpec, register_function
from matdiff_magic.messages import Msg
from matdiff_magic.operations.define import define
from matdiff_magic.printing import base as P
from matdiff_magic.printing.numpy_printer import ATOM
from matdiff_magic.rules.adjoint import deflinear, times
from matdiff_magic.rules.diffrule import row
from matdiff_magic.rules.rule import table
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N

KR = " ∗ "


def _infix(symbol: str):
    def printer(p, e):
        return symbol.join(p._kron_operand(f, i) for i, f in enumerate((e.left, e.right)))

    return printer


def _ascii(p, e):
    left, right = (
        p._identity_sized(f) if isinstance(f, N.Identity) else p._print(f)
        for f in (e.left, e.right)
    )
    return "khatri_rao(" + left + ", " + right + ")"


def _evaluate(ev, e):
    a, b = ev(e.left), ev(e.right)
    return np.einsum("ik,jk->ijk", a, b).reshape(-1, a.shape[1])


def _code(p, e):
    a, b = p._print(e.left)[0], p._print(e.right)[0]
    cols = p.dim(e.cols)[0]
    return p.fn("einsum") + f'("ik,jk->ijk", {a}, {b}).reshape(-1, {cols})', ATOM


def _sympy(e, go):
    """(A ⊗ B) S with S the k²×k selection matrix: S[r, l] = 1 where r = l (k + 1)."""
    k = e.cols
    i, j = sympy.symbols("i j", integer=True, nonnegative=True)
    select = sympy.FunctionMatrix(
        k * k, k, sympy.Lambda((i, j), sympy.KroneckerDelta(i, j * (k + 1)))
    )
    return sympy.MatMul(sympy.KroneckerProduct(go(e.left), go(e.right)), select)


define(
    N.KhatriRao,
    evaluate=_evaluate,
    latex=_infix(r" \ast "),
    text=_infix(KR),
    ascii=_ascii,
    code={"*": _code},
    sympy=_sympy,
    no_entry=Msg("op.the_khatri_rao_product"),
    precedence=P.MUL,
)
register_function(
    FunctionSpec("khatri_rao", 2, B.khatri_rao, "Khatri–Rao (column-wise Kronecker) product A ∗ B")
)
row(
    "d.khatri_rao",
    N.KhatriRao,
    "Khatri–Rao product rule",
    "Khatri–Rao 积的微分",
    r"\mathrm{d}(X \ast Y) = \mathrm{d}X \ast Y + X \ast \mathrm{d}Y",
    "The product rule for the column-wise Kronecker product.",
    "按列克罗内克积的乘法法则。",
    lambda e, d: B.add(B.khatri_rao(d(e.left), e.right), B.khatri_rao(e.left, d(e.right))),
)
VEC_KHATRI_RAO = table("vectorization")(
    "vec.khatri_rao",
    "vec of a Khatri–Rao product",
    "Khatri–Rao 积的向量化",
    r"\operatorname{vec}(A \ast X) = ((I_{k} \ast A) \otimes I_{q}) \operatorname{vec}(X),\ "
    r"\operatorname{vec}(X \ast B) = (I_{k} \otimes K_{p,q}) ((I_{k} \ast B) \otimes I_{p}) "
    r"\operatorname{vec}(X)",
    "Column l of A ∗ X is (a_l ⊗ I) x_l; X ∗ B is A ∗ X with the factors of each column "
    "swapped by a commutation matrix.",
    "A ∗ X 的第 l 列是 (a_l ⊗ I) x_l；X ∗ B 用交换矩阵交换每列中两个因子的次序。",
)


def _trace_khatri_rao(m, e, has):
    raise NotApplicableError(Msg("reason.trace_khatri_rao"))


def _vec_khatri_rao(j, e, has):
    k = e.cols
    if has(e.right):  # A p×k fixed, X q×k moving
        a, x = e.left, e.right
        matrix = B.kron(B.khatri_rao(B.identity(k), a), B.identity(x.rows))
        return VEC_KHATRI_RAO, times(j, matrix), x
    x, b = e.left, e.right  # X p×k moving, B q×k fixed: x_l ⊗ b_l = K_{p,q} (b_l ⊗ x_l)
    p, q = x.rows, b.rows
    swap = B.kron(B.identity(k), B.commutation(p, q))
    matrix = B.matmul(swap, B.kron(B.khatri_rao(B.identity(k), b), B.identity(p)))
    return VEC_KHATRI_RAO, times(j, matrix), x


deflinear(N.KhatriRao, trace=_trace_khatri_rao, vec=_vec_khatri_rao)
