"""The rule tables: differential rules, trace identities, vectorization identities, and the
linear operations' trace and vectorization steps."""

from matdiff_magic.rules import (  # noqa: F401
    chain,
    conclusions,
    definition,
    differential,
    linear_maps,
    linear_products,
    trace,
    vectorization,
)
from matdiff_magic.rules.rule import REGISTRY, Rule, get

__all__ = ["REGISTRY", "Rule", "get"]
