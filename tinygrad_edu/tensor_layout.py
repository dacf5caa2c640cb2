"""Tensor methods with PyTorch's names that rearrange or mask values, each composed from the ops
of tensor.py (so each is differentiable with no backward formula of its own):

    tril / triu     the lower / upper triangle of the last two dims, the rest zero
    repeat          the tensor tiled along each dim (numpy's tile)
    flip            the order reversed along the given dims
    unbind          the slices along a dim, as a tuple of views
    where           self where the condition holds, else `other` (tg.where's method form)
    isnan, isinf, isfinite   bool masks (no gradient)

`Tensor` inherits them from `LayoutMethods`; as in tensor_math.py, tensor.py fills in `Tensor`
and `_ops` once they exist.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Tensor = _ops = None  # set by tensor.py


class LayoutMethods:
    def tril(self, diagonal: int = 0) -> "Tensor":
        """The lower triangle of the last two dims (entries [i, j] with j - i <= diagonal), the
        rest 0; e.g. `tg.tril(tg.ones(T, T))`, the causal mask of attention."""
        return self._triangle("tril", diagonal, np.tril)

    def triu(self, diagonal: int = 0) -> "Tensor":
        """The upper triangle of the last two dims (entries [i, j] with j - i >= diagonal), the
        rest 0."""
        return self._triangle("triu", diagonal, np.triu)

    def _triangle(self, op: str, diagonal: int, numpy_triangle) -> "Tensor":
        if self.ndim < 2:
            raise RuntimeError(f"{op}: input tensor must have at least 2 dimensions, got shape {self.shape}")
        keep = Tensor._make(numpy_triangle(np.ones(self.shape[-2:], dtype=bool), int(diagonal)), None, False)
        zero = Tensor._make(np.zeros((), dtype=self.data.dtype), None, False)
        return _ops.Where.apply(keep, self, zero)

    def repeat(self, *sizes) -> "Tensor":
        """This tensor tiled `sizes[d]` times along each dim d (numpy's tile); with more sizes than
        dims, new leading dims are added. `tg.tensor([1, 2]).repeat(2)` is [1, 2, 1, 2]."""
        sizes = _ints(sizes, "repeat")
        if len(sizes) < self.ndim:
            raise RuntimeError(f"repeat: the number of repeat dims ({len(sizes)}) can not be smaller "
                               f"than the number of dims of the tensor ({self.ndim}, shape {self.shape})")
        if any(n < 0 for n in sizes):
            raise RuntimeError(f"repeat: repeats can not be negative, got {sizes}")
        shape = (1,) * (len(sizes) - self.ndim) + self.shape
        # (n,) repeated r times is (1, n) expanded to (r, n), then flattened: r copies one after the other
        spread = self.reshape(tuple(d for n in shape for d in (1, n)))
        tiled = spread.expand(tuple(d for r, n in zip(sizes, shape) for d in (r, n)))
        out = tiled.reshape(tuple(r * n for r, n in zip(sizes, shape)))
        # a copy, as PyTorch's: numpy's reshape can keep a view of this tensor's memory (then the
        # result shares this tensor's version counter, as every view does)
        return out.clone() if out._version_counter is self._version_counter else out

    def flip(self, *dims) -> "Tensor":
        """The order of the entries reversed along each of `dims` (a copy, as in PyTorch)."""
        dims = _ints(dims, "flip")
        axes = {_ops.normalize_dim(d, self.ndim, "flip") for d in dims}
        if self.ndim == 0:  # (dim 0 or -1 of a 0-d tensor: nothing to reverse)
            return self.clone()
        if len(axes) != len(dims):
            raise RuntimeError(f"flip: dims {dims} has a dim more than once")
        out = self
        for a in sorted(axes):  # (an index array makes a copy, as PyTorch's flip does)
            backwards = Tensor._make(np.arange(self.shape[a] - 1, -1, -1), None, False)
            out = out.index_select(a, backwards)
        return out if axes else self.clone()

    def unbind(self, dim: int = 0) -> tuple:
        """The slices along `dim` (that dim removed), as views: `a, b = t.unbind()`."""
        axis = _ops.normalize_dim(dim, self.ndim, "unbind")
        before = (slice(None),) * axis
        return tuple(self[before + (i,)] for i in range(self.shape[axis]))

    def where(self, condition: "Tensor", other) -> "Tensor":
        """self where `condition` holds, else `other`: `tg.where(condition, self, other)`."""
        return _ops.where(condition, self, other)

    def isnan(self) -> "Tensor":
        return Tensor._make(np.isnan(self.data), None, False)

    def isinf(self) -> "Tensor":
        return Tensor._make(np.isinf(self.data), None, False)

    def isfinite(self) -> "Tensor":
        return Tensor._make(np.isfinite(self.data), None, False)


def _ints(values: Sequence, op: str) -> tuple:
    """`f(2, 3)` and `f((2, 3))` both mean (2, 3); every entry an int."""
    if len(values) == 1 and isinstance(values[0], (tuple, list)):
        values = tuple(values[0])
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        raise TypeError(f"{op}: expected ints, got {values!r}")
    return tuple(int(v) for v in values)
