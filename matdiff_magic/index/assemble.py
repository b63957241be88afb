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
from matdiff_magic.index.graph import (
    Edge,
    Index,
    NoMatrixFormError,
    combine,
    connected_components,
    index_degrees,
    merge_parallel_edges,
    reachable_edges,
    walk_path,
)
from matdiff_magic.index.printer import order_key
from matdiff_magic.tree import build as B
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.sympy_functions import ROW_OF_SYMPY


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
        return combine(coeff, scalars, body, self.dim(r), self.dim(c))

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
        matrix = self.matrix(inner.base, r, c)
        exponent = 2 * f.exp
        if matrix.is_column and f.exp.is_integer:
            # Σ_p x_p² read back as xᵀ x, as the differential method and the books write it
            # (‖x‖² for the same sum would make the two methods print two answers).
            gram = B.matmul(B.transpose(matrix), matrix)
            return gram if f.exp == 1 else B.power(gram, B.const(f.exp))
        norm = B.norm(matrix)
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
        components = connected_components(edges)
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
            deg = index_degrees(edges)
            over = [x for x, n in deg.items() if n > (1 if x in (start, end) else 2)]
            if not over:
                break
            x = over[0]
            if merge_parallel_edges(edges, x):
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
        deg = index_degrees(edges)
        for x, n in deg.items():
            if n == 1 and x not in (start, end):
                edges.append(Edge(B.ones(self.dims[x], ONE), x, None))
        return walk_path(edges, start, end)

    def branches(self, edges: list[Edge], start: sympy.Symbol, end: Index) -> Expr:
        """Several pieces meet at the free index: their entries multiply (⊙, or diag(v) M)."""
        groups: list[list[Edge]] = []
        for e in edges:
            if start not in (e.a, e.b):
                continue
            group = reachable_edges(edges, e, start)
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
            group = reachable_edges(edges, e, x)
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
