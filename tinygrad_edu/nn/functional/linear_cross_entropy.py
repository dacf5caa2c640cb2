"""`F.linear_cross_entropy`: a linear layer then softmax cross-entropy, in one call.

    loss = F.linear_cross_entropy(hidden, head_weight, labels)   # = cross_entropy(linear(...), labels)

PyTorch offers it so that a language model's output head (a few thousand features times a
vocabulary of tens of thousands of classes) can run in chunks of the batch, never holding all the
logits at once. Here the logits are computed whole, by the existing `linear` and `cross_entropy`
(so their backward formulas give every gradient): the numbers are PyTorch's reference path.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ...errors import ArgumentValueError, ShapeError
from ...tensor import Tensor
from .layers import linear
from .losses import cross_entropy


def _target_is_int64(target) -> bool:
    data = target.data if isinstance(target, Tensor) else np.asarray(target)
    return data.dtype == np.int64


def _check_options(options, input: Tensor, target, num_classes: int, out_features: tuple, reduction: str,
                   label_smoothing: float, linear_bias: Tensor | None) -> None:
    """What PyTorch checks of `options` before its chunked path: a warning where that path cannot
    run (PyTorch then falls back to the reference path, as we always do), and the ValueError of
    `batch_chunk_size` and `chunking_method` asking for different chunk sizes."""
    chunkable = (reduction in {"mean", "sum", "none"} and label_smoothing == 0.0
                 and _target_is_int64(target) and not out_features)
    if not chunkable:
        target_dtype = (target.data if isinstance(target, Tensor) else np.asarray(target)).dtype
        warnings.warn(
            "linear_cross_entropy: ``options`` ignored; chunked path needs reduction in {'mean','sum','none'}, "
            f"label_smoothing == 0, target.dtype == int64, out_features == (). Got reduction={reduction!r}, "
            f"label_smoothing={label_smoothing}, target.dtype={target_dtype}, out_features={out_features}, "
            f"linear_bias.shape={None if linear_bias is None else linear_bias.shape}.", stacklevel=3)
        return
    num_batches = input.shape[0] if input.ndim == 2 else 1
    options._chunk_size(num_batches, input.shape[-1], num_classes)


def linear_cross_entropy(input: Tensor, linear_weight: Tensor, target, *, linear_bias: Tensor | None = None,
                         weight: Tensor | None = None, reduction: str = "mean", ignore_index: int | None = None,
                         label_smoothing: float = 0.0, options=None) -> Tensor:
    """`cross_entropy(linear(input, linear_weight, linear_bias), target, ...)`: the logits of
    `input` (in_features,) or (N, in_features) under a linear head, scored against `target`.

    `linear_weight` is (C, in_features), or (C, d_1, ..., d_K, in_features) for a K-dimensional
    loss: then the logits are (N, C, d_1, ..., d_K) -- row n·C·d + ... of the flattened weight,
    reshaped -- and `target` is (N, d_1, ..., d_K) class indices or (N, C, d_1, ..., d_K)
    probabilities; `linear_bias` has shape (C, d_1, ..., d_K). `ignore_index=None` means -100
    for class indices and is the only value allowed with probabilities. `options`
    (`nn.LinearCrossEntropyOptions`) selects PyTorch's chunked, memory-saving path: it is
    checked as PyTorch checks it, but the loss here is always computed by the reference path
    (same numbers; logits held whole; second derivatives and repeated backward work).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> x, w, t = tg.ones(2, 3), tg.zeros(4, 3), tg.tensor([0, 3])
    >>> F.linear_cross_entropy(x, w, t)       # four equal logits: log 4
    tensor(1.3863)
    """
    if not isinstance(input, Tensor) or not isinstance(linear_weight, Tensor):
        raise TypeError(f"linear_cross_entropy: input and linear_weight must be Tensors, got "
                        f"{type(input).__name__} and {type(linear_weight).__name__}")
    if input.ndim < 1 or input.ndim > 2:
        raise ShapeError(f"linear_cross_entropy: expected input with dimensionality 1 or 2, got {input.ndim}")
    if linear_weight.ndim < 2:
        raise ShapeError(f"linear_cross_entropy: expected linear_weight with dimensionality at least 2, "
                         f"got {linear_weight.ndim}")
    batch_shape, in_features = input.shape[:-1], input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise ShapeError("linear_cross_entropy: expected equal input and linear_weight last dimensions "
                         f"(in_features), got {in_features} and {linear_weight.shape[-1]}, respectively")
    num_classes, out_features = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (num_classes, *out_features):
        raise ShapeError(f"linear_cross_entropy: expected linear_bias shape {(num_classes, *out_features)}, "
                         f"got {tuple(linear_bias.shape)}")
    if out_features and not batch_shape:
        raise ShapeError(f"linear_cross_entropy: K-dimensional loss defined by linear_weight shape "
                         f"{linear_weight.shape} requires batched input, (N, {in_features}), got unbatched "
                         f"input with shape {input.shape}")
    logits_shape = (*batch_shape, num_classes, *out_features)
    target_shape = tuple(target.shape) if isinstance(target, Tensor) else np.shape(target)
    # probabilities are told from class indices as cross_entropy does it: by the target's shape
    if target_shape == logits_shape and ignore_index is not None:
        raise ArgumentValueError("linear_cross_entropy: ignore_index cannot be specified when target "
                                 "contains probabilities")
    if options is not None:
        _check_options(options, input, target, num_classes, out_features, reduction, label_smoothing, linear_bias)

    rows = math.prod(out_features, start=num_classes)  # one Linear row per (class, d_1, ..., d_K)
    if out_features:
        linear_weight = linear_weight.reshape(rows, in_features)
        linear_bias = None if linear_bias is None else linear_bias.reshape(rows)
    logits = linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction,
                         ignore_index=-100 if ignore_index is None else ignore_index,
                         label_smoothing=label_smoothing)
