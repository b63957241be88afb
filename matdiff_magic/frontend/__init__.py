"""Front ends over the public API: the ``%%matdiff`` magic, its widgets, and their rendering.

Nothing here is imported by ``import matdiff_magic``; ``%load_ext matdiff_magic`` loads
``frontend.magic``. The core never imports this package.
"""
