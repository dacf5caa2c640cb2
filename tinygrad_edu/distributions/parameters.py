"""Turning a distribution's parameters into tensors: `broadcast_all` (numbers and tensors to one
shape), probabilities <-> logits, and `lazy_property` (a parameter derived from another one on
first use, such as Bernoulli's `probs` from its `logits`). As `torch.distributions.utils`.
"""
from __future__ import annotations

from numbers import Number

import numpy as np

from ..autograd.grad_mode import enable_grad
from ..dtype import finfo, get_default_dtype
from ..functions_shaping import broadcast_tensors
from ..tensor import Tensor


def broadcast_all(*values) -> tuple:
    """The values as tensors broadcast to one shape. Python numbers become tensors of the first
    tensor's dtype (or of the default float dtype when all are numbers), as in PyTorch."""
    if not all(isinstance(v, (Tensor, Number)) for v in values):
        raise ValueError("Input arguments must all be instances of Number, torch.Tensor or objects implementing "
                         f"__torch_function__ (got {', '.join(type(v).__name__ for v in values)})")
    dtype = next((v.dtype for v in values if isinstance(v, Tensor)), get_default_dtype())
    tensors = [v if isinstance(v, Tensor) else Tensor(np.asarray(v, dtype=dtype)) for v in values]
    return tuple(broadcast_tensors(*tensors))


def clamp_probs(probs: Tensor) -> Tensor:
    """probs clamped to [eps, 1 - eps] (eps of its dtype), so that their logs are finite."""
    eps = finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """log p (or the log-odds log p - log(1 - p) when is_binary), of clamped probabilities."""
    clamped = clamp_probs(probs)
    if is_binary:
        return clamped.log() - (-clamped).log1p()
    return clamped.log()


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    """σ(logits) when is_binary, else softmax over the last dim."""
    if is_binary:
        return logits.sigmoid()
    return logits.softmax(-1)


class lazy_property:
    """A property computed on first use (with grad mode on, so it stays differentiable) and then
    stored on the instance, replacing itself."""

    def __init__(self, wrapped) -> None:
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__
        self.__name__ = wrapped.__name__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        with enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value
