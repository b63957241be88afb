"""The rule tables: differential rules, trace identities, vectorization identities."""

from matdiff_magic.rules import conclusions, differential, trace, vectorization  # noqa: F401
from matdiff_magic.rules.rule import REGISTRY, Rule, get

__all__ = ["REGISTRY", "Rule", "get"]
