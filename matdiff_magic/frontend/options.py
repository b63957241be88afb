"""The options of the ``%%matdiff`` magic and the ``matdiff`` command: one table
(:data:`OPTIONS`) with each option's values, default and help, read by the magic's parser and
docstring (``%%matdiff?``), the command line's ``--help`` and the Tab completer; the parsed
options (:class:`Options`) and their checks."""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from matdiff_magic.api import METHODS
from matdiff_magic.errors import MatDiffError, Msg
from matdiff_magic.layout import LAYOUTS
from matdiff_magic.structured import CONVENTIONS

OPTION_METHODS = ("all", *METHODS)
CODE_TARGETS = ("numpy", "torch", "jax")
LANGS = ("en", "zh")
ORDERS = (1, 2)

# What each method does (the magic's and the command line's help say it the same way).
METHOD_HELP = {
    "all": "every method that applies (the magic: side by side; the command line: one after "
    "another), and why the others do not",
    "auto": "the matrix differential for a scalar function or variable, vectorization "
    "otherwise",
    "differential": "the matrix differential and the trace trick (df = tr(G dX), read off G)",
    "definition": "entry by entry from the definition (∂f/∂x_k), assembled back into matrices",
    "chain": "the chain rule through your definitions (e = X θ - y, then f = e' e)",
    "vectorization": "vec and Kronecker products (vec(dF) = J vec(dX))",
}
LAYOUT_HELP = {
    "numerator": "the derivative has the numerator's rows (the Jacobian)",
    "denominator": "its transpose (the gradient's shape)",
    "mixed": "scalar by vector or matrix in denominator layout, everything else in numerator "
    "layout, as in machine learning",
}


def _described(table: dict[str, str], order: tuple[str, ...]) -> str:
    return "; ".join(f"{name}: {table[name]}" for name in order)


@dataclass(frozen=True)
class Option:
    """One option: its flags, values and default in the magic (``magic_default``) and the
    command line (``cli_default``), and its help (the default is added where it says one)."""

    flags: tuple[str, ...]
    help: str
    choices: tuple[Any, ...] | None = None
    metavar: str | None = None
    switch: bool = False  # takes no value (store_true)
    type: type | None = None
    magic_default: Any = None
    cli_default: Any = None
    magic: bool = True  # an option of the magic
    cli: bool = True  # an option of the matdiff command

    @property
    def name(self) -> str:
        return self.flags[-1]

    def help_for(self, where: str) -> str:
        """The help, ending with the default where the option has one (``where``: "magic" or
        "cli")."""
        default = self.magic_default if where == "magic" else self.cli_default
        if self.switch or default is None:
            return self.help
        return f"{self.help} (default: {default})"

    def argparse_keywords(self, where: str) -> dict[str, Any]:
        """The keywords of ``argparse``'s ``add_argument`` for this option."""
        text = self.help_for(where).replace("%", "%%")  # argparse formats help with %
        if self.switch:
            return {"action": "store_true", "help": text}
        keywords: dict[str, Any] = {"help": text}
        default = self.magic_default if where == "magic" else self.cli_default
        if default is not None:
            keywords["default"] = default
        if self.choices is not None:
            keywords["choices"] = self.choices
        if self.metavar is not None:
            keywords["metavar"] = self.metavar
        if self.type is not None:
            keywords["type"] = self.type
        return keywords


OPTIONS: tuple[Option, ...] = (
    Option(
        ("--wrt",),
        "the variable to differentiate with respect to (optional when the function has one "
        "variable)",
        metavar="NAME",
    ),
    Option(
        ("--layout",),
        "the layout (the magic: the one shown first) — " + _described(LAYOUT_HELP, LAYOUTS),
        choices=LAYOUTS,
        magic_default="mixed",
        cli_default="mixed",
    ),
    Option(
        ("--method",),
        "the method — " + _described(METHOD_HELP, ("all", *METHODS)),
        choices=OPTION_METHODS,
        magic_default="all",
        cli_default="auto",
    ),
    Option(
        ("--order",),
        "1: the derivative; 2: the Hessian of a scalar function",
        choices=ORDERS,
        type=int,
        magic_default=1,
        cli_default=1,
    ),
    Option(
        ("--symmetric",),
        "the derivative by a symmetric(n), spd(n) or diagonal(n) variable: sym (sym(G) = "
        "(G + Gᵀ)/2, the gradient on symmetric matrices), entries (G + Gᵀ - diag(G), by the "
        "distinct entries) or free (G, every entry free, as written)",
        choices=CONVENTIONS,
        magic_default="sym",
        cli_default="sym",
    ),
    Option(
        ("--expand-names",),
        "write the definitions out in the result (by default a definition whose value appears "
        "in the result is written by its name, with \"where h = ...\" after it)",
        switch=True,
    ),
    Option(
        ("--check",),
        "check against central finite differences at random inputs and show the largest "
        "relative error (the magic: arrays in the namespace are used, their leading blocks "
        "when larger than 10 in some direction; the command line: how every step was checked)",
        switch=True,
    ),
    Option(
        ("--plot",),
        "plot the Taylor-model check (log-log, slope 2) and, for a Jacobian or Hessian, a "
        "heatmap with its Kronecker blocks",
        switch=True,
        cli=False,
    ),
    Option(
        ("--code",),
        "print a NumPy function computing the derivative",
        choices=CODE_TARGETS,
    ),
    Option(
        ("--lang",),
        "language of the derivations and messages, en or zh (default: %config MatDiff.lang, "
        "else $MATDIFF_LANG, else en)",
        choices=LANGS,
    ),
    Option(
        ("--static",),
        "no widgets: LaTeX, Markdown and text only",
        switch=True,
        cli=False,
    ),
    Option(
        ("--answer",),
        'check your own answer, in quotes (--answer "2 A x"): correct, in the other layout, or '
        "wrong and why",
        metavar='"TEXT"',
    ),
    Option(
        ("--check-steps",),
        "the cell is your own derivation, one step a line (dy = d(x' A x), then lines "
        "starting with =, last ∂y/∂x = ...): check every line (needs --wrt)",
        switch=True,
        cli=False,
    ),
    Option(
        ("--no-namespace",),
        "ignore the notebook's namespace: names are not given the sizes and values of NumPy "
        "arrays of the same name",
        switch=True,
        cli=False,
    ),
    Option(
        ("-o", "--output"),
        "store the result as NAME: a Result for one method, a Comparison for several (used "
        "like a Result: .latex, .sympy(), .evaluate(values)); not a name Python or IPython "
        "needs (In, Out, get_ipython, exit, quit, built-in names such as print, names starting "
        "with _)",
        metavar="NAME",
        cli=False,
    ),
)
MAGIC_OPTIONS = tuple(o for o in OPTIONS if o.magic)
CLI_OPTIONS = {o.name: o for o in OPTIONS if o.cli}


def option_values(flag: str) -> tuple[str, ...]:
    """The values an option takes, as text (empty for a switch or free text)."""
    for option in OPTIONS:
        if flag in option.flags and option.choices is not None:
            return tuple(str(c) for c in option.choices)
    return ()


def code_for(result: object, target: str | None, lang: str) -> str:
    """``--code``: NumPy as derived (``numpy_code``), torch and JAX as fast code (``code``)."""
    if target in (None, "numpy"):
        return result.numpy_code(lang=lang)  # type: ignore[attr-defined]
    return result.code(target, lang=lang)  # type: ignore[attr-defined]


# Names ``-o`` refuses: what Python and IPython need (besides keywords and names starting with
# "_"). Every built-in name is refused (``print``, ``len``, ``sum``, ...), and the names IPython
# puts in the namespace; the shell's own hidden names are added by the magic.
IPYTHON_NAMES = frozenset(
    {"In", "Out", "get_ipython", "exit", "quit", "display", "open", "__IPYTHON__"}
)
BUILTIN_NAMES = frozenset(dir(builtins))


@dataclass
class Options:
    """The magic's options (see ``%%matdiff?``)."""

    wrt: str | None = None
    layout: str = "mixed"
    method: str = "all"
    order: int = 1
    check: bool = False
    plot: bool = False
    code: str | None = None
    lang: str | None = None
    static: bool = False
    output: str | None = None
    answer: str | None = None
    check_steps: bool = False
    no_namespace: bool = False
    seed: int = 0
    symmetric: str = "sym"  # the convention for a structured variable (md.derive's)
    expand_names: bool = False  # write the user's definitions out in results

    @property
    def names(self) -> str:
        """``md.derive``'s ``names``: "expand" with --expand-names, else "keep"."""
        return "expand" if self.expand_names else "keep"


def output_name_error(name: str, hidden: Collection[str] = ()) -> MatDiffError | None:
    """Why ``-o name`` is refused, or None: it must be a Python name that neither Python nor
    IPython needs (no keyword, no name starting with "_", no built-in name such as ``print``,
    not ``In``, ``Out``, ``get_ipython``, ``exit``, ``quit``, nor a name in ``hidden``)."""
    if not name.isidentifier() or keyword.iskeyword(name):
        return MatDiffError(Msg("error.output_name", name=name))
    builtin = name in BUILTIN_NAMES or hasattr(builtins, name)  # IPython adds some at run time
    if name.startswith("_") or builtin or name in IPYTHON_NAMES or name in hidden:
        return MatDiffError(Msg("error.output_reserved", name=name))
    return None


def check_options(options: Options, lang: str, reserved: Collection[str] = ()) -> None:
    if options.layout not in LAYOUTS:
        raise MatDiffError(
            Msg("api.unknown_layout", layout=options.layout, choices=", ".join(LAYOUTS))
        )
    if options.method not in OPTION_METHODS:
        raise MatDiffError(
            Msg("api.unknown_method", method=options.method, choices=", ".join(OPTION_METHODS))
        )
    if options.output is not None:
        err = output_name_error(options.output, reserved)
        if err is not None:
            raise err
