"""The length of a printed formula in tokens, as a reader counts it.

Identifiers (names, function names, 𝟏, I_n), numbers, operators, brackets and superscripts
(ᵀ, ⁻¹, powers) count one each, ⁻ᵀ two (an inverse and a transpose); juxtaposition (a matrix
product) counts nothing. This is the measure the final polish minimises where forms compete
(tree/textbook.py) and the one the textbook-form test reports.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r"""
    (?P<name>(?:[A-Za-zα-ωΑ-Ω][A-Za-z0-9₀-₉]*|𝟏)(?:_\([^)]*\)|_[A-Za-z0-9]+)?)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<script>⁻ᵀ|⁻¹|ᵀ|∘?⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)
  | (?P<operator>[-+⊙⊘⊗∗/·*√])
  | (?P<bracket>[()‖|])
    """,
    re.X,
)


def tokens(text: str) -> int:
    """The number of tokens of ``text``, a formula as the text printer writes it."""
    return sum(2 if m.group() == "⁻ᵀ" else 1 for m in _TOKEN.finditer(text))
