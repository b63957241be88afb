"""The tree matdiff's simplifier is given, caught while deriving.

Every call of ``tree.tidy.tidy`` (the hand-ordered pass: REWRITES in a fixed order, two
candidates, the shorter kept) is recorded while ``md.derive`` runs; the one whose output is the
result (``Result.expr``) is the final simplify, and its input is the *pre-simplify* tree both
simplifiers start from. The patch replaces the name ``tidy`` in every matdiff module that
imported it, and is undone on exit.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import matdiff_magic as md
from matdiff_magic.tree import tidy as tidy_module
from matdiff_magic.tree.base import Expr


@dataclass
class Caught:
    result: md.Result
    before: Expr | None  # the final simplify's input (None: not found)
    after: Expr | None  # its output
    calls: int  # tidy calls during the derivation


@contextlib.contextmanager
def _recording(calls: list[tuple[Expr, Expr]]) -> Iterator[None]:
    original = tidy_module.tidy

    def recorder(e: Expr) -> Expr:
        out = original(e)
        calls.append((e, out))
        return out

    patched = []
    for name, module in list(sys.modules.items()):
        if name.startswith("matdiff_magic") and getattr(module, "tidy", None) is original:
            module.tidy = recorder
            patched.append(module)
    try:
        yield
    finally:
        for module in patched:
            module.tidy = original


def derive_caught(problem: str, wrt: str, order: int = 1) -> Caught:
    calls: list[tuple[Expr, Expr]] = []
    with _recording(calls):
        result = md.derive(problem, wrt, order=order)
    final = result.expr
    for before, after in reversed(calls):
        if after == final:
            return Caught(result, before, after, len(calls))
    return Caught(result, None, None, len(calls))


def time_tidy(e: Expr, repeat: int = 3) -> float:
    """Seconds for one cold run of matdiff's simplifier on ``e`` (the best of ``repeat``)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        tidy_module.tidy(e)
        best = min(best, time.perf_counter() - start)
    return best
