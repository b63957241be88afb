"""Reading a student's hand derivation, one line per step (see :mod:`derivation_check`).

A line is split into its kind (the first line ``dy = d(...)`` or ``y = ...``, a line ``= ...``,
the derivative ``∂y/∂x = ...``) and its expression. In the expression, ``d(...)`` (also
``d tr(...)``) becomes a placeholder variable whose value is the differential of the inner
expression (computed numerically), and ``dX`` of the variable ``X`` is a direction variable of
``X``'s shape. Nothing of the user's text is evaluated as Python: every expression goes to the
matdiff parser (:func:`parse_problem`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from matdiff_magic import derivation_messages as _messages  # noqa: F401
from matdiff_magic import dims
from matdiff_magic.errors import MatDiffError, Msg, ParseError, Span
from matdiff_magic.language.problem import Problem, parse_problem
from matdiff_magic.tree.base import Expr

_DECLARATION = re.compile(r"^\s*[A-Za-z_]\w*(\s*,\s*[A-Za-z_]\w*)*\s*:")
_FIRST = re.compile(r"^\s*(\w+)\s*=(?!=)(.*)$")
_NEXT = re.compile(r"^\s*=(.*)$")
_DERIVATIVE = re.compile(r"^\s*[∂d]\s*(\w+)\s*/\s*[∂d]\s*(\w+)\s*=(.*)$")
_D_OPEN = re.compile(r"(?<![\w.'])d\s*(\(|(?=(?:tr|log|det)\s*\())")
PLACEHOLDER = "zzdiff"


@dataclass
class Piece:
    """A ``d(inner)`` of a line: its placeholder name and the inner expression."""

    name: str
    inner: Expr


@dataclass
class Line:
    """One line of the derivation as written."""

    number: int  # 1-based, in the whole text
    kind: str  # "first", "next" or "derivative"
    text: str  # the expression as written
    span: Span  # where the expression is in the whole text
    name: str = ""  # the function's name (first line) or the variable (derivative line)
    differential: bool = False  # the first line is "dy = ..." (not "y = ...")
    expr: Expr | None = None
    problem: Problem | None = None
    pieces: list[Piece] = field(default_factory=list)


def split_lines(text: str) -> tuple[str, list[Line]]:
    """The declarations (as text) and the derivation lines of ``text``."""
    if not isinstance(text, str):
        raise ParseError(Msg("build.not_text"))
    declarations: list[str] = []
    lines: list[Line] = []
    start = 0
    for number, raw in enumerate(text.split("\n"), 1):
        offset, start = start, start + len(raw) + 1
        if not raw.strip() or raw.strip().startswith("#"):
            continue
        if not lines and _DECLARATION.match(raw) and not _DERIVATIVE.match(raw):
            declarations.append(raw)
            continue
        m = _DERIVATIVE.match(raw)
        kind = "derivative"
        if m is None:
            m = _NEXT.match(raw) if lines else _FIRST.match(raw)
            kind = "next" if lines else "first"
        if m is None or (lines and lines[-1].kind == "derivative"):
            where = Span(offset, offset + max(len(raw), 1))
            raise ParseError(Msg("derivation.line_form", line=number), source=text, span=where)
        body = m.group(m.lastindex or 1)
        body_start = offset + m.start(m.lastindex or 1)
        line = Line(number, kind, body, Span(body_start, body_start + max(len(body), 1)))
        if kind == "first":
            name = m.group(1)
            line.differential = len(name) > 1 and name.startswith("d")
            line.name = name[1:] if line.differential else name
        elif kind == "derivative":
            line.name = m.group(2)
        lines.append(line)
    if not lines:
        raise ParseError(Msg("derivation.empty"))
    return "\n".join(declarations), lines


def outer_d(body: str) -> tuple[str, list[str]]:
    """``body`` with each outermost ``d(...)`` replaced by a placeholder, and the inner texts."""
    out: list[str] = []
    inners: list[str] = []
    i = 0
    while True:
        m = _D_OPEN.search(body, i)
        if m is None:
            out.append(body[i:])
            break
        out.append(body[i : m.start()])
        j = m.end() - 1 if m.group(1) == "(" else body.index("(", m.end())
        depth, k = 1, j + 1
        while k < len(body) and depth:
            depth += {"(": 1, ")": -1}.get(body[k], 0)
            k += 1
        if depth:
            raise MatDiffError(Msg("parse.expected_expression"))
        inner = body[m.end() : k] if m.group(1) != "(" else body[j + 1 : k - 1]
        inners.append(inner)
        out.append(f" {PLACEHOLDER}{len(inners)} ")
        i = k
    return "".join(out), inners


def parse_line(line: Line, source: str, declared: dict[str, str], allowed: set[str]) -> None:
    """Parse ``line`` in the declared variables (and the placeholders of its ``d(...)``)."""
    try:
        body, inners = outer_d(line.text)
        types = dict(declared)
        for k, inner_text in enumerate(inners, 1):
            inner = parse_problem(inner_text, declared)
            _only(inner, allowed)
            name = f"{PLACEHOLDER}{k}"
            types[name] = type_text(inner.expr.shape)
            line.pieces.append(Piece(name, inner.expr))
        problem = parse_problem(body, types)
        _only(problem, allowed | set(types))
    except MatDiffError as err:
        raise ParseError(
            Msg("derivation.bad_line", line=line.number, error=err), source=source, span=line.span
        ) from err
    line.problem, line.expr = problem, problem.expr


def _only(problem: Problem, allowed: set[str]) -> None:
    unknown = [n for n in problem.variables if n not in allowed]
    if unknown:
        raise MatDiffError(Msg("derivation.unknown_names", names=", ".join(unknown)))


def type_text(shape: tuple) -> str:
    rows, cols = (dims.dim_text(d) for d in shape)
    return "scalar" if rows == cols == "1" else f"matrix({rows}, {cols})"
