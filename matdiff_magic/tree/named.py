"""Definitions kept by name (``N.Named``): how big an expression is written out, writing out
the names a result uses only once, and folding a definition's value back into its name."""

from __future__ import annotations

from collections.abc import Callable

from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.canonical import ckey
from matdiff_magic.tree.rewrite import replace


def written_size(e: Expr, names: bool = True, memo: dict[Expr, int] | None = None) -> int:
    """The number of nodes of ``e`` written out as a tree (a shared subtree counts each time it
    is written), computed in time linear in the DAG; ``names``: definitions kept by name
    written out too (otherwise a name counts as one node, as it prints). ``memo``: the sizes
    already found (the same ``names``), kept by a caller that sizes many expressions sharing
    subtrees (the lines of a derivation)."""
    if not names:
        return e.written_nodes()  # found once per node
    memo = {} if memo is None else memo
    order: list[Expr] = []
    stack: list[tuple[Expr, bool]] = [(e, False)]
    while stack:
        node, done = stack.pop()
        if node in memo:
            continue
        children = _children(node) if names else node.args
        if done:
            memo[node] = 1 + sum(memo[c] for c in children)
            order.append(node)
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in children if c not in memo)
    return memo[e]


def repetition(e: Expr) -> int:
    """How many more operations (non-leaf nodes) ``e`` has written out than as a DAG: 0 when
    no subexpression is repeated (repeated variables do not count)."""
    memo: dict[Expr, int] = {}
    stack: list[tuple[Expr, bool]] = [(e, False)]
    distinct = 0
    while stack:
        node, done = stack.pop()
        if node in memo:
            continue
        children = _children(node)
        if done:
            memo[node] = (1 if children else 0) + sum(memo[c] for c in children)
            distinct += 1 if children else 0
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in children if c not in memo)
    return memo[e] - distinct


def _children(node: Expr) -> tuple[Expr, ...]:
    return (node.body,) if isinstance(node, N.Named) else node.args


def uses(e: Expr) -> dict[str, int]:
    """How many times each name occurs in ``e`` written out (names inside names counted as
    often as the outer name is written)."""
    counts: dict[str, int] = {}
    paths: dict[Expr, int] = {e: 1}
    # Nodes in an order where every parent comes before its children (reverse post-order).
    order: list[Expr] = []
    seen: set[Expr] = set()
    stack: list[tuple[Expr, bool]] = [(e, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node) if c not in seen)
    for node in reversed(order):
        n = paths.get(node, 0)
        if isinstance(node, N.Named):
            counts[node.name] = counts.get(node.name, 0) + n
        for c in _children(node):
            paths[c] = paths.get(c, 0) + n
    return counts


def write_out_single_uses(e: Expr) -> Expr:
    """``e`` with every name that would be written only once replaced by its definition: a name
    kept is written where it is used and its definition once ("where e = ..."), a name written
    out appears where its user is written. Names are decided from the outermost inwards, so
    e7 = sin(e6) + e6 keeps e6 (written twice in e7's definition) but e2 = e1 + x writes e1
    out."""
    named = named_nodes(e)
    if not named:
        return e
    direct = {n.name: _direct_uses(n.body) for n in named}
    at_top = _direct_uses(e)
    shown: dict[str, int] = {}  # how many times each name's definition is written out
    keep: set[str] = set()
    for node in reversed(named):  # the outermost (defined last) first
        count = at_top.get(node.name, 0)
        for outer in shown:
            count += direct[outer].get(node.name, 0) * (1 if outer in keep else shown[outer])
        if count >= 2:
            keep.add(node.name)
        shown[node.name] = count
    memo: dict[Expr, Expr] = {}

    def rewrite(x: Expr) -> Expr:
        def hook(n: Expr) -> Expr | None:
            if not isinstance(n, N.Named):
                return None
            if n not in memo:
                body = rewrite(n.body)
                memo[n] = N.Named(n.name, body) if n.name in keep else body
            return memo[n]

        return replace(x, hook)

    return rewrite(e)


def _direct_uses(e: Expr) -> dict[str, int]:
    """How many times each name is written in ``e`` itself (not inside other names' bodies)."""
    paths: dict[Expr, int] = {e: 1}
    order: list[Expr] = []
    seen: set[Expr] = set()
    stack: list[tuple[Expr, bool]] = [(e, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        stack.extend((c, False) for c in node.args if c not in seen)
    counts: dict[str, int] = {}
    for node in reversed(order):
        n = paths.get(node, 0)
        if isinstance(node, N.Named):
            counts[node.name] = counts.get(node.name, 0) + n
        for c in node.args:
            paths[c] = paths.get(c, 0) + n
    return counts


def with_names(
    e: Expr, definitions: list[tuple[str, Expr]], fixed: dict[str, Expr] | None = None
) -> Expr:
    """``e`` with its definitions (name, expression in terms of earlier names and variables)
    substituted: written out where they would be written once, as shared ``N.Named`` nodes
    where writing them out would repeat them (e in eᵀ e). ``fixed`` maps other names to what
    they stand for (a definition that is the variable maps to that variable). Decided from
    the outermost definition inwards, as :func:`write_out_single_uses` decides."""
    mapping: dict[str, Expr] = dict(fixed or {})
    defined = [(name, expr) for name, expr in definitions if name not in mapping]
    names = {name for name, _ in defined}
    refs = {name: _var_uses(expr, names) for name, expr in defined}
    at_top = _var_uses(e, names)
    shown: dict[str, int] = {}
    keep: set[str] = set()
    for name, _ in reversed(defined):
        count = at_top.get(name, 0)
        for outer, times in shown.items():
            count += refs[outer].get(name, 0) * (1 if outer in keep else times)
        if count >= 2:
            keep.add(name)
        shown[name] = count

    def put(x: Expr) -> Expr:
        return replace(x, lambda n: mapping.get(n.name) if isinstance(n, N.Var) else None)

    for name, expr in defined:
        body = put(expr)
        mapping[name] = N.Named(name, body) if name in keep else body
    return put(e)


def _var_uses(e: Expr, names: set[str]) -> dict[str, int]:
    """How many times each of ``names`` is written in ``e`` (as a variable)."""
    paths: dict[Expr, int] = {e: 1}
    order: list[Expr] = []
    seen: set[Expr] = set()
    stack: list[tuple[Expr, bool]] = [(e, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        stack.extend((c, False) for c in node.args if c not in seen)
    counts: dict[str, int] = {}
    for node in reversed(order):
        n = paths.get(node, 0)
        if isinstance(node, N.Var) and node.name in names:
            counts[node.name] = counts.get(node.name, 0) + n
        for c in node.args:
            paths[c] = paths.get(c, 0) + n
    return counts


def named_nodes(e: Expr) -> list[N.Named]:
    """The definitions kept by name in ``e``, innermost first (a body's names before it)."""
    order: list[N.Named] = []
    seen: set[Expr] = set()
    stack: list[tuple[Expr, bool]] = [(e, False)]
    while stack:
        x, done = stack.pop()
        if done:
            order.append(x)  # type: ignore[arg-type]
            continue
        if x in seen:
            continue
        seen.add(x)
        if isinstance(x, N.Named):
            stack.append((x, True))
            stack.append((x.body, False))
        else:
            stack.extend((c, False) for c in reversed(x.args))
    return order


def written_out(e: Expr, memo: dict[Expr, Expr] | None = None) -> Expr:
    """``e`` with every name replaced by its definition (all the way in); ``memo``: names
    already written out (shared between calls on the same names)."""
    memo = {} if memo is None else memo

    def hook(n: Expr) -> Expr | None:
        if not isinstance(n, N.Named):
            return None
        if n not in memo:
            memo[n] = written_out(n.body, memo)
        return memo[n]

    return replace(e, hook)


def defined_names(
    definitions: list[tuple[str, Expr]], fixed: dict[str, Expr] | None = None
) -> list[N.Named]:
    """Each definition (name, expression in terms of earlier names and variables) as a shared
    ``N.Named`` node whose body uses the earlier names (``s = W₂ h + b₂`` keeps h), in order;
    ``fixed`` maps names that are not definitions here (the variable a definition became)."""
    mapping: dict[str, Expr] = dict(fixed or {})
    out: list[N.Named] = []
    for name, expr in definitions:
        if name in mapping:
            continue
        body = replace(expr, lambda n: mapping.get(n.name) if isinstance(n, N.Var) else None)
        node = N.Named(name, body)
        mapping[name] = node
        out.append(node)
    return out


def fold_names(
    e: Expr, names: list[N.Named], forms: Callable[[Expr], list[Expr]] | None = None
) -> Expr:
    """``e`` with every occurrence of a definition's value written as its name: a subtree
    whose canonical key is that of a definition's body written out (sums in any order, scalar
    transposes) becomes the ``N.Named`` node. The outermost definitions are matched first, on
    the tree as it stands (s = W₂ h + b₂ is found as W₂ σ(W₁ x + b₁) + b₂, its body keeping h),
    then the inner ones in what is left. ``forms(x)``: further written forms of a value x to
    recognise (the polished form a result prints). Definitions whose value is one leaf (z = x)
    are not folded: the name would say nothing more."""
    targets: dict[str, Expr] = {}
    room = written_size(e)  # a value written out longer than e cannot be found in it
    memo: dict[Expr, Expr] = {}
    for node in names:
        if written_size(node.body) > room:
            continue
        value = written_out(node, memo)
        if not value.args:
            continue
        for written, named in ((value, node), (B.neg(value), B.neg(node))):  # exp(-W₂ h - b₂)
            for form in [written, *(forms(written) if forms else [])]:
                targets.setdefault(_target_key(form), named)
    if not targets:
        return e
    # sums found among a longer sum's terms: s = W₂ h + b₂ in W₂ h + b₂ - y
    parts: list[tuple[list[str], Expr]] = []
    seen: set[str] = set()
    for key, named in targets.items():
        value = written_out(named, memo)
        if isinstance(value, N.Add) and key not in seen:
            seen.add(key)
            parts.append(([_target_key(t) for t in value.terms], named))

    def hook(n: Expr) -> Expr | None:
        if not n.args:
            return None
        found = targets.get(_target_key(n))
        if found is not None and found.shape == n.shape:
            return found
        if isinstance(n, N.Add):
            return _fold_in_sum(n, parts, lambda t: replace(t, hook))
        return None

    return replace(e, hook)


def _fold_in_sum(
    n: N.Add, parts: list[tuple[list[str], Expr]], fold: Callable[[Expr], Expr]
) -> Expr | None:
    """The sum ``n`` with the terms of one definition's value (all of them, any order) written
    as its name, the other terms folded by ``fold``; None when no definition's terms are there."""
    keys = [_target_key(t) for t in n.terms]
    for wanted, named in parts:
        if named.shape != n.shape or len(wanted) >= len(keys):
            continue
        left = list(keys)
        for k in wanted:
            if k not in left:
                break
            left.remove(k)
        else:
            rest: list[Expr] = []
            pool = list(wanted)
            for t, k in zip(n.terms, keys, strict=True):
                if k in pool:
                    pool.remove(k)
                else:
                    rest.append(fold(t))
            return B.add(named, *rest)
    return None


def _target_key(e: Expr) -> str:
    return f"{e.shape}|{ckey(e)}"
