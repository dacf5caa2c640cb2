"""Tensor methods for names of functions_numeric.py, histograms.py and functions_memory.py:

    angle, histogram, nonzero_static     the method forms of tg.angle, tg.histogram, tg.nonzero_static
    as_strided_scatter, dim_order        memory: a copy with src written through as_strided; the dims' order in memory
    index_reduce, index_reduce_          reduce the slices of `source` into self at an index along a dim

`view(dtype)` lives with `view` in tensor.py, which calls `_view_dtype` here. `Tensor` inherits
these from `NumericMethods`; tensor.py fills in `Tensor` and `_ops` once they exist.
"""
from __future__ import annotations

import warnings

import numpy as np

from .errors import NotImplementedForDtype

Tensor = _ops = None  # set by tensor.py

_INDEX_REDUCTIONS = ("prod", "mean", "amax", "amin")
_warned_index_reduce = False


class NumericMethods:
    """angle, histogram, nonzero_static, as_strided_scatter, dim_order, index_reduce (mixed into `Tensor`)."""

    def angle(self) -> "Tensor":
        """π for negative numbers, 0 for the others, nan for nan; gradient 0 (see `tg.angle`)."""
        from .functions_numeric import angle

        return angle(self)

    def histogram(self, bins=100, *, range=None, weight=None, density: bool = False):
        """The named tuple `(hist, bin_edges)` of this tensor's values (see `tg.histogram`)."""
        from .histograms import histogram

        return histogram(self, bins, range=range, weight=weight, density=density)

    def nonzero_static(self, *, size: int, fill_value: int = -1) -> "Tensor":
        """`nonzero()` cut or padded (with `fill_value`) to `size` rows (see `tg.nonzero_static`)."""
        from .functions_numeric import nonzero_static

        return nonzero_static(self, size=size, fill_value=fill_value)

    def as_strided_scatter(self, src: "Tensor", size, stride, storage_offset: int | None = None) -> "Tensor":
        """A copy of self with src written where `self.as_strided(size, stride, storage_offset)`
        looks (see `tg.as_strided_scatter`)."""
        from .functions_memory import as_strided_scatter

        return as_strided_scatter(self, src, size, stride, storage_offset)

    def dim_order(self, *, ambiguity_check=False) -> tuple:
        """The dims from the outermost to the innermost in memory: (0, 1, 2) for a contiguous
        3-D tensor, (0, 2, 1) after transpose(1, 2), (0, 2, 3, 1) for `tg.channels_last`.
        `ambiguity_check=True` raises RuntimeError when more than one order fits (a size-1 dim, or
        two dims with equal strides); a list of memory formats, when the tensor then is not
        contiguous in exactly one of them."""
        from .functions_memory import dim_order_of

        return dim_order_of(self, ambiguity_check)

    def _view_dtype(self, dtype) -> "Tensor":
        from .functions_memory import reinterpret

        return reinterpret(self, dtype)

    # ---- index_reduce: scatter_reduce of whole slices ------------------------------------------
    def index_reduce(self, dim: int, index: "Tensor", source: "Tensor", reduce: str, *,
                     include_self: bool = True) -> "Tensor":
        """self with the slices of `source` reduced into it at the positions `index` along `dim`:
        for dim = 0, row index[i] of the result combines self's row (unless `include_self=False`)
        with every source[i] sent there, by 'prod', 'mean', 'amax' or 'amin'. Integer means
        round down. It is `scatter_reduce` with index spread over each slice, so the gradients
        are scatter_reduce's (PyTorch's): exact products also with zeros, grad/count for mean,
        ties of amax/amin sharing the gradient evenly. (With include_self=False self takes no part
        in a tie; PyTorch 2.13 still counts self there, and so halves source's gradient.)

        >>> import tinygrad_edu as tg
        >>> x = tg.full((3, 2), 2.0)
        >>> x.index_reduce(0, tg.tensor([0, 2, 0]), tg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), "prod")
        tensor([[10., 24.],
                [ 2.,  2.],
                [ 6.,  8.]])
        """
        positions, source = self._index_reduce_arguments(dim, index, source, reduce, include_self)
        _warn_beta_once()
        if self.ndim == 0:  # one slice: work on vectors of one element
            return self.reshape(1).index_reduce(0, Tensor._make(positions, None, False), source.reshape(1), reduce,
                                                include_self=include_self).reshape(())
        axis = _ops.normalize_dim(dim, self.ndim, "index_reduce")
        along = [1] * source.ndim
        along[axis] = -1
        spread = np.broadcast_to(positions.reshape(along), source.shape)
        return self.scatter_reduce(axis, Tensor._make(spread, None, False), source, reduce, include_self=include_self)

    def index_reduce_(self, dim: int, index: "Tensor", source: "Tensor", reduce: str, *,
                      include_self: bool = True) -> "Tensor":
        """In-place `index_reduce`."""
        self._index_reduce_arguments(dim, index, source, reduce, include_self)
        return self._in_place("index_reduce_", lambda old: old.index_reduce(
            dim, index, source, reduce, include_self=include_self), source)

    def _index_reduce_arguments(self, dim: int, index, source, reduce: str, include_self: bool) -> tuple:
        """PyTorch's checks, in its order; returns (index positions as a 1-D int64 array, source)."""
        if reduce not in _INDEX_REDUCTIONS:
            raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got "
                               f"{reduce}.")
        axis = _ops.normalize_dim(dim, self.ndim, "index_reduce")
        if not isinstance(index, Tensor) or not isinstance(source, Tensor):
            raise TypeError(f"index_reduce(): index and source must be Tensors, got {type(index).__name__} and "
                            f"{type(source).__name__}")
        if index.ndim > 1:
            raise IndexError(f"index_reduce_(): Index is supposed to be a vector, but got dim: {index.ndim} with "
                             f"type: {index.dtype} and size: {list(index.shape)}")
        if index.dtype not in (np.int64, np.int32):
            raise RuntimeError(f"index_reduce_(): Expected dtype int32/int64 for index but got: {index.dtype}")
        if self.dtype != source.dtype:
            raise RuntimeError(f"index_reduce_(): self ({self.dtype}) and source ({source.dtype}) must have the same "
                               f"scalar type")
        if not (axis == 0 or axis < source.ndim):
            raise RuntimeError(f"index_reduce_(): Indexing dim {axis} is out of bounds of the source tensor with dim "
                               f"{source.ndim}")
        sent = 1 if source.ndim == 0 else source.shape[axis]
        if index.numel() != sent:
            raise RuntimeError(f"index_reduce_(): Number of indices ({index.numel()}) should be equal to "
                               f"source.size(dim): ({sent}), for dim: {axis}")
        self_rest, source_rest = list(self.shape), list(source.shape)
        if self.ndim and source.ndim:
            del self_rest[axis], source_rest[axis]
        if self_rest != source_rest:
            raise RuntimeError(f"index_reduce: source tensor shape must match self tensor shape, excluding the "
                               f"specified dimension. Got self.shape = {list(self.shape)} source.shape = "
                               f"{list(source.shape)}")
        # bool tensors: PyTorch 2.13 reduces them only with 2 or more dims, include_self=True and not 'mean'
        if self.dtype.kind == "b" and self.ndim <= 1:
            raise NotImplementedForDtype("index_reduce: \"index_func_\" not implemented for 'Bool' (for a "
                                         "tensor of fewer than 2 dims)")
        if self.dtype.kind == "b" and not include_self:
            raise NotImplementedForDtype("index_reduce: \"index_reduce_func_exclude_input_init\" not implemented "
                                         "for 'Bool' (bool tensors need include_self=True)")
        if self.dtype.kind == "b" and reduce == "mean":
            raise NotImplementedForDtype("index_reduce: \"div_floor_cpu\" not implemented for 'Bool' (a mean of "
                                         "bools is not a bool)")
        positions = index.data.reshape(-1).astype(np.int64)
        length = self.shape[axis] if self.ndim else 1
        if positions.size and (positions.min() < 0 or positions.max() >= length):
            raise IndexError(f"index_reduce: index out of range in self: the indices {positions.tolist()} must lie "
                             f"in [0, {length}) along dim {axis} (negative indices are not allowed)")
        return positions, source


def _warn_beta_once() -> None:
    global _warned_index_reduce
    if not _warned_index_reduce:
        _warned_index_reduce = True
        warnings.warn("index_reduce() is in beta and the API may change at any time.", UserWarning, stacklevel=3)
