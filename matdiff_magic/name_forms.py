"""How variable names print: Greek names and letters as Greek, trailing digits as subscripts."""

from __future__ import annotations

import re

GREEK = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "varepsilon": "ε",
    "zeta": "ζ",
    "eta": "η",
    "theta": "θ",
    "vartheta": "ϑ",
    "iota": "ι",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "xi": "ξ",
    "omicron": "ο",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "upsilon": "υ",
    "phi": "φ",
    "varphi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
    "Gamma": "Γ",
    "Delta": "Δ",
    "Theta": "Θ",
    "Lambda": "Λ",
    "Xi": "Ξ",
    "Pi": "Π",
    "Sigma": "Σ",
    "Upsilon": "Υ",
    "Phi": "Φ",
    "Psi": "Ψ",
    "Omega": "Ω",
}
# Unicode letter -> LaTeX command (the inverse of GREEK, preferring the plain spelling).
GREEK_LATEX = {}
for _name, _char in GREEK.items():
    if not _name.startswith("var") and _name != "omicron":
        GREEK_LATEX.setdefault(_char, "\\" + _name)
GREEK_LATEX["ο"] = "o"
GREEK_LATEX["ϑ"] = r"\vartheta"
# Capital Greek letters that look like Latin ones have no LaTeX command.
for _latin, _char in zip("ABEZHIKMNOPTXY", "ΑΒΕΖΗΙΚΜΝΟΡΤΧΥ", strict=True):
    GREEK_LATEX[_char] = _latin

_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SPLIT = re.compile(r"^(.*?)(_?)(\d+)$")


def _split(name: str) -> tuple[str, str | None]:
    """``A1`` -> (A, 1); ``x_i`` -> (x, i); ``theta`` -> (theta, None)."""
    if "_" in name and not name.startswith("_") and not name.endswith("_"):
        base, sub = name.split("_", 1)
        return base, sub
    match = _SPLIT.match(name)
    if match and match.group(1):
        return match.group(1), match.group(3)
    return name, None


def _latex_base(base: str) -> str:
    if base in GREEK:
        return "\\" + base if base not in ("omicron",) else "o"
    if len(base) == 1:
        return GREEK_LATEX.get(base, base)
    if all(ch in GREEK_LATEX for ch in base):
        return " ".join(GREEK_LATEX[ch] for ch in base)
    return r"\mathrm{" + "".join(GREEK_LATEX.get(ch, ch) for ch in base) + "}"


def latex_name(name: str) -> str:
    base, sub = _split(name)
    out = _latex_base(base)
    if sub is not None:
        out += "_{" + latex_name(sub) + "}" if not sub.isdigit() else "_{" + sub + "}"
    return out


def text_name(name: str) -> str:
    base, sub = _split(name)
    out = GREEK.get(base, base)
    if sub is not None:
        out += sub.translate(_SUBSCRIPT_DIGITS) if sub.isdigit() else "_" + text_name(sub)
    return out


def read_back(name: str) -> str:
    """The name the parser reads from ``name``'s printed form (the lexer takes subscript digits
    as digits): W2 and W_2 -> W2, alpha and α -> α, x_i -> x_i. Two names with the same key
    print alike."""
    return text_name(name).translate(_FROM_SUBSCRIPT_DIGITS)


_FROM_SUBSCRIPT_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


# Greek letter -> its name, for ASCII output (θ -> theta); the plain spelling is preferred.
GREEK_ASCII = {}
for _name, _char in GREEK.items():
    if not _name.startswith("var") and _name != "omicron":
        GREEK_ASCII.setdefault(_char, _name)
GREEK_ASCII.update({"ϑ": "vartheta", "ο": "omicron"})


def ascii_name(name: str) -> str:
    """A name as it can be typed back in ASCII: Greek letters spelled out (θ -> theta, θ1 ->
    theta1), everything else as written (A1, x_i, theta)."""
    if name.isascii():
        return name
    return "".join(GREEK_ASCII.get(ch, ch) for ch in name)
