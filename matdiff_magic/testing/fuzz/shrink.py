"""Shrink a failing case: replace subtrees by smaller ones of the same shape while it still fails.

Candidates, largest first: inline a definition; replace a node by one of its children of the
same shape, or by a leaf of the same shape (an existing variable, its transpose, a literal, or a
new variable); drop declarations nothing uses. A replacement must keep what the parent relies
on (positive, well-conditioned, bounded), so every candidate is still valid input.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from matdiff_magic.testing.fuzz.ast import SCALAR, Node, Variable
from matdiff_magic.testing.fuzz.case import Case
from matdiff_magic.testing.fuzz.runner import Record, run_case

Path = tuple[int, ...]  # (-1, ...) is the function, (k, ...) the k-th definition


def _roots(case: Case) -> list[tuple[int, Node]]:
    return [(k, node) for k, (_, node) in enumerate(case.definitions)] + [(-1, case.function)]


def _get(node: Node, path: Path) -> Node:
    for i in path:
        node = node.args[i]
    return node


def _put(node: Node, path: Path, new: Node) -> Node:
    if not path:
        return new
    args = list(node.args)
    args[path[0]] = _put(args[path[0]], path[1:], new)
    return node.with_args(tuple(args))


def _with_root(case: Case, root: int, node: Node) -> Case:
    if root == -1:
        return replace(case, function=node)
    defs = list(case.definitions)
    defs[root] = (defs[root][0], node)
    return replace(case, definitions=defs)


def _paths(node: Node, prefix: Path = ()) -> Iterator[Path]:
    """Pre-order: a node before its children (bigger replacements first)."""
    yield prefix
    for i, a in enumerate(node.args):
        yield from _paths(a, (*prefix, i))


def _keeps(new: Node, old: Node) -> bool:
    return (new.pos or not old.pos) and (new.wc or not old.wc) and (new.bnd or not old.bnd)


def _leaves(case: Case, old: Node, root: int) -> Iterator[Node]:
    """Leaves of the shape of ``old`` usable inside ``root`` (a definition may only use the
    definitions above it)."""
    shape = old.shape
    for v in case.variables:
        wc = v.near_identity
        if v.shape == shape:
            yield Node("var", shape, val=v.name, pos=v.positive, wc=wc, bnd=True)
        elif v.kind != "scalar" and (v.shape[1], v.shape[0]) == shape:
            inner = Node("var", v.shape, val=v.name, pos=v.positive, wc=wc, bnd=True)
            yield Node("T", shape, (inner,), pos=v.positive, bnd=True)
    above = case.definitions if root == -1 else case.definitions[:root]
    for name, node in above:
        if node.shape == shape:
            yield Node("var", shape, val=name, pos=node.pos, wc=node.wc, bnd=node.bnd)
    if shape == SCALAR:
        yield Node("num", shape, val="2", pos=True, bnd=True)
        yield Node("num", shape, val="1/2", pos=True, bnd=True)
    r, c = shape
    if len(r) == 1 and len(c) <= 1:
        kind = "scalar" if shape == SCALAR else ("vector" if c == () else "matrix")
        taken = {v.name for v in case.variables} | {d for d, _ in case.definitions}
        name = next(f"{k}{i}" for i in range(1, 99) for k in ("z" if kind != "matrix" else "Z",)
                    if f"{k}{i}" not in taken)
        positive = old.pos
        yield Node("var", shape, val=name, pos=positive, wc=kind == "matrix" and not positive
                   and r == c, bnd=True)


def candidates(case: Case, wrt: str) -> Iterator[Case]:
    # Inline a definition (not the one we differentiate with respect to).
    for k, (name, _) in enumerate(case.definitions):
        if name == wrt:
            continue
        yield _inline(case, k)
    for root, node in _roots(case):
        for path in _paths(node):
            old = _get(node, path)
            if old.op in ("var", "num"):
                continue
            options = [a for a in old.args if a.shape == old.shape and _keeps(a, old)]
            options += [leaf for leaf in _leaves(case, old, root) if _keeps(leaf, old)]
            for new in options:
                if new.op == "num" and path and _get(node, path[:-1]).op == "T":
                    continue  # 1' is the ones vector, not a number
                out = _with_root(case, root, _put(node, path, new))
                if new.op == "var" and out.variable(new.val) is None and \
                        out.definition(new.val) is None:
                    kind = "scalar" if new.shape == SCALAR else (
                        "vector" if new.shape[1] == () else "matrix")
                    out.variables = [*out.variables, Variable(new.val, kind, new.shape,
                                                              new.pos, 0)]
                yield out


def _inline(case: Case, k: int) -> Case:
    name, body = case.definitions[k]

    def sub(n: Node) -> Node:
        if n.op == "var" and n.val == name:
            return body
        return n.with_args(tuple(sub(a) for a in n.args)) if n.args else n

    defs = [(d, sub(n)) for d, n in case.definitions if d != name]
    return replace(case, definitions=defs, function=sub(case.function))


def prune(case: Case, wrt: str) -> Case:
    """Drop declarations and definitions nothing uses (the wrt name stays)."""
    used: set[str] = {wrt}
    for _, node in _roots(case):
        used |= case.names_used(node)
    defs = [(d, n) for d, n in case.definitions if d in used]
    variables = [v for v in case.variables if v.name in used]
    return replace(case, definitions=defs, variables=variables)


def shrink(record: Record, case: Case, budget: int = 300,
           log: Callable[[str], None] | None = None) -> tuple[Case, Record]:
    """A smaller case on which the derivation of ``record`` fails the same way."""
    only = (record.method, record.layout, record.order)
    wrt = record.wrt

    depends = wrt in _dependencies(case)
    slow = record.kind == "pass" and record.slow

    def same(c: Case) -> Record | None:
        if depends and wrt not in _dependencies(c):
            return None  # keep the function a function of wrt
        recs = run_case(c, [wrt], only=only, seed=0, abort_after=120)
        if len(recs) != 1:
            return None
        r = recs[0]
        if slow:
            return r if r.slow else None
        if r.kind != record.kind:
            return None
        if r.kind in ("exception", "error", "rejected") and _gist(r) != _gist(record):
            return None
        return r

    best_rec = same(case)
    if best_rec is None:
        return case, record  # does not reproduce
    best = case
    tries = 0
    improved = True
    while improved and tries < budget:
        improved = False
        for cand in candidates(best, wrt):
            cand = prune(cand, wrt)
            if _size(cand) >= _size(best):
                continue
            tries += 1
            found = same(cand)
            if found is not None:
                best, best_rec, improved = cand, found, True
                if log:
                    log(f"  shrunk to {_size(best)} nodes: {best.text()!r}")
                break
            if tries >= budget:
                break
    return best, best_rec


def _dependencies(case: Case) -> set[str]:
    variables, definitions = case.depends()
    return set(variables) | set(definitions)


def _gist(r: Record) -> str:
    """The error class and the start of its message, without names and numbers."""
    message = re.sub(r"'[^']*'|\b\w\b|\d+", "", r.message.replace("render: ", ""))
    return message[:40]


def _size(case: Case) -> int:
    return sum(n.size() for _, n in _roots(case)) + len(case.variables)
