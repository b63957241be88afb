"""The operations, one module each: everything an operation means beside its class in
``tree/`` (see ``define.py``). Importing this package imports every module in it, and each
installs its operation in every consumer; a new operation is a new module here (plus its
example in ``tests/test_operation_modules.py``). The package's ``__init__`` imports it before
anything is parsed or printed."""

import importlib
import pkgutil

from matdiff_magic.operations.define import OPERATIONS, Operation, define

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _module != "define":
        importlib.import_module(f"{__name__}.{_module}")

__all__ = ["OPERATIONS", "Operation", "define"]
