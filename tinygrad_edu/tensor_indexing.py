"""More of PyTorch's Tensor methods for indexing and selection.

- writing through a mask or at flat positions: `masked_scatter`, `put` (and their in-place forms);
  writing along a dim (`scatter`, `index_add`, ...) is in tensor_scatter.py;
- reading at indices: `take`, `take_along_dim`, `masked_select`;
- results whose shape depends on the values: `nonzero`, `argwhere`, `count_nonzero`, `unique`,
  `unique_consecutive`, `bincount`, `histc` (computed in functions_indexing.py, no gradient);
- memory attributes (`stride`, `nbytes`, `data_ptr`, `untyped_storage`, `storage`...) and
  `as_strided`, a view of the memory in any geometry (ops/strided.py, with its own backward);
  `retains_grad`, `detach_` and the in-place shape changes `squeeze_`, `unsqueeze_`, `transpose_`, `t_`.

Apart from as_strided, nothing here has a backward formula of its own: writing is `SetItem` (x[index] = v) or
`x + IndexAdd(v)` (zeros with v added at index, repeats accumulate) and reading is `GetItem`, so
every gradient, and the gradient of every gradient, comes from ops/index.py. The index checks follow PyTorch's,
op by op (which ops wrap negative indices, and which exception an index out of range raises).

`Tensor` inherits them from `IndexingMethods`; tensor.py fills in `Tensor` and `_ops` once they exist
(as for tensor_math.py).
"""
from __future__ import annotations

import warnings

import numpy as np

from . import errors as _errors
from . import storage as _storage
from .autograd.grad_mode import _state as _grad_state

Tensor = _ops = None  # set by tensor.py


def _index_array(index, op: str, what: str = "index") -> np.ndarray:
    """An integer index tensor's numbers as int64 (PyTorch takes int64 and int32 indices only)."""
    if isinstance(index, Tensor):
        array = index.data
    elif isinstance(index, np.ndarray):
        array = index
    else:
        raise TypeError(f"{op}: {what} must be an integer Tensor, got {type(index).__name__}")
    if array.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{op}: expected an int64 (or int32) tensor for {what}, got dtype {array.dtype}")
    return array.astype(np.int64)


def _check_range(positions: np.ndarray, size: int, dim: int, op: str, negative_ok: bool,
                 error: type = RuntimeError) -> np.ndarray:
    """The positions along a dim of length `size`, negative ones wrapped where PyTorch allows them
    (index_fill, index_put, put, take); anything else out of range raises `error`."""
    low = -size if negative_ok else 0
    bad = positions[(positions < low) | (positions >= size)]
    if bad.size:
        raise error(f"{op}: index {int(bad.flat[0])} is out of bounds for dimension {dim} with size {size}")
    return positions + size * (positions < 0) if negative_ok else positions


def _shape_with_mask(self, mask, op: str) -> tuple:
    """The shape self and `mask` broadcast to, or a ShapeError naming op and both shapes
    (masked_scatter and masked_select)."""
    try:
        return np.broadcast_shapes(self.shape, mask.shape)
    except ValueError:
        raise _errors.ShapeError(f"{op}: the mask of shape {mask.shape} cannot be broadcast "
                                 f"with self of shape {self.shape}") from None


def _same_dtype(self, other, op: str, what: str) -> None:
    if other.data.dtype != self.data.dtype:
        raise RuntimeError(f"{op}: self and {what} must have the same dtype, got {self.dtype} and {other.dtype}")


class IndexingMethods:
    """take, masked_select/scatter, put, selection and memory attributes (mixed into `Tensor`)."""

    # ---- masks and flat positions -------------------------------------------------------
    def _bool_mask(self, mask, op: str) -> np.ndarray:
        if not isinstance(mask, Tensor) or mask.data.dtype != np.bool_:
            got = mask.dtype if isinstance(mask, Tensor) else type(mask).__name__
            raise RuntimeError(f"{op}: the mask must be a bool tensor, got {got}")
        return mask.data

    def masked_scatter(self, mask: "Tensor", source: "Tensor") -> "Tensor":
        """A copy of self with source's elements, in order, written where the bool `mask` (which
        broadcasts with self) is True; source needs at least as many elements as mask has Trues."""
        mask = self._bool_mask(mask, "masked_scatter")
        shape = _shape_with_mask(self, mask, "masked_scatter")
        if not isinstance(source, Tensor):
            raise TypeError(f"masked_scatter: source must be a Tensor, got {type(source).__name__}")
        _same_dtype(self, source, "masked_scatter", "source")
        mask = np.broadcast_to(mask, shape)
        n = int(mask.sum())
        if source.numel() < n:
            raise RuntimeError(f"masked_scatter: the mask has {n} True elements but source (shape "
                               f"{source.shape}) has only {source.numel()} elements")
        base = self if self.shape == shape else self.expand(shape)
        part = source.reshape(-1)
        part = part if part.shape[0] == n else part[:n]
        return _ops.SetItem.apply(base, mask, part)

    def masked_scatter_(self, mask: "Tensor", source: "Tensor") -> "Tensor":
        """In-place `masked_scatter` (the mask must broadcast to self's shape)."""
        return self._in_place("masked_scatter_", lambda old: old.masked_scatter(mask, source),
                              source if isinstance(source, Tensor) else None)

    def masked_select(self, mask: "Tensor") -> "Tensor":
        """The elements where the bool `mask` is True, as a 1-D tensor (self and mask broadcast
        together); the gradient goes back to those elements."""
        mask = self._bool_mask(mask, "masked_select")
        shape = _shape_with_mask(self, mask, "masked_select")
        base = self if self.shape == shape else self.expand(shape)
        if not shape:
            return base.reshape(1)[mask.reshape(1)]
        return base[np.broadcast_to(mask, shape)]

    def _flat_positions(self, index, op: str) -> np.ndarray:
        positions = _index_array(index, op)
        n = self.numel()
        bad = positions[(positions < -n) | (positions >= n)]
        if bad.size:
            raise IndexError(f"{op}: index {int(bad.flat[0])} is out of range for a tensor of {n} elements "
                             f"(shape {self.shape})")
        return positions + n * (positions < 0)

    def take(self, index: "Tensor") -> "Tensor":
        """The elements of self, read as a flat 1-D tensor, at `index` (negative counts from the
        end); the result has index's shape."""
        positions = self._flat_positions(index, "take")
        return self.reshape(-1)[positions.reshape(-1)].reshape(positions.shape)

    def take_along_dim(self, indices: "Tensor", dim: int | None = None) -> "Tensor":
        """gather along `dim` after broadcasting self and `indices` in the other dims (numpy's
        take_along_axis); without `dim`, `take` on the flattened tensor (a 1-D result)."""
        positions = _index_array(indices, "take_along_dim", "indices")
        if dim is None:  # (PyTorch's gather on the flattened tensor: no negative indices, a RuntimeError)
            size = self.numel()
            bad = positions[(positions < 0) | (positions >= size)]
            if bad.size:
                raise RuntimeError(f"take_along_dim: index {int(bad.flat[0])} is out of bounds for the flattened "
                                   f"tensor of {size} elements (shape {self.shape})")
            return self.reshape(-1).take(Tensor._make(positions.reshape(-1), None, False))
        if positions.ndim != self.ndim:
            raise RuntimeError(f"take_along_dim: self and indices must have the same number of dimensions, "
                               f"got shapes {self.shape} and {positions.shape}")
        axis = _ops.normalize_dim(dim, self.ndim, "take_along_dim")
        if not self.ndim:
            return self.gather(0, positions)
        try:
            shape = list(np.broadcast_shapes(self.shape[:axis] + (1,) + self.shape[axis + 1:],
                                             positions.shape[:axis] + (1,) + positions.shape[axis + 1:]))
        except ValueError:
            raise _errors.ShapeError(f"take_along_dim: shapes {self.shape} and {positions.shape} cannot be "
                                     f"broadcast together outside dim {dim}") from None
        self_shape = tuple(shape[:axis] + [self.shape[axis]] + shape[axis + 1:])
        index_shape = tuple(shape[:axis] + [positions.shape[axis]] + shape[axis + 1:])
        base = self if self.shape == self_shape else self.expand(self_shape)
        return base.gather(axis, np.broadcast_to(positions, index_shape))

    def put(self, index: "Tensor", source: "Tensor", accumulate: bool = False) -> "Tensor":
        """A copy of self, read as a flat 1-D tensor, with source's elements written (or with
        `accumulate=True` added) at `index`."""
        positions = self._flat_positions(index, "put").reshape(-1)
        if not isinstance(source, Tensor):
            raise TypeError(f"put: source must be a Tensor, got {type(source).__name__}")
        _same_dtype(self, source, "put", "source")
        if source.numel() != positions.size:
            raise IndexError(f"put: source and index must have the same number of elements, got "
                             f"{source.numel()} and {positions.size}")
        flat, values = self.reshape(-1), source.reshape(-1)
        if accumulate:
            out = flat + _ops.IndexAdd.apply(values, positions, flat.shape)
        else:
            out = _ops.SetItem.apply(flat, positions, values)
        return out.reshape(self.shape)

    def put_(self, index: "Tensor", source: "Tensor", accumulate: bool = False) -> "Tensor":
        """In-place `put`."""
        return self._in_place("put_", lambda old: old.put(index, source, accumulate),
                              source if isinstance(source, Tensor) else None)

    # ---- selection: shapes that depend on the values (functions_indexing.py) ------------
    def nonzero(self, *, as_tuple: bool = False):
        """The positions of the non-zero elements: an (n, ndim) int64 tensor, or one 1-D tensor
        per dim with `as_tuple=True`."""
        from .functions_indexing import nonzero

        return nonzero(self, as_tuple=as_tuple)

    def argwhere(self) -> "Tensor":
        """`nonzero()`: the (n, ndim) positions of the non-zero elements."""
        from .functions_indexing import argwhere

        return argwhere(self)

    def count_nonzero(self, dim=None) -> "Tensor":
        """The number of non-zero elements (over `dim`: an int or a tuple), as int64."""
        from .functions_indexing import count_nonzero

        return count_nonzero(self, dim)

    def unique(self, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
               dim: int | None = None):
        """The distinct values (or slices along `dim`), in order; see `tg.unique`."""
        from .functions_indexing import unique

        return unique(self, sorted, return_inverse, return_counts, dim)

    def unique_consecutive(self, return_inverse: bool = False, return_counts: bool = False,
                           dim: int | None = None):
        """Each run of equal consecutive values once; see `tg.unique_consecutive`."""
        from .functions_indexing import unique_consecutive

        return unique_consecutive(self, return_inverse, return_counts, dim)

    def bincount(self, weights: "Tensor | None" = None, minlength: int = 0) -> "Tensor":
        """How often each value 0, 1, 2, ... occurs in this 1-D int tensor; see `tg.bincount`."""
        from .functions_indexing import bincount

        return bincount(self, weights, minlength)

    def histc(self, bins: int = 100, min: float = 0, max: float = 0) -> "Tensor":
        """A histogram with `bins` equal bins between min and max; see `tg.histc`."""
        from .functions_indexing import histc

        return histc(self, bins, min, max)

    # ---- memory and autograd attributes -------------------------------------------------
    def ndimension(self) -> int:
        """The number of dims (PyTorch's older name of `dim()`)."""
        return self.data.ndim

    @property
    def nbytes(self) -> int:
        """The bytes the elements take: numel() · itemsize."""
        return int(self.data.nbytes)

    @property
    def itemsize(self) -> int:
        """The bytes one element takes (8 for float64 and int64)."""
        return int(self.data.itemsize)

    def element_size(self) -> int:
        """The bytes one element takes (`itemsize`)."""
        return int(self.data.itemsize)

    def stride(self, dim: int | None = None):
        """How many elements apart in memory the neighbours along each dim are: (3, 1) for a
        contiguous (2, 3) tensor, (1, 3) for its transpose; 0 along an expanded dim."""
        strides = tuple(s // self.data.itemsize for s in self.data.strides)
        if dim is None:
            return strides
        if not self.ndim:
            _ops.normalize_dim(dim, 0, "stride")
            raise IndexError(f"stride: a 0-d tensor has no dims, so it has no stride along dim {dim}")
        return strides[_ops.normalize_dim(dim, self.ndim, "stride")]

    def storage_offset(self) -> int:
        """Where this tensor's first element lies in the memory it shares with others, counted in
        elements (t[1:].storage_offset() is t.stride(0))."""
        root = _storage.root_array(self.data)
        return int((_storage.address(self.data) - _storage.address(root)) // self.data.itemsize)

    def data_ptr(self) -> int:
        """The memory address of the first element."""
        return _storage.address(self.data)

    def untyped_storage(self) -> "_storage.UntypedStorage":
        """The memory this tensor's elements live in, shared with every view of it, as bytes:
        `t.untyped_storage().data_ptr() == t.view(2, 8).untyped_storage().data_ptr()`."""
        return _storage.UntypedStorage._of(self.data)

    def storage(self) -> "_storage.TypedStorage":
        """The memory as elements of this tensor's dtype. PyTorch deprecates it (with a warning,
        once per process, as here) in favour of `untyped_storage()`."""
        _warn_typed_storage_once()
        return _storage.TypedStorage._of(self.data, self.data.dtype)

    def as_strided(self, size, stride, storage_offset: int | None = None) -> "Tensor":
        """A view of this tensor's memory (its storage) with the given sizes and strides, counted
        in elements as in PyTorch (numpy counts bytes): element [i, j] is
        storage[storage_offset + i·stride[0] + j·stride[1]], storage_offset being this tensor's
        own when not given. Changing the view in place changes this tensor. Windows may overlap
        (such a view is read-only); the gradient of each element goes to the one it reads, summed
        over overlapping windows.

        >>> import tinygrad_edu as tg
        >>> a = tg.arange(9.0)
        >>> s = a.as_strided((2, 2), (3, 1), 1)
        >>> s
        tensor([[1., 2.],
                [4., 5.]])
        >>> _ = s.mul_(-1); a
        tensor([ 0., -1., -2.,  3., -4., -5.,  6.,  7.,  8.])
        """
        from .ops.strided import AsStrided  # (the ops import Tensor)

        size, stride = _int_tuple(size, "size"), _int_tuple(stride, "stride")
        offset = self.storage_offset() if storage_offset is None else int(storage_offset)
        return AsStrided.apply(self, size, stride, offset)

    @property
    def retains_grad(self) -> bool:
        """True for a non-leaf tensor whose `.grad` is kept (after `retain_grad()`)."""
        node = self.grad_fn
        if node is None or node.retained is None:
            return False
        ref = node.retained.get(self._output_nr)
        return ref is not None and ref() is self

    def detach_(self) -> "Tensor":
        """Cut this tensor off the graph in place: it becomes a leaf that does not require grad.
        Views cannot be detached in place (as in PyTorch; use .detach())."""
        if self._view_of is not None or (self.grad_fn is not None and self.grad_fn.is_view):
            raise RuntimeError(f"detach_: this tensor of shape {self.shape} is a view of another tensor, and "
                               f"views cannot be detached in place; use .detach() instead")
        if self.grad_fn is not None:  # (a node that saved it before now refuses it, as in PyTorch)
            from .autograd.function import _creation_counter

            self._detached_at = next(_creation_counter)
        self.grad_fn, self.requires_grad = None, False
        if self._output_nr:
            self._output_nr = 0
        return self

    # ---- shape changes in place ----------------------------------------------------------
    def _reshape_in_place(self, op: str, compute) -> "Tensor":
        """Give this tensor the shape of `compute(self)` (a view op) in place: its data becomes
        that view of the same memory, and, when recording, its grad_fn that op's node. The
        version goes up, as for every in-place op (PyTorch does the same)."""
        recording = _grad_state.enabled and self.requires_grad
        if recording and self.grad_fn is None:
            raise RuntimeError(f"{op}: a leaf tensor that requires grad cannot be changed in place while "
                               f"gradients are recorded. Wrap it in `with tg.no_grad():`, or use the "
                               f"out-of-place {op[:-1]}")
        if recording and self._view_of is not None:
            raise RuntimeError(f"{op}: this tensor of shape {self.shape} is a view of another tensor that "
                               f"requires grad; changing its shape in place is not supported here. Use the "
                               f"out-of-place {op[:-1]}")
        if recording and _is_view_of_a_leaf(self):  # (x.expand(...).transpose_(0, 1), as PyTorch refuses)
            raise RuntimeError(f"{op}: this tensor of shape {self.shape} is a view of a leaf tensor that requires "
                               f"grad, and changing a view of a leaf in place is not allowed (as in PyTorch). "
                               f"Use the out-of-place {op[:-1]}")
        if recording:
            new = compute(self)
            self.grad_fn, self._output_nr = new.grad_fn, 0
            if self.grad_fn is not None:
                self.grad_fn.is_view = False  # its output is this tensor itself, not a view of another
        else:
            from .autograd.grad_mode import no_grad

            with no_grad():
                new = compute(self)
        self.data = new.data
        self._view_of = None
        self._version += 1
        return self

    def squeeze_(self, dim=None) -> "Tensor":
        """In-place `squeeze`: drop dims of size 1 (all, or those named by `dim`)."""
        for d in (() if dim is None else dim if isinstance(dim, (tuple, list)) else (dim,)):
            _ops.normalize_dim(d, self.ndim, "squeeze_")  # (before the in-place rules, as PyTorch's parser)
        return self._reshape_in_place("squeeze_", lambda t: _new_node(t, t.squeeze(dim)))

    def unsqueeze_(self, dim: int) -> "Tensor":
        """In-place `unsqueeze`: insert a dim of size 1 at `dim`."""
        _ops.normalize_dim(dim, self.ndim, "unsqueeze_", new_axis=True)  # (checked first, as PyTorch does)
        return self._reshape_in_place("unsqueeze_", lambda t: t.unsqueeze(dim))

    def transpose_(self, dim0: int, dim1: int) -> "Tensor":
        """In-place `transpose`: swap two dims."""
        for dim in (dim0, dim1):  # (checked before the in-place rules, as PyTorch's argument parser does)
            _ops.normalize_dim(dim, max(self.ndim, 1), "transpose_")
        return self._reshape_in_place("transpose_", lambda t: _new_node(t, t.transpose(dim0, dim1)))

    def t_(self) -> "Tensor":
        """In-place `t`: transpose a matrix (a tensor with fewer than 2 dims stays as it is)."""
        if self.ndim > 2:
            raise RuntimeError(f"t_: expects a tensor with at most 2 dimensions, got shape {self.shape}")
        return self.transpose_(0, 1) if self.ndim == 2 else self._reshape_in_place("t_", lambda t: _new_node(t, t))


_TYPED_STORAGE_WARNED = []  # (PyTorch warns about TypedStorage once per process)


def _warn_typed_storage_once() -> None:
    if not _TYPED_STORAGE_WARNED:
        _TYPED_STORAGE_WARNED.append(True)
        warnings.warn("TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be the "
                      "only storage class. This should only matter to you if you are using storages directly.  To "
                      "access UntypedStorage directly, use tensor.untyped_storage() instead of tensor.storage()",
                      UserWarning, stacklevel=3)


def _int_tuple(sizes, what: str) -> tuple:
    """as_strided's size or stride: a sequence of ints (a list, a tuple, a tg.Size)."""
    if isinstance(sizes, Tensor) or not isinstance(sizes, (list, tuple)) or not all(
            isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in sizes):
        raise TypeError(f"as_strided(): argument '{what}' must be a tuple of ints, got {sizes!r}")
    return tuple(int(n) for n in sizes)


def _is_view_of_a_leaf(t) -> bool:
    """Whether t is a view (of a view...) made by ops from a leaf tensor that requires grad."""
    from .autograd.function import Node, edge_source

    node = t.grad_fn
    while node is not None and node.is_view:
        source = node.edges[0]  # where the viewed tensor's gradient goes: a leaf, a node, or nowhere
        if source is None:
            return False
        if not isinstance(source, (Node, tuple)):
            return True
        node = edge_source(source)[0]
    return False


def _new_node(t, out):
    """`out`, or when a view op returned its input unchanged (squeeze with nothing to squeeze),
    a reshape of it to itself: the in-place op still gets a node of its own, as in PyTorch."""
    return _ops.Reshape.apply(t, t.shape) if out is t else out

