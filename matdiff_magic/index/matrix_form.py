"""A whole entrywise derivative in matrix notation: every term assembled (see
:mod:`assemble`) and arranged like the derivative, Kronecker forms recognised when the
function's and the variable's indices are all free."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sympy

from matdiff_magic.dims import ONE
from matdiff_magic.index.assemble import Assembled, Assembler, Index, NoMatrixFormError
from matdiff_magic.index.convert import Base
from matdiff_magic.index.graph import combine
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

# -- the whole derivative -------------------------------------------------------------------


def to_matrix(
    terms: Sequence[sympy.Expr],
    rows: Sequence[sympy.Symbol],
    cols: Sequence[sympy.Symbol],
    bases: Mapping[str, Base],
    dims: Mapping[sympy.Symbol, sympy.Expr],
    fun: tuple[Index, Index],
    var: tuple[Index, Index],
) -> list[Assembled] | None:
    """Each term in matrix notation, arranged like the derivative; None if one does not fit.

    ``fun`` = (i, j) and ``var`` = (k, l) are the function's and the variable's free indices
    (None where that dimension is 1); ``rows``/``cols`` say how they are arranged.
    """
    asm = Assembler(bases, dict(dims))
    out: list[Assembled] = []
    try:
        for t in terms:
            out.append(_assemble_term(asm, t, rows, cols, fun, var))
    except NoMatrixFormError:
        return None
    return out


def _assemble_term(
    asm: Assembler,
    t: sympy.Expr,
    rows: Sequence[sympy.Symbol],
    cols: Sequence[sympy.Symbol],
    fun: tuple[Index, Index],
    var: tuple[Index, Index],
) -> Assembled:
    if len(rows) <= 1 and len(cols) <= 1:
        r = rows[0] if rows else None
        c = cols[0] if cols else None
        if isinstance(t, sympy.Sum) and isinstance(t.function, sympy.Add):
            m = asm.matrix(t, r, c)
            return Assembled(m, sympy.Integer(1), (), ((m, (r, c)),))
        coeff, scalars, body = asm.term(t, r, c)
        value = combine(coeff, scalars, body, asm.dim(r), asm.dim(c))
        entries = ((body, (r, c)),) if body is not None else ()
        return Assembled(value, coeff, tuple(scalars), entries)
    i, j = fun
    k, el = var
    coeff, factors, dummies = asm.parts(t)
    for kind, a_group, b_group, fs0 in _attempts(factors, (i, j), (k, el)):
        clusters = _clusters(asm, fs0, dummies)
        groups = _classify(clusters, a_group, b_group, (i, j), (k, el))
        if groups is None:
            continue
        pieces = {}
        scalars: list[Expr] = []
        c = coeff
        for name, (r, col) in (("F", (i, j)), ("A", a_group), ("B", b_group), ("V", (k, el))):
            fs = groups[name]
            if not fs and name in ("F", "V"):
                continue
            ds = [s for s in dummies if any(s in f.free_symbols for f in fs)]
            c, sc, body = asm.graph(c, fs, ds, r, col)
            scalars += sc
            if body is None:
                body = B.ones(asm.dim(r), asm.dim(col))
            pieces[name] = (body, (r, col))
        p, q = pieces["A"][0], pieces["B"][0]
        if kind == "khatri_rao":
            # P_jk Q_ik at row (i, j), column k: column k is p_k ⊗ q_k
            chain = [B.khatri_rao(p, q)]
            if "F" in pieces:
                chain.insert(0, B.diag_mat(B.vec(pieces["F"][0])))
            if "V" in pieces:
                chain.append(B.diag_mat(B.vec(pieces["V"][0])))
            body = B.matmul(*chain)
        elif isinstance(p, N.Ones) and isinstance(q, N.Ones):
            # every entry the same up to the diagonals: an outer product u vᵀ
            rows = asm.dim(i) * asm.dim(j)
            cols = asm.dim(k) * asm.dim(el)
            u = B.vec(pieces["F"][0]) if "F" in pieces else B.ones(rows, ONE)
            v = B.vec(pieces["V"][0]) if "V" in pieces else B.ones(cols, ONE)
            body = B.matmul(u, B.transpose(v))
        else:
            middle = B.kron(p, q)
            if kind == "kron_commuted" and k is not None and el is not None:
                middle = B.matmul(middle, B.commutation(asm.dims[k], asm.dims[el]))
            chain = [middle]
            if "F" in pieces:
                chain.insert(0, B.diag_mat(B.vec(pieces["F"][0])))
            if "V" in pieces:
                chain.append(B.diag_mat(B.vec(pieces["V"][0])))
            body = B.matmul(*chain) if len(chain) > 1 else middle
        value = combine(c, scalars, body, ONE, ONE)
        order = [n for n in ("F", "A", "B", "V") if n in pieces]
        entries = tuple(pieces[n] for n in order)
        return Assembled(value, c, tuple(scalars), entries, kind=kind)
    paired = _khatri_rao_pair(asm, coeff, factors, dummies, fun, var)
    if paired is not None:
        return paired
    raise NoMatrixFormError("not a Kronecker form")


def _khatri_rao_pair(
    asm: Assembler,
    coeff: sympy.Expr,
    factors: list[sympy.Expr],
    dummies: list[sympy.Symbol],
    fun: tuple[Index, Index],
    var: tuple[Index, Index],
) -> Assembled | None:
    """δ_jl P_ij Q_kj (column j of F depends on column j of X only, as softmax of each column
    does) is Σ_j (e_j ⊗ p_j)(e_j ⊗ q_j)ᵀ = (I ∗ P)(I ∗ Q)ᵀ, with ∗ the Khatri–Rao product;
    a shared row i reads Pᵀ ∗ I, a shared variable row k reads Qᵀ ∗ I (softmax(Xᵀ)). None
    where the term is not of that form."""
    i, j = fun
    k, el = var
    if None in (i, j, k, el):
        return None
    for a, b in ((j, el), (i, k), (j, k), (i, el)):
        found = [
            f
            for f in factors
            if isinstance(f, sympy.KroneckerDelta) and set(f.args[:2]) == {a, b}
        ]
        if not found or asm.dims[a] != asm.dims[b]:
            continue
        q_index = (k, a) if b == el else (a, el)  # Q's rows and columns, b read as a
        rest = [f.xreplace({b: a}) for f in factors if f is not found[0]]
        sides: dict[str, list[sympy.Expr]] = {"P": [], "Q": []}
        for fs, free in _clusters(asm, rest, dummies):
            if free <= {i, j}:
                sides["P"] += fs
            elif free <= set(q_index):
                sides["Q"] += fs
            else:
                break
        else:
            c, scalars, pieces = coeff, [], []
            for name, (r, col) in (("P", (i, j)), ("Q", q_index)):
                fs = sides[name]
                ds = [s for s in dummies if any(s in f.free_symbols for f in fs)]
                c, sc, body = asm.graph(c, fs, ds, r, col)
                scalars += sc
                body = body if body is not None else B.ones(asm.dim(r), asm.dim(col))
                pieces.append((body, (r, col)))
            eye = B.identity(asm.dims[a])
            p, q = pieces[0][0], pieces[1][0]
            left = B.khatri_rao(eye, p) if a == j else B.khatri_rao(B.transpose(p), eye)
            right = B.khatri_rao(eye, q) if b == el else B.khatri_rao(B.transpose(q), eye)
            value = combine(c, scalars, B.matmul(left, B.transpose(right)), ONE, ONE)
            return Assembled(value, c, tuple(scalars), tuple(pieces), ((a, b),), "khatri_rao")
    return None


def _attempts(
    factors: list[sympy.Expr], fun: tuple[Index, Index], var: tuple[Index, Index]
) -> list[tuple[str, tuple[Index, Index], tuple[Index, Index], list[sympy.Expr]]]:
    """The arrangements to try: P ⊗ Q, then (P ⊗ Q) K, then (by a vector) P ∗ Q, each also
    with the other factors rewritten through a delta δ_ik (X_il δ_ik = X_kl δ_ik)."""
    i, j = fun
    k, el = var
    variants = [factors]
    for n, f in enumerate(factors):
        if not isinstance(f, sympy.KroneckerDelta):
            continue
        a, b = f.args[:2]
        if {a, b} <= {i, j} or {a, b} <= {k, el}:
            continue
        for u, v in ((a, b), (b, a)):
            rest = [g.xreplace({u: v}) for m, g in enumerate(factors) if m != n]
            variants.append([f, *rest])
    arrangements = [("kron", (j, el), (i, k)), ("kron_commuted", (j, k), (i, el))]
    if el is None and None not in (i, j, k):
        # a matrix by a vector, both factors sharing the variable's index: P ∗ Q (Khatri–Rao),
        # the derivative of A diag(x) B by x
        arrangements.append(("khatri_rao", (j, k), (i, k)))
    out = []
    for kind, a_group, b_group in arrangements:
        for fs in variants:
            out.append((kind, a_group, b_group, fs))
        spanned = _deltas_respanned(factors, (*b_group, *a_group, i, j, k, el))
        if spanned is not None:
            out.append((kind, a_group, b_group, spanned))
    return out


def _deltas_respanned(factors: list[sympy.Expr], order: tuple[Index, ...]) -> list | None:
    """The deltas among the free indices drawn again along the pairs of ``order`` (the
    Kronecker factors' pairs first, then the function's, then the variable's): δ_ij δ_ik δ_il
    (every index equal) is δ_ik δ_jl δ_ij, which reads as diag(vec I) (I ⊗ I). None when
    there is nothing to redraw or a class cannot be drawn along those pairs."""
    free = {x for x in order if x is not None}
    deltas = [f for f in factors if isinstance(f, sympy.KroneckerDelta) and set(f.args[:2]) <= free]
    if len(deltas) < 2:
        return None
    rest = [f for f in factors if not any(f is d for d in deltas)]
    parent = {x: x for x in free}

    def root(x: sympy.Symbol, table: dict) -> sympy.Symbol:
        while table[x] != x:
            x = table[x]
        return x

    for d in deltas:
        a, b = d.args[:2]
        parent[root(a, parent)] = root(b, parent)
    drawn = {x: x for x in free}
    pairs = [(order[n], order[n + 1]) for n in range(0, len(order), 2)]
    pairs += [(a, b) for a in sorted(free, key=str) for b in sorted(free, key=str) if a != b]
    new = []
    for a, b in pairs:
        if a is None or b is None or root(a, parent) != root(b, parent):
            continue
        if root(a, drawn) != root(b, drawn):
            drawn[root(a, drawn)] = root(b, drawn)
            new.append(sympy.KroneckerDelta(a, b))
    return [*new, *rest]


def _clusters(
    asm: Assembler, factors: Sequence[sympy.Expr], dummies: Sequence[sympy.Symbol]
) -> list[tuple[list[sympy.Expr], set[sympy.Symbol]]]:
    """Factors joined by summation indices, with the free indices of each group."""
    dummy_set = set(dummies)
    clusters: list[tuple[list[sympy.Expr], set[sympy.Symbol]]] = []
    for f in factors:
        idx = {s for s in f.free_symbols if asm.is_index(s)}
        joined = [c for c in clusters if c[1] & idx & dummy_set]
        merged_f, merged_i = [f], set(idx)
        for c in joined:
            clusters.remove(c)
            merged_f += c[0]
            merged_i |= c[1]
        clusters.append((merged_f, merged_i))
    return [(fs, idx - dummy_set) for fs, idx in clusters]


def _classify(
    clusters: list[tuple[list[sympy.Expr], set[sympy.Symbol]]],
    a_group: tuple[Index, Index],
    b_group: tuple[Index, Index],
    fun: tuple[Index, Index],
    var: tuple[Index, Index],
) -> dict[str, list[sympy.Expr]] | None:
    """Clusters sorted into the Kronecker factors A, B and the diagonals F (left), V (right)."""
    sets = {
        "A": {x for x in a_group if x is not None},
        "B": {x for x in b_group if x is not None},
        "F": {x for x in fun if x is not None},
        "V": {x for x in var if x is not None},
    }
    out: dict[str, list[sympy.Expr]] = {"A": [], "B": [], "F": [], "V": []}
    for fs, free in clusters:
        name = next((n for n in ("B", "A", "F", "V") if free <= sets[n]), None)
        if name is None:
            return None
        out[name] += fs
    return out
