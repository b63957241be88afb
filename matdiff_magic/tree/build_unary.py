"""Transposes (pushed through products; into a sum only when that removes transposes),
inverses, powers, and the functions: tr, det, logdet, norm, sum, vec, diag, kron, softmax
and logsumexp."""

from __future__ import annotations

import sympy

from matdiff_magic.dims import ONE
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.smart import S, register

# -- transpose and inverse ----


def transpose(a: Expr) -> Expr:
    if a.is_scalar:
        return a
    if isinstance(a, N.Transpose):
        return a.arg
    if isinstance(a, N.Var):
        return a if a.symmetric else N.Transpose(a)
    if isinstance(a, N.Identity | N.DiagMat):
        return a
    if isinstance(a, N.Zero):
        return N.Zero(a.cols, a.rows)
    if isinstance(a, N.Ones):
        return N.Ones(a.cols, a.rows)
    if isinstance(a, N.Commutation):
        return N.Commutation(a.n, a.m)
    if isinstance(a, N.MatMul):
        return S.matmul(*[transpose(f) for f in reversed(a.factors)])
    if isinstance(a, N.Mul):
        assert a.body is not None
        return S.make_mul(a.coeff, a.scalars, transpose(a.body))
    if isinstance(a, N.Add):
        pushed = S.add(*[transpose(t) for t in a.terms])
        if S.count_transposes(pushed) < 1 + S.count_transposes(a):
            return pushed
        return N.Transpose(a)
    if type(a).transpose_commutes:
        return a if all(transpose(c) == c for c in a.args) else N.Transpose(a)
    flip = getattr(a, "transposed", None)  # a node that names its own transpose (U Vᵀ, V Uᵀ)
    if flip is not None and (flipped := flip()) is not None:
        return flipped
    if isinstance(a, N.Inverse | N.MatPow):
        return a if transpose(a.arg) == a.arg else N.Transpose(a)
    if isinstance(a, N.Elementwise | N.Hadamard | N.HadamardDiv | N.HadamardPow):
        # sin(B x)ᵀ, not sin(xᵀ Bᵀ): a transpose stays outside entrywise operations.
        inner = [transpose(f) for f in a.args]
        if all(t == f for t, f in zip(inner, a.args, strict=True)):
            return a  # symmetric inside (e.g. exp(S) for a symmetric S)
        return N.Transpose(a)
    if isinstance(a, N.Kron):
        return kron(transpose(a.left), transpose(a.right))
    return N.Transpose(a)


def inverse(a: Expr) -> Expr:
    if a.is_scalar:
        return power(a, S.const(-1))
    if isinstance(a, N.Inverse):
        return a.arg
    if isinstance(a, N.Identity):
        return a
    if isinstance(a, N.Transpose):
        return transpose(inverse(a.arg))
    if isinstance(a, N.Commutation):
        return N.Commutation(a.n, a.m)
    if isinstance(a, N.Mul):
        assert a.body is not None
        return S.make_mul(1 / a.coeff, [power(s, S.const(-1)) for s in a.scalars], inverse(a.body))
    if isinstance(a, N.Kron) and _square(a.left) and _square(a.right):
        return kron(inverse(a.left), inverse(a.right))
    if isinstance(a, N.DiagMat):
        return diag_mat(S.hadamard_div(S.ones(*a.arg.shape), a.arg))
    return N.Inverse(a)


def _square(e: Expr) -> bool:
    return e.rows == e.cols


def power(base: Expr, exponent: Expr) -> Expr:
    """A scalar to a scalar power."""
    if isinstance(exponent, N.Zero):
        return S.const(1)
    if isinstance(exponent, N.Const):
        k = exponent.value
        if k == 1:
            return base
        if isinstance(base, N.Const) and (k.is_integer or base.value >= 0):
            return S.const(base.value**k)  # (-2)^(1/2) is not a real number: left as it is
        if isinstance(base, N.Zero):
            if k.is_positive:
                return base
        if isinstance(base, N.Power) and isinstance(base.exponent, N.Const) and k.is_integer:
            return power(base.base, S.const(base.exponent.value * k))
        if isinstance(base, N.Mul) and k.is_integer:
            return S.make_mul(base.coeff**k, [power(s, exponent) for s in base.scalars], None)
    return N.Power(base, exponent)


def matpow(a: Expr, k: int) -> Expr:
    """A square matrix to an integer power (negative powers are powers of the inverse)."""
    if a.is_scalar:
        return power(a, S.const(k))
    if k == 0:
        return S.identity(a.rows)
    if k < 0:
        return inverse(matpow(a, -k))
    if k == 1 or isinstance(a, N.Identity):
        return a
    if isinstance(a, N.Mul):
        assert a.body is not None
        return S.make_mul(a.coeff**k, [power(s, S.const(k)) for s in a.scalars], matpow(a.body, k))
    return N.MatPow(a, k)


# -- functions ----


def trace(a: Expr) -> Expr:
    if a.is_scalar:
        return a
    if isinstance(a, N.Transpose):
        return trace(a.arg)
    if isinstance(a, N.Mul):
        assert a.body is not None
        return S.make_mul(a.coeff, a.scalars, trace(a.body))
    if isinstance(a, N.Identity):
        return S.const(a.n)
    if isinstance(a, N.Zero):
        return N.Zero(ONE, ONE)
    if isinstance(a, N.Kron) and _square(a.left) and _square(a.right):
        return S.mul(trace(a.left), trace(a.right))
    return N.Trace(a)


def det(a: Expr) -> Expr:
    if a.is_scalar:
        return a
    if isinstance(a, N.Transpose):
        return det(a.arg)
    if isinstance(a, N.Identity):
        return S.const(1)
    if isinstance(a, N.Inverse):
        return power(det(a.arg), S.const(-1))
    return N.Det(a)


def logdet(a: Expr) -> Expr:
    if a.is_scalar:
        return S.elementwise("log", a)
    if isinstance(a, N.Transpose):
        return logdet(a.arg)
    if isinstance(a, N.Identity):
        return N.Zero(ONE, ONE)
    if isinstance(a, N.Inverse):
        return S.neg(logdet(a.arg))
    return N.LogDet(a)


def norm(a: Expr) -> Expr:
    if isinstance(a, N.Transpose):
        return norm(a.arg)
    return N.Norm(a)


def total(a: Expr) -> Expr:
    """sum(a): the sum of the entries."""
    if a.is_scalar:
        return a
    if isinstance(a, N.Transpose):
        return total(a.arg)
    if isinstance(a, N.Mul):
        assert a.body is not None
        return S.make_mul(a.coeff, a.scalars, total(a.body))
    if isinstance(a, N.Ones):
        return S.const(a.rows * a.cols)
    if isinstance(a, N.Zero):
        return N.Zero(ONE, ONE)
    return N.Sum(a)


def vec(a: Expr) -> Expr:
    if a.cols == ONE:
        return a
    if a.rows == ONE:
        return transpose(a)
    if isinstance(a, N.Mul):
        assert a.body is not None
        return S.make_mul(a.coeff, a.scalars, vec(a.body))
    if isinstance(a, N.Unvec):
        return a.arg
    if isinstance(a, N.Zero):
        return N.Zero(a.rows * a.cols, ONE)
    if isinstance(a, N.Ones):
        return N.Ones(a.rows * a.cols, ONE)
    return N.Vec(a)


def unvec(v: Expr, m: sympy.Expr, n: sympy.Expr) -> Expr:
    """The m×n matrix whose vec is the column v, simplified where the structure allows."""
    if n == ONE:
        return v
    if m == ONE:
        return transpose(v)
    if isinstance(v, N.Vec) and v.arg.shape == (m, n):
        return v.arg
    if isinstance(v, N.Mul):
        assert v.body is not None
        return S.make_mul(v.coeff, v.scalars, unvec(v.body, m, n))
    if isinstance(v, N.Add):
        return S.add(*[unvec(t, m, n) for t in v.terms])
    if isinstance(v, N.Zero):
        return N.Zero(m, n)
    if isinstance(v, N.Ones):
        return N.Ones(m, n)
    if isinstance(v, N.Kron) and v.left.shape == (n, ONE) and v.right.shape == (m, ONE):
        return S.mul(v.right, transpose(v.left))  # vec(a b^T) = b ⊗ a
    if isinstance(v, N.MatMul):
        head, rest = v.factors[0], S.matmul(*v.factors[1:])
        if isinstance(head, N.Commutation) and head.m == n and head.n == m:
            return transpose(unvec(rest, n, m))  # K_{n,m} vec(B) = vec(B^T)
        if (
            isinstance(head, N.DiagMat)
            and isinstance(head.arg, N.Vec)
            and head.arg.arg.shape == (m, n)
        ):
            return S.hadamard(head.arg.arg, unvec(rest, m, n))  # diag(vec C) vec(B) = vec(C ⊙ B)
    return N.Unvec(v, m, n)


def diag_mat(v: Expr) -> Expr:
    if v.is_scalar:
        return v
    if isinstance(v, N.Ones):
        return N.Identity(v.rows)
    if isinstance(v, N.Zero):
        return N.Zero(v.rows, v.rows)
    if isinstance(v, N.Mul):
        assert v.body is not None
        return S.make_mul(v.coeff, v.scalars, diag_mat(v.body))
    return N.DiagMat(v)


def diag_vec(a: Expr) -> Expr:
    if a.is_scalar:
        return a
    if isinstance(a, N.Identity):
        return S.ones(a.n, ONE)
    if isinstance(a, N.DiagMat):
        return a.arg
    if isinstance(a, N.Transpose):
        return diag_vec(a.arg)
    if isinstance(a, N.Zero):
        return N.Zero(a.rows, ONE)
    if isinstance(a, N.Mul):
        assert a.body is not None
        return S.make_mul(a.coeff, a.scalars, diag_vec(a.body))
    return N.DiagVec(a)


def kron(a: Expr, b: Expr) -> Expr:
    if a.is_scalar or b.is_scalar:
        return S.mul(a, b)
    if isinstance(a, N.Zero) or isinstance(b, N.Zero):
        return N.Zero(a.rows * b.rows, a.cols * b.cols)
    ca, sa, ba = S.split(a)
    cb, sb, bb = S.split(b)
    assert ba is not None and bb is not None
    if isinstance(ba, N.Identity) and isinstance(bb, N.Identity):
        return S.make_mul(ca * cb, (*sa, *sb), N.Identity(ba.n * bb.n))
    return S.make_mul(ca * cb, (*sa, *sb), N.Kron(ba, bb))


def khatri_rao(a: Expr, b: Expr) -> Expr:
    """A ∗ B, column by column a_l ⊗ b_l; numbers and scalar factors pulled out."""
    if isinstance(a, N.Zero) or isinstance(b, N.Zero):
        return N.Zero(a.rows * b.rows, a.cols)
    ca, sa, ba = S.split(a)
    cb, sb, bb = S.split(b)
    if ba is None or bb is None:  # a 1×1 operand: one column, a ⊗ b
        return kron(a, b)
    return S.make_mul(ca * cb, (*sa, *sb), N.KhatriRao(ba, bb))


def softmax(a: Expr) -> Expr:
    return N.Softmax(a)


def logsumexp(a: Expr) -> Expr:
    return N.LogSumExp(a)


register(
    globals(),
    (
        "transpose",
        "inverse",
        "_square",
        "power",
        "matpow",
        "trace",
        "det",
        "logdet",
        "norm",
        "total",
        "vec",
        "unvec",
        "diag_mat",
        "diag_vec",
        "kron",
        "khatri_rao",
        "softmax",
        "logsumexp",
    ),
)
