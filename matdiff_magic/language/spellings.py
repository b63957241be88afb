"""The spellings of the language's operators and LaTeX commands (a catalogue): each maps to the
canonical token the parser knows (``⊙``, ``∘``, ``\\odot`` and ``.*`` are one operator)."""

from __future__ import annotations

# Longest spellings first. Each maps to the canonical operator the parser knows.
OPERATORS: list[tuple[str, str]] = [
    ("⁻ᵀ", "⁻ᵀ"),
    ("⁻¹", "⁻¹"),
    (".^", ".^"),
    (".*", ".*"),
    ("./", "./"),
    ("||", "||"),
    ("**", "^"),  # Python's power, for users who type it
    ("'", "'"),
    ("’", "'"),
    ("ᵀ", "ᵀ"),
    ("⊤", "⊤"),
    ("²", "²"),
    ("³", "³"),
    ("^", "^"),
    ("*", "*"),
    ("@", "@"),
    ("/", "/"),
    ("+", "+"),
    ("-", "-"),
    ("−", "-"),
    ("·", "*"),
    ("⋅", "*"),
    ("×", "×"),
    ("∘", ".*"),
    ("⊙", ".*"),
    ("⊘", "./"),
    ("⊗", "⊗"),
    ("∗", "∗"),  # U+2217, the Khatri–Rao product (ASCII * stays the matrix product)
    ("(", "("),
    (")", ")"),
    ("{", "{"),
    ("}", "}"),
    ("[", "["),
    ("]", "]"),
    (",", ","),
    (";", ";"),
    (":", ":"),
    ("=", "="),
    ("∈", "∈"),
    ("|", "|"),
    ("‖", "‖"),
]

COMMANDS = {
    "top": ("OP", "⊤"),
    "intercal": ("OP", "⊤"),
    "otimes": ("OP", "⊗"),
    "ast": ("OP", "∗"),
    "odot": ("OP", ".*"),
    "circ": ("OP", ".*"),
    "oslash": ("OP", "./"),
    "cdot": ("OP", "*"),
    "times": ("OP", "×"),
    "in": ("OP", "∈"),
    "|": ("OP", "‖"),
    "lVert": ("OP", "‖"),
    "rVert": ("OP", "‖"),
    "Vert": ("OP", "‖"),
    "lvert": ("OP", "|"),
    "rvert": ("OP", "|"),
    "left": None,
    "right": None,
    ",": None,
    ";": None,
    "!": None,
    "quad": None,
}


_BY_FIRST: dict[str, list[tuple[str, str]]] = {}


def operators_from(ch: str) -> list[tuple[str, str]]:
    """The spellings of OPERATORS that start with ``ch``, in their order (longest first):
    the lexer tries only those (trying every spelling at every operator was most of its time)."""
    found = _BY_FIRST.get(ch)
    if found is None:
        found = _BY_FIRST[ch] = [op for op in OPERATORS if op[0].startswith(ch)]
    return found
