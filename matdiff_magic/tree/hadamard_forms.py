"""Hadamard structure as books write it, instead of through selection matrices.

The vectorization method writes vec(diag(x)) = S x and diag(M) = Sᵀ vec(M) with the k²×k
selection matrix S = diag(vec(I_k)) (𝟏_k ⊗ I_k), whose column l is vec(e_l e_lᵀ) = e_l ⊗ e_l.
Read back, a Kronecker product between selection matrices is a Hadamard or Khatri–Rao product:

    Sᵀ (P ⊗ Q) S = P ⊙ Q            (entry l, m: P_lm Q_lm)
    (P ⊗ Q) S = P ∗ Q               (column l: p_l ⊗ q_l, the Khatri–Rao product)
    Sᵀ (P ⊗ Q) = (Pᵀ ∗ Qᵀ)ᵀ         (row l: the rows p^l ⊗ q^l)
    Sᵀ vec(M) = diag(M),  vec(M)ᵀ S = diag(M)ᵀ,  S x = vec(diag(x))
    Sᵀ (P ⊗ Q) vec(M) = diag(Q M Pᵀ),  vec(M)ᵀ (P ⊗ Q) S = diag(Qᵀ M P)ᵀ
    Sᵀ (P ∗ Q) = P ⊙ Q,  (P ∗ Q)ᵀ S = Pᵀ ⊙ Qᵀ   (the chain method meets S in two steps)

and a Khatri–Rao product of rows, or of a row and the identity, is a Hadamard product or a
diagonal matrix: aᵀ ∗ bᵀ = (a ⊙ b)ᵀ, aᵀ ∗ I = I ∗ aᵀ = diag(a). Each function here is one named
rewrite of the final polish (tree/tidy.py REWRITES; tests/test_rewrites.py checks each
numerically).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from matdiff_magic.dims import ONE, same
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.rewrite import transform
from matdiff_magic.tree.textbook import written_tokens


def _identity_of(e: Expr) -> sympy.Expr | None:
    return e.n if isinstance(e, N.Identity) else None


def _ones_column(e: Expr) -> sympy.Expr | None:
    return e.rows if isinstance(e, N.Ones) and e.cols == ONE else None


def _ones_row(e: Expr) -> sympy.Expr | None:
    if isinstance(e, N.Ones) and e.rows == ONE:
        return e.cols
    if isinstance(e, N.Transpose) and isinstance(e.arg, N.Ones) and e.arg.cols == ONE:
        return e.arg.rows
    return None


def _mask(e: Expr) -> sympy.Expr | None:
    """k when ``e`` is diag(vec(I_k))."""
    if isinstance(e, N.DiagMat) and isinstance(e.arg, N.Vec):
        return _identity_of(e.arg.arg)
    return None


def _kron_with_identity(e: Expr, ones) -> sympy.Expr | None:
    """k when ``e`` is 𝟏_k ⊗ I_k (ones: _ones_column) or 𝟏_kᵀ ⊗ I_k (_ones_row)."""
    if isinstance(e, N.Kron):
        k, n = ones(e.left), _identity_of(e.right)
        if k is not None and n is not None and same(k, n):
            return n
    return None


def _masked(e: Expr, k: sympy.Expr) -> Expr | None:
    """v when ``e`` is vec(I_k) ⊙ v (diag(vec(I_k)) v, as contracted)."""
    if isinstance(e, N.Hadamard) and len(e.factors) == 2:
        for i, f in enumerate(e.factors):
            if isinstance(f, N.Vec) and _identity_of(f.arg) is not None and same(f.arg.n, k):
                return e.factors[1 - i]
    return None


@dataclass(frozen=True)
class _Select:
    """S (``transposed``: Sᵀ) in a product, with the factors it was read from."""

    k: sympy.Expr
    transposed: bool
    source: tuple[Expr, ...]


def _is(k: sympy.Expr | None, n: sympy.Expr) -> bool:
    return k is not None and same(k, n)


def _read(factors: tuple[Expr, ...]) -> list[Expr | _Select]:
    out: list[Expr | _Select] = []
    i = 0
    while i < len(factors):
        f = factors[i]
        nxt = factors[i + 1] if i + 1 < len(factors) else None
        k = _mask(f)
        if k is not None and nxt is not None and _is(_kron_with_identity(nxt, _ones_column), k):
            out.append(_Select(k, False, (f, nxt)))
            i += 2
            continue
        k = _kron_with_identity(f, _ones_row)
        if k is not None and nxt is not None:
            if _is(_mask(nxt), k):
                out.append(_Select(k, True, (f, nxt)))
                i += 2
                continue
            inner = _masked(nxt, k)
            # (𝟏ᵀ ⊗ I) (vec(I) ⊙ v) = Sᵀ v, read so where Sᵀ v simplifies (v = vec(M), P ⊗ Q)
            if inner is not None and (isinstance(inner, N.Vec) or _krons(inner) is not None):
                out.extend([_Select(k, True, (f, nxt)), inner])
                i += 2
                continue
        out.append(f)
        i += 1
    return out


def _krons(
    e: Expr, rows: sympy.Expr | None = None, cols: sympy.Expr | None = None
) -> list[tuple[sympy.Expr, tuple[Expr, ...], N.Kron]] | None:
    """The terms of ``e`` as (coefficient, scalars, P ⊗ Q) when every term is one (with P and Q
    of ``rows`` rows and ``cols`` columns each, where given)."""
    terms = e.terms if isinstance(e, N.Add) else (e,)
    parts = [B.split(t) for t in terms]
    for _, _, body in parts:
        if not isinstance(body, N.Kron):
            return None
        for side in (body.left, body.right):
            if (rows is not None and not same(side.rows, rows)) or (
                cols is not None and not same(side.cols, cols)
            ):
                return None
    return parts  # type: ignore[return-value]


def _khatri_raos(e: Expr, k: sympy.Expr, transposed: bool) -> list | None:
    """The terms of ``e`` as (coefficient, scalars, P ∗ Q) when every term is one, P and Q of k
    rows (``transposed``: every term is (P ∗ Q)ᵀ)."""
    terms = e.terms if isinstance(e, N.Add) else (e,)
    parts = []
    for t in terms:
        c, sc, body = B.split(t)
        if transposed:
            if not isinstance(body, N.Transpose):
                return None
            body = body.arg
        if not (
            isinstance(body, N.KhatriRao) and same(body.left.rows, k) and same(body.right.rows, k)
        ):
            return None
        parts.append((c, sc, body))
    return parts


def khatri_rao_read(p: Expr, q: Expr) -> Expr:
    """P ∗ Q, as a Hadamard product or a diagonal matrix where it is one."""
    if p.rows == ONE and q.rows == ONE:
        return B.transpose(B.hadamard(B.transpose(p), B.transpose(q)))  # aᵀ ∗ bᵀ = (a ⊙ b)ᵀ
    if p.rows == ONE and _identity_of(q) is not None:
        return B.diag_mat(B.transpose(p))  # aᵀ ∗ I = diag(a)
    if q.rows == ONE and _identity_of(p) is not None:
        return B.diag_mat(B.transpose(q))  # I ∗ aᵀ = diag(a)
    return B.khatri_rao(p, q)


def _each(parts, make) -> Expr:
    return B.add(*[B.make_mul(c, s, make(body.left, body.right)) for c, s, body in parts])


def _applied_to_column(items: list[Expr | _Select], i: int) -> bool:
    """Whether the factors from ``i`` on make a column (a vec, which the vec identities
    contract into a shorter form than a Khatri–Rao product would give)."""
    rest = items[i:]
    return bool(rest) and not any(isinstance(f, _Select) for f in rest) and rest[-1].cols == ONE


def _row_before(items: list[Expr | _Select], i: int) -> bool:
    """Whether the factors before ``i`` make a row (see ``_applied_to_column``)."""
    rest = items[:i]
    return bool(rest) and not any(isinstance(f, _Select) for f in rest) and rest[0].rows == ONE


def _reduce(items: list[Expr | _Select]) -> list[Expr | _Select]:
    changed = True
    while changed:
        changed = False
        for i, f in enumerate(items):
            if not isinstance(f, _Select):
                continue
            after = items[i + 1] if i + 1 < len(items) else None
            before = items[i - 1] if i > 0 else None
            if f.transposed and after is not None and not isinstance(after, _Select):
                parts = _krons(after, rows=f.k)
                last = items[i + 2] if i + 2 < len(items) else None
                square = _krons(after, rows=f.k, cols=f.k)
                if square is not None and isinstance(last, _Select) and not last.transposed:
                    new = _each(square, B.hadamard)  # Sᵀ (P ⊗ Q) S = P ⊙ Q
                    items[i : i + 3] = [new]
                elif parts is not None and _applied_to_column(items, i + 2):
                    last = items[i + 2] if i + 2 < len(items) else None
                    if len(parts) != 1 or not isinstance(last, N.Vec):
                        continue  # a column the vec identities contract first
                    c, sc, kron = parts[0]  # Sᵀ (P ⊗ Q) vec(M) = diag(Q M Pᵀ)
                    inner = B.matmul(kron.right, last.arg, B.transpose(kron.left))
                    items[i : i + 3] = [B.make_mul(c, sc, B.diag_vec(inner))]
                elif parts is not None:
                    new = _each(
                        parts,
                        lambda p, q: B.transpose(khatri_rao_read(B.transpose(p), B.transpose(q))),
                    )  # Sᵀ (P ⊗ Q) = (Pᵀ ∗ Qᵀ)ᵀ
                    items[i : i + 2] = [new]
                elif (done := _khatri_raos(after, f.k, False)) is not None:
                    items[i : i + 2] = [_each(done, B.hadamard)]  # Sᵀ (P ∗ Q) = P ⊙ Q
                elif isinstance(after, N.Vec) and same(after.arg.rows, f.k):
                    items[i : i + 2] = [B.diag_vec(after.arg)]  # Sᵀ vec(M) = diag(M)
                else:
                    continue
                changed = True
                break
            if not f.transposed and before is not None and not isinstance(before, _Select):
                if isinstance(before, N.Transpose) and isinstance(before.arg, N.Vec):
                    m = before.arg.arg
                    if same(m.rows, f.k) and same(m.cols, f.k):
                        items[i - 1 : i + 1] = [B.transpose(B.diag_vec(m))]  # vec(M)ᵀ S
                        changed = True
                        break
                parts = _krons(before, cols=f.k)
                if parts is not None and _row_before(items, i - 1):
                    first = items[i - 2]
                    if len(parts) != 1 or not (
                        isinstance(first, N.Transpose) and isinstance(first.arg, N.Vec)
                    ):
                        continue  # a row the vec identities contract first
                    c, sc, kron = parts[0]  # vec(M)ᵀ (P ⊗ Q) S = diag(Qᵀ M P)ᵀ
                    inner = B.matmul(B.transpose(kron.right), first.arg.arg, kron.left)
                    items[i - 2 : i + 1] = [B.make_mul(c, sc, B.transpose(B.diag_vec(inner)))]
                    changed = True
                    break
                if parts is not None:
                    items[i - 1 : i + 1] = [_each(parts, khatri_rao_read)]  # (P ⊗ Q) S = P ∗ Q
                    changed = True
                    break
                done = _khatri_raos(before, f.k, True)
                if done is not None:  # (P ∗ Q)ᵀ S = Pᵀ ⊙ Qᵀ
                    items[i - 1 : i + 1] = [
                        _each(done, lambda p, q: B.hadamard(B.transpose(p), B.transpose(q)))
                    ]
                    changed = True
                    break
            if not f.transposed and after is not None and not isinstance(after, _Select):
                if after.cols == ONE:
                    items[i : i + 2] = [B.vec(B.diag_mat(after))]  # S x = vec(diag(x))
                    changed = True
                    break
    return items


def selection_matrices(e: Expr) -> Expr:
    """Kronecker products between the selection matrices S = diag(vec(I)) (𝟏 ⊗ I), Sᵀ read
    back as Hadamard and Khatri–Rao products (see the module's docstring)."""

    def post(out: Expr) -> Expr:
        if not isinstance(out, N.MatMul):
            return out
        items = _read(out.factors)
        if not any(isinstance(f, _Select) for f in items):
            return out
        items = _reduce(items)
        factors: list[Expr] = []
        for f in items:
            factors.extend(f.source if isinstance(f, _Select) else (f,))
        return out if tuple(factors) == out.factors else B.matmul(*factors)

    return transform(e, post=post)


def diagonal_of_outer_products(e: Expr) -> Expr:
    """diag(P a bᵀ Q) = (P a) ⊙ (Qᵀ b): the diagonal of an outer product is the Hadamard
    product of its two vectors (diag(b aᵀ) = a ⊙ b)."""

    def post(out: Expr) -> Expr:
        if not (isinstance(out, N.DiagVec) and isinstance(out.arg, N.MatMul)):
            return out
        factors = out.arg.factors
        for i, f in enumerate(factors[:-1]):
            if f.cols == ONE:
                column = B.matmul(*factors[: i + 1])
                row = B.matmul(*factors[i + 1 :])
                return B.hadamard(column, B.transpose(row))
        return out

    return transform(e, post=post)


def diagonals_through_diagonals(e: Expr) -> Expr:
    """diag(P diag(y) Q) = (P ⊙ Qᵀ) y when that reads shorter: entry i is Σ_j P_ij y_j Q_ji,
    as the vectorization method finds it ((P ⊙ Qᵀ) y) where the trace trick gives the diag."""

    def post(out: Expr) -> Expr:
        if not (isinstance(out, N.DiagVec) and isinstance(out.arg, N.MatMul)):
            return out
        factors = out.arg.factors
        for i, f in enumerate(factors):
            if isinstance(f, N.DiagMat) and 0 < i < len(factors) - 1:
                p, q = B.matmul(*factors[:i]), B.matmul(*factors[i + 1 :])
                read = B.matmul(B.hadamard(p, B.transpose(q)), f.arg)
                return read if written_tokens(read) < written_tokens(out) else out
        return out

    return transform(e, post=post)


def khatri_rao_of_rows(e: Expr) -> Expr:
    """aᵀ ∗ bᵀ = (a ⊙ b)ᵀ and aᵀ ∗ I = I ∗ aᵀ = diag(a): a Khatri–Rao product of a row is a
    Hadamard product or a diagonal matrix, wherever it comes from (written so, or a method's
    step)."""

    def post(out: Expr) -> Expr:
        if isinstance(out, N.KhatriRao):
            read = khatri_rao_read(out.left, out.right)
            return out if isinstance(read, N.KhatriRao) else read
        return out

    return transform(e, post=post)


def transposes_into_hadamard_products(e: Expr) -> Expr:
    """(P ⊙ Q)ᵀ = Pᵀ ⊙ Qᵀ for matrices, whichever way reads shorter: -(G⁻¹ ⊙ G⁻ᵀ)ᵀ is
    -(G⁻ᵀ ⊙ G⁻¹), the transpose of a result read back from selection matrices, and
    Xᵀ ⊙ (Aᵀ)∘² is (X ⊙ A∘²)ᵀ."""
    def post(out: Expr) -> Expr:
        if (
            isinstance(out, N.Transpose)
            and isinstance(out.arg, N.Hadamard)
            and out.rows != ONE
            and out.cols != ONE
        ):
            spread = B.hadamard(*[_transposed(f) for f in out.arg.factors])
            if written_tokens(spread) < written_tokens(out):
                return spread
        if isinstance(out, N.Hadamard) and out.rows != ONE and out.cols != ONE:
            # and back: 2 Xᵀ ⊙ (Aᵀ)∘² is 2 (X ⊙ A∘²)ᵀ, one transpose for all
            gathered = N.Transpose(B.hadamard(*[_transposed(f) for f in out.factors]))
            if written_tokens(gathered) < written_tokens(out):
                return gathered
        return out

    return transform(e, post=post)


def _transposed(f: Expr) -> Expr:
    """fᵀ, taken inside an entrywise power: ((Aᵀ)∘²)ᵀ is A∘²."""
    if isinstance(f, N.HadamardPow):
        return N.HadamardPow(_transposed(f.base), f.exponent)
    return B.transpose(f)
