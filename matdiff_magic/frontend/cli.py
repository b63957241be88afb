"""The ``matdiff`` command: differentiate from the shell.

matdiff "x' A x" --steps                      (one variable: --wrt may be left out)
matdiff "A B X" --wrt X --var "A: matrix(p, n)" --layout denominator --latex
matdiff "x' A x" --wrt x --answer "2 A x"     (check an answer; exit status 1 if not correct)
matdiff "x' A x" --wrt x --json               (machine-readable)

A bad input is one message on stderr (with a caret under the spot) and exit status 2, never a
traceback; see :mod:`matdiff_magic.frontend.terminal` for how output is kept safe.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import NoReturn

from matdiff_magic.answers import check_answer
from matdiff_magic.api import derive
from matdiff_magic.compare import compare
from matdiff_magic.dims import dim_text, shape_text
from matdiff_magic.errors import MatDiffError, Msg
from matdiff_magic.frontend import terminal as T
from matdiff_magic.frontend.options import CLI_OPTIONS, LANGS, code_for
from matdiff_magic.frontend.render_words import as_option
from matdiff_magic.i18n import default_language, message, parenthesized, separator
from matdiff_magic.language.problem import parse_problem
from matdiff_magic.notation import shape_latex
from matdiff_magic.printing.latex import latex
from matdiff_magic.printing.steps import derivation_text, step_latex, step_text
from matdiff_magic.printing.text import ascii_dim, ascii_text, text
from matdiff_magic.result import Result
from matdiff_magic.version import __version__


class _ArgumentParser(argparse.ArgumentParser):
    """argparse, with its error messages (which quote the arguments) escaped."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        T.write(sys.stderr, f"{self.prog}: error: {T.escape(message, False)}")
        sys.exit(2)


def _parser() -> argparse.ArgumentParser:
    p = _ArgumentParser(
        prog="matdiff",
        description="Differentiate a matrix expression and show the derivation.",
        epilog='example: matdiff "x\' A x" --wrt x --steps',
    )
    p.add_argument("expr", help="the expression (declarations may come first, separated by ;)")
    p.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="DECL",
        help='a declaration such as "A: matrix(m, n)" (repeatable)',
    )
    shared = {name: o.argparse_keywords("cli") for name, o in CLI_OPTIONS.items()}
    for name in ("--wrt", "--layout", "--method", "--order", "--symmetric", "--expand-names"):
        p.add_argument(name, **shared[name])
    p.add_argument("--steps", action="store_true", help="show the derivation step by step")
    p.add_argument("--latex", action="store_true", help="print LaTeX instead of text")
    for name in ("--check", "--code"):
        p.add_argument(name, **shared[name])
    answer = shared["--answer"]
    answer.update(metavar="TEXT", help=answer["help"] + " (exit status 1 when it is not correct)")
    p.add_argument("--answer", **answer)
    p.add_argument("--json", action="store_true", help="print one JSON object (machine-readable)")
    p.add_argument(
        "--ascii",
        action="store_true",
        help="write expressions in ASCII (x', X^-1, .*, theta), as they can be typed back; "
        "automatic where the terminal cannot show Unicode",
    )
    p.add_argument(
        "--lang",
        choices=LANGS,
        default=None,
        help="language of rule names and messages (default: $MATDIFF_LANG, else en)",
    )
    p.add_argument("--version", action="version", version=f"matdiff {__version__}")
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


def _wrt(args: argparse.Namespace, variables: dict[str, str] | None) -> str:
    """--wrt, or the one variable of the problem."""
    if args.wrt:
        return args.wrt
    names = list(parse_problem(args.expr, variables).variables)
    if len(names) == 1:
        return names[0]
    raise MatDiffError(Msg("error.wrt_needed", names=", ".join(names)))


def _names(args: argparse.Namespace) -> str:
    return "expand" if args.expand_names else "keep"


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
        if result.where_latex(lang):
            lines.append(result.where_latex(lang))
        size, colon = shape_latex(result.shape), separator("colon", lang)
        gap = "" if lang == "zh" else " "  # full-width parentheses carry their own space
        lines.append(f"% {message('shape', lang)}{colon}{size}{gap}{parenthesized(where, lang)}")
    else:
        if args.steps:
            lines += [derivation_text(result.steps, lang=lang, ascii_only=ascii_only), ""]
        symbol, value = text(result.symbol, ascii_only), text(result.expr, ascii_only)
        lines.append(f"{symbol} = {value}")
        meaning = result.where_text(lang)  # what the names in the result stand for
        if meaning:
            lines.append("  " + (ascii_text(meaning) if ascii_only else meaning))
        rows, cols = result.shape
        shape = f"{ascii_dim(rows)} x {ascii_dim(cols)}" if ascii_only else shape_text(result.shape)
        comma = separator("comma", "en" if ascii_only else lang)
        method = message("method." + result.method, lang)
        said = f"{message('shape', lang)} {shape}{comma}{where}{comma}{method}"
        lines.append("  " + words(said))
    if args.check:
        lines.append(words(_check_line(result, lang)))
    if args.code:
        lines += ["", code_for(result, args.code, lang)]
    return "\n".join(lines)


def _check_line(result: Result, lang: str) -> str:
    v = result.verify()
    checked = sum(1 for s in v.steps if s.checked)
    holding = sum(1 for s in v.steps if s.checked and s.ok)
    return message("cli.checked", lang).format(
        error=f"{v.result_error:.1e}", checked=checked, steps=len(v.steps), holding=holding
    )


def _json(result: Result, lang: str, answer: dict | None) -> str:
    v = result.verify()
    out = {
        "derivative": result.text,
        "latex": result.latex,
        "where": result.where_text(lang),
        "ascii": text(result.expr, True),
        "symbol": text(result.symbol),
        "shape": [dim_text(d) for d in result.shape],
        "layout": result.layout,
        "orientation": result.orientation,
        "method": result.method,
        "order": result.order,
        "wrt": result.wrt.name,
        "steps": [
            {
                "text": step_text(step),
                "latex": step_latex(step),
                "rule": step.rule.key if step.rule is not None else None,
                "rule_name": step.rule.name(lang) if step.rule is not None else None,
                "relation": step.relation,
                "checked": check.checked,
                "holds": check.ok,
            }
            for step, check in zip(result.steps, v.steps, strict=True)
        ],
        "verified": v.ok,
        "result_error": v.result_error,
    }
    if answer is not None:
        out["answer"] = answer
    return json.dumps(out, ensure_ascii=False, indent=2)


def _answer(result: Result, args: argparse.Namespace, wrt: str, variables: dict | None, lang: str):
    check = check_answer(args.expr, wrt, args.answer, variables, layout=args.layout)
    return check, {"verdict": check.verdict, "message": check.message(lang),
                   "max_error": check.max_error}  # fmt: skip


def run(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args([T.decoded(a) for a in (sys.argv[1:] if argv is None else argv)])
    lang = args.lang or default_language()
    status = 0
    try:
        variables = _declarations(args.var) or None
        wrt = _wrt(args, variables)
        if args.method == "all":
            return _all_methods(args, wrt, variables, lang)
        result = derive(
            args.expr,
            wrt,
            variables=variables,
            layout=args.layout,
            method=args.method,
            order=args.order,
            symmetric=args.symmetric,
            names=_names(args),
        )
        answer = None
        if args.answer is not None:
            check, answer = _answer(result, args, wrt, variables, lang)
            status = 0 if check.ok else 1
        if args.json:
            out = _json(result, lang, answer)
        else:
            out = _output(result, args, lang, args.ascii)
            if answer is not None:
                out += "\n" + answer["message"]
            if not args.ascii and not T.encodes(sys.stdout, out):
                if lang == "zh" and not T.encodes(sys.stdout, message("shape", lang)):
                    lang = "en"  # the terminal cannot show Chinese at all
                out = _output(result, args, lang, True)
                if answer is not None:
                    out += "\n" + ascii_text(check.message(lang))
    except MatDiffError as err:
        T.report(err, lang, args.ascii)
        return 2
    except Exception as exc:
        # a bug, or a limit the checks missed (MemoryError, RecursionError): one message
        # rather than a traceback; the library itself still raises it
        detail = T.escape(str(exc)[:300], args.ascii)
        internal = MatDiffError(Msg("error.internal", kind=type(exc).__name__, detail=detail))
        T.report(internal, lang, args.ascii)
        return 2
    T.write(sys.stdout, T.escape(out, False))
    return status


def _all_methods(args: argparse.Namespace, wrt: str, variables: dict | None, lang: str) -> int:
    """--method all: every method that applies, one after another, verified and compared; then
    why each other method does not apply. With --json, one object per method."""
    c = compare(
        args.expr, wrt, variables, layout=args.layout, order=args.order, symmetric=args.symmetric,
        names=_names(args),
    )
    skipped = {m: as_option(why) for m, why in c.skipped_in(lang).items()}
    if args.json:
        methods = {m: json.loads(_json(r, lang, None)) for m, r in c.results.items()}
        out = json.dumps({"methods": methods, "skipped": skipped}, ensure_ascii=False, indent=2)
    else:
        parts = []
        for m, r in c.results.items():
            title = message("method." + m, lang)
            parts.append(f"== {title} ==\n" + _output(r, args, lang, args.ascii))
        parts += [f"== {message('method.' + m, lang)} ==\n{why}" for m, why in skipped.items()]
        out = "\n\n".join(parts)
        if args.ascii or not T.encodes(sys.stdout, out):
            out = ascii_text(out)
    T.write(sys.stdout, T.escape(out, False))
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
