"""Named tuples that some ops return, with PyTorch's names (torch.return_types): so that
`values, indices = x.max(1)` and `x.max(1).indices` both work."""
from __future__ import annotations

from typing import NamedTuple

from .tensor import Tensor


class max(NamedTuple):  # noqa: A001 (PyTorch's name: torch.return_types.max)
    values: Tensor
    indices: Tensor


class min(NamedTuple):  # noqa: A001
    values: Tensor
    indices: Tensor


class sort(NamedTuple):
    values: Tensor
    indices: Tensor


class topk(NamedTuple):
    values: Tensor
    indices: Tensor
