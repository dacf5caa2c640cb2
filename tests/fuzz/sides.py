"""Running one side of a differential comparison (a snippet with `tg` bound to PyTorch or to
tinygrad_edu), shared by the fuzzes that execute snippets."""
from __future__ import annotations

import contextlib
import warnings

import numpy as np


@contextlib.contextmanager
def quiet_side(lib: str):
    """Warnings (Python's and numpy's) silenced while a side runs -- they are not what is compared
    -- and PyTorch's default dtype, which snippets set, restored afterwards."""
    restore = None
    if lib == "torch":
        import torch

        restore = torch.get_default_dtype()
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            yield
    finally:
        if restore is not None:
            import torch

            torch.set_default_dtype(restore)


def documented(finding, known: list) -> str | None:
    """The reason `finding` is a documented difference: the first entry (kind prefix, what prefix,
    test, reason) of `known` whose prefixes and test match it, or None."""
    for kind, what, test, reason in known:
        if finding.kind.startswith(kind) and finding.what.startswith(what) and test(finding):
            return reason
    return None
