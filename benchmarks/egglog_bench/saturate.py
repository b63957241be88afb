"""One bounded egglog run: saturate a matdiff tree under the identities, extract the fewest
printed tokens, and give the tree back (benchmarks/bench_egglog.py)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from egglog import EGraph, back_off, run

from egglog_bench.bridge import PENALTY, Bridge
from egglog_bench.language import RULES, SHAPES
from matdiff_magic.printing.text import text
from matdiff_magic.tree.base import Expr as MExpr
from matdiff_magic.written_tokens import tokens


@dataclass
class Limits:
    """Every run stops: at ``iterations`` rounds, ``nodes`` e-nodes or ``seconds`` (checked
    between rounds of ``chunk`` iterations; the back-off scheduler bans a rule whose matches
    exceed ``match_limit`` for ``ban_length`` iterations)."""

    iterations: int = 30
    nodes: int = 20000
    seconds: float = 3.0
    chunk: int = 3
    match_limit: int = 2000
    ban_length: int = 3


@dataclass
class Outcome:
    text: str
    tree: MExpr
    cost: int
    seconds: float
    extraction: float
    iterations: int
    nodes: int
    stop: str
    model: str


def simplify(e: MExpr, limits: Limits) -> Outcome:
    """Saturate ``e`` under the identities within ``limits``, extract the fewest tokens."""
    start = time.perf_counter()
    bridge = Bridge()
    term = bridge.to_egg(e)
    egraph = EGraph()
    egraph.register(term, *bridge.seeds)
    done, stop, nodes = 0, "saturated", 0
    while done < limits.iterations:
        scheduler = back_off(match_limit=limits.match_limit, ban_length=limits.ban_length)
        step = run(SHAPES).saturate() + run(RULES, scheduler=scheduler)
        before = nodes
        report = egraph.run(step * limits.chunk)
        done += limits.chunk
        nodes = sum(size for _, size in egraph.all_function_sizes())
        if nodes == before and not report.updated:
            break
        if nodes > limits.nodes:
            stop = "node limit"
            break
        if time.perf_counter() - start > limits.seconds:
            stop = "timeout"
            break
    else:
        stop = "iteration limit"
    saturated = time.perf_counter()
    best = None
    for name, model in MODELS:
        if best is not None and name != "bracket-aware":
            break  # the others are fallbacks: a Python cost model is slow on a large e-graph
        try:
            term_out, cost = egraph.extract(term, include_cost=True, cost_model=model(bridge))
        except BaseException as err:  # a Rust panic is a BaseException
            if isinstance(err, KeyboardInterrupt):
                raise
            continue
        tree = bridge.back(term_out)
        printed = text(tree)
        if best is None or tokens(printed) < tokens(best[0]):
            best = (printed, tree, name)
    if best is None:
        raise RuntimeError("every cost model failed to extract")
    spent = time.perf_counter() - start
    extraction = time.perf_counter() - saturated
    return Outcome(best[0], best[1], tokens(best[0]), spent, extraction, done, nodes, stop, best[2])


# The bracket-aware model first; the additive one only when egglog's extractor fails on it.
# (Extracting with both and keeping the fewer printed tokens won on 8 of 184 rows and doubled
# the time: the Python cost model is called for every e-node, and dominates on large e-graphs.)
MODELS = [
    ("bracket-aware", lambda b: b.model({}, contextual=True)),
    ("additive (fallback)", lambda b: b.model(PENALTY, contextual=False)),
]
