"""How a :class:`~matdiff_magic.compare.Comparison` reads: its verdict in words and its HTML
display (the package installs both as views of the core object), in English or Chinese."""

from __future__ import annotations

from matdiff_magic.compare import Comparison
from matdiff_magic.i18n import separator


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


def comparison_html(c: Comparison, lang: str = "en") -> str:
    """The problem restated, the badge, then every method's derivation one below the other
    (rule names kept: stacked, nothing is clipped at any width), the methods that do not apply
    and why: the magic's display, in ``lang``, in the comparison's layout."""
    from matdiff_magic.frontend.render import build_content

    checks = {m: report for m, report in c.checks.items() if m in c.results}
    content = build_content(
        {c.layout: c.results},
        lang,
        comparison=c,
        skipped=c.skipped,
        reasons=c.reasons,
        checks=checks,
        failed=c.failed,
    )
    return content.stacked_html(c.layout)
