"""Dispatch on node type along the class hierarchy, as SymPy's ``Printer._print`` does.

A consumer (printer, evaluator, code printer) names its handlers ``<prefix><ClassName>``; the
handler for a node is the first one found along ``type(node).__mro__``, so a subclass of a node
type is handled like its base until it gets a handler of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache


@cache
def _handler_name(consumer: type, prefix: str, node: type) -> str | None:
    for cls in node.__mro__:
        name = prefix + cls.__name__
        if hasattr(consumer, name):
            return name
    return None


def handler(consumer: object, prefix: str, node: object) -> Callable | None:
    """The bound handler of ``consumer`` for ``node``, or None if no class of its hierarchy has
    one."""
    name = _handler_name(type(consumer), prefix, type(node))
    return None if name is None else getattr(consumer, name)
