"""More of PyTorch's Tensor methods for indexing, scatter and selection.

- writing at indices: `scatter`, `scatter_add`, `scatter_reduce`, `index_add`, `index_fill`,
  `index_copy`, `index_put`, `masked_scatter`, `put` (and their in-place forms `..._`);
- reading at indices: `take`, `take_along_dim`, `masked_select`;
- results whose shape depends on the values: `nonzero`, `argwhere`, `count_nonzero`, `unique`,
  `unique_consecutive`, `bincount`, `histc` (computed in functions_indexing.py, no gradient);
- memory attributes (`stride`, `nbytes`, `data_ptr`...), `retains_grad`, `detach_` and the
  in-place shape changes `squeeze_`, `unsqueeze_`, `transpose_`, `t_`.

Nothing here has a backward formula of its own: writing is `SetItem` (x[index] = v) or
`x + IndexAdd(v)` (zeros with v added at index, repeats accumulate), reading is `GetItem`, and
the reductions of `scatter_reduce` are built from those and `Prod` -- so every gradient,
and the gradient of every gradient, comes from ops/index.py. The index checks follow PyTorch's,
op by op (which ops wrap negative indices, and which exception an index out of range raises).

`Tensor` inherits them from `IndexingMethods`; tensor.py fills in `Tensor` and `_ops` once they exist
(as for tensor_math.py).
"""
from __future__ import annotations

import numpy as np

from . import errors as _errors
from .autograd.grad_mode import _state as _grad_state

Tensor = _ops = None  # set by tensor.py

_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


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


def _same_dtype(self, other, op: str, what: str) -> None:
    if other.data.dtype != self.data.dtype:
        raise RuntimeError(f"{op}: self and {what} must have the same dtype, got {self.dtype} and {other.dtype}")


class IndexingMethods:
    """Scatter, index_*, take, masked_select/scatter, selection and memory attributes (mixed into `Tensor`)."""

    # ---- scatter: out[..., index[i][j], ...] = src[i][j] along `dim` ------------------------
    def _scatter_plan(self, dim: int, index, src, op: str):
        """(grids, src_part): the integer index that scatter writes through (index's numbers along
        `dim`, the positions of its elements along the other dims) and the part of `src` that it
        writes (src's leading index.shape block; src may be larger, as in PyTorch)."""
        positions = _index_array(index, op)
        src_tensor = _is_tensor_source(src)
        if positions.ndim != self.ndim:
            raise RuntimeError(f"{op}: index must have as many dimensions as self, got index of shape "
                               f"{positions.shape} and self of shape {self.shape}")
        axis = _ops.normalize_dim(dim, self.ndim, op)
        if src_tensor and src.ndim != self.ndim:
            raise RuntimeError(f"{op}: src must have as many dimensions as self, got src of shape "
                               f"{src.shape} and self of shape {self.shape}")
        for d, n in enumerate(positions.shape):
            too_big = (d != axis and n > self.shape[d]) or (src_tensor and n > src.shape[d])
            if too_big:
                src_text = f" and src of shape {src.shape}" if src_tensor else ""
                raise RuntimeError(f"{op}: index of shape {positions.shape} is larger than self of shape "
                                   f"{self.shape} in dim {d} (dims other than dim={dim} may not be larger)"
                                   f"{src_text}")
        positions = _check_range(positions, self.shape[axis], axis, op, negative_ok=False)
        grids = list(np.indices(positions.shape, sparse=True))
        grids[axis] = positions
        grids = tuple(np.broadcast_to(g, positions.shape) for g in grids)
        if src_tensor and src.shape != positions.shape:
            src = src[tuple(slice(0, n) for n in positions.shape)]
        return grids, src

    def _on_vector(self, dim: int, index, source, method, op: str) -> "Tensor":
        """A 0-d self: `method` on it as a vector of one element (index and source too), the
        result made 0-d again -- so the ops above need no 0-d cases of their own."""
        _ops.normalize_dim(dim, 0, op)
        positions = _index_array(index, op)
        if _is_tensor_source(source) and source.numel() != max(positions.size, 1) and source.ndim:
            raise RuntimeError(f"{op}: for a 0-d self, source must have one element per index, got "
                               f"source of shape {source.shape} and index of shape {positions.shape}")
        one = Tensor._make(positions.reshape(-1), None, False)
        if _is_tensor_source(source):
            source = source.reshape(-1)
        return method(self.reshape(1), one, source).reshape(())

    def _scatter_source(self, src, value, op: str):
        if src is None and value is None:
            raise TypeError(f"{op}: give src (a tensor) or value (a number)")
        if src is not None and value is not None:
            raise TypeError(f"{op}: give src or value, not both")
        source = src if src is not None else value
        if isinstance(source, Tensor):
            _same_dtype(self, source, op, "src")
            return source
        if isinstance(source, np.ndarray):
            return self._scatter_source(Tensor(source), None, op)
        # a number is converted to self's dtype first (0.8 into an int tensor is 0, as in PyTorch),
        # and lifted as a Number: one value for every place the index names
        return self._lift(np.asarray(source).astype(self.data.dtype).item())

    def scatter(self, dim: int, index: "Tensor", src=None, *, value=None, reduce: str | None = None) -> "Tensor":
        """A copy of self with src's elements written at `index` along `dim`: for dim = 0,
        out[index[i][j]][j] = src[i][j] (src may also be a number, `value`). With `reduce='add'`
        or `'multiply'` the elements are added to / multiplied into self instead (PyTorch gives
        no gradient there; here it is the gradient of scatter_reduce 'sum' / 'prod').

        Where `index` names one place twice, which element lands there is unspecified (as in
        PyTorch); the gradient of src goes to every element, grad.gather(dim, index).

        >>> import tinygrad_edu as tg
        >>> tg.zeros(2, 3).scatter(0, tg.tensor([[1, 0, 1]]), tg.tensor([[1.0, 2.0, 3.0]]))
        tensor([[0., 2., 0.],
                [1., 0., 3.]])
        """
        source = self._scatter_source(src, value, "scatter")
        if reduce is not None:
            if reduce not in ("add", "multiply"):
                raise RuntimeError(f"scatter: reduce must be 'add' or 'multiply', got {reduce!r}")
            if not _is_tensor_source(source):  # a number: one per index element
                source = source.expand(tuple(_index_array(index, "scatter").shape))
            return self.scatter_reduce(dim, index, source, "sum" if reduce == "add" else "prod")
        if not self.ndim:
            return self._on_vector(dim, index, source, lambda s, i, v: s.scatter(0, i, v), "scatter")
        grids, part = self._scatter_plan(dim, index, source, "scatter")
        return _ops.SetItem.apply(self, grids, part)

    def scatter_(self, dim: int, index: "Tensor", src=None, *, value=None, reduce: str | None = None) -> "Tensor":
        """In-place `scatter`."""
        source = self._scatter_source(src, value, "scatter_")
        return self._in_place("scatter_", lambda old: old.scatter(dim, index, source, reduce=reduce),
                              source if isinstance(source, Tensor) else None)

    def scatter_add(self, dim: int, index: "Tensor", src: "Tensor") -> "Tensor":
        """self with src's elements added at `index` along `dim` (repeats add up):
        out[index[i][j]][j] += src[i][j] for dim = 0. ∂/∂self = grad, ∂/∂src = grad.gather(dim, index)."""
        src = self._scatter_source(src, None, "scatter_add")
        if not self.ndim:
            return self._on_vector(dim, index, src, lambda s, i, v: s.scatter_add(0, i, v), "scatter_add")
        grids, part = self._scatter_plan(dim, index, src, "scatter_add")
        return self + _ops.IndexAdd.apply(part, grids, self.shape)

    def scatter_add_(self, dim: int, index: "Tensor", src: "Tensor") -> "Tensor":
        """In-place `scatter_add`."""
        src = self._scatter_source(src, None, "scatter_add_")
        return self._in_place("scatter_add_", lambda old: old.scatter_add(dim, index, src), src)

    def scatter_reduce(self, dim: int, index: "Tensor", src: "Tensor", reduce: str, *,
                       include_self: bool = True) -> "Tensor":
        """Reduce src's elements into self at `index` along `dim`: `reduce` is 'sum', 'prod',
        'mean', 'amax' or 'amin'; `include_self=False` leaves self's own value out of the
        reduction wherever something is scattered. Gradients as PyTorch's: amax/amin share the
        gradient evenly between the elements equal to the result; prod's is the product of the
        others (exact with zeros); mean's is grad / count."""
        if reduce not in _REDUCTIONS:
            raise RuntimeError(f"scatter_reduce: reduce must be one of {', '.join(_REDUCTIONS)}, got {reduce!r}")
        src = self._scatter_source(src, None, "scatter_reduce")
        if not self.ndim:
            return self._on_vector(dim, index, src, lambda s, i, v: s.scatter_reduce(
                0, i, v, reduce, include_self=include_self), "scatter_reduce")
        grids, part = self._scatter_plan(dim, index, src, "scatter_reduce")
        shape = self.shape
        hit = np.zeros(shape, dtype=bool)
        hit[grids] = True
        counts = np.zeros(shape, dtype=np.int64)
        np.add.at(counts, grids, 1)
        floats = self.data.dtype.kind == "f"
        if reduce in ("sum", "mean"):
            base = self if include_self else self.masked_fill(Tensor._make(hit, None, False), 0)
            total = base + _ops.IndexAdd.apply(part, grids, shape)
            if reduce == "sum":
                return total
            count = np.maximum(counts + (1 if include_self else 0), 1)
            if not floats:  # integers: rounded down, as in PyTorch
                return Tensor._make(np.floor_divide(total.data, count).astype(self.data.dtype), None, False)
            return total / Tensor._make(count.astype(self.data.dtype), None, False)
        if reduce == "prod":
            base = self if include_self else self.masked_fill(Tensor._make(hit, None, False), 1)
            return (base * _scattered_product(part, grids, shape, self.data.dtype))._cast(self.data.dtype)
        return _scattered_extreme(self, part, grids, hit, reduce, include_self)

    def scatter_reduce_(self, dim: int, index: "Tensor", src: "Tensor", reduce: str, *,
                        include_self: bool = True) -> "Tensor":
        """In-place `scatter_reduce`."""
        src = self._scatter_source(src, None, "scatter_reduce_")
        return self._in_place("scatter_reduce_", lambda old: old.scatter_reduce(
            dim, index, src, reduce, include_self=include_self), src)

    # ---- index_*: whole slices along `dim`, at the positions of a 1-D index --------------
    def _slice_key(self, dim: int, index, op: str, negative_ok: bool, error: type = RuntimeError):
        """(key, axis, positions): `self[key]` is the slices at `index` along `dim`."""
        positions = _index_array(index, op)
        if positions.ndim > 1:
            raise IndexError(f"{op}: index must be a vector (0-d or 1-D), got shape {positions.shape}")
        positions = positions.reshape(-1)
        axis = _ops.normalize_dim(dim, self.ndim, op)
        positions = _check_range(positions, self.shape[axis], axis, op, negative_ok, error)
        return (slice(None),) * axis + (positions,), axis, positions

    def _check_source(self, source, axis: int, n: int, op: str) -> "Tensor":
        if not isinstance(source, Tensor):
            raise TypeError(f"{op}: source must be a Tensor, got {type(source).__name__}")
        _same_dtype(self, source, op, "source")
        expected = self.shape[:axis] + (n,) + self.shape[axis + 1:]
        if source.ndim == 0 and expected == (1,):
            return source.reshape(1)
        if source.shape != expected:
            raise RuntimeError(f"{op}: source of shape {source.shape} does not fit: for self of shape "
                               f"{self.shape} and an index of {n} positions along dim {axis} it must have "
                               f"shape {expected}")
        return source

    def index_add(self, dim: int, index: "Tensor", source: "Tensor", *, alpha=1) -> "Tensor":
        """self + alpha·source added at `index` along `dim` (repeated positions add up):
        out[:, index[i]] += alpha·source[:, i] for dim = 1."""
        if not self.ndim:
            return self._on_vector(dim, index, source, lambda s, i, v: s.index_add(0, i, v, alpha=alpha),
                                   "index_add")
        key, axis, positions = self._slice_key(dim, index, "index_add", negative_ok=False)
        source = self._check_source(source, axis, positions.size, "index_add")
        if self.data.dtype.kind != "f":  # no gradient here: alpha is taken in self's dtype, as in PyTorch
            alpha = np.asarray(alpha).astype(self.data.dtype)
            out = self.data.copy()
            np.add.at(out, key, (source.data * alpha).astype(self.data.dtype))
            return Tensor._make(out, None, False)
        added = source if alpha == 1 else source * alpha
        return self + _ops.IndexAdd.apply(added, key, self.shape)

    def index_add_(self, dim: int, index: "Tensor", source: "Tensor", *, alpha=1) -> "Tensor":
        """In-place `index_add`."""
        return self._in_place("index_add_", lambda old: old.index_add(dim, index, source, alpha=alpha),
                              source if isinstance(source, Tensor) else None)

    def index_fill(self, dim: int, index: "Tensor", value) -> "Tensor":
        """A copy of self with the slices at `index` along `dim` set to `value` (a number or a
        0-d tensor, which then gets the sum of their gradients)."""
        if not self.ndim:
            return self._on_vector(dim, index, None, lambda s, i, _: s.index_fill(0, i, value), "index_fill")
        key, _, positions = self._slice_key(dim, index, "index_fill", negative_ok=True, error=IndexError)
        if positions.size:  # filling twice is filling once (and counts once in the gradient)
            key = key[:-1] + (np.unique(positions),)
        if isinstance(value, Tensor):
            if value.ndim:
                raise RuntimeError(f"index_fill: value must be a number or a 0-d tensor, got a tensor of "
                                   f"shape {value.shape}")
            value = value._cast(self.data.dtype)
        else:
            value = self._lift(value)._cast(self.data.dtype)
        return _ops.SetItem.apply(self, key, value)

    def index_fill_(self, dim: int, index: "Tensor", value) -> "Tensor":
        """In-place `index_fill`."""
        return self._in_place("index_fill_", lambda old: old.index_fill(dim, index, value),
                              value if isinstance(value, Tensor) else None)

    def index_copy(self, dim: int, index: "Tensor", source: "Tensor") -> "Tensor":
        """A copy of self with the slices at `index` along `dim` replaced by source's:
        out[:, index[i]] = source[:, i] for dim = 1 (a repeated position gets one of them)."""
        if not self.ndim:
            return self._on_vector(dim, index, source, lambda s, i, v: s.index_copy(0, i, v), "index_copy")
        key, axis, positions = self._slice_key(dim, index, "index_copy", negative_ok=False, error=IndexError)
        source = self._check_source(source, axis, positions.size, "index_copy")
        return _ops.SetItem.apply(self, key, source)

    def index_copy_(self, dim: int, index: "Tensor", source: "Tensor") -> "Tensor":
        """In-place `index_copy`."""
        return self._in_place("index_copy_", lambda old: old.index_copy(dim, index, source),
                              source if isinstance(source, Tensor) else None)

    def index_put(self, indices, values: "Tensor", accumulate: bool = False) -> "Tensor":
        """`self[indices] = values` on a copy (`indices` a tuple of index tensors, as in
        `t[i, j]`); with `accumulate=True` values are added, and repeated positions add up."""
        if not isinstance(indices, (tuple, list)):
            raise TypeError(f"index_put: indices must be a tuple of tensors, got {type(indices).__name__}")
        if not isinstance(values, Tensor):
            raise TypeError(f"index_put: values must be a Tensor, got {type(values).__name__}")
        if values.data.dtype != self.data.dtype:
            raise RuntimeError(f"index_put: values must have self's dtype, got {values.dtype} for values "
                               f"and {self.dtype} for self")
        for i in indices:
            if not isinstance(i, Tensor):
                raise TypeError(f"index_put: each index must be a Tensor, got {type(i).__name__}")
        key = _ops.normalize_index(tuple(indices))
        _ops.check_index(self, key)
        selected = np.shape(self.data[key])
        try:
            np.broadcast_shapes(values.shape, selected)
            if len(values.shape) > len(selected):
                raise ValueError
        except ValueError:
            raise _errors.ShapeError(f"index_put: values of shape {values.shape} cannot be broadcast to the "
                                     f"shape {selected} selected by the indices") from None
        if not accumulate:
            return _ops.SetItem.apply(self, key, values)
        return self + _ops.IndexAdd.apply(values.expand(selected), key, self.shape)

    def index_put_(self, indices, values: "Tensor", accumulate: bool = False) -> "Tensor":
        """In-place `index_put`."""
        return self._in_place("index_put_", lambda old: old.index_put(indices, values, accumulate),
                              values if isinstance(values, Tensor) else None)

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
        try:
            shape = np.broadcast_shapes(self.shape, mask.shape)
        except ValueError:
            raise _errors.ShapeError(f"masked_scatter: the mask of shape {mask.shape} cannot be broadcast "
                                     f"with self of shape {self.shape}") from None
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
        try:
            shape = np.broadcast_shapes(self.shape, mask.shape)
        except ValueError:
            raise _errors.ShapeError(f"masked_select: the mask of shape {mask.shape} cannot be broadcast "
                                     f"with self of shape {self.shape}") from None
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
        if dim is None:
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
        root = self.data
        while isinstance(root.base, np.ndarray):
            root = root.base
        delta = self.data.__array_interface__["data"][0] - root.__array_interface__["data"][0]
        return int(delta // self.data.itemsize)

    def data_ptr(self) -> int:
        """The memory address of the first element."""
        return int(self.data.__array_interface__["data"][0])

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
        return self._reshape_in_place("squeeze_", lambda t: _new_node(t, t.squeeze(dim)))

    def unsqueeze_(self, dim: int) -> "Tensor":
        """In-place `unsqueeze`: insert a dim of size 1 at `dim`."""
        return self._reshape_in_place("unsqueeze_", lambda t: t.unsqueeze(dim))

    def transpose_(self, dim0: int, dim1: int) -> "Tensor":
        """In-place `transpose`: swap two dims."""
        return self._reshape_in_place("transpose_", lambda t: _new_node(t, t.transpose(dim0, dim1)))

    def t_(self) -> "Tensor":
        """In-place `t`: transpose a matrix (a tensor with fewer than 2 dims stays as it is)."""
        if self.ndim > 2:
            raise RuntimeError(f"t_: expects a tensor with at most 2 dimensions, got shape {self.shape}")
        return self.transpose_(0, 1) if self.ndim == 2 else self._reshape_in_place("t_", lambda t: _new_node(t, t))


def _is_tensor_source(src) -> bool:
    """A tensor given as src (not a number lifted to a 0-d tensor, which fills every place)."""
    from .tensor import Number

    return isinstance(src, Tensor) and not isinstance(src, Number)


def _new_node(t, out):
    """`out`, or when a view op returned its input unchanged (squeeze with nothing to squeeze),
    a reshape of it to itself: the in-place op still gets a node of its own, as in PyTorch."""
    return _ops.Reshape.apply(t, t.shape) if out is t else out


def _scattered_product(part, grids, shape: tuple, dtype) -> "Tensor":
    """Π of the src elements scattered to each place of `shape` (1 where none is), built from
    differentiable ops: the elements going to each place are laid out in a row of a
    (places, most per place) matrix padded with 1s, and `Prod` multiplies each row -- so the
    gradient is the product of the others, exact also with zeros."""
    places = int(np.prod(shape))
    flat = np.ravel_multi_index(tuple(np.asarray(g).reshape(-1) for g in grids), shape) if places else \
        np.zeros(0, np.int64)
    order = np.argsort(flat, kind="stable")
    sorted_places = flat[order]
    starts = np.searchsorted(sorted_places, sorted_places, side="left")
    slots = np.empty_like(flat)
    slots[order] = np.arange(flat.size) - starts
    width = int(slots.max()) + 1 if slots.size else 1
    laid = _ops.IndexAdd.apply(part.reshape(-1), (flat, slots), (places, width))
    filled = np.zeros((places, width), dtype=bool)
    filled[flat, slots] = True
    ones = Tensor._make(np.ones((), dtype), None, False)
    rows = _ops.Where.apply(Tensor._make(filled, None, False), laid, ones)
    return _ops.Prod.apply(rows, (1,), False).reshape(shape)


def _scattered_extreme(self, part, grids, hit: np.ndarray, reduce: str, include_self: bool) -> "Tensor":
    """scatter_reduce 'amax' / 'amin': the result r is found with numpy (np.maximum.at); the
    gradient is shared evenly between the elements equal to r, as in PyTorch. Written as
    (Σ of the tied elements) / (their count), which has value r and exactly that gradient."""
    pick = np.maximum if reduce == "amax" else np.minimum
    result = self.data.copy()
    if not include_self:
        if self.data.dtype.kind == "f":
            identity = -np.inf if reduce == "amax" else np.inf
        else:
            info = np.iinfo(self.data.dtype) if self.data.dtype.kind in "iu" else None
            identity = (info.min if reduce == "amax" else info.max) if info else reduce == "amin"
        result[hit] = identity
    pick.at(result, grids, part.data)
    if self.data.dtype.kind != "f":
        return Tensor._make(result, None, False)
    self_tie = (self.data == result) & (~hit if not include_self else True)
    src_tie = part.data == result[grids]
    count = self_tie.astype(np.int64)
    np.add.at(count, grids, src_tie)
    zero = Tensor._make(np.zeros((), self.data.dtype), None, False)
    kept_self = _ops.Where.apply(Tensor._make(np.asarray(self_tie), None, False), self, zero)
    kept_src = _ops.Where.apply(Tensor._make(src_tie, None, False), part, zero)
    total = kept_self + _ops.IndexAdd.apply(kept_src, grids, self.shape)
    return total / Tensor._make(np.maximum(count, 1).astype(self.data.dtype), None, False)
