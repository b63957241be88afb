"""How a :class:`~matdiff_magic.compare.Comparison` reads: its verdict in words and its HTML
display (the package installs both as views of the core object)."""

from __future__ import annotations

from html import escape

from matdiff_magic.compare import Comparison
from matdiff_magic.i18n import message, separator


def comparison_verdict(c: Comparison, lang: str = "en") -> str:
    if len(c.results) < 2:
        agree = ""
    elif c.agree_numeric:
        agree = "the methods agree" if lang == "en" else "各方法结果一致"
    else:
        agree = "THE METHODS DISAGREE" if lang == "en" else "各方法结果不一致"
    fd = ""
    if c.fd_error:
        worst = max(c.fd_error.values())
        ok = worst < 1e-5
        if lang == "zh":
            fd = f"与有限差分{'一致' if ok else '不一致'}（最大相对误差 {worst:.1e}）"
        else:
            fd = (
                f"{'matches' if ok else 'DOES NOT MATCH'} finite differences "
                f"(largest relative error {worst:.1e})"
            )
    return separator("semicolon", lang).join(p for p in (agree, fd) if p)


def comparison_html(c: Comparison) -> str:
    cells = []
    for method, r in c.results.items():
        cells.append(
            "<td style='vertical-align:top;padding:0 1em'>"
            f"<b>{escape(message(f'method.{method}', 'en'))}</b>"
            f"<div>$${escape(r.steps.latex())}$$</div></td>"
        )
    skipped = "".join(
        f"<li>{escape(message(f'method.{m}', 'en'))}: {escape(why)}</li>"
        for m, why in c.skipped.items()
    )
    colour = "#1a7f37" if c.ok else "#cf222e"
    return (
        f"<div><p style='color:{colour};font-weight:bold'>{escape(comparison_verdict(c))}</p>"
        f"<table><tr>{''.join(cells)}</tr></table>"
        + (f"<p>Not applicable:</p><ul>{skipped}</ul>" if skipped else "")
        + "</div>"
    )
