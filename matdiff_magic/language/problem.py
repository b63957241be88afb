"""A parsed input as a :class:`Problem`: the function, its variables (declared or inferred),
and the definitions before it; :func:`parse_problem` is the language's entry point.

After the typed tree is built (see :mod:`builder`), every size inferred by unification gets a
readable name (n, m, p, ...: rows of matrices from one list, columns and vectors from another)
and the tree is rebuilt with final sizes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import sympy

from matdiff_magic import dims
from matdiff_magic.errors import MatDiffError, ParseError, Span
from matdiff_magic.language import syntax as S
from matdiff_magic.language.builder import COL_NAMES, ROW_NAMES, TreeBuilder, parse_type
from matdiff_magic.language.parser import Parser
from matdiff_magic.messages import Msg
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.named import with_names
from matdiff_magic.tree.rewrite import substitute


@dataclass(frozen=True)
class Definition:
    """An intermediate ``name = expr`` written before the function (used by the chain rule)."""

    name: str
    var: N.Var  # the intermediate as a variable of the right shape
    expr: Expr  # its right-hand side, in terms of variables and earlier intermediates
    inlined: Expr  # its right-hand side with every intermediate substituted
    span: Span


@dataclass(frozen=True)
class Problem:
    """A parsed input: the function to differentiate and everything declared around it."""

    source: str
    expr: Expr  # the function, intermediates substituted
    outer: Expr  # the function in terms of the intermediates
    name: str | None  # the function's name if written as "f = ..."
    variables: dict[str, N.Var]  # every variable, declared or inferred, in order
    declared: frozenset[str]
    definitions: tuple[Definition, ...] = field(default=())
    # the ``variables`` dict it was parsed with (so it can be parsed again: structured.py)
    given: tuple[tuple[str, str], ...] = field(default=())

    def variable(self, name: str) -> N.Var | None:
        return self.variables.get(name)

    @property
    def definition_names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.definitions)


def parse_problem(
    source: str,
    variables: dict[str, str] | None = None,
    shape: dims.Shape | None = None,
    free: frozenset[str] = frozenset(),
    sizes_as_numbers: bool = False,
) -> Problem:
    """Parse user text (declarations, definitions, one function) into a :class:`Problem`.

    ``shape``: the shape the function must have, if known (an answer to a derivative): sizes
    the text leaves open (a bare ``I``) take it. ``free``: structured variables (symmetric,
    spd, diagonal) read as general matrices, their transposes kept as written.
    ``sizes_as_numbers``: a name that is no variable but a declared size (m of vector(m)) is
    that number, as matdiff prints it (an answer: ``(𝟏ᵀ z + m) diag(cos(x))``)."""
    if not isinstance(source, str):
        raise ParseError(Msg("build.not_text"))
    known = set(variables or ())
    scalars = {
        name
        for name, kind in (variables or {}).items()
        if isinstance(kind, str) and kind.strip() in ("scalar", "real", "R", "ℝ")
    }
    statements = Parser(source, known, scalars).parse_program()
    unifier = dims.Unifier()
    with dims.unifying(unifier):
        b = TreeBuilder(source, unifier, free)
        b.sizes_as_numbers = sizes_as_numbers
        for name, type_text in (variables or {}).items():
            if not isinstance(name, str) or not name.isidentifier():
                raise ParseError(Msg("build.variable_name", name=name))
            if not isinstance(type_text, str):
                raise ParseError(
                    Msg("build.type_not_text", name=name, type=type(type_text).__name__)
                )
            b.declare(name, parse_type(type_text), None, type_text)
        final: S.Node | None = None
        final_name: str | None = None
        for i, stmt in enumerate(statements):
            last = i == len(statements) - 1
            if isinstance(stmt, S.Declaration):
                for name, span in stmt.names:
                    b.declare(name, stmt.type, span, source)
                if last:
                    raise ParseError(
                        Msg("build.nothing_after_declarations"),
                        source=source,
                        span=Span(len(source), len(source) + 1),
                    )
            elif isinstance(stmt, S.Definition):
                if stmt.name in b.defs or stmt.name in b.declared:
                    twice = stmt.name in b.defs
                    raise ParseError(
                        Msg(
                            "build.defined_twice" if twice else "build.declared_and_defined",
                            name=stmt.name,
                        ),
                        source=source,
                        span=stmt.name_span,
                    )
                if last:
                    final, final_name = stmt.expr, stmt.name
                else:
                    rhs = b.build(stmt.expr)
                    var = N.Var(stmt.name, rhs.rows, rhs.cols)
                    b.defs[stmt.name] = (var, rhs, stmt.span)
                    b.def_order.append(stmt.name)
            else:
                if not last:
                    raise ParseError(
                        Msg("build.only_last_line"),
                        source=source,
                        span=stmt.span,
                    )
                final = stmt.expr
        if final is None:
            raise ParseError(
                Msg("build.no_expression"),
                source=source,
                span=Span(len(source), len(source) + 1),
            )
        outer = b.build(final)
        if shape is not None:
            dims.same(outer.rows, shape[0]) and dims.same(outer.cols, shape[1])
    problem = _finish(source, b, unifier, outer, final_name)
    given = tuple((k, v) for k, v in (variables or {}).items() if isinstance(v, str))
    return replace(problem, given=given) if given else problem


def _finish(
    source: str, b: TreeBuilder, unifier: dims.Unifier, outer: Expr, final_name: str | None
) -> Problem:
    trees = [outer, *(rhs for _, rhs, _ in b.defs.values())]
    naming = _name_fresh_dims(b, unifier, trees)

    def final_dim(d: sympy.Expr) -> sympy.Expr:
        return unifier.find(d).xreplace(naming) if d.free_symbols else d

    memo: dict[Expr, Expr] = {}

    def fix(e: Expr) -> Expr:
        found = memo.get(e)
        if found is None:
            found = type(e)(*e.map_init(fix, final_dim))
            memo[e] = found
        return found

    variables = {name: fix(var) for name, var in b.vars.items()}
    definitions: list[Definition] = []
    substitution: dict[str, Expr] = {}
    for name in b.def_order:
        var, rhs, span = b.defs[name]
        var_f, rhs_f = fix(var), fix(rhs)
        inlined = substitute(rhs_f, substitution) if substitution else rhs_f
        definitions.append(Definition(name, var_f, rhs_f, inlined, span))
        substitution[name] = inlined
    outer_f = fix(outer)
    # The definitions written out, except those used more than once: each of those stays one
    # shared node (N.Named) that prints as its name, so eᵀ e stays eᵀ e.
    expr = with_names(outer_f, [(d.name, d.expr) for d in definitions])
    # Every name the user wrote stays a variable, even one that cancels (c (x - x)): its size
    # is still part of the problem, and values for it are still accepted.
    return Problem(
        source, expr, outer_f, final_name, variables, frozenset(b.declared), tuple(definitions)
    )


def _name_fresh_dims(
    b: TreeBuilder, unifier: dims.Unifier, trees: list[Expr]
) -> dict[sympy.Symbol, sympy.Expr]:
    """Readable names for the inferred sizes, none of them a size the text already names: a
    declaration's, or one written in the expression itself (eye(n), ones(m, n), I_n)."""
    shapes = [v.shape for v in b.vars.values()]
    shapes += [node.shape for tree in trees for node in tree.distinct()]
    taken = {
        dims.symbol_name(s)
        for shape in shapes
        for d in shape
        for s in d.free_symbols
        if not unifier.is_fresh(s)
    }
    taken |= set(b.vars) | set(b.defs)
    naming: dict[sympy.Symbol, sympy.Expr] = {}

    def pick(prefer_rows: bool) -> sympy.Symbol:
        pools = (ROW_NAMES, COL_NAMES) if prefer_rows else (COL_NAMES, ROW_NAMES)
        for pool in pools:
            for name in pool:
                if name not in taken:
                    taken.add(name)
                    return dims.symbol(name)
        i = 1
        while f"d{i}" in taken:
            i += 1
        taken.add(f"d{i}")
        return dims.symbol(f"d{i}")

    def visit(d: sympy.Expr, prefer_rows: bool) -> None:
        root = unifier.find(d)
        for s in sorted(root.free_symbols, key=dims.symbol_name):
            if unifier.is_fresh(s) and s not in naming:
                naming[s] = pick(prefer_rows)

    for var in b.vars.values():
        is_matrix = var.shape[1] != dims.ONE
        visit(var.shape[0], prefer_rows=is_matrix)
        visit(var.shape[1], prefer_rows=False)
    for root in unifier.fresh_roots():
        if root not in naming:
            naming[root] = pick(False)
    return naming


__all__ = ["Definition", "Problem", "parse_problem", "parse_type", "MatDiffError"]
