"""The definition method (定义法): entrywise partial derivatives, assembled into a matrix."""

from __future__ import annotations

from matdiff_magic.errors import UnsupportedError
from matdiff_magic.methods.common import Context, Outcome


def derive(ctx: Context) -> Outcome:
    raise UnsupportedError("the definition method is not available yet; use "
                           "method='differential' or method='vectorization'")
