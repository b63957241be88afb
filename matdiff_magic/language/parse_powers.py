"""Postfix operators: transposes, inverses, powers and entrywise powers (``x'``, ``X^-1``,
``X^{-T}``, ``X²``, ``x .^ 3``), with bounds on powers of powers."""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

from matdiff_magic.errors import Span
from matdiff_magic.language import syntax as S
from matdiff_magic.language.functions import FUNCTIONS
from matdiff_magic.language.parse_info import (
    MAX_CONSTANT_DIGITS,
    MAX_POSTFIX,
    MAX_POWER,
    NAME_INFO,
    NodeInfo,
    number_info,
    opaque_info,
)
from matdiff_magic.messages import Msg


class PowerParsing:
    """The postfix part of :class:`~matdiff_magic.language.parser.Parser` (a mixin)."""

    def parse_postfix(self) -> S.Node:
        node = self.parse_primary()
        count = 0
        while True:
            tok = self.tok
            if tok.is_op("'", "ᵀ", "⊤", ".T"):
                self.advance()
                node = self._postfix(node, "T", tok.span, tok.span)
            elif tok.is_op("⁻¹", "⁻ᵀ"):
                self.advance()
                op = "inv" if tok.value == "⁻¹" else "invT"
                node = self._postfix(node, op, tok.span, tok.span)
            elif tok.is_op("²", "³"):
                self.advance()
                value = Fraction(2 if tok.value == "²" else 3)
                exponent = self.note(S.Num(tok.span, value), number_info(value), tok.span)
                node = self._postfix(node, "pow", tok.span, tok.span, exponent)
            elif tok.is_op("^", ".^"):
                self.advance()
                kind, exponent, end = self.parse_power_arg(elementwise=tok.value == ".^")
                op = "hpow" if tok.value == ".^" else kind
                node = self._postfix(node, op, tok.span.join(end), end, exponent)
            else:
                return node
            count += 1
            if count > MAX_POSTFIX:
                raise self.error(Msg("parse.too_many_postfix", limit=MAX_POSTFIX), tok.span)

    def _postfix(
        self, node: S.Node, op: str, op_span: Span, end: Span, exponent: S.Node | None = None
    ) -> S.Node:
        """``node`` with a postfix operator; ``1'``, ``1ᵀ`` and ``1^T`` are the ones vector
        transposed (a row of ones), while a bare ``1`` stays the number one."""
        if op == "T" and isinstance(node, S.Num) and self._text(node) == "1":
            node = self.note(S.Ones(node.span), NAME_INFO, node.span)
        result = S.Postfix(node.span.join(end), op, node, op_span, exponent)
        base = self.info(node)
        if op == "T":
            info = replace(base, depth=base.depth + 1, kind=None)
        elif op in ("inv", "invT"):
            value = 1 / base.value if base.value else None
            info = replace(
                base,
                depth=base.depth + 1,
                num=base.den,
                den=base.num,
                value=value,
                decimal=base.decimal and base.num == 0,
                kind=None,
            )
        else:
            assert exponent is not None
            info = self._power_info(base, self.info(exponent))
            k = self.info(exponent).value
            if op == "pow" and not base.scalar and k is not None and k.denominator == 1 and k:
                # (X^8)^8 is X^64, whose derivative has 64 terms: bound the power of powers
                power = base.power * abs(int(k)) if base.power > 1 else abs(k.numerator)
                if base.power > 1 and power > MAX_POWER:
                    raise self.error(Msg("build.power_limit", limit=MAX_POWER), op_span)
                info = replace(info, power=power)
        return self.note(result, info, op_span)

    @staticmethod
    def _power_info(base: NodeInfo, exponent: NodeInfo) -> NodeInfo:
        """base^exponent: a number exponent k multiplies the digits of the base's numbers by
        |k| (by the numerator of a fraction); the exponent's own digits only add."""
        depth = max(base.depth, exponent.depth) + 1
        extra = base.extra + exponent.digits
        k = exponent.value
        if k is None:  # a symbolic exponent: nothing is folded
            return replace(opaque_info(depth, base.scalar, base), extra=extra)
        m = float(abs(k.numerator)) if abs(k.numerator) < 10**300 else math.inf
        if base.value is not None and abs(base.value) in (0, 1):
            m = 0.0  # 0^k and (±1)^k stay small

        def scaled(digits: float) -> float:
            return m * digits if digits else 0.0

        num, den = scaled(base.num), scaled(base.den)
        if k < 0:
            num, den = den, num
        info = NodeInfo(depth, base.scalar, num, den, den == 0, None, extra)
        if info.digits > MAX_CONSTANT_DIGITS:
            return info  # refused by note()
        if base.value is not None and k.denominator == 1 and (base.value != 0 or k >= 0):
            info = replace(info, value=base.value ** int(k))
        return info

    def _text(self, node: S.Node) -> str:
        return self.source[node.span.start : node.span.end]

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
            self._enter(op.span)
            try:
                kind, inner, end = self.parse_power_arg(elementwise)
            finally:
                self.depth -= 1
            if inner is None:
                raise self.error(Msg("parse.exponent_sign", sign=op.value), end)
            signed = S.Unary(op.span.join(end), op.value, inner)
            return "pow", self.note(signed, self._negated(self.info(inner), op.value), end), end
        if tok.kind == "NUMBER":
            self.advance()
            return "pow", self._number(tok), tok.span
        if tok.kind == "NAME" and tok.value not in FUNCTIONS:
            self.advance()
            name = self.spelled(tok.value)
            node = S.Name(tok.span, name)
            return "pow", self.note(node, self.name_info(name), tok.span), tok.span
        raise self.error(Msg("parse.expected_exponent", op=what))
