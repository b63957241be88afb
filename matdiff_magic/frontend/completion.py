"""Tab completion for ``%%matdiff`` and ``%matdiff``: option names, and the values of the
options that take one of a few (``--layout n`` → ``numerator``, ``--method``, ``--lang``,
``--code``, ``--order``), from the one option table (``options.OPTIONS``).

Registered by ``%load_ext matdiff_magic`` as IPython's ``complete_command`` hook for the two
magic names, which IPython (8 and 9) asks when a line starts with them (the first line of a
``%%matdiff`` cell, or a ``%matdiff`` line)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.error import TryNext

from matdiff_magic.frontend.options import MAGIC_OPTIONS, option_values

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

COMMANDS = ("%%matdiff", "%matdiff")


def completions(before_cursor: str, symbol: str) -> list[str]:
    """What may follow at the cursor: ``before_cursor`` is the line up to it, ``symbol`` the
    word being typed (IPython's ``event.symbol``; it ends at '=' as in ``--layout=n``)."""
    words = before_cursor.split()
    typing = "" if not words or before_cursor[-1:].isspace() else words[-1]
    previous = words[-1] if typing == "" and words else words[-2] if len(words) > 1 else ""
    if "=" in typing:  # --layout=n
        previous, _, symbol = typing.partition("=")
    values = option_values(previous)
    if values:
        return [v for v in values if v.startswith(symbol)]
    if typing.startswith("-") or typing == "":
        flags = [flag for option in MAGIC_OPTIONS for flag in option.flags if len(flag) > 2]
        return [f for f in flags if f.startswith(typing)]
    return []


def complete(_shell: Any, event: Any) -> list[str]:
    """IPython's ``complete_command`` hook (called with the shell first, as hooks are)."""
    found = completions(event.text_until_cursor, event.symbol)
    if not found:
        raise TryNext  # the expression itself: IPython's other completers
    return found


def register(shell: InteractiveShell) -> None:
    for command in COMMANDS:
        shell.set_hook("complete_command", complete, str_key=command)


def unregister(shell: InteractiveShell) -> None:
    dispatcher = getattr(shell, "strdispatchers", {}).get("complete_command")
    for command in COMMANDS:
        chain = dispatcher.strs.get(command) if dispatcher is not None else None
        if chain is not None:
            ours = [(p, f) for p, f in chain.chain if getattr(f, "__func__", f) is complete]
            chain.chain = [entry for entry in chain.chain if entry not in ours]
            if not chain.chain:
                del dispatcher.strs[command]
