"""Functions that build a differently shaped tensor from their input: one_hot and pad.

    one_hot([2, 0], num_classes=3) = [[0, 0, 1], [1, 0, 0]]         (int64, as PyTorch)
    pad(x, (left, right, top, bottom, ...))                        pairs from the LAST axis back
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ...errors import ShapeError
from ...ops.op import Op
from ...tensor import Tensor
from .checks import ArgumentDtypeError, ArgumentValueError, check_tensor


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices (int64, any shape S) -> an int64 tensor of shape S + (num_classes,) with a 1
    at each index. num_classes=-1 takes max(tensor) + 1. Not differentiable (indices are not).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.one_hot(tg.tensor([2, 0]), num_classes=3)
    tensor([[0, 0, 1],
            [1, 0, 0]])
    """
    check_tensor(tensor, "one_hot", "tensor")
    t = tensor.data
    if t.dtype != np.int64:
        raise ArgumentDtypeError(f"one_hot: needs a tensor of class indices of dtype int64 (torch.long), "
                                 f"got dtype {t.dtype} (convert with .long())")
    if not isinstance(num_classes, (int, np.integer)) or isinstance(num_classes, bool):
        raise TypeError(f"one_hot: num_classes must be an int, got {type(num_classes).__name__}")
    if num_classes == -1:
        if t.size == 0:
            raise ArgumentValueError("one_hot: cannot infer the number of classes from an empty tensor; "
                                     "pass num_classes")
        num_classes = int(t.max()) + 1
    if t.size and t.min() < 0:
        raise ArgumentValueError(f"one_hot: class values must be non-negative, got {int(t.min())}")
    if t.size and t.max() >= num_classes:
        raise ArgumentValueError(f"one_hot: class values must be smaller than num_classes={num_classes}, "
                                 f"got {int(t.max())}")
    out = (t[..., None] == np.arange(max(int(num_classes), 0))).astype(np.int64)
    return Tensor._make(out, None, False)


class ConstantPad(Op):
    """x placed inside a tensor filled with `value` (or cropped, for negative padding);
    backward: the gradient read back from where x was placed"""

    @staticmethod
    def forward(ctx, x, source, target, out_shape, value):
        ctx.source, ctx.target, ctx.in_shape = source, target, x.data.shape
        out = np.full(out_shape, value, dtype=x.data.dtype)
        out[target] = x.data[source]
        return out

    @staticmethod
    def backward(ctx, grad):
        return ctx.xp.index_add(grad[ctx.target], ctx.source, ctx.in_shape)


_OTHER_MODES = ("reflect", "replicate", "circular")


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad with `value` (0 by default): `pad` = (before, after) for the last axis, then for the
    one before it, and so on -- (1, 1) widens the last axis by one on each side, (0, 0, 2, 0)
    adds two rows at the top. Negative amounts crop. mode='reflect', 'replicate' or 'circular'
    pads the last 1 to 3 axes of a batched or unbatched input with mirrored, repeated or
    wrapped-around values instead (nn/functional/resampling.py).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.pad(tg.ones(1, 2), (1, 2), value=7.0)
    tensor([[7., 1., 1., 7., 7.]])
    """
    check_tensor(input, "pad")
    if mode != "constant" and mode not in _OTHER_MODES:
        raise NotImplementedError(f"pad: unknown padding mode {mode!r}; the modes are 'constant', "
                                  f"{', '.join(map(repr, _OTHER_MODES))}")
    if isinstance(pad, Tensor) or not isinstance(pad, (tuple, list)) or not all(
            isinstance(p, (int, np.integer)) and not isinstance(p, bool) for p in pad):
        raise TypeError(f"pad: pad must be a tuple of ints, got {pad!r}")
    if len(pad) % 2:
        raise ArgumentValueError(f"pad: pad must hold (before, after) pairs, an even number of ints; got {len(pad)}")
    if mode != "constant":
        if value is not None:
            raise ArgumentValueError(f"pad: padding mode {mode!r} doesn't take a value argument (got value={value})")
        from .resampling import pad_nonconstant  # (resampling imports convolution, which imports this file)

        return pad_nonconstant(input, tuple(int(p) for p in pad), mode)
    if len(pad) > 2 * input.ndim:
        raise ArgumentValueError(f"pad: {len(pad)} pad amounts are {len(pad) // 2} pairs, but the input "
                                 f"of shape {input.shape} has only {input.ndim} dimensions")
    source, target, out_shape = [], [], list(input.shape)
    for axis in range(input.ndim):
        pair = input.ndim - 1 - axis  # pairs start from the last axis
        before, after = (int(pad[2 * pair]), int(pad[2 * pair + 1])) if 2 * pair < len(pad) else (0, 0)
        n = input.shape[axis]
        size = n + before + after
        if size < 0:
            raise ShapeError(f"pad: padding ({before}, {after}) of dimension {axis} (size {n}) gives a "
                             f"negative size {size}")
        start, stop = max(-before, 0), n - max(-after, 0)
        if stop < start:  # (as PyTorch: the crops may not take more than the dimension has)
            raise ShapeError(f"pad: cropping {-min(before, 0)} before and {-min(after, 0)} after dimension "
                             f"{axis} (size {n}) removes more than its {n} elements")
        kept = stop - start
        source.append(slice(start, start + kept))
        target.append(slice(max(before, 0), max(before, 0) + kept))
        out_shape[axis] = size
    return ConstantPad.apply(input, tuple(source), tuple(target), tuple(out_shape),
                             0 if value is None else value)
