"""The rule tables: differential rules, trace identities, vectorization identities."""

from matdiff_magic.rules import (  # noqa: F401
    chain,
    conclusions,
    definition,
    differential,
    trace,
    vectorization,
)
from matdiff_magic.rules.rule import REGISTRY, Rule, get

__all__ = ["REGISTRY", "Rule", "get"]
