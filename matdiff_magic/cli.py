"""The ``matdiff`` command: differentiate from the shell.

matdiff "x' A x" --wrt x --steps
matdiff "A B X" --wrt X --var "A: matrix(p, n)" --layout denominator --latex

A bad input is one message on stderr (with a caret under the spot) and exit status 2, never a
traceback. What the command echoes from its input is shown with control characters escaped
(``\\x1b``), so an escape sequence in an expression never reaches the terminal raw. Where the
terminal cannot show Unicode (``PYTHONIOENCODING=ascii``, a C locale) or with ``--ascii``,
expressions are written in the language's ASCII spelling (``x'``, ``X^-1``, ``.*``, ``theta``),
which can be pasted back as input.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections.abc import Sequence
from typing import NoReturn, TextIO

from matdiff_magic.api import METHODS, derive
from matdiff_magic.dims import shape_text
from matdiff_magic.errors import MatDiffError, Msg
from matdiff_magic.i18n import default_language, message
from matdiff_magic.layout import LAYOUTS
from matdiff_magic.messages import format_message, render_value
from matdiff_magic.notation import shape_latex
from matdiff_magic.printing.latex import latex
from matdiff_magic.printing.steps import derivation_text
from matdiff_magic.printing.text import ascii_dim, ascii_text, text
from matdiff_magic.result import Result

# An excerpt line longer than this is shown as a window around the caret.
EXCERPT_WIDTH = 100


class _ArgumentParser(argparse.ArgumentParser):
    """argparse, with its error messages (which quote the arguments) escaped."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        _write(sys.stderr, f"{self.prog}: error: {_escape(message, False)}")
        sys.exit(2)


def _parser() -> argparse.ArgumentParser:
    p = _ArgumentParser(
        prog="matdiff",
        description="Differentiate a matrix expression and show the derivation.",
        epilog='example: matdiff "x\' A x" --wrt x --steps',
    )
    p.add_argument("expr", help="the expression (declarations may come first, separated by ;)")
    p.add_argument("--wrt", required=True, help="the variable to differentiate with respect to")
    p.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="DECL",
        help='a declaration such as "A: matrix(m, n)" (repeatable)',
    )
    p.add_argument("--layout", choices=LAYOUTS, default="mixed")
    p.add_argument("--method", choices=METHODS, default="auto")
    p.add_argument("--order", type=int, choices=(1, 2), default=1, help="2 gives the Hessian")
    p.add_argument("--steps", action="store_true", help="show the derivation step by step")
    p.add_argument("--latex", action="store_true", help="print LaTeX instead of text")
    p.add_argument(
        "--ascii",
        action="store_true",
        help="write expressions in ASCII (x', X^-1, .*, theta), as they can be typed back; "
        "automatic where the terminal cannot show Unicode",
    )
    p.add_argument(
        "--lang",
        choices=("en", "zh"),
        default=None,
        help="language of rule names and messages (default: MATDIFF_LANG or en)",
    )
    return p


def _declarations(decls: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for decl in decls:
        name, sep, kind = decl.partition(":")
        if not sep:
            name, sep, kind = decl.partition("∈")
        if not sep or not name.strip():
            raise MatDiffError(Msg("error.var_option", decl=decl))
        out[name.strip()] = kind.strip()
    return out


# -- writing safely ---------------------------------------------------------------------------
def _encodes(stream: TextIO, s: str) -> bool:
    """Whether ``stream`` can write ``s`` (a stream without an encoding takes any text)."""
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return True
    try:
        s.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _write(stream: TextIO, s: str) -> None:
    """Print ``s``; what the stream cannot encode is written as backslash escapes."""
    if not _encodes(stream, s):
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            s = s.encode(encoding, "backslashreplace").decode(encoding)
        except LookupError:
            s = s.encode("ascii", "backslashreplace").decode("ascii")
    print(s, file=stream)


def _shown(ch: str, ascii_only: bool) -> tuple[str, int]:
    """How a character of user text is shown, and how many columns it takes."""
    if ch == "\t":
        return " ", 1
    category = unicodedata.category(ch)
    if category[0] == "C" or category in ("Zl", "Zp"):  # controls, bidi and format characters
        return _hex(ch), len(_hex(ch))
    if ascii_only and not ch.isascii():
        spelled = ascii_text(ch)
        s = spelled if spelled.isascii() else _hex(ch)
        return s, len(s)
    if category in ("Mn", "Me"):
        return ch, 0
    return ch, 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _hex(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _escape(s: str, ascii_only: bool) -> str:
    """Text for the terminal: control characters escaped (line breaks kept), and in ASCII mode
    everything spelled in ASCII."""
    if ascii_only:
        s = ascii_text(s)
    return "\n".join("".join(_shown(ch, ascii_only)[0] for ch in line) for line in s.split("\n"))


def _excerpt(source: str, start: int, end: int, ascii_only: bool) -> str:
    """The line of ``source`` around ``start`` with carets under ``start``..``end``, in the
    columns the terminal shows (escapes and wide characters counted), long lines windowed."""
    start = max(0, min(start, len(source)))
    line_start = source.rfind("\n", 0, start) + 1
    line_end = source.find("\n", start)
    if line_end == -1:
        line_end = len(source)
    pieces = [_shown(ch, ascii_only) for ch in source[line_start:line_end]]
    columns = [0]
    for _, width in pieces:
        columns.append(columns[-1] + width)
    first = start - line_start
    last = max(first + 1, min(end, line_end) - line_start)
    caret_from = columns[first]
    caret_to = columns[min(last, len(pieces))] if first < len(pieces) else caret_from + 1
    caret_to = max(caret_to, caret_from + 1)
    lo, hi = 0, len(pieces)
    if columns[-1] > EXCERPT_WIDTH:  # a window around the caret
        want = max(0, caret_from - EXCERPT_WIDTH // 3)
        lo = next(i for i, c in enumerate(columns) if c >= want)
        hi = next((i for i, c in enumerate(columns) if c > columns[lo] + EXCERPT_WIDTH), None)
        hi = len(pieces) if hi is None else hi - 1
    shown = "".join(s for s, _ in pieces[lo:hi])
    prefix = "..." if lo > 0 else ""
    suffix = "..." if hi < len(pieces) else ""
    offset = columns[lo] - len(prefix)
    carets = min(caret_to, columns[hi]) - caret_from if caret_from < columns[hi] else 1
    line = f"  {prefix}{shown}{suffix}"
    return line.rstrip() + "\n  " + " " * (caret_from - offset) + "^" * max(1, carets)


def _render_error(err: MatDiffError, lang: str, ascii_only: bool) -> str:
    """``err.render(lang)``, made safe for the terminal (see :func:`_escape`, :func:`_excerpt`)."""
    out = _escape(err.message_in(lang), ascii_only)
    if err.line is not None:
        position = {"line": err.line, "column": err.column}
        out += _escape(format_message("error.position", position, lang), ascii_only)
    if err.source is not None and err.span is not None:
        out += "\n" + _excerpt(err.source, err.span.start, err.span.end, ascii_only)
    for hint in err.hints:
        out += "\n" + _escape(str(render_value(hint, lang)), ascii_only)
    return out


def _report(err: MatDiffError, lang: str, ascii_only: bool) -> None:
    full = f"{message('error', lang)}: {_render_error(err, lang, ascii_only)}"
    if not ascii_only and not _encodes(sys.stderr, full):
        lang = lang if _encodes(sys.stderr, message("error", lang)) else "en"
        full = f"{message('error', lang)}: {_render_error(err, lang, True)}"
    _write(sys.stderr, full)


# -- the output -------------------------------------------------------------------------------
def _output(result: Result, args: argparse.Namespace, lang: str, ascii_only: bool) -> str:
    words = ascii_text if ascii_only else str
    where = (
        message("hessian", lang)
        if result.orientation == "hessian"
        else message(f"layout.{result.orientation}", lang)
    )
    lines: list[str] = []
    if args.latex:
        if args.steps:
            lines.append(result.steps.latex(lang=lang))
        else:
            lines.append(f"{latex(result.symbol)} = {result.latex}")
        lines.append(f"% {message('shape', lang)}: {shape_latex(result.shape)} ({where})")
        return "\n".join(lines)
    if args.steps:
        lines += [derivation_text(result.steps, lang=lang, ascii_only=ascii_only), ""]
    symbol, value = text(result.symbol, ascii_only), text(result.expr, ascii_only)
    lines.append(f"{symbol} = {value}")
    rows, cols = result.shape
    shape = f"{ascii_dim(rows)} x {ascii_dim(cols)}" if ascii_only else shape_text(result.shape)
    lines.append(
        f"  {words(message('shape', lang))} {shape}, {words(where)}, "
        f"{words(message('method.' + result.method, lang))}"
    )
    return "\n".join(lines)


def _decoded(arg: str) -> str:
    """An argument as typed: in a C locale Python reads UTF-8 arguments as lone surrogates
    (θ becomes two of them); decode those bytes as UTF-8 where they are UTF-8."""
    try:
        return arg.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeError:
        return arg


def run(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args([_decoded(a) for a in (sys.argv[1:] if argv is None else argv)])
    lang = args.lang or default_language()
    try:
        result = derive(
            args.expr,
            args.wrt,
            variables=_declarations(args.var) or None,
            layout=args.layout,
            method=args.method,
            order=args.order,
        )
        out = _output(result, args, lang, args.ascii)
        if not args.ascii and not _encodes(sys.stdout, out):
            if lang == "zh" and not _encodes(sys.stdout, message("shape", lang)):
                lang = "en"  # the terminal cannot show Chinese at all
            out = _output(result, args, lang, True)
    except MatDiffError as err:
        _report(err, lang, args.ascii)
        return 2
    except Exception as exc:
        # a bug, or a limit the checks missed (MemoryError, RecursionError): one message
        # rather than a traceback; the library itself still raises it
        detail = _escape(str(exc)[:300], args.ascii)
        internal = MatDiffError(Msg("error.internal", kind=type(exc).__name__, detail=detail))
        _report(internal, lang, args.ascii)
        return 2
    _write(sys.stdout, _escape(out, False))
    return 0


def main() -> None:
    try:
        sys.exit(run())
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:  # matdiff ... | head
        sys.exit(0)


if __name__ == "__main__":
    main()
