"""The fuzzer's own typed AST of the matdiff language, its printer, and its JSON form.

A dimension is a sorted tuple of atom names (``()`` is 1, ``("n",)`` is n, ``("m", "p")`` is
m·p, as Kronecker products and vec make); numeric sizes are atoms spelled as their digits. Every
node records its shape and what is known of its values by construction: ``pos`` (every entry
positive), ``wc`` (a well-conditioned square matrix with a positive determinant) and ``bnd``
(entries of moderate size, safe inside ``exp``). ``style`` picks one spelling of the node among
the language's equivalent spellings, so the text is a function of the tree (see
:mod:`.printer`); a whole generated problem is a :class:`.case.Case`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

Dim = tuple[str, ...]
Shape = tuple[Dim, Dim]
ONE: Dim = ()
SCALAR: Shape = (ONE, ONE)


def dmul(a: Dim, b: Dim) -> Dim:
    """The product of two dimensions."""
    return tuple(sorted(a + b))


@dataclass(frozen=True)
class Node:
    op: str
    shape: Shape
    args: tuple[Node, ...] = ()
    val: str = ""
    style: int = 0
    pos: bool = False
    wc: bool = False
    bnd: bool = False

    def walk(self) -> Iterator[Node]:
        yield self
        for a in self.args:
            yield from a.walk()

    def size(self) -> int:
        return sum(1 for _ in self.walk())

    def depth(self) -> int:
        return 1 + max((a.depth() for a in self.args), default=0)

    def with_args(self, args: tuple[Node, ...]) -> Node:
        return replace(self, args=args)

    def to_json(self) -> list:
        flags = "".join(c for c, on in zip("pwb", (self.pos, self.wc, self.bnd), strict=True) if on)
        shape = [list(self.shape[0]), list(self.shape[1])]
        return [self.op, shape, self.val, self.style, flags, [a.to_json() for a in self.args]]

    @staticmethod
    def from_json(data: list) -> Node:
        op, shape, val, style, flags, args = data
        return Node(
            op,
            (tuple(shape[0]), tuple(shape[1])),
            tuple(Node.from_json(a) for a in args),
            val,
            style,
            "p" in flags,
            "w" in flags,
            "b" in flags,
        )


@dataclass(frozen=True)
class Variable:
    """A declared variable. ``positive``: its random values are in (0.5, 1.5)."""

    name: str
    kind: str  # scalar, vector, matrix, symmetric, spd; onehot, simplex, pm1 (vectors)
    shape: Shape
    positive: bool = False
    style: int = 0

    @property
    def near_identity(self) -> bool:
        """Square matrices that are not positive get values near the identity."""
        return self.kind in ("symmetric", "spd") or (
            self.kind == "matrix" and self.shape[0] == self.shape[1] and not self.positive
        )

    def to_json(self) -> list:
        return [self.name, self.kind, [list(d) for d in self.shape], self.positive, self.style]

    @staticmethod
    def from_json(data: list) -> Variable:
        name, kind, shape, positive, style = data
        return Variable(name, kind, (tuple(shape[0]), tuple(shape[1])), positive, style)


# Names the generator gives sizes, variables and definitions; facts a vector may be declared
# with (tree/textbook_facts.py) and how often a new vector is.
SIZE_NAMES = ["n", "m", "p", "q", "r"]
VAR_NAMES = {
    "scalar": ["c", "a", "s", "t", "λ", "β"],
    "vector": ["x", "y", "z", "v", "w", "u", "θ"],
    "matrix": ["A", "B", "C", "X", "Y", "W", "M"],
    "symmetric": ["S", "P", "Σ"],
    "spd": ["Σ", "C", "S"],
}
FACTS = ("onehot", "simplex", "pm1")
FACT_RATE = 0.12
DEF_NAMES = ["e", "g", "h"]
MAX_VARIABLES = 6
