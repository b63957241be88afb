"""The vectorization identities, one row each.

A term of vec(dF) is kept as J vec(E): E still contains dX, J is what has been pulled out. Each
operation's vectorization step (the matrix of the linear map, ``adjoint.py``; the steps are
in the operations' modules, ``matdiff_magic/operations``) peels the outermost layer off E and
names the identity it used, until the term reads J vec(dX).
"""

from __future__ import annotations

from matdiff_magic.rules.rule import table

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
