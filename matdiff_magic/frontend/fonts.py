"""A font with Chinese glyphs for the plots, found whatever matplotlib's font cache holds.

matplotlib builds its font list once and caches it; a CJK font installed after that (the usual
case on Binder or after ``apt-get install fonts-noto-cjk``) is absent from the cache, so looking
only in ``fontManager.ttflist`` misses it. The files under the usual font directories are added
with ``fontManager.addfont`` instead. Simplified Chinese variants come first: a ``.ttc`` file
holds SC, TC, JP and KR faces whose glyph shapes differ, and the JP face draws some hanzi in
their Japanese form.
"""

from __future__ import annotations

import functools
import os
import warnings
from pathlib import Path

from matplotlib.font_manager import FontProperties, fontManager

FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)
# File-name fragments of fonts known to carry CJK glyphs.
_CJK_FILES = ("cjk", "sourcehan", "wqy", "simhei", "msyh", "pingfang", "droidsansfallback")
# Family-name prefixes, best first: Simplified Chinese faces, then any CJK face.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "WenQuanYi",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK",
    "Source Han Sans",
    "Noto Serif CJK",
    "Source Han Serif",
    "Heiti",
    "AR PL",
    "Droid Sans Fallback",
)


class NoCJKFontWarning(UserWarning):
    """No font with Chinese glyphs exists: Chinese plots are labelled in English."""


def font_files(dirs: tuple[str, ...] = FONT_DIRS) -> list[Path]:
    """The CJK font files under ``dirs`` (by file name; .ttf, .otf and .ttc)."""
    found: list[Path] = []
    for d in dirs:
        root = Path(os.path.expanduser(d))
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            name = path.name.lower().replace("-", "").replace("_", "")
            if path.suffix.lower() in {".ttf", ".otf", ".ttc"} and any(
                key in name for key in _CJK_FILES
            ):
                found.append(path)
    return found


def register(paths: list[Path]) -> None:
    """Add font files to matplotlib's font list (those it lists already are left alone)."""
    known = {os.path.realpath(entry.fname) for entry in fontManager.ttflist}
    for path in paths:
        if os.path.realpath(path) in known:
            continue
        try:
            fontManager.addfont(str(path))
        except (OSError, RuntimeError, ValueError):  # a broken or unreadable file: skip it
            continue


def best_family(names: list[str]) -> str | None:
    """The best CJK family among ``names`` (by :data:`CJK_FAMILIES` order, Regular first)."""
    for prefix in CJK_FAMILIES:
        matches = [n for n in names if n.startswith(prefix)]
        if matches:
            return min(matches, key=len)
    return None


@functools.cache
def cjk_family() -> str | None:
    """The family to draw Chinese in, or None (then one :class:`NoCJKFontWarning`)."""
    register(font_files())
    family = best_family([entry.name for entry in fontManager.ttflist])
    if family is None:
        warnings.warn(
            "no font with Chinese glyphs was found (install fonts-noto-cjk): "
            "plot labels stay English",
            NoCJKFontWarning,
            stacklevel=3,
        )
    return family


def plot_font(lang: str) -> tuple[str, FontProperties | None]:
    """The language to draw in, and a font that has its glyphs (English if none has)."""
    if lang != "zh":
        return "en", None
    family = cjk_family()
    if family is None:
        return "en", None
    return "zh", FontProperties(family=[family, "DejaVu Sans"])
