"""A recursive-descent parser for the matdiff language (see README: "The language").

It produces the syntax tree of :mod:`syntax`; types and shapes are the builder's job. Nesting is
limited so that no input can exhaust Python's recursion limit.
"""

from __future__ import annotations

import difflib
import re
from fractions import Fraction

from matdiff_magic.errors import ParseError, Span
from matdiff_magic.language import syntax as S
from matdiff_magic.language.functions import FUNCTION_NAMES, FUNCTIONS
from matdiff_magic.language.lexer import Token, tokenize
from matdiff_magic.messages import Msg
from matdiff_magic.printing.names import GREEK

MAX_DEPTH = 64
MAX_POSTFIX = 32
_PRODUCT_OPS = {"*": "*", "@": "@", ".*": ".*", "./": "./", "/": "/", "⊗": "⊗", "×": "*"}
_TYPE_WORDS = ("scalar", "vector", "matrix", "symmetric")
_SPLIT_DIMS = re.compile(r"^([A-Za-z]|\d+)x([A-Za-z]|\d+)$")


class Parser:
    def __init__(self, source: str, known_names: set[str] | None = None) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.pos = 0
        self.depth = 0
        self.bars = 0
        self.norms = 0
        self.known = set(known_names or ())

    # -- token helpers ------------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def peek(self, k: int = 1) -> Token:
        return self.tokens[min(self.pos + k, len(self.tokens) - 1)]

    def advance(self) -> Token:
        tok = self.tokens[self.pos]
        if tok.kind != "EOF":
            self.pos += 1
        return tok

    def error(self, message: Msg, span: Span | None = None, hint: Msg | None = None) -> ParseError:
        return ParseError(message, source=self.source, span=span or self.tok.span, hint=hint)

    def error_found(self, expected: Msg) -> ParseError:
        """The error "<expected>, found <the current token>" at the current token."""
        return self.error(Msg("parse.found", expected=expected, found=self.tok.found()))

    def expect_op(self, value: str, expected: Msg) -> Token:
        if not self.tok.is_op(value):
            raise self.error_found(expected)
        return self.advance()

    def skip_newlines(self) -> None:
        while self.tok.kind == "NEWLINE":
            self.advance()

    # -- program ------------------------------------------------------------------------------
    def parse_program(self) -> list[S.Statement]:
        statements: list[S.Statement] = []
        while True:
            while self.tok.kind == "NEWLINE" or self.tok.is_op(";"):
                self.advance()
            if self.tok.kind == "EOF":
                return statements
            statements.extend(self.parse_statement())
            if not (self.tok.kind in ("NEWLINE", "EOF") or self.tok.is_op(";")):
                raise self.error(Msg("parse.unexpected", token=self.tok.describe()))

    def parse_statement(self) -> list[S.Statement]:
        if self._at_declaration():
            return self.parse_declarations()
        tok = self.tok
        if tok.kind == "NAME" and self.peek().is_op("="):
            if tok.value in FUNCTIONS:
                raise self.error(Msg("parse.function_defined", name=tok.value))
            self.advance()
            self.advance()
            self.skip_newlines()
            expr = self.parse_expression()
            self.known.add(tok.value)
            return [S.Definition(tok.span.join(expr.span), tok.value, tok.span, expr)]
        expr = self.parse_expression()
        return [S.ExprStatement(expr.span, expr)]

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
            if self.tok.is_op(",") and self.peek().kind == "NAME":
                self.advance()
                continue
            return out

    def parse_type(self) -> S.TypeSpec:
        tok = self.tok
        if tok.kind == "NAME" and tok.value in ("R", "ℝ", "S", "𝕊"):
            return self.parse_space()
        if tok.kind != "NAME" or tok.value not in (*_TYPE_WORDS, "real", "sym"):
            raise self.error(Msg("parse.expected_type"))
        self.advance()
        kind = {"real": "scalar", "sym": "symmetric"}.get(tok.value, tok.value)
        wanted = {"scalar": 0, "vector": 1, "symmetric": 1, "matrix": 2}[kind]
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
            if allow_split and (m := _SPLIT_DIMS.match(tok.value)):
                self.advance()
                parts = tuple(int(p) if p.isdigit() else p for p in m.groups())
                return parts, tok.span
            if tok.value in FUNCTIONS or tok.value in _TYPE_WORDS:
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
    def _enter(self, span: Span) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(Msg("parse.too_deep", limit=MAX_DEPTH), span)

    def parse_expression(self) -> S.Node:
        self._enter(self.tok.span)
        try:
            return self.parse_sum()
        finally:
            self.depth -= 1

    def parse_sum(self) -> S.Node:
        first = self.parse_product()
        items: list[tuple[str, Span | None, S.Node]] = [("+", None, first)]
        while self.tok.is_op("+", "-"):
            op = self.advance()
            self.skip_newlines()
            items.append((op.value, op.span, self.parse_product()))
        if len(items) == 1:
            return first
        return S.Sum(first.span.join(items[-1][2].span), tuple(items))

    def _starts_operand(self, tok: Token) -> bool:
        if tok.kind in ("NAME", "NUMBER"):
            return True
        if tok.is_op("("):
            return True
        if tok.is_op("|"):
            return self.bars == 0
        if tok.is_op("‖", "||"):
            return self.norms == 0
        return False

    def parse_product(self) -> S.Node:
        first = self.parse_unary()
        items: list[tuple[str | None, Span | None, S.Node]] = [(None, None, first)]
        while True:
            tok = self.tok
            if tok.kind == "OP" and tok.value in _PRODUCT_OPS:
                self.advance()
                self.skip_newlines()
                items.append((_PRODUCT_OPS[tok.value], tok.span, self.parse_unary()))
            elif self._starts_operand(tok):
                items.append(("juxt", Span(tok.span.start, tok.span.start), self.parse_postfix()))
            else:
                break
        if len(items) == 1:
            return first
        return S.Product(first.span.join(items[-1][2].span), tuple(items))

    def parse_unary(self) -> S.Node:
        if self.tok.is_op("-", "+"):
            op = self.advance()
            self._enter(op.span)
            try:
                operand = self.parse_unary()
            finally:
                self.depth -= 1
            return S.Unary(op.span.join(operand.span), op.value, operand)
        return self.parse_postfix()

    def parse_postfix(self) -> S.Node:
        node = self.parse_primary()
        count = 0
        while True:
            tok = self.tok
            if tok.is_op("'", "ᵀ", "⊤", ".T"):
                self.advance()
                node = S.Postfix(node.span.join(tok.span), "T", node, tok.span)
            elif tok.is_op("⁻¹", "⁻ᵀ"):
                self.advance()
                node = S.Postfix(
                    node.span.join(tok.span), "inv" if tok.value == "⁻¹" else "invT", node, tok.span
                )
            elif tok.is_op("²", "³"):
                self.advance()
                exponent = S.Num(tok.span, Fraction(2 if tok.value == "²" else 3))
                node = S.Postfix(node.span.join(tok.span), "pow", node, tok.span, exponent)
            elif tok.is_op("^", ".^"):
                self.advance()
                kind, exponent, end = self.parse_power_arg(elementwise=tok.value == ".^")
                op = "hpow" if tok.value == ".^" else kind
                node = S.Postfix(node.span.join(end), op, node, tok.span.join(end), exponent)
            else:
                return node
            count += 1
            if count > MAX_POSTFIX:
                raise self.error(Msg("parse.too_many_postfix", limit=MAX_POSTFIX), tok.span)

    def parse_power_arg(self, elementwise: bool) -> tuple[str, S.Node | None, Span]:
        tok = self.tok
        what = "'.^'" if elementwise else "'^'"
        if not elementwise and (tok.is_op("⊤") or (tok.kind == "NAME" and tok.value == "T")):
            self.advance()
            return "T", None, tok.span
        if (
            not elementwise
            and tok.is_op("-")
            and self.peek().kind == "NAME"
            and self.peek().value == "T"
        ):
            self.advance()
            end = self.advance()
            return "invT", None, end.span
        if tok.is_op("{"):
            self.advance()
            inner = self.tok
            if (
                not elementwise
                and (inner.is_op("⊤") or (inner.kind == "NAME" and inner.value == "T"))
                and self.peek().is_op("}")
            ):
                self.advance()
                end = self.advance()
                return "T", None, end.span
            if (
                not elementwise
                and inner.is_op("-")
                and self.peek().kind == "NAME"
                and self.peek().value == "T"
                and self.peek(2).is_op("}")
            ):
                self.advance()
                self.advance()
                end = self.advance()
                return "invT", None, end.span
            expr = self.parse_expression()
            end = self.expect_op("}", Msg("parse.expected_exponent_close", closing="}", op=what))
            return "pow", expr, end.span
        if tok.is_op("("):
            self.advance()
            expr = self.parse_expression()
            end = self.expect_op(")", Msg("parse.expected_exponent_close", closing=")", op=what))
            return "pow", expr, end.span
        if tok.is_op("-", "+"):
            op = self.advance()
            kind, inner, end = self.parse_power_arg(elementwise)
            if inner is None:
                raise self.error(Msg("parse.exponent_sign", sign=op.value), end)
            return "pow", S.Unary(op.span.join(end), op.value, inner), end
        if tok.kind == "NUMBER":
            self.advance()
            return "pow", S.Num(tok.span, tok.number), tok.span
        if tok.kind == "NAME" and tok.value not in FUNCTIONS:
            self.advance()
            return "pow", S.Name(tok.span, tok.value), tok.span
        raise self.error(Msg("parse.expected_exponent", op=what))

    def parse_primary(self) -> S.Node:
        tok = self.tok
        if tok.kind == "NUMBER":
            self.advance()
            return S.Num(tok.span, tok.number)
        if tok.kind == "NAME":
            return self.parse_name()
        if tok.is_op("("):
            self.advance()
            self.skip_newlines()
            inner = self.parse_expression()
            self.skip_newlines()
            if not self.tok.is_op(")"):
                raise self.error_found(Msg("parse.unclosed_paren", column=self._column(tok.span)))
            end = self.advance()
            return _respan(inner, tok.span.join(end.span))
        if tok.is_op("|") and self.bars == 0:
            self.advance()
            self.bars += 1
            try:
                inner = self.parse_expression()
            finally:
                self.bars -= 1
            if not self.tok.is_op("|"):
                raise self.error_found(Msg("parse.unclosed_det", column=self._column(tok.span)))
            end = self.advance()
            return S.Call(tok.span.join(end.span), "det", (inner,), tok.span)
        if tok.is_op("‖", "||") and self.norms == 0:
            self.advance()
            self.norms += 1
            try:
                inner = self.parse_expression()
            finally:
                self.norms -= 1
            if not self.tok.is_op(tok.value):
                raise self.error_found(
                    Msg("parse.unclosed_norm", bar=tok.value, column=self._column(tok.span))
                )
            end = self.advance()
            if (
                self.tok.kind == "NAME"
                and not self.tok.space_before
                and self.tok.value in ("_2", "_F", "_fro")
            ):
                end = self.advance()
            return S.Call(tok.span.join(end.span), "norm", (inner,), tok.span)
        if tok.is_op("["):
            raise self.error(Msg("parse.matrix_literal"))
        raise self.error_found(Msg("parse.expected_expression"))

    def parse_name(self) -> S.Node:
        tok = self.advance()
        name = tok.value
        is_function = name in FUNCTIONS and name not in self.known
        if is_function:
            if not self.tok.is_op("("):
                raise self.error(Msg("parse.expected_call", name=name), tok.span)
            open_tok = self.advance()
            self.skip_newlines()
            args: list[S.Node] = []
            if not self.tok.is_op(")"):
                while True:
                    args.append(self.parse_expression())
                    self.skip_newlines()
                    if self.tok.is_op(","):
                        self.advance()
                        self.skip_newlines()
                        continue
                    break
            if not self.tok.is_op(")"):
                raise self.error_found(
                    Msg("parse.unclosed_call", name=name, column=self._column(open_tok.span))
                )
            end = self.advance()
            spec = FUNCTIONS[name]
            if len(args) != spec.arity:
                key = "parse.arguments.one" if spec.arity == 1 else "parse.arguments.many"
                raise self.error(
                    Msg(key, name=name, arity=spec.arity, got=len(args)), tok.span.join(end.span)
                )
            return S.Call(tok.span.join(end.span), spec.name, tuple(args), tok.span)
        if (
            self.tok.is_op("(")
            and not self.tok.space_before
            and len(name) > 1
            and name not in self.known
            and name not in GREEK
        ):
            close = difflib.get_close_matches(name, FUNCTION_NAMES, n=1, cutoff=0.6)
            hint = (
                Msg("hint.did_you_mean", name=close[0])
                if close
                else Msg(
                    "hint.known_functions",
                    names=", ".join(sorted({FUNCTIONS[f].name for f in FUNCTIONS})),
                )
            )
            raise self.error(Msg("parse.unknown_function", name=name), tok.span, hint=hint)
        return S.Name(tok.span, name)

    def _column(self, span: Span) -> int:
        return span.start - self.source.rfind("\n", 0, span.start)


def _respan(node: S.Node, span: Span) -> S.Node:
    """The node with the span of its enclosing parentheses (so messages quote "(A + B)")."""
    from dataclasses import replace

    return replace(node, span=span)


def parse(source: str, known_names: set[str] | None = None) -> list[S.Statement]:
    return Parser(source, known_names).parse_program()
