"""PyTorch as the reference: its namespace for running a program, in float64 by default (the
default float dtype of tinygrad_edu), and the metadata of its values."""
from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class Meta:
    shape: tuple
    dtype: str          # numpy's name: "float64", "int64", "bool", ...
    requires_grad: bool
    is_leaf: bool

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    @property
    def is_float(self) -> bool:
        return self.dtype.startswith("float")

    @property
    def writable(self) -> bool:
        """In-place ops on it are allowed while recording (not a leaf that requires grad)."""
        return not (self.is_leaf and self.requires_grad)


def numpy_dtype(dtype: torch.dtype) -> str:
    return str(torch.empty(0, dtype=dtype).numpy().dtype) if dtype != torch.bfloat16 else "bfloat16"


def meta_of(value) -> Meta | None:
    if not isinstance(value, torch.Tensor):
        return None
    try:
        is_leaf = value.is_leaf
    except RuntimeError:  # an output of split/chunk changed in place: PyTorch refuses to use it again
        return None
    return Meta(tuple(value.shape), numpy_dtype(value.dtype), value.requires_grad, is_leaf)


def to_numpy(value: torch.Tensor) -> np.ndarray:
    if torch._is_zerotensor(value):  # a zero gradient: torch 2.13's numpy() can segfault on one
        return np.zeros(tuple(value.shape), dtype=numpy_dtype(value.dtype))
    return value.detach().numpy(force=True).copy()


def grad_function(outputs, inputs, **kwargs):
    return torch.autograd.grad(outputs, inputs, **kwargs)


def torch_namespace() -> dict:
    return {"tg": torch, "F": torch.nn.functional, "np": np, "grad": grad_function}


@contextlib.contextmanager
def float64_default():
    """Python floats and float results of int/bool ops become float64, as in tinygrad_edu."""
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        torch.set_default_dtype(old)
