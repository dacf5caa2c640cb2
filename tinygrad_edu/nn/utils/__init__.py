"""`nn.utils`: gradient clipping and flat parameter vectors, as in `torch.nn.utils` (and
`nn.utils.rnn.pad_sequence`, in rnn.py; weight_norm, spectral_norm and parametrizations in their
own files).

Clipping rescales the gradients after `backward()` and before `optimizer.step()`, the usual guard
against exploding gradients in recurrent networks (Pascanu, Mikolov & Bengio, "On the difficulty
of training recurrent neural networks", 2013):

    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    optimizer.step()
"""
from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from ...autograd.grad_mode import no_grad
from ...tensor import Tensor
from . import parametrizations, parametrize, prune, rnn  # noqa: F401  (rnn: nn.utils.rnn.pad_sequence)
from .spectral_norm import remove_spectral_norm, spectral_norm  # noqa: F401  (the older hook-based forms)
from .weight_norm import remove_weight_norm, weight_norm  # noqa: F401


def _tensors(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def clip_grad_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Scale all gradients together so that their joint norm is at most `max_norm`:

        total = ‖(‖g₁‖, ‖g₂‖, ...)‖      (the p-norm of all gradients as one vector; p = norm_type,
                                          inf for the largest |gᵢ|)
        gᵢ ← gᵢ · min(1, max_norm / (total + 1e-6))

    Parameters without a gradient are skipped. Returns the total norm before clipping, a 0-d
    tensor. A nan or inf total raises `RuntimeError` when `error_if_nonfinite=True` (else the
    gradients become nan, as in PyTorch). `foreach` is accepted and ignored (one numpy path).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> w = tg.tensor([3.0, 4.0], requires_grad=True)
    >>> (w * w / 2).sum().backward()          # grad = w = [3, 4], norm 5
    >>> nn.utils.clip_grad_norm_([w], max_norm=1.0)
    tensor(5.)
    >>> w.grad
    tensor([0.6000, 0.8000])
    """
    grads = [p.grad for p in _tensors(parameters) if p.grad is not None]
    norm_type = float(norm_type)
    if not grads:
        return Tensor(0.0)
    arrays = [g.data for g in grads]
    if norm_type == math.inf:
        norms = np.array([np.abs(a).max(initial=0.0) for a in arrays])
        total = norms.max()
    else:
        norms = np.array([np.linalg.norm(a.ravel(), ord=norm_type) for a in arrays])
        total = np.linalg.norm(norms, ord=norm_type)
    dtype = np.result_type(*arrays)
    total = np.asarray(total, dtype=dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is {total}, "
                           f"so they cannot be clipped. Set error_if_nonfinite=False to clip anyway "
                           f"(the gradients become nan)")
    scale = min(max_norm / (float(total) + 1e-6), 1.0)  # (a nan total gives a nan scale, as in PyTorch)
    with no_grad(), np.errstate(invalid="ignore"):  # inf · 0 is nan, silently, as in PyTorch
        for g in grads:
            g.mul_(scale)
    return Tensor(total)


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every gradient element to [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    with no_grad():
        for p in _tensors(parameters):
            if p.grad is not None:
                p.grad.clamp_(-clip_value, clip_value)


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened and joined into one vector (differentiable, as in PyTorch)."""
    from ...functions import cat

    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Write consecutive slices of the vector `vec` into the parameters' values (outside
    autograd, as PyTorch's `param.data = ...`)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"vector_to_parameters: expected a Tensor, but got: {type(vec).__name__}")
    params = list(parameters)
    total = sum(p.numel() for p in params)
    if vec.numel() != total:
        raise RuntimeError(f"vector_to_parameters: the vector has {vec.numel()} elements, the parameters "
                           f"{total}")
    offset = 0
    for p in params:
        n = p.numel()
        p.data[...] = vec.data.reshape(-1)[offset:offset + n].reshape(p.shape)
        offset += n


def skip_init(module_cls: type, *args, **kwargs):
    """`module_cls(*args, **kwargs)` for a module you will initialise yourself, as PyTorch's
    `torch.nn.utils.skip_init` (e.g. `m = skip_init(nn.Linear, 10, 5)` then
    `nn.init.orthogonal_(m.weight)`). PyTorch leaves the values uninitialised to save the work;
    here the module's default initialisation runs (its values are to be overwritten either way).
    As in PyTorch, the class must be a Module taking a `device` argument (RuntimeError if not).

    >>> import tinygrad_edu.nn as nn
    >>> m = nn.utils.skip_init(nn.Linear, 5, 3)
    >>> tuple(nn.init.orthogonal_(m.weight).shape)
    (3, 5)
    """
    import inspect

    from ..module import Module

    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        raise RuntimeError(f"skip_init: expected a Module class; got {module_cls!r}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError(f"skip_init: {module_cls.__name__} must take a 'device' argument to skip "
                           f"initialization")
    return module_cls(*args, **kwargs)
