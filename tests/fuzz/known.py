"""Deliberate, documented differences from PyTorch: the fuzz does not report these.

Each entry mirrors a row of docs/from-pytorch.md ("What differs") and gives its reason. Keep
this list short: a difference belongs here only once the project has decided it is deliberate
and has documented it for users.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Known:
    op: str          # the op-table name ("mse_loss"), or "*" for any op
    category: str    # as in compare.py ("no error", "dtype", ...)
    detail: str      # a substring of the difference's detail ("" matches any)
    reason: str
    text: str = ""   # a substring of either library's outcome (an error message), "" for any


KNOWN: list[Known] = [
    Known("mse_loss", "raises", "", "mse_loss of different shapes: PyTorch broadcasts with "
          "a warning; tinygrad_edu raises ValueError, since (N, 1) against (N,) is a bug, not a "
          "wish (docs/from-pytorch.md, 'What differs').", text="shape"),
    # Not a difference of ours: PyTorch 2.x fails an internal assertion in the backward of
    # `False ** x` (a bool Python number as the base).
    Known("pow", "grad: no error", "", "a PyTorch bug (INTERNAL ASSERT in pow's backward with a "
          "bool base), not a tinygrad_edu behaviour", text="INTERNAL ASSERT"),
]


def known_reason(op: str, category: str, detail: str, outcomes: str = "") -> str | None:
    for k in KNOWN:
        if k.op in ("*", op) and k.category == category and k.detail in detail and k.text in outcomes:
            return k.reason
    return None
