"""The value a magic returns after showing it, kept from being shown a second time by IPython's
display hook (``Out``) when the magic call is what the cell displays."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell


class _ShownOnce:
    """``sys.displayhook`` while a cell runs, after the magic has shown its result and returns
    it: when that very value reaches the display hook from the statement that called the magic
    (a bare ``%%matdiff`` cell, or ``%matdiff ...`` as the cell's last line), it is not shown a
    second time. Anything else (``r = %matdiff ...`` and later ``r``) is shown as usual.
    IPython puts its own hook back when the cell ends."""

    def __init__(self, hook: Any, value: object, frame: Any) -> None:
        self.hook, self.value, self.frame = hook, value, frame

    def __call__(self, value: object) -> None:
        if value is self.value and sys._getframe(1) is self.frame:
            sys.displayhook = self.hook
            self.frame = None
            # the cell's result (``run_cell(...).result``), but not ``_`` or ``Out``: the magic
            # writes no name in the namespace but ``-o NAME``'s
            fill = getattr(self.hook, "fill_exec_result", None)
            if fill is not None:
                fill(value)
            return
        self.hook(value)


def shown_once(shell: InteractiveShell, value: object) -> None:
    """Let the value the magic returns, already shown, not be shown again by IPython's display
    hook (see :class:`_ShownOnce`); only inside a cell IPython runs (its display hook active)."""
    inner = sys.displayhook
    while isinstance(inner, _ShownOnce):  # several magics in one cell
        inner = inner.hook
    if inner is not getattr(shell, "displayhook", None):
        return
    frame = sys._getframe(1)
    user = getattr(shell, "user_global_ns", None)
    while frame is not None and frame.f_globals is not user:
        frame = frame.f_back
    if frame is not None:
        sys.displayhook = _ShownOnce(sys.displayhook, value, frame)
