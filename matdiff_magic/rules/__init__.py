"""The rule tables: differential rules, trace identities, vectorization identities, and the
algebra's trace and vectorization steps (the functions' rows and steps are in their modules
under ``matdiff_magic/operations``)."""

from matdiff_magic.rules import (  # noqa: F401
    algebra_steps,
    chain,
    conclusions,
    definition,
    differential,
    trace,
    vectorization,
)
from matdiff_magic.rules.rule import REGISTRY, Rule, get

__all__ = ["REGISTRY", "Rule", "get"]
