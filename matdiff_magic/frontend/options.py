"""The options of the ``%%matdiff`` magic, as parsed from its line."""

from __future__ import annotations

from dataclasses import dataclass


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
    seed: int = 0
