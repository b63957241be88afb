"""The NumPy printer: an expression as NumPy code, subexpressions used twice computed once.

Dispatch is along the class hierarchy (``_print_<ClassName>``), like the LaTeX and text
printers; each entrywise function writes itself from its row's code template. Values follow
matdiff's numeric conventions (everything 2-D, scalars 1×1, vectors columns).
"""

from __future__ import annotations

import keyword
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sympy

from matdiff_magic.dims import dim_text
from matdiff_magic.errors import Msg, NotSupportedYetError
from matdiff_magic.printing.text import text as to_text
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.dispatch import handler

ADD, MUL, UNARY, POW, ATOM = 10, 20, 30, 40, 50

# The helper functions generated code may call: the entrywise rows' own and those the
# operations' modules add.
HELPERS: dict[str, str] = {}

_RESERVED = {"np", "out", "torch", "jax", "jnp"}


@dataclass(frozen=True)
class Target:
    """A library generated code is written for. NumPy, PyTorch and JAX differ mostly in the
    module's name (``np.linalg.inv``, ``torch.linalg.inv``, ``jnp.linalg.inv``): ``fn`` writes
    a function's name for the target, ``renames`` holds the exceptions."""

    name: str
    module: str  # the prefix of the library's functions
    imports: str  # the lines that import it
    asarray: str  # a template turning an argument into a float array
    float_kw: str = ""  # the keyword constructors (eye, zeros, ones) need for float64
    renames: dict[str, str] = field(default_factory=dict)

    def fn(self, name: str) -> str:
        return self.renames.get(name) or f"{self.module}.{name}"


TARGETS: dict[str, Target] = {
    "numpy": Target("numpy", "np", "import numpy as np", "np.asarray({}, dtype=float)"),
    "torch": Target(
        "torch",
        "torch",
        "import torch",
        "torch.as_tensor({}, dtype=torch.float64)",
        ", dtype=torch.float64",
    ),
    "jax": Target("jax", "jnp", "import jax\nimport jax.numpy as jnp", "jnp.asarray({})"),
}

Handler = Callable[..., tuple[str, int]]
# Per node type, its code per target ("*": every target, written through ``printer.fn``); an
# operation that gives only NumPy code has no entry for the others, and code generation for
# them stops with a clear error instead of writing NumPy calls into a torch function.
TARGET_CODE: dict[type, dict[str, Handler]] = {}


def python_name(name: str, taken: Iterable[str] = ()) -> str:
    """A Python identifier for a matdiff name (``lambda`` -> ``lambda_``; Greek letters stay)."""
    taken = set(taken)
    candidate = name
    ok = candidate.isidentifier() and unicodedata.normalize("NFKC", candidate) == candidate
    if not ok:
        candidate = "v_" + "".join(ch if ch.isalnum() and ch.isascii() else "_" for ch in name)
    while (
        keyword.iskeyword(candidate)
        or candidate in _RESERVED
        or candidate in HELPERS
        or candidate in taken
    ):
        candidate += "_"
    return candidate


class NumpyPrinter:
    """Prints an expression as a NumPy expression; repeated subexpressions become temporaries.

    ``names`` maps variable names to Python names and ``sizes`` dimension symbols to the Python
    names holding their values. After ``doprint``, ``assignments`` holds the temporaries (in
    order) and ``helpers`` the helper functions the code calls.
    """

    target: Target = TARGETS["numpy"]

    def __init__(self, names: dict[str, str], sizes: dict[sympy.Symbol, str]) -> None:
        self.names = names
        self.sizes = sizes
        self.assignments: list[tuple[str, str]] = []
        self.helpers: set[str] = set()
        self._shared: set[Expr] = set()
        self._memo: dict[Expr, tuple[str, int]] = {}
        self._taken = set(names.values()) | set(sizes.values())

    # -- entry points ---------------------------------------------------------------------------
    def doprint(self, e: Expr) -> str:
        self._shared = _repeated(e)
        return self._print(e)[0]

    def _print(self, e: Expr) -> tuple[str, int]:
        found = self._memo.get(e)
        if found is not None:
            return found
        code, prec = self._dispatch(e)
        if e in self._shared:
            temp = self._temporary()
            self.assignments.append((temp, code))
            code, prec = temp, ATOM
        self._memo[e] = (code, prec)
        return code, prec

    def _dispatch(self, e: Expr) -> tuple[str, int]:
        method = handler(self, "_print_", e)
        own = getattr(e, "_numpy_with", None)  # extension point: a node type in its own module
        if method is None and own is None:
            raise NotSupportedYetError(Msg("code.no_node", node=type(e).__name__, text=to_text(e)))
        return method(e) if method is not None else own(self)

    def _temporary(self) -> str:
        k = len(self.assignments) + 1
        name = f"t{k}"
        while name in self._taken:
            k += 1
            name = f"t{k}"
        self._taken.add(name)
        return name

    # -- helpers ------------------------------------------------------------------------------
    def fn(self, name: str) -> str:
        """The target's function ``name`` (``linalg.inv`` -> ``np.linalg.inv``)."""
        return self.target.fn(name)

    def new(self, kind: str, *dims: sympy.Expr) -> tuple[str, int]:
        """A new constant array: ``eye`` of one size, ``zeros``/``ones`` of a shape."""
        sizes = ", ".join(self.dim(d)[0] for d in dims)
        inner = sizes if kind == "eye" else "(" + sizes + ")"
        return f"{self.fn(kind)}({inner}{self.target.float_kw})", ATOM

    def operand(self, e: Expr, needs: int) -> str:
        return wrap(self._print(e), needs)

    def call(self, func: str, *args: Expr | str) -> tuple[str, int]:
        parts = [a if isinstance(a, str) else self._print(a)[0] for a in args]
        return func + "(" + ", ".join(parts) + ")", ATOM

    def dim(self, d: sympy.Expr) -> tuple[str, int]:
        """A dimension (or a number containing dimensions) as Python code."""
        if d.is_Integer:
            return str(int(d)), (ATOM if d >= 0 else UNARY)
        if d.is_Rational:
            return f"{d.p} / {d.q}", MUL
        if isinstance(d, sympy.Symbol):
            try:
                return self.sizes[d], ATOM
            except KeyError:
                raise NotSupportedYetError(Msg("code.no_size", size=dim_text(d))) from None
        if isinstance(d, sympy.Mul):
            coeff, rest = d.as_coeff_Mul()
            parts = [] if coeff == 1 else [self._dim_operand(coeff, MUL)]
            parts += [self._dim_operand(f, MUL + 1) for f in sympy.Mul.make_args(rest)]
            return " * ".join(parts), MUL
        if isinstance(d, sympy.Add):
            return " + ".join(self._dim_operand(t, ADD) for t in d.args), ADD
        if isinstance(d, sympy.Pow) and d.exp.is_Integer:
            return self._dim_operand(d.base, ATOM) + " ** " + str(d.exp), POW
        if not d.free_symbols:
            return repr(float(d)), ATOM
        raise NotSupportedYetError(Msg("code.no_number", number=str(d)))

    def _dim_operand(self, d: sympy.Expr, needs: int) -> str:
        return wrap(self.dim(d), needs)

    def shape(self, e: Expr) -> str:
        return "(" + self.dim(e.rows)[0] + ", " + self.dim(e.cols)[0] + ")"

    # (each operation's ``_print_<Node>`` is installed by its module: matdiff_magic/operations)

def wrap(printed: tuple[str, int], needs: int) -> str:
    code, prec = printed
    return code if prec >= needs else "(" + code + ")"


def split_sign(term: Expr) -> tuple[bool, Expr]:
    if isinstance(term, N.Mul) and term.coeff.could_extract_minus_sign():
        from matdiff_magic.tree import build

        return True, build.make_mul(-term.coeff, term.scalars, term.body)
    if isinstance(term, N.Const) and term.value.could_extract_minus_sign():
        return True, N.Const(-term.value)
    return False, term


_TRIVIAL = (N.Var, N.Const, N.Identity, N.Zero, N.Ones, N.Commutation)


def _repeated(e: Expr) -> set[Expr]:
    """Subexpressions worth a temporary: non-trivial ones that occur more than once."""
    counts: Counter[Expr] = Counter()

    def visit(node: Expr) -> None:
        counts[node] += 1
        if counts[node] == 1:
            for child in node.args:
                visit(child)

    visit(e)
    return {
        node
        for node, k in counts.items()
        if k > 1
        and not isinstance(node, _TRIVIAL)
        and not (isinstance(node, N.Transpose) and isinstance(node.arg, _TRIVIAL))
    }
