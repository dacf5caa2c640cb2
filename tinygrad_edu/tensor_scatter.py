"""More of PyTorch's Tensor methods that write along a dim at the positions of an index:

- `scatter`, `scatter_add`, `scatter_reduce` (out[..., index[i][j], ...] = src[i][j] along dim);
- `index_add`, `index_fill`, `index_copy`, `index_put` (whole slices at the positions of a 1-D index);
and their in-place forms `..._`.

Nothing here has a backward formula of its own: writing is `SetItem` (x[index] = v) or
`x + IndexAdd(v)` (zeros with v added at index, repeats accumulate), and the reductions of
`scatter_reduce` are built from those and `Prod` -- so every gradient, and the gradient of every
gradient, comes from ops/index.py. The index checks follow PyTorch's, op by op (which ops wrap
negative indices, and which exception an index out of range raises).

`Tensor` inherits them from `ScatterMethods`; tensor.py fills in `Tensor` and `_ops` once they
exist (as for tensor_math.py).
"""
from __future__ import annotations

import numpy as np

from . import errors as _errors
from .tensor_indexing import _check_range, _index_array, _same_dtype

Tensor = _ops = None  # set by tensor.py

_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


class ScatterMethods:
    """scatter, scatter_add, scatter_reduce and index_add/fill/copy/put (mixed into `Tensor`)."""

    # ---- scatter: out[..., index[i][j], ...] = src[i][j] along `dim` ------------------------
    def _scatter_plan(self, dim: int, index, src, op: str):
        """(grids, src_part): the integer index that scatter writes through (index's numbers along
        `dim`, the positions of its elements along the other dims) and the part of `src` that it
        writes (src's leading index.shape block; src may be larger, as in PyTorch)."""
        positions = _index_array(index, op)
        src_tensor = _is_tensor_source(src)
        if self.ndim == 1:  # PyTorch counts a 0-d index or src as 1-d here (one-hot: scatter_(0, y, value=1))
            positions = positions.reshape(-1)
            if src_tensor and src.ndim == 0:
                src = src.reshape(1)
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


def _is_tensor_source(src) -> bool:
    """A tensor given as src (not a number lifted to a 0-d tensor, which fills every place)."""
    from .tensor import Number

    return isinstance(src, Tensor) and not isinstance(src, Number)


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
    with np.errstate(invalid="ignore"):  # a nan in the reduction gives nan, without a warning
        pick.at(result, grids, part.data)
    if self.data.dtype.kind != "f":
        return Tensor._make(result, None, False)
    # a nan result (np.maximum/np.minimum propagate nan) ties with the nan elements that made it
    nan = np.isnan(result)
    self_tie = ((self.data == result) | (nan & np.isnan(self.data))) & (~hit if not include_self else True)
    src_tie = (part.data == result[grids]) | (nan[grids] & np.isnan(part.data))
    count = self_tie.astype(np.int64)
    np.add.at(count, grids, src_tie)
    zero = Tensor._make(np.zeros((), self.data.dtype), None, False)
    kept_self = _ops.Where.apply(Tensor._make(np.asarray(self_tie), None, False), self, zero)
    kept_src = _ops.Where.apply(Tensor._make(src_tie, None, False), part, zero)
    total = kept_self + _ops.IndexAdd.apply(kept_src, grids, self.shape)
    return total / Tensor._make(np.maximum(count, 1).astype(self.data.dtype), None, False)
