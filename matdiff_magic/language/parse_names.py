"""Names and function calls (``x``, ``tr(X)``, ``log(det(X))``), with a hint for an unknown
function (``trace(X)``: "did you mean tr?")."""

from __future__ import annotations

import difflib

from matdiff_magic.errors import Span
from matdiff_magic.language import syntax as S
from matdiff_magic.language.functions import FUNCTION_NAMES, FUNCTIONS
from matdiff_magic.language.parse_info import call_info
from matdiff_magic.messages import Msg
from matdiff_magic.name_forms import GREEK, read_back


class NameParsing:
    """The names-and-calls part of :class:`~matdiff_magic.language.parser.Parser` (a mixin)."""

    def _call(self, span: Span, func: str, args: tuple[S.Node, ...], name_span: Span) -> S.Node:
        info = call_info(func, FUNCTIONS[func].scalar, [self.info(a) for a in args])
        return self.note(S.Call(span, func, args, name_span), info, name_span)

    def spelled(self, name: str) -> str:
        """An undeclared name that prints as exactly one known name is that name: the printed
        W₂ (read as W2) is a declared W_2, the printed α a declared alpha, so every result reads
        back. Two known names that print alike resolve neither (the name stays unknown)."""
        if name in self.known or name in FUNCTIONS:
            return name
        key = read_back(name)
        same = [k for k in self.known if read_back(k) == key]
        return same[0] if len(same) == 1 else name

    def parse_name(self) -> S.Node:
        tok = self.advance()
        name = self.spelled(tok.value)
        is_function = name in FUNCTIONS and name not in self.known
        if is_function:
            if name == "log" and self.tok.is_op("|") and self.bars == 0:  # log|X|, as printed
                det = self.parse_primary()
                return self._call(tok.span.join(det.span), "logdet", det.args, tok.span)
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
                    Msg("parse.unclosed_call", name=name, column=self._column(open_tok.span)),
                    open_tok.span,
                )
            end = self.advance()
            spec = FUNCTIONS[name]
            most = spec.most or spec.arity
            if not spec.arity <= len(args) <= most:
                key = "parse.arguments.one" if most == 1 else "parse.arguments.many"
                arity = str(spec.arity) if most == spec.arity else f"{spec.arity}-{most}"
                raise self.error(
                    Msg(key, name=name, arity=arity, got=len(args)), tok.span.join(end.span)
                )
            return self._call(tok.span.join(end.span), spec.name, tuple(args), tok.span)
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
        return self.note(S.Name(tok.span, name), self.name_info(name), tok.span)
