"""The printer: the fuzzer's AST as matdiff language text, with many equivalent spellings."""

from __future__ import annotations

from fractions import Fraction

from matdiff_magic.testing.fuzz.ast import ONE, Dim, Node, Variable

# -- declarations --------------------------------------------------------------------------

_SCALAR_DECL = ["{0}: scalar", "{0}: real", "{0} ∈ R", "{0} ∈ ℝ", "{0} in R", "{0}: scalar()"]
_VECTOR_DECL = ["{0}: vector({1})", "{0} ∈ R^{1}", "{0} ∈ ℝ^{{{1}}}", "{0} in R^{1}"]
_MATRIX_DECL = [
    "{0}: matrix({1}, {2})",
    "{0} ∈ R^{{{1}×{2}}}",
    "{0} in R^({1} x {2})",
    "{0} ∈ ℝ^{{{1}×{2}}}",
    "{0}: matrix({1},{2})",
]
_SYMMETRIC_DECL = ["{0}: symmetric({1})", "{0}: sym({1})", "{0} ∈ S^{1}", "{0} ∈ 𝕊^{{{1}×{1}}}"]


def dim_text(d: Dim) -> str:
    assert len(d) == 1, d
    return d[0]


def declaration(v: Variable, names: str | None = None) -> str:
    who = names or v.name
    r, c = v.shape
    if v.kind == "scalar":
        return _SCALAR_DECL[v.style % len(_SCALAR_DECL)].format(who)
    if v.kind == "vector":
        return _VECTOR_DECL[v.style % len(_VECTOR_DECL)].format(who, dim_text(r))
    if v.kind == "spd":
        return f"{who}: spd({dim_text(r)})"
    if v.kind in _TYPE_TEXT and v.kind in ("onehot", "simplex", "pm1"):
        options = _TYPE_TEXT[v.kind]
        return f"{who}: " + options[v.style % len(options)].format("", dim_text(r))
    if v.kind == "symmetric":
        return _SYMMETRIC_DECL[v.style % len(_SYMMETRIC_DECL)].format(who, dim_text(r))
    if r == c and v.style % 9 == 8:
        return f"{who}: matrix({dim_text(r)})"
    return _MATRIX_DECL[v.style % len(_MATRIX_DECL)].format(who, dim_text(r), dim_text(c))


_TYPE_TEXT = {
    "scalar": ["scalar", "real", "R"],
    "vector": ["vector({1})", "R^{1}", "ℝ^{{{1}}}"],
    "matrix": ["matrix({1}, {2})", "R^{{{1}×{2}}}", "R^({1} x {2})"],
    "symmetric": ["symmetric({1})", "sym({1})", "S^{1}"],
    "spd": ["spd({1})"],
    "onehot": ["onehot({1})"],
    "simplex": ["simplex({1})", "prob({1})"],
    "pm1": ["pm1({1})"],
}


def type_text(v: Variable) -> str:
    """The type of ``v`` as the ``variables`` argument of ``derive`` spells it."""
    options = _TYPE_TEXT[v.kind]
    dims = [dim_text(d) for d in v.shape if d != ONE] or [""]
    return options[v.style % len(options)].format("", *dims, *dims)


def declarations_text(variables: list[Variable], style: int) -> list[str]:
    """Declaration lines: one per line, or several on a line separated by ; or ,."""
    parts: list[str] = []
    i = 0
    while i < len(variables):
        v = variables[i]
        group = [v]
        # "A, B: matrix(m, n)": consecutive variables of one type and spelling.
        while (
            style % 3 == 1
            and i + len(group) < len(variables)
            and _same_type(variables[i + len(group)], v)
        ):
            group.append(variables[i + len(group)])
        parts.append(declaration(v, ", ".join(g.name for g in group)))
        i += len(group)
    sep = style % 4
    if sep == 0 or len(parts) < 2:
        return parts
    if sep == 1:
        return ["; ".join(parts)]
    if sep == 2:
        return [", ".join(parts)]
    return ["; ".join(parts[: len(parts) // 2]), "; ".join(parts[len(parts) // 2 :])]


def _same_type(a: Variable, b: Variable) -> bool:
    return (a.kind, a.shape, a.style) == (b.kind, b.shape, b.style)


# -- expressions ---------------------------------------------------------------------------

SUM, PROD, UNARY, POSTFIX, ATOM = 1, 2, 3, 4, 5

MUL_OPS = [" ", " ", " ", " ", " * ", " @ ", " · ", " \\cdot ", " × "]
HAD_OPS = [" .* ", " ∘ ", " ⊙ ", " \\odot ", " .* "]
HDIV_OPS = [" ./ ", " ⊘ ", " ./ "]
TRANSPOSES = ["'", "^T", "ᵀ", ".T", "^\\top ", "^{T}", "’", "⊤", "'"]
INVERSES = ["inv({})", "inverse({})", "{}^-1", "{}^{{-1}}", "{}⁻¹", "{}^(-1)"]
INVERSE_TRANSPOSES = ["{}^{{-T}}", "{}^-T", "{}⁻ᵀ"]
ALIASES = {
    "tr": ["tr", "trace"],
    "log": ["log", "ln"],
    "sigmoid": ["sigmoid", "σ", "logistic"],
    "logsumexp": ["logsumexp", "lse"],
    "arctan": ["arctan", "atan"],
    "step": ["step", "heaviside"],
}


def _is_fraction(text: str) -> bool:
    return "/" in text


def precedence(n: Node) -> int:
    op = n.op
    if op in ("add", "sub"):
        return SUM
    if op in ("max", "min", "ones", "K", "unvec", "frechet"):
        return ATOM
    if op in ("mul", "had", "hdiv", "div"):
        return PROD
    if op == "kron":
        return ATOM if n.style % 3 == 0 else PROD
    if op == "khatri_rao":
        return ATOM if n.style % 2 == 0 else PROD
    if op == "num":
        return PROD if _is_fraction(n.val) else ATOM
    if op in ("neg", "plus"):
        return UNARY
    if op in ("T", "invT", "mpow", "spow", "hpow", "epow"):
        return POSTFIX
    if op == "inv":
        return ATOM if n.style % len(INVERSES) < 2 else POSTFIX
    return ATOM  # var, I, call


def exponent_text(val: str, style: int, entrywise: bool) -> str:
    """'^2', '^{-1}', '^(3/2)', '²' ... for an exponent given as a Fraction's text."""
    op = ".^" if entrywise else "^"
    k = Fraction(val)
    if k.denominator == 1 and "." not in val:
        i = int(k)
        if i > 0:
            options = [f"{op}{i}", f"{op}{{{i}}}", f"{op}({i})"]
            if not entrywise:
                options.append(f"**{i}")
                if i in (2, 3):
                    options.append("²" if i == 2 else "³")
        else:
            options = [f"{op}-{-i}", f"{op}{{{i}}}", f"{op}({i})"]
        return options[style % len(options)]
    options = [f"{op}{{{val}}}", f"{op}({val})"]
    if "." in val and not val.startswith("-"):
        options.append(f"{op}{val}")
    return options[style % len(options)]


class Printer:
    """Node -> matdiff text, with the fewest parentheses the grammar needs."""

    def __init__(self) -> None:
        self.bars = 0
        self.norms = 0

    def sub(self, n: Node, need: int) -> str:
        text = self.print(n)
        return f"({text})" if precedence(n) < need else text

    def print(self, n: Node) -> str:
        op, s = n.op, n.style
        if op in ("var", "num"):
            return n.val
        if op == "I":  # I, or with its size when it is one size: I_n, eye(n)
            rows = n.shape[0]
            if len(rows) == 1 and s % 3:
                return f"I_{rows[0]}" if s % 3 == 1 else f"eye({rows[0]})"
            return "I"
        if op == "K":
            m, k = n.val.split(",")
            return f"K_({m},{k})" if s % 2 else f"commutation({m}, {k})"
        if op == "unvec":  # as the text printer writes it, or as a call with its sizes
            m, k = n.val.split(",")
            arg = self.print(n.args[0])
            return f"unvec_{m}×{k}({arg})" if s % 2 else f"unvec({arg}, {m}, {k})"
        if op == "ones":  # ones(n), ones(m, n): sizes by name (each one size atom)
            rows, cols = n.shape
            sizes = [rows[0]] + ([cols[0]] if cols else [])
            return "ones(" + ", ".join(sizes) + ")"
        if op in ("add", "sub"):
            sign = "+" if op == "add" else ("−" if s % 5 == 4 else "-")
            return f"{self.sub(n.args[0], SUM)} {sign} {self.sub(n.args[1], PROD)}"
        if op == "neg":
            return ("−" if s % 5 == 4 else "-") + self.sub(n.args[0], UNARY)
        if op in ("max", "min"):  # entrywise, either side may be a scalar
            return f"{op}({self.print(n.args[0])}, {self.print(n.args[1])})"
        if op == "frechet":  # L_exp(X, E), L_pow(X, E, 1/3)
            name, _, power = n.val.partition(":")
            extra = f", {power}" if power else ""
            return f"L_{name}({self.print(n.args[0])}, {self.print(n.args[1])}{extra})"
        if op == "plus":
            return "+" + self.sub(n.args[0], UNARY)
        if op in ("mul", "had", "hdiv", "div") or (op == "kron" and s % 3):
            table = {
                "mul": MUL_OPS,
                "had": HAD_OPS,
                "hdiv": HDIV_OPS,
                "div": [" / "],
                "kron": [" ⊗ ", " ⊗ ", " \\otimes "],
            }[op]
            sep = table[s % len(table)]
            return f"{self.sub(n.args[0], PROD)}{sep}{self.sub(n.args[1], POSTFIX)}"
        if op == "kron":
            return f"kron({self.print(n.args[0])}, {self.print(n.args[1])})"
        if op == "khatri_rao":
            a, b = n.args
            if s % 2:
                return f"{self.sub(a, PROD)} ∗ {self.sub(b, POSTFIX)}"
            return f"khatri_rao({self.print(a)}, {self.print(b)})"
        if op == "T":
            return self.sub(n.args[0], POSTFIX) + TRANSPOSES[s % len(TRANSPOSES)]
        if op == "inv":
            form = INVERSES[s % len(INVERSES)]
            inner = self.print(n.args[0]) if s % len(INVERSES) < 2 else self.sub(n.args[0], POSTFIX)
            return form.format(inner)
        if op == "invT":
            form = INVERSE_TRANSPOSES[s % len(INVERSE_TRANSPOSES)]
            return form.format(self.sub(n.args[0], POSTFIX))
        if op in ("mpow", "spow", "hpow"):
            return self.sub(n.args[0], POSTFIX) + exponent_text(n.val, s, op == "hpow")
        if op == "epow":
            base, expo = n.args
            if expo.op == "var" and s % 3 == 0:
                return f"{self.sub(base, POSTFIX)}^{expo.val}"
            left, right = ("{", "}") if s % 3 == 1 else ("(", ")")
            return f"{self.sub(base, POSTFIX)}^{left}{self.print(expo)}{right}"
        if op == "call":
            return self.call(n)
        raise AssertionError(op)

    def call(self, n: Node) -> str:
        name, s, arg = n.val, n.style, n.args[0]
        if name == "det" and s % 3 == 1 and self.bars == 0:
            self.bars += 1
            try:
                return f"|{self.print(arg)}|"
            finally:
                self.bars -= 1
        if name == "norm" and s % 6 in (1, 2, 3, 4) and self.norms == 0:
            self.norms += 1
            try:
                inner = self.print(arg)
            finally:
                self.norms -= 1
            if s % 6 == 1:
                return f"‖{inner}‖"
            if s % 6 == 2:
                return f"|| {inner} ||"
            if s % 6 == 3:
                return f"‖{inner}‖_" + ("2" if arg.shape[1] == ONE else "F")
            return f"\\|{inner}\\|"
        spellings = ALIASES.get(name, [name])
        return f"{spellings[s % len(spellings)]}({self.print(arg)})"


def to_text(n: Node) -> str:
    return Printer().print(n)
