"""The base of the typed expression tree.

Every node is immutable and fully described by its type and its constructor inputs (``_init``),
which makes structural equality, hashing and generic rebuilding one-liners. Node classes list the
names of those inputs in ``_fields``; properties with those names are generated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import sympy

from matdiff_magic import rendering
from matdiff_magic.dims import ONE, Shape


def _same_inputs(a: tuple, b: tuple, seen: set[tuple[int, int]]) -> bool:
    """Whether two nodes' constructor inputs are equal. A pair of subtrees already found equal
    is not compared again: a definition used twice is one shared node, and comparing two equal
    copies of e_k = sin(e_(k-1)) + e_(k-1) path by path would take 2^k steps."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if x is y:
            continue
        if isinstance(x, Expr):
            if type(x) is not type(y) or hash(x) != hash(y):
                return False
            pair = (id(x), id(y))
            if pair in seen:
                continue
            if _representative(x) is not _representative(y):
                if not _same_inputs(x._init, y._init, seen):
                    return False
                _join(x, y)
            seen.add(pair)
        elif isinstance(x, tuple):
            if not isinstance(y, tuple) or not _same_inputs(x, y, seen):
                return False
        elif x != y:
            return False
    return True


def _representative(e: Expr) -> Expr:
    """The node standing for every node found equal to ``e`` so far (union-find over equal
    copies): once two copies are known equal, comparing them again is two pointer walks, not
    a walk of both trees (memo keys meet the same equal copies again and again)."""
    root = e
    while root._rep is not None:
        root = root._rep
    while e is not root:  # path compression
        up = e._rep
        object.__setattr__(e, "_rep", root)
        e = up
    return root


def _join(a: Expr, b: Expr) -> None:
    """Record that ``a`` and ``b`` were found equal (both compared in full first)."""
    ra, rb = _representative(a), _representative(b)
    if ra is not rb:
        object.__setattr__(ra, "_rep", rb)


_BITS: dict[type, int] = {}  # node type -> its bit in Expr._kinds_below
_MASKS: dict[tuple[type, ...], tuple[int, int]] = {}  # types -> (mask, number of bits it saw)


def _bit(node_type: type) -> int:
    bit = _BITS.get(node_type)
    if bit is None:
        bit = _BITS[node_type] = 1 << len(_BITS)
    return bit


def _mask_of(types: tuple[type, ...]) -> int:
    """The bits of every node type met so far that is one of ``types`` or a subclass."""
    found = _MASKS.get(types)
    if found is not None and found[1] == len(_BITS):
        return found[0]
    mask = 0
    for node_type, bit in list(_BITS.items()):
        if issubclass(node_type, types):
            mask |= bit
    _MASKS[types] = (mask, len(_BITS))
    return mask


def _kinds_of(node: Expr) -> int:
    """The node's type bit and those of every node below it (its children's already found)."""
    kinds = _bit(type(node))
    for child in node.args:
        kinds |= child._kinds
    return kinds


def _written_of(node: Expr) -> int:
    return 1 + sum(c._written for c in node.args)


class Expr:
    """A matrix expression. ``shape`` is a pair of SymPy dimensions; scalars are 1×1."""

    __slots__ = (
        "_init",
        "shape",
        "_hash",
        "_ckey",
        "_args",
        "_kinds",
        "_copies",
        "_rep",
        "_written",
    )
    _fields: ClassVar[tuple[str, ...]] = ()
    # A node whose transpose is the same node of its arguments transposed (a primary matrix
    # function, f(X)ᵀ = f(Xᵀ), and its Fréchet derivative, L_f(X, E)ᵀ = L_f(Xᵀ, Eᵀ)): it is
    # symmetric when every argument is, so a transpose of it drops there.
    transpose_commutes: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for index, field in enumerate(cls.__dict__.get("_fields", ())):
            setattr(cls, field, property(lambda self, i=index: self._init[i]))

    def _setup(self, init: tuple, shape: Shape) -> None:
        object.__setattr__(self, "_init", init)
        object.__setattr__(self, "shape", shape)
        object.__setattr__(self, "_hash", None)
        object.__setattr__(self, "_ckey", None)
        object.__setattr__(self, "_args", None)
        object.__setattr__(self, "_kinds", None)
        object.__setattr__(self, "_copies", None)
        object.__setattr__(self, "_rep", None)  # see _representative
        object.__setattr__(self, "_written", None)  # see written_nodes

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("matdiff expressions are immutable")

    def __reduce__(self) -> tuple:
        return (type(self), self._init)

    # -- identity -------------------------------------------------------------------------
    def __hash__(self) -> int:
        h = self._hash
        if h is None:
            h = hash((type(self).__name__, self._init))
            object.__setattr__(self, "_hash", h)
        return h

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if type(self) is not type(other):
            return False
        assert isinstance(other, Expr)
        if hash(self) != hash(other):
            return False
        if _representative(self) is _representative(other):
            return True
        if not _same_inputs(self._init, other._init, set()):
            return False
        _join(self, other)
        return True

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    # -- structure ------------------------------------------------------------------------
    @property
    def args(self) -> tuple[Expr, ...]:
        """Child expressions, in order (found once: every tree walk asks for them)."""
        out = self._args
        if out is None:
            found: list[Expr] = []
            for item in self._init:
                if isinstance(item, Expr):
                    found.append(item)
                elif isinstance(item, tuple):
                    found.extend(x for x in item if isinstance(x, Expr))
            out = tuple(found)
            object.__setattr__(self, "_args", out)
        return out

    @property
    def rows(self) -> sympy.Expr:
        return self.shape[0]

    @property
    def cols(self) -> sympy.Expr:
        return self.shape[1]

    @property
    def is_scalar(self) -> bool:
        return self.shape[0] == ONE and self.shape[1] == ONE

    @property
    def is_column(self) -> bool:
        return self.shape[1] == ONE and self.shape[0] != ONE

    @property
    def is_row(self) -> bool:
        return self.shape[0] == ONE and self.shape[1] != ONE

    @property
    def kind(self) -> str:
        """``scalar``, ``vector`` (a column), or ``matrix`` (anything else, rows included)."""
        if self.is_scalar:
            return "scalar"
        if self.shape[1] == ONE:
            return "vector"
        return "matrix"

    def map_init(
        self,
        on_expr: Callable[[Expr], Expr],
        on_dim: Callable[[sympy.Expr], sympy.Expr] | None = None,
    ) -> tuple:
        """The constructor inputs with child expressions (and optionally SymPy values) mapped."""

        def convert(item: object) -> object:
            if isinstance(item, Expr):
                return on_expr(item)
            if isinstance(item, tuple):
                return tuple(convert(x) for x in item)
            if on_dim is not None and isinstance(item, sympy.Basic):
                return on_dim(item)
            return item

        return tuple(convert(item) for item in self._init)

    def with_args(self, args: tuple[Expr, ...]) -> Expr:
        """The same node type with new children (raw constructor, validating shapes)."""
        it = iter(args)

        def take(_: Expr) -> Expr:
            return next(it)

        return type(self)(*self.map_init(take))

    def has_any(self, types: tuple[type, ...]) -> bool:
        """Whether a node of one of ``types`` (or of a subclass) is in ``e``: a rewrite that
        acts only on such nodes has nothing to do otherwise. Read off the set of node types
        below each node, found once per node (as a bit mask)."""
        return bool(self._kinds_below() & _mask_of(types))

    def _kinds_below(self) -> int:
        return self._fold("_kinds", _kinds_of)

    def written_nodes(self) -> int:
        """The number of nodes of ``e`` written out as a tree (a shared subtree counts each
        time it is written; a definition kept by name counts as one node, as it prints), found
        once per node in time linear in the DAG: every line of a derivation is sized."""
        return self._fold("_written", _written_of)

    def _fold(self, slot: str, combine: Callable[[Expr], int]) -> int:
        """``combine(node)`` for this node and every node below it, children first, each found
        once and kept on the node in ``slot`` (``combine`` reads its children's)."""
        found = getattr(self, slot)
        if found is not None:
            return found
        stack: list[tuple[Expr, bool]] = [(self, False)]  # without recursion: trees may be deep
        while stack:
            node, ready = stack.pop()
            if getattr(node, slot) is not None:
                continue
            if ready:
                object.__setattr__(node, slot, combine(node))
                continue
            stack.append((node, True))
            stack.extend((c, False) for c in node.args if getattr(c, slot) is None)
        return getattr(self, slot)

    def has_equal_copies(self) -> bool:
        """Whether two distinct node objects in ``e`` are equal (a subexpression written twice,
        built twice). A pass of ``rewrite.transform`` answers the second from the first, which
        rebuilds the nodes above it: such a pass can change ``e`` though its rewrite matches
        nothing. Found once per node."""
        copies = self._copies
        if copies is None:
            copies = False
            first: dict[Expr, Expr] = {}
            visited: set[int] = set()
            stack: list[Expr] = [self]
            while stack:
                node = stack.pop()
                if id(node) in visited:
                    continue
                visited.add(id(node))
                if first.setdefault(node, node) is not node:
                    copies = True
                    break
                stack.extend(node.args)
            object.__setattr__(self, "_copies", copies)
        return copies

    def distinct(self) -> Iterator[Expr]:
        """Each distinct subexpression once (a shared subtree, such as a definition used
        twice, is one node: this is linear in the size of the DAG, not of the written tree)."""
        seen: set[Expr] = set()
        stack: list[Expr] = [self]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            yield node
            stack.extend(reversed(node.args))

    def walk(self) -> Iterator[Expr]:
        """Pre-order traversal without recursion (trees may be deep)."""
        stack: list[Expr] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.args))

    # Text comes from the printers the printing package installs (see rendering.py).
    def __repr__(self) -> str:
        return f"<{type(self).__name__} {rendering.text(self)}>"

    def __str__(self) -> str:
        return rendering.text(self)

    def _repr_latex_(self) -> str:
        return f"${rendering.printer('latex')(self)}$"
