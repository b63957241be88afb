"""The vectorization identities, one row each, and the rewrite each performs.

A term of vec(dF) is kept as J vec(E): E still contains dX, J is what has been pulled out (None
while nothing has). ``step(J, E)`` peels the outermost layer off E until E is dX and the term
reads J vec(dX).
"""

from __future__ import annotations

from collections.abc import Callable

from matdiff_magic.dims import ONE
from matdiff_magic.rules.rule import Rule, table
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

_row = table("vectorization")


VECTORIZE = _row(
    "vec.apply",
    "vectorize both sides",
    "两边向量化",
    r"\operatorname{vec}(A + B) = \operatorname{vec}(A) + \operatorname{vec}(B)",
    "Take vec of dF; vec is linear, so it passes through the sum.",
    "对 dF 取 vec；vec 是线性运算，可以穿过求和。",
)
COLUMN = _row(
    "vec.column",
    "a column is its own vec",
    "列向量的向量化是其本身",
    r"\operatorname{vec}(A x) = A x",
    "A column vector needs no vectorization.",
    "列向量无需再向量化。",
)
ROW = _row(
    "vec.row",
    "vec of a row",
    "行向量的向量化",
    r"\operatorname{vec}(x^{T} B) = B^{T} x",
    "vec of a row is its transpose.",
    "行向量的 vec 就是它的转置。",
)
SANDWICH = _row(
    "vec.sandwich",
    "make a sandwich",
    "变换成夹层饼样式",
    r"A X = A X I",
    "Insert an identity so that dX is the filling of A dX B.",
    "插入单位矩阵，使 dX 成为 A dX B 的夹心。",
)
KRON = _row(
    "vec.kron",
    "take out the filling",
    "取出夹层饼的夹心",
    r"\operatorname{vec}(A X B) = (B^{T} \otimes A) \operatorname{vec}(X)",
    "The Kronecker identity separates the variable from its neighbours.",
    "克罗内克积恒等式把变量与两侧的矩阵分离。",
)
TRANSPOSE = _row(
    "vec.transpose",
    "commutation matrix",
    "交换矩阵",
    r"\operatorname{vec}(X^{T}) = K_{m,n} \operatorname{vec}(X)",
    "K_{m,n} reorders vec(X) into vec(X^T) for X of size m×n.",
    "K_{m,n} 把 vec(X) 重排为 vec(X^T)（X 为 m×n）。",
)
SCALAR = _row(
    "vec.scalar",
    "scalars factor out of vec",
    "标量可提出 vec",
    r"\operatorname{vec}(\alpha X) = \alpha \operatorname{vec}(X)",
    "vec is linear; a scalar factor containing dX becomes the last factor.",
    "vec 是线性的；含 dX 的标量因子放到最后。",
)
HADAMARD = _row(
    "vec.hadamard",
    "Hadamard product as a diagonal matrix",
    "逐元素乘法化为对角矩阵",
    r"\operatorname{vec}(A \odot X) = \operatorname{diag}(\operatorname{vec}(A)) "
    r"\operatorname{vec}(X)",
    "Entrywise scaling is multiplication by a diagonal matrix.",
    "逐元素缩放等于左乘对角矩阵。",
)
HADAMARD_DIV = _row(
    "vec.hadamard_div",
    "entrywise division as a diagonal matrix",
    "逐元素除法化为对角矩阵",
    r"\operatorname{vec}(X \oslash B) = \operatorname{diag}(\operatorname{vec}(B))"
    r"^{-1} \operatorname{vec}(X)",
    "Entrywise division is multiplication by an inverted diagonal matrix.",
    "逐元素除法等于左乘对角矩阵的逆。",
)
TRACE = _row(
    "vec.trace",
    "trace as an inner product",
    "迹写成内积",
    r"\operatorname{tr}(X) = \operatorname{vec}(I)^{T} \operatorname{vec}(X)",
    "The trace sums the diagonal entries, picked out by vec(I).",
    "迹是对角元之和，由 vec(I) 选出。",
)
SUM = _row(
    "vec.sum",
    "sum of entries",
    "元素和",
    r"\operatorname{sum}(X) = \mathbf{1}^{T} \operatorname{vec}(X)",
    "Summing the entries is the inner product with ones.",
    "元素和是与全 1 向量的内积。",
)
DIAG = _row(
    "vec.diag",
    "diagonal embedding",
    "对角嵌入",
    r"\operatorname{vec}(\operatorname{diag}(x)) = \operatorname{diag}("
    r"\operatorname{vec}(I)) (\mathbf{1} \otimes I) x",
    "Repeat x in every column, then keep the diagonal entries.",
    "把 x 复制到每一列，再只保留对角元。",
)
VEC = _row(
    "vec.vec",
    "vec of a vec",
    "向量化的向量化",
    r"\operatorname{vec}(\operatorname{vec}(X)) = \operatorname{vec}(X)",
    "A vector is already vectorized.",
    "向量已经是向量化的形式。",
)
KRON_PRODUCT = _row(
    "vec.kron_product",
    "vec of a Kronecker product",
    "克罗内克积的向量化",
    r"\operatorname{vec}(A \otimes X) = (I_{n} \otimes K_{q,m} \otimes I_{p})"
    r"(\operatorname{vec}(A) \otimes I_{pq}) \operatorname{vec}(X)",
    "Reorder the entries of A ⊗ X (A m×n, X p×q) to separate vec(X).",
    "重排 A ⊗ X（A 为 m×n，X 为 p×q）的元素以分离出 vec(X)。",
)


def _mul(*parts: Expr | None) -> Expr | None:
    present = [p for p in parts if p is not None]
    return B.matmul(*present) if present else None


def _index(factors: tuple[Expr, ...], has: Callable[[Expr], bool]) -> int:
    found = [i for i, f in enumerate(factors) if has(f)]
    if len(found) != 1:
        raise AssertionError("a term of a differential must be linear in dX")
    return found[0]


def _kron_perm(a: Expr, x: Expr) -> Expr:
    """I_n ⊗ K_{q,m} ⊗ I_p for A m×n and X p×q."""
    m, n = a.rows, a.cols
    p, q = x.rows, x.cols
    return B.kron(B.kron(B.identity(n), B.commutation(q, m)), B.identity(p))


def step(
    j: Expr | None, e: Expr, has: Callable[[Expr], bool]
) -> tuple[Rule | None, Expr | None, Expr]:
    """One vectorization identity applied to J vec(E): the rule used, J', E'."""
    if isinstance(e, N.MatMul):
        factors = e.factors
        i = _index(factors, has)
        f = factors[i]
        left = factors[:i]
        right = factors[i + 1 :]
        if f.cols == ONE and not right:
            return COLUMN, _mul(j, B.matmul(*left)), f
        if f.rows == ONE and not left:
            return ROW, _mul(j, B.transpose(B.matmul(*right))), B.transpose(f)
        if not left or not right:
            # Show the identity that makes dX the filling: A dX -> A dX I, dX B -> I dX B.
            filled = (
                (*left, f, N.Identity(f.cols)) if not right else (N.Identity(f.rows), f, *right)
            )
            return SANDWICH, j, N.MatMul(filled)
        outer = N.Kron(N.Transpose(_product(right)), _product(left))
        return KRON, _mul(j, outer), f
    if isinstance(e, N.Transpose):
        f = e.arg
        if f.rows == ONE or f.cols == ONE:  # vec(xᵀ) = x: K_{n,1} is the identity
            return ROW, j, f
        return TRANSPOSE, _mul(j, B.commutation(f.rows, f.cols)), f
    if isinstance(e, N.Mul):
        factors = e.factors
        i = _index(factors, has)
        f = factors[i]
        if i == len(e.scalars) and e.body is not None:
            scale = B.make_mul(e.coeff, e.scalars, None)
            return SCALAR, scale if j is None else B.mul(scale, j), f
        rest = B.make_mul(e.coeff, [s for k, s in enumerate(e.scalars) if k != i], e.body)
        return SCALAR, _mul(j, B.vec(rest)), f
    if isinstance(e, N.Hadamard):
        i = _index(e.factors, has)
        others = B.hadamard(*[f for k, f in enumerate(e.factors) if k != i])
        return HADAMARD, _mul(j, B.diag_mat(B.vec(others))), e.factors[i]
    if isinstance(e, N.HadamardDiv):
        if has(e.den):
            raise AssertionError("dX cannot be in a denominator of a differential")
        return HADAMARD_DIV, _mul(j, B.inverse(B.diag_mat(B.vec(e.den)))), e.num
    if isinstance(e, N.Trace):
        n = e.arg.rows
        return TRACE, _mul(j, B.transpose(B.vec(B.identity(n)))), e.arg
    if isinstance(e, N.Sum):
        size = e.arg.rows * e.arg.cols
        return SUM, _mul(j, B.ones(ONE, size)), e.arg
    if isinstance(e, N.DiagMat):
        n = e.arg.rows
        embed = B.matmul(B.diag_mat(B.vec(B.identity(n))), B.kron(B.ones(n, ONE), B.identity(n)))
        return DIAG, _mul(j, embed), e.arg
    if isinstance(e, N.DiagVec):
        n = e.arg.rows
        pick = B.matmul(B.kron(B.ones(ONE, n), B.identity(n)), B.diag_mat(B.vec(B.identity(n))))
        return DIAG, _mul(j, pick), e.arg
    if isinstance(e, N.Vec | N.Unvec):
        return VEC, j, e.arg
    if isinstance(e, N.Kron):
        first, second = e.left, e.right  # first m×n, second p×q
        perm = _kron_perm(first, second)
        if has(second):  # vec(A ⊗ X) = (I_n ⊗ K_{q,m} ⊗ I_p)(vec(A) ⊗ I_{pq}) vec(X)
            tail = B.kron(B.vec(first), B.identity(second.rows * second.cols))
            return KRON_PRODUCT, _mul(j, B.matmul(perm, tail)), second
        # vec(X ⊗ B) = (I_n ⊗ K_{q,m} ⊗ I_p)(I_{mn} ⊗ vec(B)) vec(X)
        tail = B.kron(B.identity(first.rows * first.cols), B.vec(second))
        return KRON_PRODUCT, _mul(j, B.matmul(perm, tail)), first
    raise AssertionError(f"unexpected {type(e).__name__} around dX in a differential")


def _product(factors: tuple[Expr, ...]) -> Expr:
    """A product kept as written (raw), so the step shows (B^T ⊗ A) before simplifying."""
    if len(factors) == 1:
        return factors[0]
    return N.MatMul(tuple(factors))
