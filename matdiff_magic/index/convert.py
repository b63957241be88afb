"""A matdiff expression entry by entry: the (i, j) entry as a SymPy index expression.

Every leaf visit creates a base of its own, named ``x#3`` (the third leaf read, left to right):
the occurrence number orders factors as the expression reads (x_i A_ij x_j), and the derivative
is the sum over the occurrences of the variable (product rule). ``merge`` renames the
occurrences of one quantity back to one base.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sympy

from matdiff_magic.dims import ONE
from matdiff_magic.errors import Msg, NotSupportedYetError, UnsupportedError
from matdiff_magic.name_forms import latex_name, text_name
from matdiff_magic.printing.latex import latex
from matdiff_magic.printing.text import text
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.dispatch import lookup
from matdiff_magic.tree.query import variable_occurs

# Index names: i, j for the function's entries, k, l for the variable's, then these for sums.
SUM_NAMES = ("p", "q", "r", "s", "t", "u", "v", "a", "b", "c", "d", "e", "g", "h", "w", "z")
VARIABLE_NAMES = ("k", "l", "r", "s", "u", "v")
FUNCTION_NAMES = ("i", "j", "a", "b", "c", "d")

# What cannot be written entrywise (when it contains the variable); operations' modules add
# theirs.
NO_INDEX_FORM: dict[type, Msg] = {N.Commutation: Msg("op.the_commutation_matrix")}
# Entrywise forms installed by the operations' modules: node type -> form(converter, node, i, j).
ENTRY_FORMS: dict[type, Callable[[Converter, Expr, sympy.Expr, sympy.Expr], sympy.Expr]] = {}


@dataclass(frozen=True)
class Base:
    """One occurrence of a quantity in an index formula."""

    name: str  # the SymPy name, e.g. "x#3"
    latex: str  # how it prints (with subscripts appended)
    text: str
    expr: Expr  # the matdiff expression it stands for
    order: int  # occurrence number (reading order)
    grouped: bool = False  # printed in parentheses before a subscript, like (A x)_k

    @property
    def family(self) -> Expr:
        return self.expr

    def as_tuple(self) -> tuple:
        return (self.name, self.latex, self.text, self.expr, self.order, self.grouped)


def base_from_tuple(t: tuple) -> Base:
    return Base(*t)


def index_symbol(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, integer=True)


@dataclass
class Space:
    """The bases and indices of one derivation (shared by every formula in it)."""

    taken: set[str]
    bases: dict[str, Base] = field(default_factory=dict)
    dims: dict[sympy.Symbol, sympy.Expr] = field(default_factory=dict)
    counter: int = 0
    _pool: list[str] = field(default_factory=list)
    _families: dict[Expr, str] = field(default_factory=dict)

    def reserve(self, candidates: tuple[str, ...], dim: sympy.Expr) -> sympy.Expr:
        """A free index named from ``candidates`` (or 1 for a dimension of size 1)."""
        if dim == ONE:
            return ONE
        for name in candidates:
            if name not in self.taken:
                self.taken.add(name)
                sym = index_symbol(name)
                self.dims[sym] = dim
                return sym
        return self.fresh(dim)

    def start_sums(self, first: tuple[str, ...]) -> None:
        self._pool = [n for n in (*first, *SUM_NAMES) if n not in self.taken]

    def fresh(self, dim: sympy.Expr) -> sympy.Expr:
        """A new summation index over ``dim`` (or 1 for a dimension of size 1)."""
        if dim == ONE:
            return ONE
        while self._pool and self._pool[0] in self.taken:
            self._pool.pop(0)
        if self._pool:
            name = self._pool.pop(0)
        else:
            n = 1
            while f"p{n}" in self.taken:
                n += 1
            name = f"p{n}"
        self.taken.add(name)
        sym = index_symbol(name)
        self.dims[sym] = dim
        return sym

    def base(self, e: Expr, name: str | None = None) -> Base:
        """A new occurrence of ``e`` (a variable or a quantity kept whole)."""
        order = self.counter
        self.counter += 1
        if isinstance(e, N.Var):
            family = e.name
            lat, txt, grouped = latex_name(e.name), text_name(e.name), False
        else:
            family = self._families.get(e)
            if family is None:
                family = name or f"@{len(self._families)}"
                self._families[e] = family
            lat, txt = latex(e), text(e)
            grouped = not (isinstance(e, N.Opaque) or e.is_scalar)
        b = Base(f"{family}#{order}", lat, txt, e, order, grouped)
        self.bases[b.name] = b
        return b

    def add_base(self, b: Base) -> None:
        self.bases[b.name] = b


def family_of(name: str) -> str:
    return name.rsplit("#", 1)[0]


def order_of(name: str) -> int:
    try:
        return int(name.rsplit("#", 1)[1])
    except (IndexError, ValueError):
        return -1


def leaf(b: Base, i: sympy.Expr, j: sympy.Expr) -> sympy.Expr:
    """The (i, j) entry of a base: a Symbol for scalars, x[i] for columns, A[i, j] else."""
    e = b.expr
    if e.is_scalar:
        return sympy.Symbol(b.name)
    if e.cols == ONE:
        return sympy.IndexedBase(b.name)[i]
    if e.rows == ONE:
        return sympy.IndexedBase(b.name)[ONE, j]
    return sympy.IndexedBase(b.name)[i, j]


def delta(i: sympy.Expr, j: sympy.Expr) -> sympy.Expr:
    if i == j:
        return sympy.Integer(1)
    return sympy.KroneckerDelta(i, j)


def summed(body: sympy.Expr, indices: list[tuple[sympy.Expr, sympy.Expr]]) -> sympy.Expr:
    """Σ over the (index, dim) pairs, the first outermost; size-1 indices are not summed."""
    limits = [(s, sympy.Integer(1), d) for s, d in indices if s != ONE]
    if not limits:
        return body
    return sympy.Sum(body, *reversed(limits))


class Converter:
    """Writes expressions entrywise; raises UnsupportedError where there is no index form."""

    def __init__(self, space: Space, wrt: N.Var, scalar_function: bool) -> None:
        self.space = space
        self.wrt = wrt
        self.scalar_function = scalar_function
        self.depends = variable_occurs(wrt.name)

    def unsupported(self, e: Expr) -> UnsupportedError:
        what = NO_INDEX_FORM.get(type(e), type(e).__name__)
        method = "differential" if self.scalar_function else "vectorization"
        arg = text(e.args[0]) if e.args else text(e)
        return NotSupportedYetError(Msg("reason.no_index_form", what=what, arg=arg, method=method))

    def entry(self, e: Expr, i: sympy.Expr, j: sympy.Expr) -> sympy.Expr:
        form = lookup(ENTRY_FORMS, type(e))  # every operation's form is in its module
        if form is not None:
            return form(self, e, i, j)
        own = getattr(e, "_entry_with", None)
        if own is not None:  # extension point: a node type defined in its own module
            return own(self, i, j)
        if self.depends(e):  # no entrywise form (NO_INDEX_FORM says why)
            raise self.unsupported(e)
        return leaf(self.space.base(e), i, j)  # constant: one symbol, entry by entry
