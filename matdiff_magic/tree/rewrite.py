"""One bottom-up rewriting pass, shared by every transformation of the tree.

``transform(e, pre, post)`` visits each distinct subtree once: ``pre(node)`` may answer for a
node outright (its children are then not visited); otherwise the children are transformed, the
node is rebuilt through the smart constructors if any child changed, and ``post`` may rewrite the
result.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar

from matdiff_magic import dims
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.build_sums import collecting

Hook = Callable[[Expr], Expr | None]


def transform(
    e: Expr,
    pre: Hook | None = None,
    post: Callable[[Expr], Expr] | None = None,
    *,
    rebuild_all: bool = False,
) -> Expr:
    """``rebuild_all`` passes every node through its smart constructor, changed or not (that is
    what turns a raw display form such as Iᵀ into I)."""
    memo: dict[Expr, Expr] = {}

    def go(node: Expr) -> Expr:
        found = memo.get(node)
        if found is not None:
            return found
        out = pre(node) if pre is not None else None
        if out is None:
            args = node.args
            if args:
                # (a loop, not tuple(...) and all(...): this is the hottest loop of the
                # simplifier)
                new = [go(a) for a in args]
                changed = rebuild_all
                for x, y in zip(new, args, strict=True):
                    if x is not y:
                        changed = True
                        break
                # remembered: a hook that hands back an equal copy of a child makes every
                # ancestor rebuild, and in a large expression 94% of the rebuilds repeated one
                # done before
                out = remembered(B.rebuild, node, tuple(new)) if changed else node
            else:
                out = node
            if post is not None:
                out = post(out)
        memo[node] = out
        return out

    return go(e)


def replace(e: Expr, mapping: Callable[[Expr], Expr | None]) -> Expr:
    """``e`` with every node for which ``mapping`` returns an expression replaced by it."""
    return transform(e, pre=mapping)


def canonical(e: Expr) -> Expr:
    """Rebuild every node of ``e`` bottom-up through the smart constructors."""
    return transform(e, rebuild_all=True)


def substitute(e: Expr, mapping: Mapping[str, Expr]) -> Expr:
    """Replace variables by name (through the smart constructors)."""
    return replace(e, lambda n: mapping.get(n.name) if isinstance(n, N.Var) else None)


# -- named rewrites, observable -----------------------------------------------------------------

Observer = Callable[[str, Expr, Expr], None]
_OBSERVER: ContextVar[Observer | None] = ContextVar("matdiff_rewrite_observer", default=None)


@contextlib.contextmanager
def observing(callback: Observer) -> Iterator[None]:
    """Inside, every named rewrite that changes an expression calls ``callback(name, before,
    after)``: the tests check each one numerically (a rewrite must be an identity)."""
    token = _OBSERVER.set(callback)
    try:
        yield
    finally:
        _OBSERVER.reset(token)


@contextlib.contextmanager
def also_observing(callback: Observer) -> Iterator[None]:
    """:func:`observing`, the observer already installed (a test's) still called as well."""
    outer = _OBSERVER.get()

    def both(name: str, before: Expr, after: Expr) -> None:
        callback(name, before, after)
        if outer is not None:
            outer(name, before, after)

    with observing(both):
        yield


def named(name: str, rewrite: Callable[[Expr], Expr], e: Expr) -> Expr:
    """``rewrite(e)``, reported to the observer (if any) under ``name`` when it changed."""
    out = remembered(rewrite, e)
    observer = _OBSERVER.get()
    if observer is not None and out is not e and out != e:
        observer(name, e, out)
    return out


# -- remembered rewrites -------------------------------------------------------------------------


_MEMO: ContextVar[dict | None] = ContextVar("matdiff_rewrite_memo", default=None)
_UNCHANGED = object()


@contextlib.contextmanager
def remembering() -> Iterator[None]:
    """Inside (one derivation), :func:`remembered` answers a rewrite it has already done: the
    simplifier runs each rewrite on the same subexpressions several times over (passes until
    nothing changes, two candidate forms, every simplify step), more than half of them repeats."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def remembered(rewrite: Callable[..., Expr], e: Expr, *options: object) -> Expr:
    """``rewrite(e, *options)`` for a rewrite that is a function of its arguments alone, done
    once for each distinct ``e`` (and hashable ``options``) inside :func:`remembering`. The
    smart constructors also depend on whether like terms are collected and on the sizes being
    unified, so those are part of the key. An ``e`` the rewrite leaves as it is comes back
    itself (not an equal copy: identity tells a caller nothing changed)."""
    memo = _MEMO.get()
    if memo is None:
        return rewrite(e, *options)
    key = (rewrite, e, options, collecting(), dims.current_unifier())
    out = memo.get(key)
    if out is None:
        out = rewrite(e, *options)
        memo[key] = _UNCHANGED if out is e else out
    return e if out is _UNCHANGED else out
