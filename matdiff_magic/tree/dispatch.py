"""Dispatch on node type along the class hierarchy, as SymPy's ``Printer._print`` does.

A consumer (printer, evaluator, code printer) names its handlers ``<prefix><ClassName>``; the
handler for a node is the first one found along ``type(node).__mro__``, so a subclass of a node
type is handled like its base until it gets a handler of its own. Handlers are defined in the
consumer's class (the algebra every printer is built on) or installed by an operation's module
(:func:`install`); consumers that are functions keep a table by node type (:func:`lookup`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import TypeVar

T = TypeVar("T")


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


def install(consumer: type, prefix: str, node: type, fn: Callable) -> None:
    """Give ``consumer`` the handler ``<prefix><node name>`` from outside its class body: an
    operation's module (``matdiff_magic/operations``) installs how every consumer treats it, so
    the operation is written in one place. A handler the class defines itself is never replaced.
    """
    name = prefix + node.__name__
    if name in vars(consumer):
        raise ValueError(f"{consumer.__name__}.{name} is already defined")
    setattr(consumer, name, fn)
    _handler_name.cache_clear()


def lookup(table: Mapping[type, T], node: type) -> T | None:
    """The entry of ``table`` for a node type or its nearest base class that has one."""
    for cls in node.__mro__:
        if cls in table:
            return table[cls]
    return None
