"""The ``matdiff`` command: differentiate from the shell.

matdiff "x' A x" --wrt x --steps
matdiff "A B X" --wrt X --var "A: matrix(p, n)" --layout denominator --latex
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from matdiff_magic.api import METHODS, derive
from matdiff_magic.errors import MatDiffError, Msg
from matdiff_magic.i18n import default_language, message
from matdiff_magic.layout import LAYOUTS
from matdiff_magic.notation import shape_latex
from matdiff_magic.printing.latex import latex
from matdiff_magic.printing.text import text


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
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


def run(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
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
    except MatDiffError as err:
        print(f"{message('error', lang)}: {err.render(lang)}", file=sys.stderr)
        return 2
    where = (
        message("hessian", lang)
        if result.orientation == "hessian"
        else message(f"layout.{result.orientation}", lang)
    )
    if args.latex:
        if args.steps:
            print(result.steps.latex(lang=lang))
        else:
            print(f"{latex(result.symbol)} = {result.latex}")
        print(f"% {message('shape', lang)}: {shape_latex(result.shape)} ({where})")
        return 0
    if args.steps:
        print(result.steps.text(lang=lang))
        print()
    print(f"{text(result.symbol)} = {result.text}")
    from matdiff_magic.dims import shape_text

    print(
        f"  {message('shape', lang)} {shape_text(result.shape)}, {where}, "
        f"{message('method.' + result.method, lang)}"
    )
    return 0


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":
    main()
