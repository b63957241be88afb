"""The algebra's linear steps, one block per node type: the trace step (the adjoint) and the
vectorization step (the matrix) of the transpose, and of each product as a linear map of the
one factor that contains dX.

Their differential rules are in ``differential.py``; once d has been pushed through, a term is
linear in dX and these steps move everything else out of it. The functions' pairs (tr, sum,
vec, diag, kron) are in their modules under ``matdiff_magic/operations``.
"""

from __future__ import annotations

from matdiff_magic.dims import ONE
from matdiff_magic.rules import trace as T
from matdiff_magic.rules import vectorization as V
from matdiff_magic.rules.adjoint import Has, deflinear, index_of_dx, times, transposed
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

Weight = Expr | None


# -- transpose --------------------------------------------------------------------------------
def _trace_transpose(m: Weight, e: Expr, has: Has):
    return T.TRANSPOSE, transposed(m), e.arg


def _vec_transpose(j: Weight, e: Expr, has: Has):
    f = e.arg
    if f.rows == ONE or f.cols == ONE:  # vec(xᵀ) = x: K_{n,1} is the identity
        return V.ROW, j, f
    return V.TRANSPOSE, times(j, B.commutation(f.rows, f.cols)), f


deflinear(N.Transpose, trace=_trace_transpose, vec=_vec_transpose)


# -- matrix product ---------------------------------------------------------------------------
def _trace_matmul(m: Weight, e: Expr, has: Has):
    factors = e.factors
    i = index_of_dx(factors, has)
    left = B.matmul(*factors[:i]) if i > 0 else None
    right = B.matmul(*factors[i + 1 :]) if i < len(factors) - 1 else None
    f = factors[i]
    if isinstance(f, N.Transpose):
        # tr(M L F^T R) = tr(R^T F L^T M^T) = tr(L^T M^T R^T F)
        return T.TRANSPOSE, times(transposed(left), transposed(m), transposed(right)), f.arg
    if right is None:
        return None, times(m, left), f
    return T.CYCLIC, times(right, m, left), f


def _vec_matmul(j: Weight, e: Expr, has: Has):
    factors = e.factors
    i = index_of_dx(factors, has)
    f = factors[i]
    left = factors[:i]
    right = factors[i + 1 :]
    if f.cols == ONE and not right:
        return V.COLUMN, times(j, B.matmul(*left)), f
    if f.rows == ONE and not left:
        return V.ROW, times(j, B.transpose(B.matmul(*right))), B.transpose(f)
    if not left or not right:
        # Show the identity that makes dX the filling: A dX -> A dX I, dX B -> I dX B.
        filled = (*left, f, N.Identity(f.cols)) if not right else (N.Identity(f.rows), f, *right)
        return V.SANDWICH, j, N.MatMul(filled)
    outer = N.Kron(N.Transpose(_as_written(right)), _as_written(left))
    return V.KRON, times(j, outer), f


def _as_written(factors: tuple[Expr, ...]) -> Expr:
    """A product kept as written (raw), so the step shows (B^T ⊗ A) before simplifying."""
    if len(factors) == 1:
        return factors[0]
    return N.MatMul(tuple(factors))


deflinear(N.MatMul, trace=_trace_matmul, vec=_vec_matmul)


# -- scalar multiple --------------------------------------------------------------------------
def _trace_mul(m: Weight, e: Expr, has: Has):
    factors = e.factors
    i = index_of_dx(factors, has)
    f = factors[i]
    others = B.make_mul(
        e.coeff,
        [s for k, s in enumerate(e.scalars) if k != i],
        e.body if i < len(e.scalars) else None,
    )
    if i == len(e.scalars) and e.body is not None:  # dX is in the body
        return T.SCALAR_FACTOR, times(m, others) if m is not None else others, f
    weight = others if m is None else B.trace(B.mul(m, others))
    return T.SCALAR_FACTOR, weight, f


def _vec_mul(j: Weight, e: Expr, has: Has):
    factors = e.factors
    i = index_of_dx(factors, has)
    f = factors[i]
    if i == len(e.scalars) and e.body is not None:
        scale = B.make_mul(e.coeff, e.scalars, None)
        return V.SCALAR, scale if j is None else B.mul(scale, j), f
    rest = B.make_mul(e.coeff, [s for k, s in enumerate(e.scalars) if k != i], e.body)
    return V.SCALAR, times(j, B.vec(rest)), f


deflinear(N.Mul, trace=_trace_mul, vec=_vec_mul)


# -- Hadamard product and entrywise division --------------------------------------------------
def _trace_hadamard(m: Weight, e: Expr, has: Has):
    i = index_of_dx(e.factors, has)
    others = B.hadamard(*[f for k, f in enumerate(e.factors) if k != i])
    assert m is not None
    return T.HADAMARD, B.transpose(B.hadamard(B.transpose(m), others)), e.factors[i]


def _vec_hadamard(j: Weight, e: Expr, has: Has):
    i = index_of_dx(e.factors, has)
    others = B.hadamard(*[f for k, f in enumerate(e.factors) if k != i])
    return V.HADAMARD, times(j, B.diag_mat(B.vec(others))), e.factors[i]


def _numerator(e: Expr, has: Has) -> Expr:
    if has(e.den):
        raise AssertionError("dX cannot be in a denominator of a differential")
    return e.num


def _trace_hadamard_div(m: Weight, e: Expr, has: Has):
    num = _numerator(e, has)
    assert m is not None
    return T.HADAMARD_DIV, B.transpose(B.hadamard_div(B.transpose(m), e.den)), num


def _vec_hadamard_div(j: Weight, e: Expr, has: Has):
    num = _numerator(e, has)
    return V.HADAMARD_DIV, times(j, B.inverse(B.diag_mat(B.vec(e.den)))), num


deflinear(N.Hadamard, trace=_trace_hadamard, vec=_vec_hadamard, matrix_weight=True)
deflinear(N.HadamardDiv, trace=_trace_hadamard_div, vec=_vec_hadamard_div, matrix_weight=True)
