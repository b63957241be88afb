"""The rule tables: the identities the trace trick and vectorization name, the chain rule's,
the read-off and layout rules, and what a differential rule is (``diffrule.py``) and how the
trace and vectorization steps of a linear operation are kept (``adjoint.py``). Each operation's
own rows and steps are in its module under ``matdiff_magic/operations``."""

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
