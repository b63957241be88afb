"""The smart constructors' shared namespace.

The constructor families (``build_products``, ``build_sums``, ``build_unary`` ...) call each
other: a transpose of a product is a product of transposes, a product of a sum's terms is a
sum. Each family registers its constructors in :data:`S` when imported and calls the other
families' through it, so the families never import each other and the tree's imports stay
acyclic. ``tree/build.py`` imports every family, so by the time anything builds an
expression every name is registered.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

S: Any = SimpleNamespace()


def register(namespace: dict[str, Any], names: tuple[str, ...]) -> None:
    """Make the functions ``names`` of a family's ``namespace`` callable as ``S.<name>``."""
    for name in names:
        setattr(S, name, namespace[name])
