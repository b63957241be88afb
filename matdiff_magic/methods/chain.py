"""The chain-rule method (链式法则)."""

from __future__ import annotations

from matdiff_magic.errors import UnsupportedError
from matdiff_magic.methods.common import Context, Outcome


def derive(ctx: Context) -> Outcome:
    raise UnsupportedError("the chain method is not available yet; use "
                           "method='differential' or method='vectorization'")
