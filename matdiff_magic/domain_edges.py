"""Where random test points may lie: every operation in the function finite, clear of the
edge of its domain (inverted matrices well conditioned, log and sqrt clear of 0, spectral ties
apart: each operation installs its edge in :data:`EDGES`), and squashing functions off their
flat tails, so that finite differences around the point measure something."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from matdiff_magic.numeric import Env, Evaluator
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.dispatch import lookup
from matdiff_magic.tree.elementwise import ELEMENTWISE
from matdiff_magic.tree.query import Occurs

MAX_CONDITION = 1e6  # inverses and determinants of worse-conditioned matrices are not tested
# The edges of the operations' domains, installed by their modules (``operations/define.py``):
# node type -> clear(node, evaluator, margin), whether the point is clear of the edge.
EDGES: dict[type, Callable[[Expr, Evaluator, Callable[[Expr], float]], bool]] = {}


def well_conditioned(node: Expr, ev: Evaluator, margin: Callable[[Expr], float]) -> bool:
    """An inverted matrix or a determinant's argument away from singular."""
    return bool(np.linalg.cond(ev(node.args[0])) < MAX_CONDITION)


MARGIN = 1e-3  # how far log, sqrt, divisions and negative powers stay from 0 (as the fuzzer)
MAX_VALUE = 1e8


def well_posed(f: Expr, env: Env) -> bool:
    """Whether ``f`` is finite at ``env`` and every operation in it is away from the edge of its
    domain (inverted matrices well conditioned, log and sqrt of numbers clear of 0, no division
    by almost 0), so that finite differences around the point are accurate. Constants (0.01^λ's
    base) only need to be inside the domain: they do not move."""
    ev = Evaluator(env)
    varies = Occurs(lambda n: isinstance(n, N.Var))
    with np.errstate(all="ignore"):
        for node in f.distinct():
            value = ev(node)
            if not np.all(np.isfinite(value)) or (value.size and np.max(np.abs(value)) > MAX_VALUE):
                return False
            if not _clear_of_edges(node, ev, lambda e: MARGIN if varies(e) else 0.0):
                return False
    return True


def not_flat(f: Expr, env: Env) -> bool:
    """Whether no squashing function in ``f`` (σ, tanh) is pushed where it is flat to rounding:
    there 1 - σ(x) is 0 in floats, the derivative's entries are below finite differences' noise,
    and a check says nothing (all-positive inputs summed into σ(sum(e)) are the usual way)."""
    ev = Evaluator(env)
    with np.errstate(all="ignore"):
        for node in f.distinct():
            if isinstance(node, N.Elementwise):
                bound = ELEMENTWISE[node.func].flat_beyond
                if bound is not None and np.max(np.abs(ev(node.arg)), initial=0.0) > bound:
                    return False
    return True


def _clear_of_edges(node: Expr, ev: Evaluator, margin: Callable[[Expr], float]) -> bool:
    """``margin(e)``: how far from 0 the quantity ``e`` must stay (0 for a constant)."""
    edge = lookup(EDGES, type(node))
    if edge is not None:
        return edge(node, ev, margin)
    if isinstance(node, N.Elementwise):
        return _in_domain(ELEMENTWISE[node.func].domain, ev(node.arg), margin(node.arg))
    if isinstance(node, N.HadamardDiv):
        return bool(np.min(np.abs(ev(node.den))) > margin(node.den))
    if isinstance(node, N.Power):
        k = ev(node.exponent)
        base = ev(node.base)
        if np.all(k == np.round(k)) and np.all(k >= 0):
            return True
        edge = base if not np.all(k == np.round(k)) else np.abs(base)
        return bool(np.min(edge) > margin(node.base))
    if isinstance(node, N.HadamardPow):
        k = float(node.exponent)
        base = ev(node.base)
        if k == round(k) and k >= 0:
            return True
        return bool(np.min(base if k != round(k) else np.abs(base)) > margin(node.base))
    return True


def _in_domain(domain: str, arg: np.ndarray, margin: float) -> bool:
    """Whether an entrywise function's argument is inside the row's domain, ``margin`` clear of
    its edge (for a kink, clear of 0 on either side, so differences do not straddle it)."""
    if domain == "positive":
        return bool(np.min(arg) > margin)
    if domain == "nonzero":
        return bool(np.min(np.abs(arg)) > margin)
    if domain == "above_minus_one":
        return bool(np.min(arg) > margin - 1.0)
    return True
