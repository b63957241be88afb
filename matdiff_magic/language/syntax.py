"""The untyped syntax tree the parser produces; every node remembers where it was written."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from matdiff_magic.errors import Span


@dataclass(frozen=True)
class Node:
    span: Span


@dataclass(frozen=True)
class Num(Node):
    value: Fraction


@dataclass(frozen=True)
class Name(Node):
    name: str


@dataclass(frozen=True)
class Ones(Node):
    """The ones vector 𝟏, a column whose size is inferred (``1'``, ``1ᵀ``, ``1^T`` are its
    transpose; a bare ``1`` is the number one)."""


@dataclass(frozen=True)
class Text(Node):
    """A quoted option such as "fro" in norm(X, "fro"): only a function's argument."""

    value: str


@dataclass(frozen=True)
class Call(Node):
    func: str
    args: tuple[Node, ...]
    name_span: Span


@dataclass(frozen=True)
class Unary(Node):
    op: str  # "-" or "+"
    operand: Node


@dataclass(frozen=True)
class Sum(Node):
    """t1 ± t2 ± ...: items are (op, op span, term); the first op is "+" with no span."""

    items: tuple[tuple[str, Span | None, Node], ...]


@dataclass(frozen=True)
class Product(Node):
    """f1 op f2 op ...: ops are "*", "@", "juxt", ".*", "./", "/", "⊗" (first op is None)."""

    items: tuple[tuple[str | None, Span | None, Node], ...]


@dataclass(frozen=True)
class Postfix(Node):
    op: str  # "T" transpose, "inv", "invT", "pow" (^), "hpow" (.^)
    operand: Node
    op_span: Span
    exponent: Node | None = None


@dataclass(frozen=True)
class TypeSpec:
    kind: str  # scalar, vector, matrix, symmetric
    dims: tuple[str | int, ...]
    span: Span
    dim_spans: tuple[Span, ...] = field(default=())


@dataclass(frozen=True)
class Declaration(Node):
    names: tuple[tuple[str, Span], ...]
    type: TypeSpec


@dataclass(frozen=True)
class Definition(Node):
    name: str
    name_span: Span
    expr: Node


@dataclass(frozen=True)
class ExprStatement(Node):
    expr: Node


Statement = Declaration | Definition | ExprStatement
