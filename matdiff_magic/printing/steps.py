"""Rendering derivation steps as aligned LaTeX or as plain text, with rule names."""

from __future__ import annotations

import re
from collections.abc import Sequence

from matdiff_magic.derivation import Step
from matdiff_magic.i18n import message, parenthesized, separator
from matdiff_magic.printing.latex import LatexPrinter
from matdiff_magic.printing.text import AsciiPrinter, TextPrinter, ascii_text
from matdiff_magic.tree.elementwise import ELEMENTWISE

_TEXT_ESCAPES = str.maketrans(
    {
        "\\": r"\backslash ",
        "{": r"\{",
        "}": r"\}",
        "_": r"\_",
        "%": r"\%",
        "&": r"\&",
        "#": r"\#",
        "$": r"\$",
        "^": r"\^{}",
    }
)


def latex_text(s: str) -> str:
    """A string safe inside \\text{...}."""
    return s.translate(_TEXT_ESCAPES)


_SUBSCRIPTED = re.compile(r"(\S+_[A-Za-z0-9]{1,3})(?=[\s,.;:，。、)）]|$)")


def latex_sentence(s: str) -> str:
    """A sentence for LaTeX: words in \\text{...}, subscripted symbols (∂f/∂θ_k) as math."""
    out = []
    for i, part in enumerate(_SUBSCRIPTED.split(s)):
        if not part:
            continue
        if i % 2:
            base, _, sub = part.rpartition("_")
            out.append(latex_text(base).replace("\\_", "_") + "_{" + sub + "}")
        else:
            out.append(r"\text{" + latex_text(part) + "}")
    return " ".join(out)


def rule_names(step: Step, lang: str = "en") -> str:
    return separator("semicolon", lang).join(r.name(lang) for r in step.rules)


def step_latex(step: Step) -> str:
    p = LatexPrinter()
    return p.doprint(step.lhs) + " = " + p.doprint(step.expr)


def step_text(step: Step) -> str:
    p = TextPrinter()
    return p.doprint(step.lhs) + " = " + p.doprint(step.expr)


SENTENCE_NOTES = ("def.read", "def.entrywise", "structure")


def sentence(step: Step, lang: str = "en") -> str | None:
    """A step's sentence in words (the definition method reads its entries aloud), if any."""
    if step.note in SENTENCE_NOTES:
        params = dict(step.params)
        return params.get(lang) or params.get("en")
    return None


def step_explanation(step: Step, lang: str = "en") -> str:
    parts = [r.explain(lang) for r in step.rules if r.explain(lang)]
    said = sentence(step, lang)
    return " ".join(([said] if said else []) + parts)


def derivation_latex(steps: Sequence[Step], lang: str = "en", with_rules: bool = True) -> str:
    """The steps as one aligned block: each line lhs &= rhs, with the rule names beside it."""
    p = LatexPrinter()
    lines = []
    for step in steps:
        rhs = p.doprint(step.expr)
        if step.new_lhs:
            lead = p.doprint(step.lhs)
            if step.relation == "implies":
                lead = r"\Longrightarrow\quad " + lead
            line = lead + " &= " + rhs
        else:
            line = "&= " + rhs
        if step.note == "shape":
            line += r" \quad (" + dict(step.params)["latex"] + ")"
        if with_rules and step.rules:
            line += r" && \text{" + latex_text(rule_names(step, lang)) + "}"
        lines.append(line)
        said = sentence(step, lang)
        if said:
            lines.append(r"& \quad " + latex_sentence(said))
    kinks = kink_note(steps, lang)
    if kinks:
        lines.append(r"& \quad " + latex_sentence(kinks))
    return r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"


def kink_note(steps: Sequence[Step], lang: str = "en") -> str:
    """Said once per derivation when it differentiated a function with a kink (abs, relu ...):
    the result holds almost everywhere, with NumPy's value at the kink."""
    names = []
    for step in steps:
        for rule in step.rules:
            name = rule.key.removeprefix("d.elementwise.")
            row = ELEMENTWISE.get(name) if rule.key.startswith("d.elementwise.") else None
            if row is not None and row.note_en and name not in names:
                names.append(name)
    if not names:
        return ""
    return message("steps.kinks", lang).format(names=separator("comma", lang).join(names))


def derivation_text(
    steps: Sequence[Step], lang: str = "en", with_rules: bool = True, ascii_only: bool = False
) -> str:
    """The steps as aligned text; ``ascii_only`` writes expressions in the language's ASCII
    spelling (x', X^-1, .*) and the rest (rule names, ∂f/∂x) in ASCII where it has one."""
    p = AsciiPrinter() if ascii_only else TextPrinter()
    words = ascii_text if ascii_only else str
    implies = "=> " if ascii_only else "⇒ "
    marks = "en" if ascii_only else lang  # ASCII output keeps ASCII parentheses
    rows: list[tuple[str, str, str]] = []  # (left side, right side, rule names)
    notes: dict[int, str] = {}  # a sentence to print under row i
    for step in steps:
        lead = ""
        if step.new_lhs:
            lead = (implies if step.relation == "implies" else "") + p.doprint(step.lhs)
        body = p.doprint(step.expr)
        if step.note == "shape":
            body += f"   ({words(dict(step.params)['text'])})"
        rows.append((lead, body, words(rule_names(step, lang)) if with_rules else ""))
        said = sentence(step, lang)
        if said:
            notes[len(rows) - 1] = words(said)
    width = max((len(lead) for lead, _, _ in rows), default=0)
    body_width = max((len(body) for _, body, _ in rows), default=0)
    out = []
    for i, (lead, body, names) in enumerate(rows):
        line = f"{lead.rjust(width)} = {body}"
        if names:
            line = f"{line.ljust(width + 3 + min(body_width, 60))}   [{names}]"
        out.append(line.rstrip())
        if i in notes:
            out.append(" " * (width + 3) + parenthesized(notes[i], marks))
    kinks = kink_note(steps, lang)
    if kinks:
        out.append(" " * (width + 3) + parenthesized(words(kinks), marks))
    return "\n".join(out)
