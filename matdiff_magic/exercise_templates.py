"""Building blocks of exercises: a small random generator of matdiff expressions.

A :class:`Draft` is a problem as text in the matdiff language (declarations, function,
variable, layout, order, method); :func:`draft` composes one from blocks (linear and quadratic
forms, traces, inverses, logdet, entrywise functions, norms, the seed articles' models) at
random, the harder the level the longer the composition. Nothing here evaluates text: the
exercise module parses the draft with the library's parser and derives it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

TOPICS = ("layouts", "differential", "definition", "chain", "vectorization", "hessian", "ml")
LEVELS = (1, 2, 3)
TOPIC_METHOD = {
    "layouts": "auto",
    "differential": "differential",
    "definition": "definition",
    "chain": "chain",
    "vectorization": "vectorization",
    "hessian": "auto",
    "ml": "auto",
}


# names the blocks draw from ("e" and its neighbours name the chain rule's intermediates)
VECTOR_NAMES = ("a", "b", "c", "u", "v", "p", "q", "r", "s", "z")
MATRIX_NAMES = ("A", "B", "C", "D", "P", "Q", "R", "S", "G", "H")


@dataclass(frozen=True)
class Draft:
    """A problem before it is parsed: ``declarations`` maps each name to its type."""

    declarations: tuple[tuple[str, str], ...]
    function: str
    wrt: str
    layout: str
    order: int
    method: str

    @property
    def source(self) -> str:
        """The problem in the matdiff language: declarations, then the function."""
        decls = "; ".join(f"{name}: {kind}" for name, kind in self.declarations)
        return f"{decls}; f = {self.function}"


class Blocks:
    """Random pieces over one variable; every name a piece uses is declared as it is drawn."""

    def __init__(self, rng: random.Random, level: int, var: str, kind: str) -> None:
        self.rng = rng
        self.level = level
        self.var = var
        self.decls: dict[str, str] = {var: kind}
        self.rows = "m" if level >= 2 and rng.random() < 0.5 else "n"

    def pick(self, options: list[str]) -> str:
        return self.rng.choice(options)

    def coef(self) -> str:
        return self.pick(["", "", "2 ", "3 ", "1/2 ", "5 ", "4 "])

    def vector(self, dim: str = "n", avoid: str = "") -> str:
        return self._name(VECTOR_NAMES, f"vector({dim})", avoid)

    def matrix(self, rows: str = "n", cols: str = "n") -> str:
        return self._name(MATRIX_NAMES, f"matrix({rows}, {cols})")

    def _name(self, names: tuple[str, ...], kind: str, avoid: str = "") -> str:
        """A new name of ``kind``, or when all are taken one already declared with that type."""
        free = [v for v in names if v not in self.decls and v != avoid]
        if not free:
            same = [v for v in names if self.decls.get(v) == kind and v != avoid]
            return self.pick(same or [self.var])
        name = self.pick(free)
        self.decls[name] = kind
        return name

    def entrywise(self, smooth: bool = True) -> str:
        return self.pick(["sin", "cos", "exp", "tanh"] + ([] if smooth else ["relu"]))

    # -- vector variable x (n) ---------------------------------------------------------------
    def linear(self) -> str:
        """A x, A' x, A x + b, A x - b: a vector of ``rows`` entries."""
        A = self.matrix(self.rows, "n") if self.rng.random() < 0.8 else None
        x = self.var
        if A is None:
            return x
        term = f"{A} {x}"
        if self.rng.random() < 0.5:
            term += f" {self.pick(['+', '-'])} {self.vector(self.rows)}"
        return term

    def scalar_of_vector(self, depth: int, nonlinear: bool = False) -> str:
        x = self.var
        atoms: list[Callable[[], str]] = [
            lambda: f"{self.vector()}' {x}",
            lambda: f"{x}' {self.matrix()} {x}",
            lambda: f"norm({self.linear()})^2",
            lambda: f"{self.vector(self.rows)}' {self.entrywise()}({self.linear()})",
            lambda: f"sum({self.pick(['exp', 'sin', 'cos'])}({self.linear()}))",
            lambda: f"({self.vector()}' {x})^2",
            lambda: f"log(sum(exp({self.linear()})))",
            lambda: f"{self.vector()}' {x} {x}' {self.vector()}",
        ]
        s = self.rng.choice(atoms[1:] if nonlinear else atoms)()
        for _ in range(depth):
            if self.rng.random() < 0.5:
                s = self.pick([f"exp({s})", f"log(1 + exp({s}))", f"({s})^2", f"sin({s})"])
            else:
                other = self.scalar_of_vector(0)
                s = f"{s} {self.pick(['+', '-'])} {self.coef()}{other}"
        return s

    def vector_of_vector(self, depth: int) -> str:
        x = self.var
        v = self.pick([f"{self.linear()}", f"{self.entrywise()}({self.linear()})"])
        if v == x:
            v = f"{self.matrix(self.rows, 'n')} {x}"
        for _ in range(depth):
            rows = self.rows
            self.rows = self.pick(["n", "m"]) if self.level >= 2 else "n"
            choice = self.rng.random()
            if choice < 0.4:
                v = f"{self.matrix(self.rows, rows)} {self.entrywise()}({v})"
            elif choice < 0.7:
                v = f"{self.vector(rows)} .* ({v})"
                self.rows = rows
            else:
                v = f"{self.entrywise()}({v}) + {self.matrix(rows, 'n')} {x}"
                self.rows = rows
        return v

    # -- matrix variable X (n x n) ------------------------------------------------------------
    def scalar_of_matrix(self, depth: int, smooth_only: bool = False) -> str:
        X = self.var
        atoms: list[Callable[[], str]] = [
            lambda: f"tr({self.matrix()} {X})",
            lambda: f"{self.vector()}' {X} {self.vector()}",
            lambda: f"tr({X}' {self.matrix()} {X})",
            lambda: f"norm({X})^2",
            lambda: f"tr({self.matrix()} {X} {self.matrix()})",
            lambda: f"tr({X} {self.matrix()} {X}')",
            lambda: f"norm({self.matrix()} {X} - {self.matrix()})^2",
        ]
        if not smooth_only:  # what the definition method does not expand entrywise
            atoms += [
                lambda: f"logdet({X})",
                lambda: f"tr(inv({X}) {self.matrix()})",
                lambda: f"{self.vector()}' inv({X}) {self.vector()}",
                lambda: f"det({X})",
            ]
        s = self.rng.choice(atoms)()
        for _ in range(depth):
            if self.rng.random() < 0.4:
                s = self.pick([f"exp({s})", f"log(1 + exp({s}))", f"({s})^2"])
            else:
                other = self.scalar_of_matrix(0, smooth_only)
                s = f"{s} {self.pick(['+', '-'])} {self.coef()}{other}"
        return s

    def matrix_of_matrix(self, depth: int) -> str:
        X = self.var
        atoms: list[Callable[[], str]] = [
            lambda: f"{self.matrix()} {X} {self.matrix()}",
            lambda: f"{X}' {X}",
            lambda: f"{X} {self.matrix()} {X}",
            lambda: f"inv({X})",
            lambda: f"{X} .* {X}",
            lambda: f"{self.entrywise()}({X})",
            lambda: f"{self.matrix()} {X}' + {X} {self.matrix()}",
            lambda: f"{X} {X}'",
        ]
        s = self.rng.choice(atoms)()
        for _ in range(depth):
            r = self.rng.random()
            if r < 0.35:
                s = f"{self.matrix()} ({s})"
            elif r < 0.6:
                s = f"{self.entrywise()}({s})"
            elif r < 0.8:
                s = f"({s})' {self.matrix()}"
            else:
                s = f"{s} + {self.coef()}{self.rng.choice(atoms)()}"
        return s


def _layout(rng: random.Random, topic: str) -> str:
    if topic == "layouts":
        return rng.choice(["numerator", "denominator"])
    return rng.choice(["numerator", "denominator", "mixed"])


def _ml(rng: random.Random, level: int) -> tuple[dict[str, str], str, str]:
    """The seed articles' models: least squares, ridge, logistic and softmax regression and a
    two-layer network; the level chooses the model and the parameter, and the names (data,
    targets, weights, sizes) are drawn too."""
    m, n = rng.choice([("m", "n"), ("N", "d"), ("m", "p")])
    X, y, w = rng.choice(["X", "A", "Z"]), rng.choice(["y", "b", "t"]), rng.choice(["w", "v", "u"])
    d: dict[str, str] = {X: f"matrix({m}, {n})", w: f"vector({n})", y: f"vector({m})"}
    f = rng.choice(["tanh", "sin", "relu", "exp"])
    lam = rng.choice(["lam", "r", "s"])
    half = rng.choice(["", "1/2 "])
    if level == 1:
        model = rng.choice(["ls", "ridge", "weighted", "logistic"])
    elif level == 2:
        model = rng.choice(["logistic", "ridge_logistic", "softmax", "softmax_bias", "ridge"])
    else:
        model = rng.choice(["net_ls", "net_softmax", "softmax_l2", "net_ls_bias"])
    if model in ("ridge", "ridge_logistic", "softmax_l2"):
        d[lam] = "scalar"
    if model == "ls":
        return d, f"{half}norm({X} {w} - {y})^2", w
    if model == "weighted":  # weighted least squares (the seed's (Xθ - y)ᵀ(Xθ - y), weighted)
        d["D"] = f"matrix({m}, {m})"
        return d, f"{half}({X} {w} - {y})' D ({X} {w} - {y})", w
    if model == "ridge":
        return d, f"{half}norm({X} {w} - {y})^2 + {lam} * norm({w})^2", w
    if model in ("logistic", "ridge_logistic"):
        pen = f" + {lam} * norm({w})^2" if model == "ridge_logistic" else ""
        return d, f"sum(log(1 + exp(-{y} .* ({X} {w})))){pen}", w
    k, h = rng.choice([("k", "h"), ("c", "r"), ("K", "H")])
    x, t = rng.choice(["x", "z"]), rng.choice(["t", "y"])
    d = {x: f"vector({n})", t: f"vector({k})"}
    if model in ("softmax", "softmax_bias", "softmax_l2"):
        W = rng.choice(["W", "B", "M"])
        d[W] = f"matrix({k}, {n})"
        z = f"{W} {x}"
        if model == "softmax_bias":
            d["b"] = f"vector({k})"
            z = f"{W} {x} + b"
        pen = ""
        if model == "softmax_l2":
            d[lam] = "scalar"
            pen = f" + {lam} * norm({W})^2"
        return d, f"-{t}' log(softmax({z})){pen}", rng.choice([W, x] if level > 1 else [W])
    W, V = rng.choice([("W", "V"), ("U", "W"), ("A", "B")])
    d.update({W: f"matrix({h}, {n})", V: f"matrix({k}, {h})"})
    hidden = f"{f}({W} {x})"
    if model == "net_ls_bias":
        d["a"] = f"vector({h})"
        hidden = f"{f}({W} {x} + a)"
    if model in ("net_ls", "net_ls_bias"):
        return d, f"{half}norm({V} {hidden} - {t})^2", rng.choice([W, V, x])
    return d, f"-{t}' log(softmax({V} {hidden}))", rng.choice([W, V])


def draft(topic: str, level: int, rng: random.Random) -> Draft:
    """One random problem of ``topic`` at ``level`` (1 to 3)."""
    depth = level - 1
    method = TOPIC_METHOD[topic]
    layout = _layout(rng, topic)
    order = 2 if topic == "hessian" else 1
    if topic == "ml":
        decls, function, wrt = _ml(rng, level)
        return Draft(tuple(decls.items()), function, wrt, layout, order, method)
    matrix_var = level == 3 and topic not in ("hessian",) or topic == "vectorization"
    if topic == "vectorization" and level == 1 and rng.random() < 0.5:
        matrix_var = False
    g = Blocks(
        rng, level, "X" if matrix_var else "x", "matrix(n, n)" if matrix_var else "vector(n)"
    )
    if topic == "vectorization":
        function = g.matrix_of_matrix(depth) if matrix_var else g.vector_of_vector(depth)
    elif topic == "chain":
        if matrix_var:
            inner = g.scalar_of_matrix(0, smooth_only=True)
            function = g.pick([f"exp({inner})", f"log(1 + exp({inner}))", f"({inner})^2"])
        elif rng.random() < 0.5:
            function = g.vector_of_vector(depth + 1)
        else:
            inner = g.scalar_of_vector(depth)
            function = f"{g.pick(['exp', 'sin', 'cos'])}(1 + {inner})"
    elif topic == "layouts" and not matrix_var and rng.random() < 0.4:
        function = g.vector_of_vector(depth)
    elif matrix_var:
        function = g.scalar_of_matrix(depth, smooth_only=topic == "definition")
    else:
        function = g.scalar_of_vector(depth, nonlinear=topic == "hessian")
    return Draft(tuple(g.decls.items()), function, g.var, layout, order, method)


__all__ = ["TOPICS", "LEVELS", "TOPIC_METHOD", "Draft", "Blocks", "draft"]
