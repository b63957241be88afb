"""The operations, one module each: everything an operation means beside its class in
``tree/`` (see ``define.py``). Importing this package installs them all; the package's
``__init__`` does so before anything else is used."""

from matdiff_magic.operations import (  # noqa: F401 - each module installs its operation
    determinant,
    diag,
    entry_sum,
    inverse,
    kron,
    matrix_power,
    norm,
    softmax,
    trace,
    vec,
)
from matdiff_magic.operations.define import OPERATIONS, Operation, define

__all__ = ["OPERATIONS", "Operation", "define"]
