"""Differentiating with respect to a definition: ``e = 2 x`` then ``g = e .* e``, wrt e.

A definition named as the variable *is* the variable: the lines above it are not substituted
into it (it is free), the lines below it are functions of it. Definitions above that other lines
use directly are constants there, so they are substituted as they are.
"""

from __future__ import annotations

from dataclasses import replace

from matdiff_magic.language.problem import Definition, Problem
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.named import with_names
from matdiff_magic.tree.rewrite import substitute


def with_variable(problem: Problem, name: str) -> Problem:
    """``problem`` with the definition ``name`` turned into a free variable."""
    index = problem.definition_names.index(name)
    target = problem.definitions[index]
    mapping: dict[str, Expr] = {d.name: d.inlined for d in problem.definitions[:index]}
    mapping[name] = target.var
    below: list[Definition] = []
    for d in problem.definitions[index + 1 :]:
        inlined = substitute(d.expr, mapping)
        below.append(replace(d, inlined=inlined))
        mapping[d.name] = inlined
    others = [(d.name, d.expr) for d in problem.definitions if d.name != name]
    expr = with_names(problem.outer, others, {name: target.var})
    outer = substitute(problem.outer, {n: mapping[n] for n in problem.definition_names[:index]})
    variables = {**problem.variables, name: target.var}
    return replace(
        problem,
        expr=expr,
        outer=outer,
        variables=variables,
        declared=problem.declared | {name},
        definitions=tuple(below),
    )
