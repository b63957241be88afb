"""Declaration lines: ``A: matrix(m, n)``, ``x ∈ R^n``, ``S: symmetric(n)``, ``c: scalar``,
and the sizes in them (``R^{m×n}``, ``R^(3 x n)``)."""

from __future__ import annotations

import re

from matdiff_magic.errors import Span
from matdiff_magic.language import syntax as S
from matdiff_magic.language.functions import FUNCTIONS
from matdiff_magic.language.parse_info import (
    SPLIT_DIMS,
    TYPE_WORDS,
)
from matdiff_magic.messages import Msg

# Square structured types, one size each: symmetric(n), spd(n) (symmetric positive definite),
# diagonal(n); the word -> the kind (tree.nodes_leaves.STRUCTURES).
STRUCTURE_WORDS = {
    "sym": "symmetric",
    "symmetric": "symmetric",
    "spd": "spd",
    "diagonal": "diagonal",
    # facts about a column vector, one size each (tree/textbook_facts.py uses them)
    "onehot": "onehot",
    "simplex": "simplex",
    "prob": "simplex",
    "pm1": "pm1",
}
FACT_WORDS = ("onehot", "simplex", "prob", "pm1")


class DeclarationParsing:
    """The declaration part of :class:`~matdiff_magic.language.parser.Parser` (a mixin)."""

    def _at_declaration(self) -> bool:
        i = self.pos
        while True:
            tok = self.tokens[i]
            if tok.kind != "NAME":
                return False
            nxt = self.tokens[i + 1]
            if nxt.is_op(":", "∈") or (nxt.kind == "NAME" and nxt.value == "in"):
                return True
            if nxt.is_op(","):
                i += 2
                continue
            return False

    # -- declarations ------------------------------------------------------------------------
    def parse_declarations(self) -> list[S.Statement]:
        out: list[S.Statement] = []
        while True:
            names: list[tuple[str, Span]] = []
            start = self.tok.span
            while True:
                tok = self.advance()
                if tok.kind != "NAME":
                    raise self.error(Msg("parse.expected_variable"), tok.span)
                if tok.value in FUNCTIONS:
                    raise self.error(Msg("parse.function_declared", name=tok.value), tok.span)
                names.append((tok.value, tok.span))
                if self.tok.is_op(","):
                    self.advance()
                    continue
                break
            if self.tok.is_op(":"):
                self.advance()
                spec = self.parse_type()
            else:  # ∈ or in
                self.advance()
                spec = self.parse_space()
            out.append(S.Declaration(start.join(spec.span), tuple(names), spec))
            self.known.update(name for name, _ in names)
            for name, _ in names:
                if spec.kind == "scalar":
                    self.scalars.add(name)
                else:
                    self.scalars.discard(name)
                self.definitions.pop(name, None)
            if self.tok.is_op(",") and self.peek().kind == "NAME":
                self.advance()
                continue
            return out

    def parse_type(self) -> S.TypeSpec:
        tok = self.tok
        if tok.kind == "NAME" and tok.value in ("R", "ℝ", "S", "𝕊"):
            return self.parse_space()
        if tok.kind != "NAME" or tok.value not in (*TYPE_WORDS, *STRUCTURE_WORDS, "real"):
            raise self.error(Msg("parse.expected_type"))
        self.advance()
        kind = {"real": "scalar", **STRUCTURE_WORDS}.get(tok.value, tok.value)
        wanted = {"scalar": 0, "vector": 1, "matrix": 2}.get(kind, 1)
        if wanted == 0:
            if self.tok.is_op("("):
                self.advance()
                end = self.expect_op(")", Msg("parse.expected_scalar_close"))
                return S.TypeSpec("scalar", (), tok.span.join(end.span))
            return S.TypeSpec("scalar", (), tok.span)
        self.expect_op("(", Msg("parse.expected_size", kind=tok.value))
        dims: list[str | int] = []
        spans: list[Span] = []
        while True:
            d, span = self.parse_dim()
            dims.append(d)
            spans.append(span)
            if self.tok.is_op(","):
                self.advance()
                continue
            break
        end = self.expect_op(")", Msg("parse.expected_size_close", kind=tok.value))
        if kind == "matrix" and len(dims) == 1:
            dims = dims * 2  # matrix(n) is square
            spans = spans * 2
        if len(dims) != wanted and tok.value in FACT_WORDS:
            raise self.error(
                Msg("parse.fact_one_size", kind=tok.value, got=len(dims)), tok.span.join(end.span)
            )
        if len(dims) != wanted:
            key = "parse.sizes.many" if wanted > 1 else "parse.sizes.one"
            raise self.error(
                Msg(key, kind=kind, wanted=wanted, got=len(dims)), tok.span.join(end.span)
            )
        return S.TypeSpec(kind, tuple(dims), tok.span.join(end.span), tuple(spans))

    def parse_space(self) -> S.TypeSpec:
        tok = self.tok
        if tok.kind != "NAME" or tok.value not in ("R", "ℝ", "S", "𝕊", "real"):
            raise self.error(Msg("parse.expected_space"))
        self.advance()
        symmetric = tok.value in ("S", "𝕊")
        if not self.tok.is_op("^"):
            if symmetric:
                raise self.error(Msg("parse.expected_symmetric_size"))
            return S.TypeSpec("scalar", (), tok.span)
        self.advance()
        dims, spans, end = self.parse_dim_spec()
        span = tok.span.join(end)
        if symmetric:
            if len(dims) == 2 and dims[0] != dims[1]:
                raise self.error(Msg("parse.symmetric_square"), span)
            return S.TypeSpec("symmetric", dims[:1], span, spans[:1])
        if len(dims) == 1:
            return S.TypeSpec("vector", dims, span, spans)
        return S.TypeSpec("matrix", dims, span, spans)

    def parse_dim_spec(self) -> tuple[tuple[str | int, ...], tuple[Span, ...], Span]:
        closing = {"{": "}", "(": ")"}.get(self.tok.value) if self.tok.kind == "OP" else None
        if closing is None:
            d, span = self.parse_dim(allow_split=True)
            if isinstance(d, tuple):
                return d, (span, span), span
            return (d,), (span,), span
        self.advance()
        first, span1 = self.parse_dim(allow_split=True)
        if isinstance(first, tuple):
            end = self.expect_op(closing, Msg("parse.expected_close", closing=closing))
            return first, (span1, span1), end.span
        dims: list[str | int] = [first]
        spans = [span1]
        if self.tok.is_op("×", "*", ",") or (self.tok.kind == "NAME" and self.tok.value == "x"):
            self.advance()
            d, span = self.parse_dim()
            dims.append(d)
            spans.append(span)
        elif self.tok.kind == "NAME" and re.fullmatch(r"x(\d+|[A-Za-z])", self.tok.value):
            # "3x4" lexes as 3 then x4
            tok = self.advance()
            rest = tok.value[1:]
            dims.append(int(rest) if rest.isdigit() else rest)
            spans.append(tok.span)
        end = self.expect_op(closing, Msg("parse.expected_close_dims", closing=closing))
        return tuple(dims), tuple(spans), end.span

    def parse_dim(
        self, allow_split: bool = False
    ) -> tuple[str | int | tuple[str | int, ...], Span]:
        tok = self.tok
        if tok.kind == "NAME":
            if tok.value == "_":  # a size to be inferred from use: A: matrix(_, n)
                self.advance()
                return "_", tok.span
            if allow_split and (m := SPLIT_DIMS.match(tok.value)):
                self.advance()
                parts = tuple(int(p) if p.isdigit() else p for p in m.groups())
                return parts, tok.span
            if tok.value in FUNCTIONS or tok.value in TYPE_WORDS:
                raise self.error(Msg("parse.expected_dimension"))
            self.advance()
            return tok.value, tok.span
        if (
            tok.kind == "NUMBER"
            and tok.number is not None
            and tok.number.denominator == 1
            and tok.number >= 1
            and "." not in tok.value
        ):
            self.advance()
            return int(tok.number), tok.span
        raise self.error(Msg("parse.expected_dimension"))

    # -- expressions ---------------------------------------------------------------------------
