"""The options of the ``%%matdiff`` magic, as parsed from its line, and their checks."""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Collection
from dataclasses import dataclass

from matdiff_magic.api import METHODS
from matdiff_magic.errors import MatDiffError, Msg
from matdiff_magic.layout import LAYOUTS

OPTION_METHODS = ("all", *METHODS)
CODE_TARGETS = ("numpy",)
LANGS = ("en", "zh")

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
    seed: int = 0
    symmetric: str = "sym"  # the convention for a structured variable (md.derive's)


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
