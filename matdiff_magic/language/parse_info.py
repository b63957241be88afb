"""What the parser keeps about every node, bottom up, so that an input too deep for matdiff's
recursive parts, or a number too big to print, is refused with a caret while parsing: the
depth of the typed tree the node makes (a flat chain ``x ./ y ./ z`` of vectors nests one level
per operator, ``a b c`` does not), whether it is certainly a scalar, and bounds on the digits
of any number that folding constants can make from it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from fractions import Fraction

MAX_DEPTH = 64
MAX_POSTFIX = 32
MAX_TREE_DEPTH = 100  # bound on the depth of the typed tree an expression makes
MAX_CONSTANT_DIGITS = 1000  # bound on the digits of a number folded from the literals
MAX_POWER = 64  # bound on a power of powers, as the builder's MAX_MATRIX_POWER on one power
# Functions whose value is a scalar whatever their argument.
# Operators of a product chain by how they nest: a run of "mat" (products, scaling) or of
# "had" (Hadamard products) is one flat node; "./" and "⊗" nest at every operator.
CHAIN_CLASS = {
    "juxt": "mat",
    "*": "mat",
    "@": "mat",
    "/": "mat",
    ".*": "had",
    "./": "div",
    "⊗": "kron",
    "∗": "khatri_rao",
}
PRODUCT_OPS = {"*": "*", "@": "@", ".*": ".*", "./": "./", "/": "/", "⊗": "⊗", "∗": "∗", "×": "*"}
TYPE_WORDS = ("scalar", "vector", "matrix", "symmetric")
SPLIT_DIMS = re.compile(r"^([A-Za-z]|\d+)x([A-Za-z]|\d+)$")


@dataclass(frozen=True)
class NodeInfo:
    """What the parser knows about a node (see the module docstring).

    ``num`` and ``den`` bound log10 of the numerator and the denominator of the numbers that
    folding constants can make in the node's value (a power multiplies them); ``extra`` bounds
    the digits that exponents add to it and to its derivatives (they only add up: the derivative
    of x^k has the coefficient k); ``decimal`` says the denominators divide powers of ten (so a
    sum's common denominator is the largest, not the product); ``value`` is the exact value of a
    node made of numbers only (when it is small enough to compute).
    """

    depth: int = 1
    scalar: bool = False
    num: float = 0.0
    den: float = 0.0
    decimal: bool = True
    value: Fraction | None = None
    extra: float = 0.0
    kind: str | None = None  # "add" for a sum, a chain class for a product: what it merges with
    power: int = 1  # the exponent a power of powers (X^8)^8 comes to: X^64 has 64 terms of dX

    @property
    def digits(self) -> float:
        return max(self.num, self.den) + self.extra


NAME_INFO = NodeInfo()
SCALAR_NAME_INFO = NodeInfo(scalar=True)


def decimal_power(q: int) -> int | None:
    """The smallest k with q | 10**k, or None when q has a prime factor other than 2 and 5."""
    twos = (q & -q).bit_length() - 1
    q >>= twos
    fives = 0
    while q % 5 == 0:
        q //= 5
        fives += 1
    return max(twos, fives) if q == 1 else None


def number_info(value: Fraction) -> NodeInfo:
    p, q = abs(value.numerator), value.denominator
    num = math.log10(p) if p > 1 else 0.0
    k = decimal_power(q)
    if k is not None:
        return NodeInfo(1, True, num, float(k), True, value)
    return NodeInfo(1, True, num, math.log10(q), False, value)


def times_info(
    a: NodeInfo, b: NodeInfo, depth: int, scalar: bool, divide: bool = False
) -> NodeInfo:
    """The info of a * b (or a / b)."""
    extra = a.extra + b.extra
    if not divide:
        value = a.value * b.value if a.value is not None and b.value is not None else None
        return NodeInfo(
            depth, scalar, a.num + b.num, a.den + b.den, a.decimal and b.decimal, value, extra
        )
    value = None
    if a.value is not None and b.value is not None and b.value != 0:
        value = a.value / b.value
    decimal = a.decimal and b.decimal and b.num == 0
    return NodeInfo(depth, scalar, a.num + b.den, a.den + b.num, decimal, value, extra)


def opaque_info(depth: int, scalar: bool, *parts: NodeInfo) -> NodeInfo:
    """The info of something that may combine its parts' numbers in any way (no value)."""
    total = sum(p.num + p.den for p in parts)
    return NodeInfo(depth, scalar, total, total, total == 0, None, sum(p.extra for p in parts))


def call_info(func: str, scalar: bool, infos: list[NodeInfo]) -> NodeInfo:
    """The info of a function call ``func(args)``; ``scalar``: the function's value is a scalar
    whatever its arguments."""
    info = NodeInfo(
        max((i.depth for i in infos), default=0) + 1,
        scalar or all(i.scalar for i in infos),
        sum(i.num for i in infos),  # f(c X) keeps c (tr, sum, kron, ...)
        sum(i.den for i in infos),
        all(i.decimal for i in infos),
        None,
        sum(i.extra for i in infos),
    )
    if func == "inv":  # inv(c X) = 1/c inv(X)
        info = replace(info, num=info.den, den=info.num, decimal=info.num == 0)
    return info
