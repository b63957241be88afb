"""Linear reshapes in a result, as books write them: vec identities read backwards
((P ⊗ Q) vec C = vec(Q C Pᵀ)), diag and vec merged over sums, Kronecker sums collected."""

from __future__ import annotations

from matdiff_magic.dims import same
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.entrywise import simplify_entrywise
from matdiff_magic.tree.rewrite import transform


def merge_linear_wrappers(e: Expr) -> Expr:
    """diag(a) + diag(b) -> diag(a + b), vec(A) - vec(B) -> vec(A - B), vec(A) ⊙ vec(B) ->
    vec(A ⊙ B)."""

    def post(out: Expr) -> Expr:
        if isinstance(out, N.Add):
            for wrapper, make in ((N.DiagMat, B.diag_mat), (N.Vec, B.vec)):
                inner = []
                for t in out.terms:
                    c, s, body = B.split(t)
                    if not isinstance(body, wrapper):
                        break
                    inner.append(B.make_mul(c, s, body.arg))
                else:
                    if all(x.shape == inner[0].shape for x in inner):
                        return make(simplify_entrywise(B.add(*inner)))
        if isinstance(out, N.Add):
            merged = _merge_kron(out)
            if merged is not None:
                return merged
        if (
            isinstance(out, N.Hadamard)
            and all(isinstance(f, N.Vec) for f in out.factors)
            and all(f.arg.shape == out.factors[0].arg.shape for f in out.factors)
        ):
            return B.vec(B.hadamard(*[f.arg for f in out.factors]))
        return out

    return transform(e, post=post)


def _merge_kron(e: N.Add) -> Expr | None:
    """A ⊗ B + A ⊗ C = A ⊗ (B + C) and B ⊗ A + C ⊗ A = (B + C) ⊗ A (⊗ is bilinear)."""
    parts = [B.split(t) for t in e.terms]
    if not all(isinstance(body, N.Kron) for _, _, body in parts):
        return None
    for side in ("left", "right"):
        shared = getattr(parts[0][2], side)
        if all(getattr(body, side) == shared for _, _, body in parts[1:]):
            other = "right" if side == "left" else "left"
            rest = simplify_entrywise(
                B.add(*[B.make_mul(c, s, getattr(body, other)) for c, s, body in parts])
            )
            return B.kron(shared, rest) if side == "left" else B.kron(rest, shared)
    return None


def _contract_pair(a: Expr, b: Expr) -> Expr | None:
    """a b rewritten by a vec identity read backwards, or None."""
    if (
        isinstance(a, N.Kron)
        and b.cols == 1
        and not isinstance(b, N.Vec)
        and a.left.cols == 1
        and a.right.cols == b.rows
    ):
        # a column w is vec(w): (p ⊗ Q) w = vec(Q w pᵀ) for a column p
        return B.vec(B.matmul(a.right, b, B.transpose(a.left)))
    if (
        isinstance(a, N.Kron)
        and isinstance(b, N.Ones)
        and b.cols == 1
        and same(b.rows, a.right.cols * a.left.cols)
    ):
        # 𝟏 is vec(𝟏): (P ⊗ Q) 𝟏 = vec(Q 𝟏 Pᵀ), as the trace trick writes it
        ones = N.Ones(a.right.cols, a.left.cols)
        return B.vec(B.matmul(a.right, ones, B.transpose(a.left)))
    if isinstance(b, N.Vec):
        c = b.arg
        if isinstance(a, N.Kron) and c.shape == (a.right.cols, a.left.cols):
            return B.vec(B.matmul(a.right, c, B.transpose(a.left)))  # (P ⊗ Q) vec C = vec(Q C Pᵀ)
        if isinstance(a, N.Commutation) and c.shape == (a.m, a.n):
            return B.vec(B.transpose(c))  # K_{m,n} vec C = vec(Cᵀ)
        if isinstance(a, N.DiagMat) and isinstance(a.arg, N.Vec) and a.arg.arg.shape == c.shape:
            return B.vec(B.hadamard(a.arg.arg, c))
        if isinstance(a, N.Transpose) and isinstance(a.arg, N.Vec) and a.arg.arg.shape == c.shape:
            return B.trace(B.matmul(B.transpose(a.arg.arg), c))  # vec(A)ᵀ vec(C) = tr(Aᵀ C)
    if isinstance(a, N.DiagMat) and b.cols == 1 and not isinstance(b, N.DiagMat):
        return B.hadamard(a.arg, b)  # diag(a) b = a ⊙ b
    if isinstance(b, N.DiagMat) and a.rows == 1 and not isinstance(a, N.DiagMat):
        return B.transpose(B.hadamard(b.arg, B.transpose(a)))  # aᵀ diag(b) = (a ⊙ b)ᵀ
    if isinstance(a, N.Transpose) and isinstance(a.arg, N.Vec):
        c = a.arg.arg
        if isinstance(b, N.Kron) and c.shape == (b.right.rows, b.left.rows):
            return B.transpose(B.vec(B.matmul(B.transpose(b.right), c, b.left)))
        if isinstance(b, N.Commutation) and c.shape == (b.n, b.m):
            return B.transpose(B.vec(B.transpose(c)))
        if isinstance(b, N.DiagMat) and isinstance(b.arg, N.Vec) and b.arg.arg.shape == c.shape:
            return B.transpose(B.vec(B.hadamard(c, b.arg.arg)))
    return None


def _commutation_first(factors: list[Expr]) -> list[Expr]:
    """(A ⊗ B) K_{n,q} = K_{m,p} (B ⊗ A) for A m×n, B p×q: the commutation matrix goes first,
    as in -K (X⁻ᵀ ⊗ X⁻¹) for the Hessian of log|X|."""
    out = list(factors)
    for i in range(len(out) - 1):
        a, k = out[i], out[i + 1]
        if isinstance(a, N.Kron) and isinstance(k, N.Commutation):
            m, n = a.left.shape
            p, q = a.right.shape
            if (k.m, k.n) == (n, q):
                out[i : i + 2] = [B.commutation(m, p), B.kron(a.right, a.left)]
    return out


def _absorb_diagonals(factors: list[Expr]) -> list[Expr]:
    """diag(v) after a row-valued product or before a column-valued one is a Hadamard product:
    xᵀ A diag(v) C = ((Aᵀ x) ⊙ v)ᵀ C and A diag(v) B x = A (v ⊙ (B x))."""
    for i, f in enumerate(factors):
        if not isinstance(f, N.DiagMat):
            continue
        if i > 0 and all(g.rows == 1 for g in factors[:1]):
            row = B.matmul(*factors[:i])
            if row.rows == 1:
                merged = B.transpose(B.hadamard(B.transpose(row), f.arg))
                return _absorb_diagonals([merged, *factors[i + 1 :]])
        if i < len(factors) - 1:
            column = B.matmul(*factors[i + 1 :])
            if column.cols == 1:
                merged = B.hadamard(f.arg, column)
                return _absorb_diagonals([*factors[:i], merged])
    return factors


def contract_vec(e: Expr) -> Expr:
    """Undo the vec trick where it shortens: (Bᵀ ⊗ A) vec(C) -> vec(A C B), and kin."""

    def post(out: Expr) -> Expr:
        if isinstance(out, N.Unvec) and isinstance(out.arg, N.MatMul):
            # unvec((A + B) v) = unvec(A v) + unvec(B v), so each term can contract
            factors = out.arg.factors
            for i, f in enumerate(factors):
                if isinstance(f, N.Add):
                    terms = [B.matmul(*factors[:i], t, *factors[i + 1 :]) for t in f.terms]
                    return B.add(*[contract_vec(B.unvec(t, out.m, out.n)) for t in terms])
        c, s, body = B.split(out)
        if not isinstance(body, N.MatMul):
            return out
        factors = list(body.factors)
        changed = True
        while changed:
            changed = False
            for i in range(len(factors) - 1):
                new = _contract_pair(factors[i], factors[i + 1])
                if new is not None:
                    factors[i : i + 2] = [new]
                    changed = True
                    break
        factors = _absorb_diagonals(_commutation_first(factors))
        return out if factors == list(body.factors) else B.make_mul(c, s, B.matmul(*factors))

    return transform(e, post=post)
