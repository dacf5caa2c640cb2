"""`nn.utils`: flat parameter vectors, as in `torch.nn.utils`, and the names of its modules:
gradient clipping (clip_grad.py), folding BatchNorm into the layer before it (fusion.py),
conv weight layouts (memory_format.py), `nn.utils.rnn.pad_sequence` (rnn.py), weight_norm,
spectral_norm and parametrizations, and the deprecated `stateless.functional_call`.

Clipping rescales the gradients after `backward()` and before `optimizer.step()`, the usual guard
against exploding gradients in recurrent networks (Pascanu, Mikolov & Bengio, "On the difficulty
of training recurrent neural networks", 2013):

    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    optimizer.step()
"""
from __future__ import annotations

from typing import Iterable

from ...tensor import Tensor
from . import fusion, parametrizations, parametrize, prune, rnn, stateless  # noqa: F401  (rnn: nn.utils.rnn.pad_sequence)
from .clip_grad import (
    clip_grad_norm,
    clip_grad_norm_,
    clip_grad_value_,
    clip_grads_with_norm_,
    get_total_norm,
)
from .fusion import fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval, fuse_linear_bn_weights
from .memory_format import convert_conv2d_weight_memory_format, convert_conv3d_weight_memory_format
from .spectral_norm import remove_spectral_norm, spectral_norm  # noqa: F401  (the older hook-based forms)
from .weight_norm import remove_weight_norm, weight_norm  # noqa: F401


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened and joined into one vector (differentiable, as in PyTorch)."""
    from ...functions import cat

    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Make the parameters' values consecutive slices of the vector `vec`, outside autograd, as
    PyTorch's `param.data = vec[i:j].view_as(param).data`: each parameter then shares memory
    with `vec` (a later change to `vec` shows in the parameters) and takes its dtype. A vector
    whose length is not the parameters' total raises RuntimeError (PyTorch ignores extra elements).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> w, b = nn.Parameter(tg.zeros(2, 2)), nn.Parameter(tg.zeros(1))
    >>> nn.utils.vector_to_parameters(tg.arange(5.0), [w, b])
    >>> w.tolist(), b.tolist()
    ([[0.0, 1.0], [2.0, 3.0]], [4.0])
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"vector_to_parameters: expected a Tensor, but got: {type(vec).__name__}")
    params = list(parameters)
    total = sum(p.numel() for p in params)
    if vec.numel() != total:
        raise RuntimeError(f"vector_to_parameters: the vector has {vec.numel()} elements, the parameters "
                           f"{total}")
    if vec.dtype.kind not in "fc" and any(p.requires_grad for p in params):
        raise RuntimeError(f"vector_to_parameters: data set to a tensor that requires gradients must be "
                           f"floating point or complex dtype, but the vector is {vec.dtype}")
    flat = vec.data.reshape(-1)  # (a view of vec's memory when vec is contiguous)
    offset = 0
    for p in params:
        n = p.numel()
        p.data = flat[offset:offset + n].reshape(p.shape)
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
