"""A factor shared by the entrywise products of a sum, pulled out (a named rewrite of the final
polish, tree/tidy.py): h ⊙ a - h ⊙ b = h ⊙ (a - b), as the distributive law of ⊙ reads.

The matrix factoring (tree/factor.py) pulls only the end factors of matrix products out of a
sum; an entrywise factor shared by some of the terms stays in each, so the definition method's
index form h ⊙ (W₂ᵀ y) - h ⊙ (W₂ᵀ s) + g never meets the W₂ᵀ (s - y) = g the other methods
reach. Once the shared h is out, the factoring pulls W₂ᵀ out of the difference and the entrywise
algebra gathers g - h ⊙ g into (𝟏 - h) ⊙ g.

And an entrywise product read as a diagonal matrix (a ⊙ u = diag(a) u), an inner product times
a vector as an outer product applied to it ((vᵀ t) w = w vᵀ t), so that a sum can have a
diag(a) or a column t pulled out (``entrywise_as_diagonal``): the index form's s ⊙ t - (sᵀ t) s
is the (diag(s) - s sᵀ) t the trace trick writes.
"""

from __future__ import annotations

from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.canonical import ckey
from matdiff_magic.tree.rewrite import transform
from matdiff_magic.tree.textbook import display_key, reading_cost


def _entrywise_factors(term: Expr) -> list[Expr]:
    """The entrywise factors of a term; a term that is no entrywise product is one factor
    (g = 𝟏 ⊙ g, so g - h ⊙ g = (𝟏 - h) ⊙ g)."""
    _, _, body = B.split(term)
    if body is None or body.is_scalar:
        return []
    return list(body.factors) if isinstance(body, N.Hadamard) else [body]


def _without(term: Expr, key: str) -> Expr:
    """``term`` with one entrywise factor of key ``key`` taken out (𝟏 if it was the term)."""
    c, s, body = B.split(term)
    rest = list(body.factors) if isinstance(body, N.Hadamard) else [body]
    rest.pop(next(i for i, f in enumerate(rest) if ckey(f) == key))
    return B.make_mul(c, s, B.hadamard(*rest) if rest else B.ones_like(body))


def _shared(terms: tuple[Expr, ...]) -> tuple[str, Expr, list[int]] | None:
    """The entrywise factor the most terms hold (two at least), and which terms."""
    holders: dict[str, list[int]] = {}
    factor: dict[str, Expr] = {}
    for i, t in enumerate(terms):
        for f in _entrywise_factors(t):
            k = ckey(f)
            if i not in holders.setdefault(k, []):
                holders[k].append(i)
                factor[k] = f

    def products(k: str) -> int:
        return sum(isinstance(B.split(terms[i])[2], N.Hadamard) for i in holders[k])

    # shared by two terms at least, one of them an entrywise product (equal terms are summed
    # by the smart constructors already)
    candidates = [k for k in holders if len(holders[k]) >= 2 and products(k) >= 1]
    if not candidates:
        return None
    # the most terms, then a fixed order (whatever order the method left the terms in)
    best = min(candidates, key=lambda k: (-len(holders[k]), display_key(factor[k])))
    return best, factor[best], holders[best]


def shared_entrywise_factors(e: Expr) -> Expr:
    """a ⊙ b + a ⊙ c + d = a ⊙ (b + c) + d, for the factor most terms share; a - a ⊙ c =
    a ⊙ (𝟏 - c); where that reads shorter."""

    def post(out: Expr) -> Expr:
        if not isinstance(out, N.Add):
            return out
        found = _shared(out.terms)
        if found is None:
            return out
        key, f, members = found
        inner = B.add(*[_without(out.terms[i], key) for i in members])
        rest = [t for i, t in enumerate(out.terms) if i not in members]
        shared = B.add(B.hadamard(f, inner), *rest)
        # not where it reads longer: (sᵀ u) s - s ⊙ u stays, s ⊙ ((sᵀ u) 𝟏 - u) has more
        return shared if reading_cost(shared) < reading_cost(out) else out

    return transform(e, post=post)


def _column_factors(e: Expr) -> list[Expr]:
    """The entrywise factors of a column (itself if it is no entrywise product)."""
    return list(e.factors) if isinstance(e, N.Hadamard) else [e]


Part = tuple[Expr, bool]  # M, and whether it took reading an entrywise or inner product


def _left_part(term: Expr, a_key: str) -> Part | None:
    """M with term = diag(a) M, read off term = c diag(a) P..., c (a ⊙ u) P... or c a ⊙ u."""
    c, s, body = B.split(term)
    if body is None:
        return None
    chain = list(body.factors) if isinstance(body, N.MatMul) else [body]
    first = chain[0]
    if isinstance(first, N.DiagMat) and ckey(first.arg) == a_key:
        rest = chain[1:]
        return B.make_mul(c, s, B.matmul(*rest) if rest else B.identity(first.rows)), False
    if first.cols == 1 and not first.is_scalar:
        factors = _column_factors(first)
        keys = [ckey(f) for f in factors]
        if a_key in keys and len(factors) > 1:
            factors.pop(keys.index(a_key))
            return B.make_mul(c, s, B.matmul(B.hadamard(*factors), *chain[1:])), True
    return None


def _right_part(term: Expr, t_key: str) -> Part | None:
    """M with term = M t, read off c P... t, c t (I t), c a ⊙ t (diag(a) t) and c (vᵀ t) w
    (w vᵀ t)."""
    c, s, body = B.split(term)
    if body is None or body.cols != 1:
        return None
    chain = list(body.factors) if isinstance(body, N.MatMul) else [body]
    last = chain[-1]
    if ckey(last) == t_key:
        if len(chain) > 1:
            return B.make_mul(c, s, B.matmul(*chain[:-1])), False
        # t alone is I t, but not with a scalar: ((sᵀ u) I - diag(u)) s for (sᵀ u) s - s ⊙ u
        # would be an identity the reader has to undo
        return None if s else (B.make_mul(c, s, B.identity(last.rows)), False)
    if len(chain) == 1:
        factors = _column_factors(last)
        keys = [ckey(f) for f in factors]
        if t_key in keys and len(factors) > 1:
            factors.pop(keys.index(t_key))
            return B.make_mul(c, s, B.diag_mat(B.hadamard(*factors))), True
        for i, scalar in enumerate(s):
            inner = _inner_with(scalar, t_key)
            # not (tᵀ v) 𝟏 as 𝟏 vᵀ t: that spreads a number, no book writes it as a matrix
            if inner is not None and not isinstance(body, N.Ones):
                others = s[:i] + s[i + 1 :]
                return B.make_mul(c, others, B.matmul(body, B.transpose(inner))), True
    return None


def _inner_with(scalar: Expr, t_key: str) -> Expr | None:
    """v for the inner product vᵀ t or tᵀ v."""
    if isinstance(scalar, N.MatMul) and len(scalar.factors) == 2:
        row, col = scalar.factors
        if ckey(col) == t_key and row.rows == 1:
            return B.transpose(row)
        if isinstance(row, N.Transpose) and ckey(row.arg) == t_key:
            return col
    return None


def _candidates(terms: tuple[Expr, ...]) -> tuple[list[Expr], list[Expr]]:
    """The vectors a of a diag(a) that could go out on the left, and the columns t that could
    go out on the right."""
    lefts: dict[str, Expr] = {}
    rights: dict[str, Expr] = {}
    for t in terms:
        _, _, body = B.split(t)
        if body is None:
            continue
        chain = list(body.factors) if isinstance(body, N.MatMul) else [body]
        if isinstance(chain[0], N.DiagMat):
            lefts.setdefault(ckey(chain[0].arg), chain[0].arg)
        if body.cols == 1:
            for f in _column_factors(chain[-1]):
                rights.setdefault(ckey(f), f)
    return list(lefts.values()), list(rights.values())


def entrywise_as_diagonal(e: Expr) -> Expr:
    """A sum whose terms all have diag(a) on the left, or the column t on the right, once an
    entrywise product is read as a diagonal matrix (a ⊙ u = diag(a) u) and an inner product as
    a matrix product ((vᵀ t) w = w vᵀ t), with that factor pulled out: diag(a) - (u ⊙ a) sᵀ =
    diag(a) (I - u sᵀ), s ⊙ t - (sᵀ t) s = (diag(s) - s sᵀ) t; where that reads shorter."""

    def post(out: Expr) -> Expr:
        if isinstance(out, N.Add) and out.rows == 1 and not out.is_scalar:
            # a sum of rows: the same, transposed (tᵀ Mᵀ for M t)
            columns = B.add(*[B.transpose(t) for t in out.terms])
            if isinstance(columns, N.Add):
                pulled = _pulled_out(columns, columns)
                if pulled is not columns and reading_cost(B.transpose(pulled)) < reading_cost(out):
                    return B.transpose(pulled)
            return out
        if isinstance(out, N.Add) and not out.is_scalar:
            return _pulled_out(out, out)
        if isinstance(out, N.Hadamard) and out.cols == 1:
            # a ⊙ (t - (tᵀ s) 𝟏) = a ⊙ t - (tᵀ s) a, which may then have t on the right
            sums = [f for f in out.factors if isinstance(f, N.Add)]
            if len(sums) == 1:
                others = [f for f in out.factors if f is not sums[0]]
                spread = B.add(*[B.hadamard(*others, t) for t in sums[0].terms])
                if isinstance(spread, N.Add):
                    return _pulled_out(spread, out)
        return out

    return transform(e, post=post)


def _pulled_out(total: N.Add, out: Expr) -> Expr:
    """``total`` with a diag(a) or a column t pulled out (see ``entrywise_as_diagonal``) if
    that reads shorter than ``out`` (equal to it), else ``out``."""
    lefts, rights = _candidates(total.terms)
    best, cost = out, reading_cost(out)
    found = [
        (a, B.matmul(B.diag_mat(a), m))
        for a in lefts
        if (m := _summed([_left_part(t, ckey(a)) for t in total.terms])) is not None
    ]
    found += [
        (t, B.matmul(m, t))
        for t in rights
        if (m := _summed([_right_part(term, ckey(t)) for term in total.terms])) is not None
    ]
    for _, new in found:
        if reading_cost(new) < cost:
            best, cost = new, reading_cost(new)
    return best


def _summed(parts: list[Part | None]) -> Expr | None:
    """The sum of the terms' parts, if every term has one, one of them by reading an entrywise
    or inner product (else it is the plain factoring of tree/factor.py), and not all
    diagonal."""
    if any(p is None for p in parts) or not any(p[1] for p in parts):
        return None
    matrices = [p[0] for p in parts]
    return None if _all_diagonal(matrices) else B.add(*matrices)


def _all_diagonal(parts: list[Expr]) -> bool:
    """Every part a diagonal matrix: pulling the factor out would only regroup an entrywise
    product (diag(h) g - diag(h∘²) g), which the entrywise algebra does in its own terms."""
    return all(isinstance(B.split(p)[2], N.DiagMat | N.Identity) for p in parts)
