"""The contraction graph of an entrywise term: each factor an edge between its two indices.

Walking it reads matrix notation off the term: a path from the row index to the column index
is a matrix product (an edge read against its direction is transposed), parallel edges on the
same pair of indices multiply entrywise, a vector hanging on an index becomes a diagonal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy

from matdiff_magic.dims import ONE
from matdiff_magic.to_sympy import scalar_from_sympy
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


def oriented_edge(e: Edge, a: Index, b: Index) -> Expr:
    if (e.a, e.b) == (a, b):
        return e.m
    return B.transpose(e.m)


def merge_parallel_edges(edges: list[Edge], x: sympy.Symbol) -> bool:
    at = [e for e in edges if x in (e.a, e.b)]
    for n, e1 in enumerate(at):
        for e2 in at[n + 1 :]:
            if sorted(map(str, (e1.a, e1.b))) == sorted(map(str, (e2.a, e2.b))):
                a, b = e1.a, e1.b
                if a is None:  # keep open ends on the right: a column
                    a, b = b, a
                both = entrywise_product(oriented_edge(e1, a, b), oriented_edge(e2, a, b))
                merged = Edge(both, a, b)
                edges.remove(e1)
                edges.remove(e2)
                edges.append(merged)
                return True
    return False


def entrywise_product(a: Expr, b: Expr) -> Expr:
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


def index_degrees(edges: list[Edge]) -> dict[sympy.Symbol, int]:
    deg: dict[sympy.Symbol, int] = {}
    for e in edges:
        for x in (e.a, e.b):
            if x is not None:
                deg[x] = deg.get(x, 0) + 1
    return deg


def connected_components(edges: list[Edge]) -> list[list[Edge]]:
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


def reachable_edges(edges: list[Edge], first: Edge, cut: sympy.Symbol) -> list[Edge]:
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


def walk_path(edges: list[Edge], start: Index, end: Index) -> Expr:
    """The chain along a path (or around a cycle: its trace)."""
    left = list(edges)
    chain: list[Expr] = []

    def take(at: Index) -> Index:
        if at is None:  # an open end; 𝟏ᵀ v rather than vᵀ 𝟏
            ends = [e for e in left if e.a is None or e.b is None]
            e = next((e for e in ends if is_ones(e.m)), ends[0] if ends else None)
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


def is_ones(e: Expr) -> bool:
    return isinstance(e, N.Ones)


def combine(
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
