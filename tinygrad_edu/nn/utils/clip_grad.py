"""Gradient clipping, as `torch.nn.utils.clip_grad`: the total norm of many tensors
(`get_total_norm`), scaling gradients down to a norm (`clip_grads_with_norm_`), both at once
(`clip_grad_norm_`), and clamping each element (`clip_grad_value_`).

Clipping rescales the gradients after `backward()` and before `optimizer.step()`, the usual guard
against exploding gradients in recurrent networks (Pascanu, Mikolov & Bengio, "On the difficulty
of training recurrent neural networks", 2013). Computing the norm apart from the scaling lets
several groups of parameters (or processes) share one norm:

    total = nn.utils.get_total_norm([p.grad for p in params if p.grad is not None])
    nn.utils.clip_grads_with_norm_(params, max_norm=1.0, total_norm=total)
"""
from __future__ import annotations

import math
import types
import warnings
from typing import Iterable

import numpy as np

from ...autograd.grad_mode import no_grad
from ...tensor import Tensor

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm"]


def _tensors(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def get_total_norm(tensors: Tensor | Iterable[Tensor], norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: bool | None = None) -> Tensor:
    """The p-norm (p = norm_type) of all `tensors` taken as one vector, computed as the norm of
    their norms:

        total = ‖(‖t₁‖, ‖t₂‖, ...)‖        (norm_type=inf: the largest |element|)

    A 0-d tensor in the tensors' dtype; no tensors give 0. A nan or inf total raises
    `RuntimeError` when `error_if_nonfinite=True`. `foreach` is accepted and ignored (one numpy
    path).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> nn.utils.get_total_norm([tg.tensor([3.0]), tg.tensor([[4.0]])])
    tensor(5.)
    """
    return _total_norm(_tensors(tensors), norm_type, error_if_nonfinite, "get_total_norm")


def _total_norm(tensors: list[Tensor], norm_type: float, error_if_nonfinite: bool, op: str) -> Tensor:
    arrays = [t.data for t in tensors]
    norm_type = float(norm_type)
    if not arrays:
        return Tensor(0.0)
    for a in arrays:
        if a.dtype.kind not in "fc":  # (as PyTorch's linalg.vector_norm)
            raise RuntimeError(f"{op}: expected floating point or complex tensors, got one of dtype {a.dtype}")
    if norm_type == math.inf:
        norms = np.array([np.abs(a).max(initial=0.0) for a in arrays])
        total = norms.max()
    else:
        norms = np.array([np.linalg.norm(a.ravel(), ord=norm_type) for a in arrays])
        total = np.linalg.norm(norms, ord=norm_type)
    total = np.asarray(total, dtype=np.result_type(*arrays))
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"{op}: the total norm of order {norm_type} of the gradients is {total}, "
                           f"so they cannot be clipped. Set error_if_nonfinite=False to clip anyway "
                           f"(the gradients become nan)")
    return Tensor(total)


def clip_grads_with_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, total_norm: Tensor | float,
                          foreach: bool | None = None) -> None:
    """Scale the gradients in place, given their total norm (from `get_total_norm`):

        g ← g · min(1, max_norm / (total_norm + 1e-6))

    so they shrink only when the total is above `max_norm`. Parameters without a gradient are
    skipped. A nan total makes the gradients nan, as in PyTorch.
    """
    grads = [p.grad for p in _tensors(parameters) if p.grad is not None]
    if not grads:
        return
    max_norm = float(max_norm)
    scale = min(max_norm / (float(total_norm) + 1e-6), 1.0)  # (a nan total gives a nan scale)
    with no_grad(), np.errstate(invalid="ignore"):  # inf · 0 is nan, silently, as in PyTorch
        for g in grads:
            g.mul_(scale)


def clip_grad_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Scale all gradients together so that their joint norm is at most `max_norm`:
    `get_total_norm` of the gradients, then `clip_grads_with_norm_` with it,

        total = ‖(‖g₁‖, ‖g₂‖, ...)‖      (the p-norm of all gradients as one vector; p = norm_type,
                                          inf for the largest |gᵢ|)
        gᵢ ← gᵢ · min(1, max_norm / (total + 1e-6))

    Parameters without a gradient are skipped. Returns the total norm before clipping, a 0-d
    tensor. A nan or inf total raises `RuntimeError` when `error_if_nonfinite=True` (else the
    gradients become nan, as in PyTorch). `foreach` is accepted and ignored (one numpy path).
    An empty generator of parameters gives a warning, as in PyTorch (often a used-up
    `model.parameters()`).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> w = tg.tensor([3.0, 4.0], requires_grad=True)
    >>> (w * w / 2).sum().backward()          # grad = w = [3, 4], norm 5
    >>> nn.utils.clip_grad_norm_([w], max_norm=1.0)
    tensor(5.)
    >>> w.grad
    tensor([0.6000, 0.8000])
    """
    is_generator = isinstance(parameters, types.GeneratorType)
    parameters = _tensors(parameters)  # (a list: a generator would be used up by the first pass)
    if is_generator and not parameters:
        warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", UserWarning,
                      stacklevel=2)
    grads = [p.grad for p in parameters if p.grad is not None]
    total = _total_norm(grads, norm_type, error_if_nonfinite, "clip_grad_norm_")  # (= get_total_norm)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_norm(parameters: Tensor | Iterable[Tensor], max_norm: float, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """`clip_grad_norm_` under its old name, deprecated in PyTorch (a FutureWarning says so)."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every gradient element to [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    with no_grad():
        for p in _tensors(parameters):
            if p.grad is not None:
                p.grad.clamp_(-clip_value, clip_value)
