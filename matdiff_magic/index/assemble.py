"""Entrywise results back into matrix notation.

A term is a coefficient times factors summed over some indices. Each factor is an edge of a
contraction graph between its two indices (a vector entry joins its index to an open end, a
Kronecker delta is the identity): a path from the row index to the column index is a matrix
product (a factor read against its index order is transposed), an open path is a scalar
aᵀ M b, a cycle a trace; factors on the same pair of indices multiply entrywise, a vector
hanging on an index that a product passes through becomes diag(v), and separate pieces on the
row and column index form an outer product u vᵀ. With the function's i, j and the variable's
k, l all free, a term P_jl Q_ik is a Kronecker product P ⊗ Q (P_jk Q_il: (P ⊗ Q) K, and
δ_ik δ_jl M_ij: diag(vec M)). ``None`` where a term does not fit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import sympy

from matdiff_magic.dims import ONE
from matdiff_magic.index.convert import Base
from matdiff_magic.index.printer import order_key
from matdiff_magic.to_sympy import ROW_OF_SYMPY, scalar_from_sympy
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

Index = sympy.Symbol | None


class NoMatrixFormError(Exception):
    """An entrywise term that has no matrix form here."""


@dataclass
class Edge:
    m: Expr  # rows match index a (1 for None), columns index b
    a: Index
    b: Index


@dataclass
class Assembled:
    """One term in matrix notation, and the pieces shown when reading it entrywise."""

    value: Expr  # the term, arranged like the derivative
    coeff: sympy.Expr
    scalars: tuple[Expr, ...]
    entries: tuple[tuple[Expr, tuple[Index, ...]], ...]  # (M, (row index, col index)) factors
    deltas: tuple[tuple[sympy.Symbol, sympy.Symbol], ...] = field(default=())
    kind: str = "matrix"  # matrix, kron, kron_commuted, diag


class Assembler:
    def __init__(self, bases: Mapping[str, Base], dims: dict[sympy.Symbol, sympy.Expr]):
        self.bases = bases
        self.dims = dims
        self._primes = 0

    # -- helpers ----------------------------------------------------------------------------
    def dim(self, s: Index) -> sympy.Expr:
        return ONE if s is None else self.dims[s]

    def is_index(self, s: sympy.Basic) -> bool:
        return isinstance(s, sympy.Symbol) and s in self.dims

    def free_indices(self, e: sympy.Basic) -> list[sympy.Symbol]:
        out = []
        for s in sorted(e.free_symbols, key=str):
            if self.is_index(s):
                out.append(s)
        return out

    def prime(self, s: sympy.Symbol) -> sympy.Symbol:
        self._primes += 1
        new = sympy.Symbol(f"{s.name}'{self._primes}", integer=True)
        self.dims[new] = self.dims[s]
        return new

    # -- entry points -----------------------------------------------------------------------
    def matrix(self, e: sympy.Expr, r: Index, c: Index) -> Expr:
        """The matrix (dim r × dim c) whose (r, c) entry is ``e``; raises NoMatrixFormError."""
        if isinstance(e, sympy.Add):
            args = sorted(e.args, key=lambda a: (order_key(a), sympy.default_sort_key(a)))
            return B.add(*[self.matrix(t, r, c) for t in args])
        if isinstance(e, sympy.Sum) and isinstance(e.function, sympy.Add):
            return B.add(*[self.matrix(sympy.Sum(t, *e.limits), r, c) for t in e.function.args])
        coeff, scalars, body = self.term(e, r, c)
        return _combine(coeff, scalars, body, self.dim(r), self.dim(c))

    def term(self, e: sympy.Expr, r: Index, c: Index) -> tuple[sympy.Expr, list[Expr], Expr | None]:
        coeff, factors, dummies = self.parts(e)
        return self.graph(coeff, factors, dummies, r, c)

    def parts(
        self, e: sympy.Expr, seen: set[sympy.Symbol] | None = None
    ) -> tuple[sympy.Expr, list[sympy.Expr], list[sympy.Symbol]]:
        """coefficient, factors, summation indices of a product term.

        Sums pulled out of a product get distinct indices: (Σ_i a_i)(Σ_i b_i) = Σ_i Σ_i' a_i b_i'.
        """
        if seen is None:
            seen = {s for s in e.free_symbols if self.is_index(s)}
        if isinstance(e, sympy.Mul):
            coeff, factors, dummies = sympy.Integer(1), [], []
            for a in e.args:
                c2, f2, d2 = self.parts(a, seen)
                coeff, factors, dummies = coeff * c2, factors + f2, dummies + d2
            return coeff, factors, dummies
        if isinstance(e, sympy.Sum) and not isinstance(e.function, sympy.Add):
            body = e.function
            names = []
            for s, lo, hi in e.limits:
                if lo != 1 or self.dims.get(s, hi) != hi:
                    raise NoMatrixFormError("unusual summation range")
                self.dims.setdefault(s, hi)
                if s in seen:
                    new = self.prime(s)
                    body = body.xreplace({s: new})
                    s = new
                seen.add(s)
                names.append(s)
            coeff, factors, dummies = self.parts(body, seen)
            return coeff, factors, dummies + names
        if e.is_number:
            return e, [], []
        if (
            isinstance(e, sympy.Pow)
            and isinstance(e.base, sympy.Indexed)
            and e.exp.is_Integer
            and 1 < e.exp <= 4
        ):
            return sympy.Integer(1), [e.base] * int(e.exp), []  # x_p² = x_p x_p
        if isinstance(e, sympy.Symbol) and "#" not in e.name and not self.is_index(e):
            return e, [], []  # a dimension such as n
        return sympy.Integer(1), [e], []

    # -- factors ----------------------------------------------------------------------------
    def factor(self, f: sympy.Expr, scalars: list[Expr], edges: list[Edge]) -> None:
        if isinstance(f, sympy.Indexed):
            m = self.bases[f.base.label.name].expr
            idx = [s if self.is_index(s) else None for s in f.indices]
            if len(idx) == 1:
                edges.append(Edge(m, idx[0], None))
            elif idx[0] is not None and idx[0] == idx[1]:
                edges.append(Edge(B.diag_vec(m), idx[0], None))
            else:
                edges.append(Edge(m, idx[0], idx[1]))
            return
        if isinstance(f, sympy.KroneckerDelta):
            a, b = f.args[:2]
            if a != b:
                if not (self.is_index(a) and self.is_index(b)):
                    raise NoMatrixFormError("a delta with a fixed index")
                edges.append(Edge(B.identity(self.dims[a]), a, b))
            return
        if isinstance(f, sympy.Symbol):
            base = self.bases.get(f.name)
            if base is None:
                raise NoMatrixFormError(f"unknown symbol {f}")
            scalars.append(base.expr)
            return
        free = self.free_indices(f)
        if len(free) == 0:
            scalars.append(self.composite(f, None, None))
        elif len(free) == 1:
            edges.append(Edge(self.composite(f, free[0], None), free[0], None))
        elif len(free) == 2:
            edges.append(Edge(self.composite(f, free[0], free[1]), free[0], free[1]))
        else:
            raise NoMatrixFormError("an entrywise factor with more than two indices")

    def composite(self, f: sympy.Expr, r: Index, c: Index) -> Expr:
        """f(entry), powers and sums of entries: entrywise operations on matrices."""
        if isinstance(f, sympy.Function):
            row = ROW_OF_SYMPY.get(type(f))
            if row is None or len(f.args) != 1:
                raise NoMatrixFormError(f"no entrywise function {type(f).__name__}")
            return B.elementwise(row.name, self.matrix(f.args[0], r, c))
        if isinstance(f, sympy.Pow):
            if not f.exp.is_number:
                raise NoMatrixFormError("a power with an entrywise exponent")
            norm = self._norm(f)
            if norm is not None:
                return norm
            base = self.matrix(f.base, r, c)
            if base.is_scalar:
                return B.power(base, B.const(f.exp))
            return B.hadamard_pow(base, f.exp)
        return self.matrix(f, r, c)

    def _norm(self, f: sympy.Pow) -> Expr | None:
        """(Σ_p Σ_q g_pq²)^(1/2) = ‖G‖ (and its powers)."""
        base = f.base
        if not (isinstance(base, sympy.Sum) and isinstance(base.function, sympy.Pow)):
            return None
        inner = base.function
        bound = [lim[0] for lim in base.limits]
        free = self.free_indices(inner.base)
        if inner.exp != 2 or sorted(free, key=str) != sorted(bound, key=str) or len(free) > 2:
            return None
        r = free[0] if free else None
        c = free[1] if len(free) > 1 else None
        norm = B.norm(self.matrix(inner.base, r, c))
        exponent = 2 * f.exp
        return norm if exponent == 1 else B.power(norm, B.const(exponent))

    # -- the contraction graph --------------------------------------------------------------
    def graph(
        self,
        coeff: sympy.Expr,
        factors: Sequence[sympy.Expr],
        dummies: Sequence[sympy.Symbol],
        r: Index,
        c: Index,
    ) -> tuple[sympy.Expr, list[Expr], Expr | None]:
        scalars: list[Expr] = []
        edges: list[Edge] = []
        for f in factors:
            self.factor(f, scalars, edges)
        used = {x for e in edges for x in (e.a, e.b) if x is not None}
        for s in dummies:
            if s not in used:
                coeff = coeff * self.dims[s]
        stray = used - set(dummies) - {r, c}
        if stray:
            raise NoMatrixFormError(f"index {sorted(stray, key=str)[0]} is neither free nor summed")
        components = _components(edges)
        r_part = c_part = rc_part = None
        for comp in components:
            idx = {x for e in comp for x in (e.a, e.b) if x is not None}
            has_r, has_c = r is not None and r in idx, c is not None and c in idx
            if has_r and has_c:
                rc_part = self.component(comp, r, c)
            elif has_r:
                r_part = self.component(comp, r, None)
            elif has_c:
                c_part = self.component(comp, c, None)
            else:
                scalars.append(self.component(comp, None, None))
        if rc_part is not None:
            body: Expr | None = rc_part
        else:
            u = r_part if r_part is not None else (B.ones(self.dims[r], ONE) if r else None)
            v = c_part if c_part is not None else (B.ones(self.dims[c], ONE) if c else None)
            if u is not None and v is not None:
                body = B.matmul(u, B.transpose(v))
            elif u is not None:
                body = u
            elif v is not None:
                body = B.transpose(v)
            else:
                body = None
        return coeff, scalars, body

    def component(self, edges: list[Edge], start: Index, end: Index) -> Expr:
        """A connected piece as a matrix from ``start`` to ``end`` (None: an open end)."""
        edges = list(edges)
        while True:
            deg = _degrees(edges)
            over = [x for x, n in deg.items() if n > (1 if x in (start, end) else 2)]
            if not over:
                break
            x = over[0]
            if _merge_parallel(edges, x):
                continue
            if x == start:
                return self.branches(edges, start, end)
            if x == end:
                return B.transpose(self.component(edges, end, start))
            if self._collapse_branches(edges, x, start, end):
                continue
            if self._diag(edges, x):
                continue
            raise NoMatrixFormError(f"index {x} joins more than two factors")
        deg = _degrees(edges)
        for x, n in deg.items():
            if n == 1 and x not in (start, end):
                edges.append(Edge(B.ones(self.dims[x], ONE), x, None))
        return _walk(edges, start, end)

    def branches(self, edges: list[Edge], start: sympy.Symbol, end: Index) -> Expr:
        """Several pieces meet at the free index: their entries multiply (⊙, or diag(v) M)."""
        groups: list[list[Edge]] = []
        for e in edges:
            if start not in (e.a, e.b):
                continue
            group = _reach(edges, e, start)
            if any(g is e for other in groups for g in other):
                raise NoMatrixFormError("a cycle through a free index")
            groups.append(group)
        mats, vecs = [], []
        for g in groups:
            idx = {x for e in g for x in (e.a, e.b)}
            if end is not None and end in idx:
                mats.append(self.component(g, start, end))
            else:
                vecs.append(self.component(g, start, None))
        if len(mats) > 1:
            raise NoMatrixFormError("two paths between the free indices")
        v = B.hadamard(*vecs) if len(vecs) > 1 else (vecs[0] if vecs else None)
        if mats:
            return B.matmul(B.diag_mat(v), mats[0]) if v is not None else mats[0]
        assert v is not None
        return v

    def _collapse_branches(
        self, edges: list[Edge], x: sympy.Symbol, start: Index, end: Index
    ) -> bool:
        """Side branches at x (trees away from the free indices) become vectors over x:
        Σ_p A_pr x_r B_pq y_q ... -> (A x)_p (B y)_p ..., which then multiply entrywise."""
        at = [e for e in edges if x in (e.a, e.b)]
        done = False
        seen: list[Edge] = []
        for e in at:
            if any(e is g for g in seen):
                continue
            group = _reach(edges, e, x)
            seen += group
            idx = {y for g in group for y in (g.a, g.b)}
            if (start is not None and start in idx) or (end is not None and end in idx):
                continue
            if sum(1 for g in group if x in (g.a, g.b)) != 1 or len(group) == 1:
                continue
            vector = self.component(group, x, None)
            for g in group:
                edges.remove(g)
            edges.append(Edge(vector, x, None))
            done = True
        return done

    def _diag(self, edges: list[Edge], x: sympy.Symbol) -> bool:
        """A vector hanging on x, where a product passes through, becomes diag(v)."""
        hanging = [e for e in edges if (e.a, e.b) in ((x, None), (None, x))]
        others = [e for e in edges if e not in hanging and x in (e.a, e.b) and e.a != e.b]
        if not hanging or not others:
            return False
        h = hanging[0]
        v = h.m if h.a == x else B.transpose(h.m)
        o = others[0]
        new = self.prime(x)
        if o.a == x:
            o.a = new
        else:
            o.b = new
        edges.remove(h)
        edges.append(Edge(B.diag_mat(v), x, new))
        return True


def _oriented(e: Edge, a: Index, b: Index) -> Expr:
    if (e.a, e.b) == (a, b):
        return e.m
    return B.transpose(e.m)


def _merge_parallel(edges: list[Edge], x: sympy.Symbol) -> bool:
    at = [e for e in edges if x in (e.a, e.b)]
    for n, e1 in enumerate(at):
        for e2 in at[n + 1 :]:
            if sorted(map(str, (e1.a, e1.b))) == sorted(map(str, (e2.a, e2.b))):
                a, b = e1.a, e1.b
                if a is None:  # keep open ends on the right: a column
                    a, b = b, a
                merged = Edge(_entrywise_product(_oriented(e1, a, b), _oriented(e2, a, b)), a, b)
                edges.remove(e1)
                edges.remove(e2)
                edges.append(merged)
                return True
    return False


def _entrywise_product(a: Expr, b: Expr) -> Expr:
    """a ⊙ b, written a ⊘ c where one factor is c∘⁻¹, and a∘² where a = b."""
    if a == b:
        return B.hadamard_pow(a, 2)
    for x, y in ((a, b), (b, a)):
        if isinstance(x, N.HadamardPow) and x.base == y and x.exponent.is_number:
            return B.hadamard_pow(y, x.exponent + 1)
    for x, y in ((a, b), (b, a)):
        if isinstance(y, N.HadamardPow) and y.exponent.is_number and y.exponent < 0:
            den = y.base if y.exponent == -1 else B.hadamard_pow(y.base, -y.exponent)
            return B.hadamard_div(x, den)
    return B.hadamard(a, b)


def _degrees(edges: list[Edge]) -> dict[sympy.Symbol, int]:
    deg: dict[sympy.Symbol, int] = {}
    for e in edges:
        for x in (e.a, e.b):
            if x is not None:
                deg[x] = deg.get(x, 0) + 1
    return deg


def _components(edges: list[Edge]) -> list[list[Edge]]:
    out: list[list[Edge]] = []
    left = list(edges)
    while left:
        first = left.pop(0)
        comp = [first]
        idx = {x for x in (first.a, first.b) if x is not None}
        grew = True
        while grew:
            grew = False
            for e in list(left):
                if {e.a, e.b} & idx:
                    comp.append(e)
                    left.remove(e)
                    idx |= {x for x in (e.a, e.b) if x is not None}
                    grew = True
        out.append(comp)
    return out


def _reach(edges: list[Edge], first: Edge, cut: sympy.Symbol) -> list[Edge]:
    """The edges connected to ``first`` without passing through index ``cut``."""
    comp = [first]
    idx = {x for x in (first.a, first.b) if x is not None and x != cut}
    grew = True
    while grew:
        grew = False
        for e in edges:
            if any(e is c for c in comp):
                continue
            if {e.a, e.b} & idx:
                comp.append(e)
                idx |= {x for x in (e.a, e.b) if x is not None and x != cut}
                grew = True
    return comp


def _walk(edges: list[Edge], start: Index, end: Index) -> Expr:
    """The chain along a path (or around a cycle: its trace)."""
    left = list(edges)
    chain: list[Expr] = []

    def take(at: Index) -> Index:
        if at is None:  # an open end; 𝟏ᵀ v rather than vᵀ 𝟏
            ends = [e for e in left if e.a is None or e.b is None]
            e = next((e for e in ends if _is_ones(e.m)), ends[0] if ends else None)
        else:
            e = next((e for e in left if at in (e.a, e.b)), None)
        if e is None:
            raise NoMatrixFormError("broken chain")
        left.remove(e)
        if e.a == at:
            chain.append(e.m)
            return e.b
        chain.append(B.transpose(e.m))
        return e.a

    if start is None:
        if any(e.a is None or e.b is None for e in left):
            at = take(None)
            while at is not None:
                at = take(at)
        else:  # a cycle: a trace
            e = left.pop(0)
            chain.append(e.m)
            at, home = e.b, e.a
            while at != home:
                at = take(at)
            if left:
                raise NoMatrixFormError("a branching contraction")
            return B.trace(B.matmul(*chain) if len(chain) > 1 else chain[0])
    else:
        at = take(start)
        while at is not None and at != end:
            at = take(at)
        if at != end:
            raise NoMatrixFormError("the path does not reach the column index")
    if left:
        raise NoMatrixFormError("a branching contraction")
    return B.matmul(*chain) if len(chain) > 1 else chain[0]


def _is_ones(e: Expr) -> bool:
    return isinstance(e, N.Ones)


def _combine(
    coeff: sympy.Expr,
    scalars: Sequence[Expr],
    body: Expr | None,
    rows: sympy.Expr,
    cols: sympy.Expr,
) -> Expr:
    out: Expr | None = body
    if coeff.atoms(sympy.Function):  # σ(2)² is a scalar factor, not a coefficient to print
        scalars = [scalar_from_sympy(coeff), *scalars]
        coeff = sympy.Integer(1)
    for s in scalars:
        out = s if out is None else B.mul(s, out)
    if out is None:
        out = B.const(coeff) if (rows, cols) == (ONE, ONE) else B.scale(coeff, B.ones(rows, cols))
        return out
    return B.scale(coeff, out) if coeff != 1 else out


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
        value = _combine(coeff, scalars, body, asm.dim(r), asm.dim(c))
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
        if isinstance(p, N.Ones) and isinstance(q, N.Ones):
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
        value = _combine(c, scalars, body, ONE, ONE)
        order = [n for n in ("F", "A", "B", "V") if n in pieces]
        entries = tuple(pieces[n] for n in order)
        return Assembled(value, c, tuple(scalars), entries, kind=kind)
    raise NoMatrixFormError("not a Kronecker form")


def _attempts(
    factors: list[sympy.Expr], fun: tuple[Index, Index], var: tuple[Index, Index]
) -> list[tuple[str, tuple[Index, Index], tuple[Index, Index], list[sympy.Expr]]]:
    """The arrangements to try: P ⊗ Q, then (P ⊗ Q) K, each also with the other factors
    rewritten through a delta δ_ik (X_il δ_ik = X_kl δ_ik)."""
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
    out = []
    for kind, a_group, b_group in (("kron", (j, el), (i, k)), ("kron_commuted", (j, k), (i, el))):
        for fs in variants:
            out.append((kind, a_group, b_group, fs))
    return out


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
