"""Functions of a matrix or vector: trace, determinants, norms, sums, vec, diagonals, Kronecker
products, softmax and log-sum-exp (column by column on a batch), and d(...) still to expand."""

from __future__ import annotations

import sympy

from matdiff_magic import dims
from matdiff_magic.dims import ONE
from matdiff_magic.messages import Msg
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.shapes import (
    differ,
    new_shape,
    require_column,
    require_square,
    shape_mismatch,
)

# -- functions ------------------------------------------------------------------------------


class _Unary(Expr):
    __slots__ = ()
    _fields = ("arg",)
    arg: Expr


class Trace(_Unary):
    __slots__ = ()

    def __init__(self, arg: Expr):
        require_square("trace", arg)
        self._setup((arg,), dims.SCALAR_SHAPE)


class Det(_Unary):
    __slots__ = ()

    def __init__(self, arg: Expr):
        require_square("determinant", arg)
        self._setup((arg,), dims.SCALAR_SHAPE)


class LogDet(_Unary):
    __slots__ = ()

    def __init__(self, arg: Expr):
        require_square("log_determinant", arg)
        self._setup((arg,), dims.SCALAR_SHAPE)


class Norm(_Unary):
    """The 2-norm of a vector, the Frobenius norm of a matrix."""

    __slots__ = ()

    def __init__(self, arg: Expr):
        self._setup((arg,), dims.SCALAR_SHAPE)


class Sum(_Unary):
    """The sum of all entries."""

    __slots__ = ()

    def __init__(self, arg: Expr):
        self._setup((arg,), dims.SCALAR_SHAPE)


class Vec(_Unary):
    """Column-major vectorization: the columns stacked into one column."""

    __slots__ = ()

    def __init__(self, arg: Expr):
        self._setup((arg,), (dims.resolve(arg.rows) * dims.resolve(arg.cols), ONE))


class Unvec(Expr):
    """The inverse of vec: a column of length mn reshaped (column-major) into m×n."""

    __slots__ = ()
    _fields = ("arg", "m", "n")
    arg: Expr
    m: sympy.Expr
    n: sympy.Expr

    def __init__(self, arg: Expr, m: sympy.Expr, n: sympy.Expr):
        if not dims.same(arg.cols, ONE) or not dims.same(
            arg.rows, dims.resolve(m) * dims.resolve(n)
        ):
            raise shape_mismatch(
                "shape.reshape", (arg,), Msg(
                    "shape.not_column_of_length",
                    length=dims.dim_text(dims.resolve(m) * dims.resolve(n)),
                )
            )
        self._setup((arg, m, n), new_shape(m, n))


class DiagMat(_Unary):
    """diag(v): the diagonal matrix with the vector v on its diagonal."""

    __slots__ = ()

    def __init__(self, arg: Expr):
        require_column("diagonal_matrix", arg)
        self._setup((arg,), new_shape(arg.rows, arg.rows))


class DiagVec(_Unary):
    """diag(X): the diagonal of a square matrix, as a column."""

    __slots__ = ()

    def __init__(self, arg: Expr):
        require_square("diagonal", arg)
        self._setup((arg,), new_shape(arg.rows, ONE))


class Kron(Expr):
    """The Kronecker product A ⊗ B."""

    __slots__ = ()
    _fields = ("left", "right")
    left: Expr
    right: Expr

    def __init__(self, left: Expr, right: Expr):
        self._setup(
            (left, right),
            (
                dims.resolve(left.rows) * dims.resolve(right.rows),
                dims.resolve(left.cols) * dims.resolve(right.cols),
            ),
        )


class KhatriRao(Expr):
    """The Khatri–Rao (column-wise Kronecker) product A ∗ B of A p×k and B q×k: the pq×k
    matrix whose column l is a_l ⊗ b_l. The derivative of A diag(x) B by x is Bᵀ ∗ A."""

    __slots__ = ()
    _fields = ("left", "right")
    left: Expr
    right: Expr

    def __init__(self, left: Expr, right: Expr):
        if not dims.same(left.cols, right.cols):
            raise shape_mismatch(
                "shape.khatri_rao", (left, right), differ(left.cols, right.cols)
            )
        self._setup(
            (left, right),
            (dims.resolve(left.rows) * dims.resolve(right.rows), dims.resolve(left.cols)),
        )


def batched(arg: Expr) -> bool:
    """Whether softmax and logsumexp act column by column on ``arg``: a matrix (neither a row
    nor a column) is a batch whose columns are samples, as in softmax regression."""
    return arg.rows != ONE and arg.cols != ONE


class Softmax(_Unary):
    """softmax of a column; of a matrix, of each column (columns are samples)."""

    __slots__ = ()

    def __init__(self, arg: Expr):
        if not batched(arg):
            require_column("softmax", arg)
        self._setup((arg,), new_shape(*arg.shape))


class LogSumExp(_Unary):
    """log Σ exp over the entries of a vector; of a matrix, over each column (a row)."""

    __slots__ = ()

    def __init__(self, arg: Expr):
        self._setup((arg,), new_shape(ONE, arg.cols) if batched(arg) else dims.SCALAR_SHAPE)


class D(_Unary):
    """An unevaluated differential d(expr), used while a derivation is in progress."""

    __slots__ = ()

    def __init__(self, arg: Expr):
        self._setup((arg,), new_shape(*arg.shape))
