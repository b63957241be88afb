"""Dimensions: SymPy integers or positive-integer symbols, and the unifier that infers them.

While the builder turns user text into a tree, a ``Unifier`` is active: node constructors that
need two dimensions to agree call :func:`same`, which unifies fresh (inferred) dimensions instead
of comparing. Outside the builder, :func:`same` is plain equality.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from fractions import Fraction

import sympy

Dim = sympy.Expr
Shape = tuple[sympy.Expr, sympy.Expr]

ONE: sympy.Expr = sympy.Integer(1)
SCALAR_SHAPE: Shape = (ONE, ONE)

_symbols: dict[str, sympy.Symbol] = {}


def symbol(name: str) -> sympy.Symbol:
    """The dimension symbol called ``name`` (the same object for the same name)."""
    found = _symbols.get(name)
    if found is None:
        found = sympy.Symbol(name, integer=True, positive=True)
        _symbols[name] = found
    return found


def as_dim(value: int | str | sympy.Expr) -> sympy.Expr:
    if isinstance(value, sympy.Expr):
        return value
    if isinstance(value, int):
        if value < 1:
            raise ValueError(f"a dimension must be a positive integer, not {value}")
        return sympy.Integer(value)
    return symbol(value)


def symbol_name(s: sympy.Basic) -> str:
    """``str(s)``, read off a plain Symbol directly (SymPy's printer, which ``str`` runs, costs
    ~20 µs a call, and sizes are named in every check)."""
    return s.name if type(s) is sympy.Symbol else str(s)


def dim_text(d: sympy.Expr) -> str:
    """A dimension as users write it: ``m``, ``3``, ``mn`` (product shown by juxtaposition)."""
    if isinstance(d, sympy.Mul):
        parts = [
            dim_text(f) if not isinstance(f, sympy.Add) else f"({dim_text(f)})"
            for f in sympy.Mul.make_args(d)
        ]
        # mn for single letters, m_A·m_X when a name is longer
        return "".join(parts) if all(len(p) == 1 for p in parts) else "·".join(parts)
    if isinstance(d, sympy.Pow) and d.exp.is_Integer and d.exp > 0:
        return dim_text(d.base) + str(d.exp).translate(_SUPERSCRIPTS)
    if isinstance(d, sympy.Symbol):
        return fresh_display_name(d)
    return str(d)


_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def shape_text(shape: Shape) -> str:
    return f"{dim_text(shape[0])}×{dim_text(shape[1])}"


def is_one(d: sympy.Expr) -> bool:
    return d == ONE


class Unifier:
    """Union-find over fresh dimension symbols; declared symbols and integers are fixed."""

    def __init__(self) -> None:
        self._parent: dict[sympy.Symbol, sympy.Expr] = {}
        self._fresh: list[sympy.Symbol] = []
        self._counter = 0

    def fresh(self, label: str = "") -> sympy.Symbol:
        """A new inferred size; ``label`` (such as ``n_x``) is how messages show it."""
        self._counter += 1
        sym = sympy.Symbol(f"_d{self._counter}|{label}", integer=True, positive=True)
        self._fresh.append(sym)
        self._parent[sym] = sym
        return sym

    def is_fresh(self, d: sympy.Expr) -> bool:
        return isinstance(d, sympy.Symbol) and d in self._parent

    def find(self, d: sympy.Expr) -> sympy.Expr:
        """The representative of ``d``: fresh symbols replaced by what they were unified with."""
        if isinstance(d, sympy.Symbol):
            parent = self._parent.get(d)
            if parent is None or parent == d:
                return d
            root = self.find(parent)
            self._parent[d] = root
            return root
        fresh = [s for s in d.free_symbols if s in self._parent]
        if not fresh:
            return d
        return d.xreplace({s: self.find(s) for s in fresh})

    def unify(self, a: sympy.Expr, b: sympy.Expr) -> bool:
        a, b = self.find(a), self.find(b)
        if a == b:
            return True
        if a == ONE or b == ONE:
            # An inferred size never becomes 1: that would silently turn an undeclared vector
            # into a scalar. Such inputs get a shape error with a hint to declare a scalar.
            return False
        if self.is_fresh(a) and self._parent.get(a) == a:
            if a in b.free_symbols:
                return False
            self._parent[a] = b
            return True
        if self.is_fresh(b) and self._parent.get(b) == b:
            if b in a.free_symbols:
                return False
            self._parent[b] = a
            return True
        return False

    def fresh_roots(self) -> list[sympy.Symbol]:
        """Fresh symbols still unresolved, in creation order."""
        seen: list[sympy.Symbol] = []
        for sym in self._fresh:
            root = self.find(sym)
            if self.is_fresh(root) and root not in seen:
                seen.append(root)
        return seen


_ACTIVE: ContextVar[Unifier | None] = ContextVar("matdiff_unifier", default=None)


@contextlib.contextmanager
def unifying(unifier: Unifier) -> Iterator[Unifier]:
    token = _ACTIVE.set(unifier)
    try:
        yield unifier
    finally:
        _ACTIVE.reset(token)


def same(a: sympy.Expr, b: sympy.Expr) -> bool:
    """Whether two dimensions agree (unifying inferred ones while a unifier is active)."""
    if a == b:
        return True
    unifier = _ACTIVE.get()
    if unifier is None:
        return False
    return unifier.unify(a, b)


def resolve(d: sympy.Expr) -> sympy.Expr:
    unifier = _ACTIVE.get()
    return d if unifier is None else unifier.find(d)


def current_unifier() -> Unifier | None:
    return _ACTIVE.get()


def fresh_display_name(d: sympy.Symbol) -> str:
    """Inferred sizes are internal symbols "_d7|n_x"; messages show their label "n_x"."""
    if d.name.startswith("_d"):
        label = d.name.partition("|")[2]
        return label or "?"
    return d.name


def number(value: int | float | Fraction | sympy.Expr) -> sympy.Expr:
    """A SymPy number from a Python number we produced ourselves (never from user text)."""
    if isinstance(value, sympy.Expr):
        return value
    if isinstance(value, bool):
        raise TypeError("not a number")
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, float):
        frac = Fraction(value).limit_denominator(10**12)
        return sympy.Rational(frac.numerator, frac.denominator)
    raise TypeError(f"not a number: {value!r}")
