"""`nn.LinearCrossEntropyLoss`: a linear output head and the cross-entropy loss as one module,
and `nn.LinearCrossEntropyOptions`, PyTorch's settings for computing it in chunks.

    criterion = nn.LinearCrossEntropyLoss(in_features=64, num_classes=1000)
    loss = criterion(hidden, labels)      # the head's weight is criterion.linear.weight
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..errors import ArgumentValueError, ShapeError
from ..tensor import Tensor
from . import functional as F
from .layers import Linear
from .loss import _WeightedLoss

_ACC_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


@dataclasses.dataclass(slots=True, frozen=True)
class LinearCrossEntropyOptions:
    """PyTorch's settings for the chunked path of `F.linear_cross_entropy` (which cuts the batch
    into pieces so that the (N, C) logits never exist at once). They are validated as PyTorch
    validates them (`ValueError`), and `F.linear_cross_entropy` warns where PyTorch would fall
    back to its reference path; the loss itself is always computed by that reference path here.

    - `allow_retain_graph`: PyTorch's chunked backward can run only once unless this is True;
      here a retained graph always allows another backward.
    - `batch_chunk_size`: rows per chunk (a positive int, or None for one chunk).
    - `chunking_method`: 'auto', 'aspect_ratio' or 'aspect_ratio:N' (N >= 1): chunks of about
      next_pow2(ceil(N_batch / ceil(C / in_features))) / N rows; None to use `batch_chunk_size`.
    - `acc_policy`: 'auto', 'accurate', 'balanced' or 'compact' (precision against memory).
    - `acc_dtype`: None, or float16/float32/float64 for the accumulation.

    >>> import tinygrad_edu.nn as nn
    >>> nn.LinearCrossEntropyOptions(batch_chunk_size=64).chunking_method
    'auto'
    """

    allow_retain_graph: bool = False
    batch_chunk_size: int | None = None
    chunking_method: str | None = "auto"
    acc_policy: str = "auto"
    acc_dtype: object = None

    def __post_init__(self) -> None:
        if self.acc_policy not in {"auto", "accurate", "balanced", "compact"}:
            raise ValueError(f"invalid acc_policy: {self.acc_policy!r}")
        if self.chunking_method is not None and self.chunking_method != "auto":
            name, sep, factor = str(self.chunking_method).partition(":")
            factor = factor if sep else "1"
            if not (name == "aspect_ratio" and factor.isdigit() and int(factor) > 0):
                raise ValueError(f"invalid chunking_method: {self.chunking_method!r}")
        size = self.batch_chunk_size
        if not (size is None or (isinstance(size, int) and size > 0)):
            raise ValueError(f"batch_chunk_size must be positive int or None, got {size!r}")
        if self.acc_dtype is not None and not _is_acc_dtype(self.acc_dtype):
            raise ValueError(f"acc_dtype must be one of None, float16, float32, float64, got {self.acc_dtype!r}. "
                             "Pass acc_dtype=None to let the op pick automatically.")

    def _chunk_size(self, num_batches: int, in_features: int, num_classes: int) -> int:
        """The rows per chunk PyTorch would use (its `_adjust`), raising its ValueError when an
        explicit `batch_chunk_size` and `chunking_method` disagree. On the CPU with float32/64
        input, 'auto' means 'aspect_ratio:2'; an explicit `batch_chunk_size` switches 'auto' off."""
        method = self.chunking_method
        if method == "auto":
            method = None if self.batch_chunk_size is not None else "aspect_ratio:2"
        size = num_batches if self.batch_chunk_size is None else min(self.batch_chunk_size, num_batches)
        if method is not None:
            factor = int(method.split(":", 1)[1]) if ":" in method else 1
            target = -(-num_batches // -(-num_classes // in_features))  # ceil(N / ceil(C / in_features))
            size = min((1 << (target - 1).bit_length()) // factor, num_batches)  # next power of 2, / factor
            if self.batch_chunk_size is not None and self.batch_chunk_size != size:
                raise ValueError(f"batch_chunk_size (={self.batch_chunk_size}) and chunking_method ('{method}') "
                                 f"give different chunk sizes ({self.batch_chunk_size} vs {size}); pass only one.")
        return max(1, size)


def _is_acc_dtype(dtype) -> bool:
    try:
        return not isinstance(dtype, str) and np.dtype(dtype) in _ACC_DTYPES
    except TypeError:
        return False


class LinearCrossEntropyLoss(_WeightedLoss):
    """`F.linear_cross_entropy` with the linear weight (and bias) as parameters: the logits of an
    input (in_features,) or (N, in_features) for `num_classes` classes (times `out_features`
    positions for a K-dimensional loss), scored by softmax cross-entropy against class indices or
    probabilities.

    The weight is stored flat in `self.linear`, an `nn.Linear(in_features, C·prod(out_features))`
    (state_dict keys `linear.weight`, `linear.bias`, and `weight` for the class weights, as in
    PyTorch), and reshaped to (C, *out_features, in_features) in `forward`. `options` is accepted
    and validated (see `LinearCrossEntropyOptions`) but the loss is always computed whole.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> _ = tg.manual_seed(283)
    >>> loss = nn.LinearCrossEntropyLoss(5, 10, out_features=(4, 3))
    >>> input = tg.randn(2, 5, requires_grad=True)
    >>> target = tg.randint(0, 10, (2, 4, 3))
    >>> loss(input, target).backward()
    >>> probs = tg.randn(2, 10, 4, 3).softmax(dim=1)       # class probabilities as target
    >>> loss(input, probs).backward()
    """

    def __init__(self, in_features: int, num_classes: int, *, out_features: tuple[int, ...] = (),
                 bias: bool = False, device=None, dtype=None, reduction: str = "mean",
                 weight: Tensor | None = None, ignore_index: int | None = None, label_smoothing: float = 0.0,
                 options: LinearCrossEntropyOptions | None = None) -> None:
        if weight is not None and tuple(weight.shape) != (num_classes,):
            raise ShapeError(f"LinearCrossEntropyLoss: expected weight shape to be {(num_classes,)}, "
                             f"got {tuple(weight.shape)}")
        if label_smoothing < 0 or label_smoothing > 1.0:
            raise ArgumentValueError(f"LinearCrossEntropyLoss: expected label_smoothing to be in range [0, 1], "
                                     f"got {label_smoothing}")
        super().__init__(weight=weight, reduction=reduction)
        self.num_classes = num_classes
        self.out_features = out_features
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing
        # Linear holds 2-D weights only: one row per (class, d_1, ..., d_K), reshaped in forward
        self.linear = Linear(in_features, math.prod(out_features, start=num_classes), bias=bias,
                             device=device, dtype=dtype)
        self.options = options

    def forward(self, input: Tensor, target) -> Tensor:
        linear_weight = self.linear.weight.reshape(self.num_classes, *self.out_features, self.linear.in_features)
        bias = self.linear.bias
        linear_bias = None if bias is None else bias.reshape(self.num_classes, *self.out_features)
        return F.linear_cross_entropy(input, linear_weight, target, linear_bias=linear_bias, weight=self.weight,
                                      reduction=self.reduction, ignore_index=self.ignore_index,
                                      label_smoothing=self.label_smoothing, options=self.options)

    def extra_repr(self) -> str:
        return (f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
                f"out_features={self.out_features}, bias={self.linear.bias is not None}, "
                f"reduction={self.reduction}, ignore_index={self.ignore_index}, "
                f"label_smoothing={self.label_smoothing}, options={self.options}")
