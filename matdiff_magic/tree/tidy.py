"""The final polish of a derivative before it is shown: textbook form, same value."""

from __future__ import annotations

from collections.abc import Callable

from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.entrywise import simplify_entrywise
from matdiff_magic.tree.expand import TooLarge, expand
from matdiff_magic.tree.factor import factor
from matdiff_magic.tree.named import written_size
from matdiff_magic.tree.rewrite import canonical, named, transform


def _merge_linear_wrappers(e: Expr) -> Expr:
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


def _contract_vec(e: Expr) -> Expr:
    """Undo the vec trick where it shortens: (Bᵀ ⊗ A) vec(C) -> vec(A C B), and kin."""

    def post(out: Expr) -> Expr:
        if isinstance(out, N.Unvec) and isinstance(out.arg, N.MatMul):
            # unvec((A + B) v) = unvec(A v) + unvec(B v), so each term can contract
            factors = out.arg.factors
            for i, f in enumerate(factors):
                if isinstance(f, N.Add):
                    terms = [B.matmul(*factors[:i], t, *factors[i + 1 :]) for t in f.terms]
                    return B.add(*[_contract_vec(B.unvec(t, out.m, out.n)) for t in terms])
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


def _distribute_top_transpose(e: Expr) -> Expr:
    """(A + B)^T as a whole result reads better as A^T + B^T."""
    c, s, body = B.split(e)
    if isinstance(body, N.Transpose) and isinstance(body.arg, N.Add):
        return B.make_mul(c, s, B.add(*[B.transpose(t) for t in body.arg.terms]))
    return e


def _size(e: Expr) -> int:
    return sum(1 for _ in e.walk())


def _shorter(candidate: Expr, current: Expr) -> bool:
    """Strictly smaller, or as small with fewer identity matrices: -(I - s 𝟏ᵀ) y loses to
    (𝟏ᵀ y) s - y, but (𝟏 - t∘²) ⊙ g stays factored."""
    if candidate == current:
        return False
    a, b = _size(candidate), _size(current)
    if a != b:
        return a < b

    def identities(e: Expr) -> int:
        return sum(1 for n in e.walk() if isinstance(n, N.Identity))

    return identities(candidate) < identities(current)


def _expand_square_inverses(e: Expr) -> Expr:
    """(A X B)^{-1} -> B^{-1} X^{-1} A^{-1} when every factor is square (so each is invertible
    whenever the product is); used only when it makes the result shorter."""

    def post(out: Expr) -> Expr:
        if (
            isinstance(out, N.Inverse)
            and isinstance(out.arg, N.MatMul)
            and all(f.rows == f.cols for f in out.arg.factors)
        ):
            return B.matmul(*[B.inverse(f) for f in reversed(out.arg.factors)])
        return out

    return transform(e, post=post)


def _exp_total(s: Expr) -> Expr | None:
    """z when s is 𝟏ᵀ exp(z) or sum(exp(z)) for a column z, else None."""
    if isinstance(s, N.Sum):
        inner = s.arg
    elif isinstance(s, N.MatMul) and len(s.factors) == 2 and isinstance(s.factors[0], N.Ones):
        inner = s.factors[1]
    else:
        return None
    if isinstance(inner, N.Elementwise) and inner.func == "exp" and inner.arg.is_column:
        return inner.arg
    return None


def _swap_factors(e: Expr, old: Expr, new: Expr, budget: list[int]) -> Expr:
    """``e`` with at most budget[0] occurrences of ``old`` replaced by ``new``, only where
    ``old`` is a factor of the whole of ``e`` (reached through products, transposes and linear
    reshapes, never through a sum, a function or a power): there, scaling ``old`` scales ``e``.
    Each occurrence is counted (no memo: equal subtrees are separate occurrences here)."""
    if budget[0] <= 0:
        return e
    if e == old:
        budget[0] -= 1
        return new
    if isinstance(e, N.MatMul | N.Hadamard | N.Kron):
        args = tuple(_swap_factors(a, old, new, budget) for a in e.args)
    elif isinstance(e, N.HadamardDiv):
        args = (_swap_factors(e.num, old, new, budget), e.den)
    elif isinstance(e, N.Transpose | N.Vec | N.DiagMat | N.DiagVec):
        args = (_swap_factors(e.arg, old, new, budget),)
    elif isinstance(e, N.Mul) and e.body is not None:
        args = (*e.scalars, _swap_factors(e.body, old, new, budget))
    else:
        return e
    return e if all(x is y for x, y in zip(args, e.args, strict=True)) else B.rebuild(e, args)


def _recognise_softmax(e: Expr) -> Expr:
    """exp(z)/(𝟏ᵀ exp(z)) -> softmax(z): each factor (𝟏ᵀ exp(z))⁻¹ of a product turns one
    exp(z) of the same product into softmax(z)."""

    def post(out: Expr) -> Expr:
        if not isinstance(out, N.Mul) or out.body is None:
            return out
        scalars = list(out.scalars)
        body = out.body
        for i, s in enumerate(scalars):
            if not (isinstance(s, N.Power) and isinstance(s.exponent, N.Const)):
                continue
            k = -s.exponent.value
            z = _exp_total(s.base)
            if z is None or not (k.is_integer and k > 0):
                continue
            budget = [int(k)]
            body = _swap_factors(body, B.elementwise("exp", z), B.softmax(z), budget)
            used = int(k) - budget[0]
            if used:
                remaining = -(k - used)
                scalars[i] = B.power(s.base, B.const(remaining))
        if body is out.body:
            return out
        return B.make_mul(out.coeff, scalars, body)

    return transform(e, post=post)


def _order_sums(e: Expr) -> Expr:
    """Positive terms first, then fewer transposes on bare names: A + Aᵀ, σ(X w) - y."""

    def key(t: Expr) -> tuple[bool, int]:
        c, _, body = B.split(t)
        atom = body is not None and (
            isinstance(body, N.Var)
            or (isinstance(body, N.Transpose) and isinstance(body.arg, N.Var))
        )
        return (bool(c.could_extract_minus_sign()), B.count_transposes(body) if atom else 0)

    def post(out: Expr) -> Expr:
        if isinstance(out, N.Add):
            ordered = tuple(sorted(out.terms, key=key))
            if ordered != out.terms:
                return N.Add(ordered)
        if isinstance(out, N.Hadamard):
            # single factors before sums: σ ⊙ (𝟏 - σ), not (𝟏 - σ) ⊙ σ
            ordered = tuple(sorted(out.factors, key=lambda f: isinstance(f, N.Add)))
            if ordered != out.factors:
                return N.Hadamard(ordered)
        return out

    return transform(e, post=post)


def _multiply_out(e: Expr) -> Expr:
    return canonical(expand(e, entrywise=False))


# The rewrites of the final polish, by name: each must be an identity (tests/test_rewrites.py
# checks every one numerically on everything the suite derives, through ``observing``).
REWRITES: dict[str, Callable[[Expr], Expr]] = {
    "expand square inverses": _expand_square_inverses,
    "contract vec": _contract_vec,
    "entrywise algebra": simplify_entrywise,
    "recognise softmax": _recognise_softmax,
    "merge linear wrappers": _merge_linear_wrappers,
    "distribute a transpose": _distribute_top_transpose,
    "factor": factor,
    "multiply out": _multiply_out,
    "order sums": _order_sums,
}


def _apply(name: str, e: Expr) -> Expr:
    return named(name, REWRITES[name], e)


# Beyond this many nodes written out, an expression is left as it is: the polish costs more
# than quadratic time on such sizes, and no reader follows a formula that long anyway.
MAX_TIDY = 3000


def tidy(e: Expr) -> Expr:
    if written_size(e, names=False) > MAX_TIDY:
        return e
    expanded = _apply("expand square inverses", e)
    if expanded is not e and _size(expanded) < _size(e):
        e = expanded
    out = _tidy(e)
    for _ in range(2):
        # Factoring can bring entrywise pieces together (Xᵀ a - Xᵀ b -> Xᵀ (a - b)) that the
        # entrywise algebra then simplifies: repeat until nothing changes.
        again = _tidy(out)
        if again == out:
            break
        out = again
    try:
        # Multiplying out and factoring again sometimes gives a shorter form:
        # -(I - s 𝟏ᵀ) y xᵀ -> (s (𝟏ᵀ y) - y) xᵀ.
        alternative = _tidy(_apply("multiply out", out))
        if _shorter(alternative, out):
            out = alternative
    except TooLarge:
        pass
    return _apply("order sums", out)


def _tidy(e: Expr) -> Expr:
    out = e
    for name in (
        "contract vec",
        "entrywise algebra",
        "recognise softmax",
        "merge linear wrappers",
        "distribute a transpose",
        "factor",
    ):
        out = _apply(name, out)
    return out
