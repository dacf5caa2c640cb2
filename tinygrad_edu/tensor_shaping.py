"""More of PyTorch's Tensor methods for shape and reduction, each composed from the ops of
tensor.py (so differentiable with no backward formula of its own) except `diagonal` (ops/diagonal.py):

    views       narrow, movedim/moveaxis, swapaxes/swapdims, broadcast_to, unflatten, diagonal,
                tensor_split, hsplit, vsplit, dsplit (they share memory with self, as in PyTorch)
    copies      fliplr, flipud, rot90, roll, diag, diag_embed, repeat_interleave, kron, cross
    scans       cumprod, cummax, cummin, logcumsumexp, diff
    reductions  trace, median, nanmedian, mode, quantile, nanquantile, nanmean, nansum, aminmax,
                cov, corrcoef

`Tensor` inherits them from `ShapingMethods`; tensor.py fills in `Tensor` and `_ops` once they exist
(as for tensor_math.py).
"""
from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np

from . import errors as _errors
from .autograd.grad_mode import _state as _grad_state
from .errors import ShapeError

Tensor = _ops = None  # set by tensor.py


# ---- named tuples, with PyTorch's names (torch.return_types.cummax, ...) -------------------------
class cummax(NamedTuple):
    values: "Tensor"
    indices: "Tensor"


class cummin(NamedTuple):
    values: "Tensor"
    indices: "Tensor"


class median(NamedTuple):
    values: "Tensor"
    indices: "Tensor"


class nanmedian(NamedTuple):
    values: "Tensor"
    indices: "Tensor"


class mode(NamedTuple):
    values: "Tensor"
    indices: "Tensor"


class aminmax(NamedTuple):
    min: "Tensor"
    max: "Tensor"


_RETURN_TYPES = {"cummax": cummax, "cummin": cummin, "median": median, "nanmedian": nanmedian}
_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


class ShapingMethods:
    """Views, joins and splits, scans and order statistics (mixed into `Tensor`)."""

    # ---- views ----------------------------------------------------------------------------
    def narrow(self, dim: int, start, length: int) -> "Tensor":
        """The `length` entries from `start` along `dim` (a view): `self[..., start:start+length]`."""
        if self.ndim == 0:
            raise RuntimeError("narrow: cannot be applied to a 0-d tensor (it has no dim to narrow)")
        axis = _ops.normalize_dim(dim, self.ndim, "narrow")
        start, length, size = int(start), int(length), self.shape[axis]
        if not -size <= start <= size:
            raise IndexError(f"narrow: start {start} is out of range for dim {dim} of size {size} "
                             f"(expected a start from {-size} to {size})")
        start = start + size if start < 0 else start
        if length < 0:
            raise RuntimeError(f"narrow: length must be non-negative, got {length}")
        if start + length > size:
            raise RuntimeError(f"narrow: start ({start}) + length ({length}) exceeds the size of dim "
                               f"{dim} ({size}), shape {self.shape}")
        return self[(slice(None),) * axis + (slice(start, start + length),)]

    def movedim(self, source, destination) -> "Tensor":
        """The dims `source` moved to the places `destination` (ints or tuples), the other dims
        keeping their order (a view, like permute)."""
        src = _dims_list(source, self.ndim, "movedim")
        dst = _dims_list(destination, self.ndim, "movedim")
        if len(src) != len(dst):
            raise RuntimeError(f"movedim: source {source} and destination {destination} must have the "
                               f"same number of dims")
        if len(set(src)) != len(src) or len(set(dst)) != len(dst):
            raise RuntimeError(f"movedim: repeated dim in source {source} or destination {destination}")
        order = [None] * self.ndim
        for s, d in zip(src, dst):
            order[d] = s
        rest = iter(a for a in range(self.ndim) if a not in src)
        order = [next(rest) if a is None else a for a in order]
        return _ops.Permute.apply(self, tuple(order))

    def moveaxis(self, source, destination) -> "Tensor":
        """numpy's name for `movedim`."""
        return self.movedim(source, destination)

    def swapaxes(self, axis0: int, axis1: int) -> "Tensor":
        """numpy's name for `transpose(axis0, axis1)`."""
        return self.transpose(axis0, axis1)

    def swapdims(self, dim0: int, dim1: int) -> "Tensor":
        """Another name for `transpose(dim0, dim1)`."""
        return self.transpose(dim0, dim1)

    def broadcast_to(self, shape) -> "Tensor":
        """This tensor broadcast to `shape` without copying (a view): `expand(shape)`."""
        return self.expand(tuple(shape) if isinstance(shape, (tuple, list)) else (shape,))

    def unflatten(self, dim: int, sizes) -> "Tensor":
        """Dim `dim` split into dims of `sizes` (one of them may be -1): the inverse of flatten.
        `tg.zeros(2, 12).unflatten(1, (3, 4))` has shape (2, 3, 4)."""
        axis = _ops.normalize_dim(dim, self.ndim, "unflatten")
        sizes = tuple(int(n) for n in sizes)
        if not sizes:
            raise RuntimeError("unflatten: sizes must be non-empty")
        known = int(np.prod([n for n in sizes if n != -1]))
        length = self.shape[axis]
        if sizes.count(-1) > 1 or (-1 not in sizes and known != length) or (
                -1 in sizes and (known == 0 or length % known)):
            raise RuntimeError(f"unflatten: sizes {list(sizes)} don't multiply up to the size of dim {dim} "
                               f"({length}) of the tensor of shape {self.shape}")
        if -1 in sizes:
            sizes = tuple(length // known if n == -1 else n for n in sizes)
        return self.reshape(self.shape[:axis] + sizes + self.shape[axis + 1:])

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> "Tensor":
        """The entries [i, i + offset] of dims (dim1, dim2), as the last dim of a view (writing
        into it changes self, as in PyTorch: `x.diagonal().fill_(0)`)."""
        d1 = _ops.normalize_dim(dim1, self.ndim, "diagonal")  # (a tensor with < 2 dims: IndexError, as PyTorch)
        d2 = _ops.normalize_dim(dim2, self.ndim, "diagonal")
        if d1 == d2:
            raise RuntimeError(f"diagonal: the two dims cannot be the same, got dim1={dim1}, dim2={dim2}")
        out = _ops.Diagonal.apply(self, int(offset), d1, d2)
        if {d1, d2} == {self.ndim - 2, self.ndim - 1} and out._version_counter is not None:
            # self[rows, cols] reads the same numbers in the same layout, so an in-place op on this
            # view is written back into self as a setitem (see Tensor._in_place_on_view)
            index = _ops.diagonal_index(self.shape, int(offset), d1, d2)
            out._view_of = (self, index, out._version_counter[0])
        return out

    def diag(self, diagonal: int = 0) -> "Tensor":
        """A 1-D tensor: the square matrix with it on diagonal `diagonal`; a matrix: its diagonal
        `diagonal` as a vector (a copy)."""
        if self.ndim == 1:
            return self.diag_embed(diagonal)
        if self.ndim == 2:
            return self.diagonal(diagonal).clone()
        raise RuntimeError(f"diag: expects a 1-D or 2-D tensor, got shape {self.shape}")

    def diag_embed(self, offset: int = 0, dim1: int = -2, dim2: int = -1) -> "Tensor":
        """Each vector along the last dim put on diagonal `offset` of a new square matrix in
        dims (dim1, dim2) of the result, zeros elsewhere: (..., n) -> (..., n+|offset|, n+|offset|)."""
        if self.ndim == 0:
            raise RuntimeError("diag_embed: needs a tensor with at least 1 dim, got a 0-d tensor")
        d1 = _ops.normalize_dim(dim1, self.ndim + 1, "diag_embed")
        d2 = _ops.normalize_dim(dim2, self.ndim + 1, "diag_embed")
        if d1 == d2:
            raise RuntimeError(f"diag_embed: the two dims cannot be the same, got dim1={dim1}, dim2={dim2}")
        offset, n = int(offset), self.shape[-1]
        size = n + abs(offset)
        shape = self.shape[:-1] + (size, size)
        index = _ops.diagonal_index(shape, offset, self.ndim - 1, self.ndim)
        square = _ops.IndexAdd.apply(self, index, shape)
        return square.movedim((-2, -1), (d1, d2))

    def trace(self) -> "Tensor":
        """The sum of the main diagonal of a matrix (integers sum in int64)."""
        if self.ndim != 2:
            raise RuntimeError(f"trace: expects a matrix (2-D), got shape {self.shape}")
        return self.diagonal().sum()

    # ---- copies that move entries ------------------------------------------------------------
    def fliplr(self) -> "Tensor":
        """Columns in reverse order (dim 1), a copy."""
        if self.ndim < 2:
            raise RuntimeError(f"fliplr: the input must have at least 2 dims, got shape {self.shape}")
        return self.flip(1)

    def flipud(self) -> "Tensor":
        """Rows in reverse order (dim 0), a copy."""
        if self.ndim < 1:
            raise RuntimeError("flipud: the input must have at least 1 dim, got a 0-d tensor")
        return self.flip(0)

    def rot90(self, k: int = 1, dims=(0, 1)) -> "Tensor":
        """Rotated by 90° k times in the plane of `dims`, from the first dim towards the second."""
        dims = tuple(dims)
        if len(dims) != 2:
            raise RuntimeError(f"rot90: expects 2 rotation dims, got dims={dims}")
        if self.ndim < 2:
            raise RuntimeError(f"rot90: expects a tensor with at least 2 dims, got shape {self.shape}")
        a, b = (_ops.normalize_dim(d, self.ndim, "rot90") for d in dims)
        if a == b:
            raise RuntimeError(f"rot90: the rotation dims must be different, got dims={dims}")
        k = int(k) % 4
        if k == 1:
            return self.flip(b).transpose(a, b)
        if k == 2:
            return self.flip(a, b)
        if k == 3:
            return self.flip(a).transpose(a, b)
        return self.clone()

    def roll(self, shifts, dims=None) -> "Tensor":
        """Entries shifted by `shifts` along `dims`, those pushed off the end coming back at the
        start; with no dims, over the flattened tensor (then put back in shape). A copy."""
        shifts = tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,)
        if dims is None:
            if len(shifts) != 1:
                raise RuntimeError(f"roll: without dims, shifts must be one number, got {shifts}")
            return self.flatten().roll(shifts, 0).reshape(self.shape)
        dims = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
        if len(shifts) != len(dims):
            raise RuntimeError(f"roll: shifts {shifts} and dims {dims} must have the same length")
        out = self
        for shift, dim in zip(shifts, dims):
            axis = _ops.normalize_dim(dim, self.ndim, "roll")
            n = self.shape[axis]
            positions = (np.arange(n) - int(shift)) % n if n else np.arange(0)
            out = out[(slice(None),) * axis + (positions,)]  # (an index array copies)
        return out if out is not self else self.clone()

    def repeat_interleave(self, repeats=None, dim: int | None = None, *, output_size: int | None = None) -> "Tensor":
        """Each entry repeated `repeats` times (an int, or one count per entry along `dim`), in
        place: [1, 2].repeat_interleave(2) is [1, 1, 2, 2]. Without dim, over the flattened tensor."""
        if repeats is None:  # tg.repeat_interleave(counts): the positions 0, 1, ... each repeated
            return _repeat_positions(self, output_size)
        x = self.flatten() if dim is None else self
        axis = 0 if dim is None else _ops.normalize_dim(dim, self.ndim, "repeat_interleave")
        if not x.ndim:
            x = x.reshape(1)
        n = x.shape[axis]
        counts = repeats.data if isinstance(repeats, Tensor) else np.asarray(repeats)
        if counts.dtype.kind not in "iu" or counts.ndim > 1:
            raise RuntimeError(f"repeat_interleave: repeats must be an int or a 0-d/1-D integer tensor, "
                               f"got {repeats!r}")
        if counts.ndim == 1 and counts.size not in (1, n):
            raise RuntimeError(f"repeat_interleave: repeats has {counts.size} counts but dim {axis} "
                               f"has {n} entries (shape {self.shape})")
        if (counts < 0).any():
            raise RuntimeError(f"repeat_interleave: repeats can not be negative, got {counts.tolist()}")
        positions = np.repeat(np.arange(n), counts.reshape(-1) if counts.size == n else int(counts.reshape(-1)[0]))
        if output_size is not None and output_size != positions.size:
            raise RuntimeError(f"repeat_interleave: output_size {output_size} does not match the "
                               f"number of repeated entries ({positions.size})")
        return x[(slice(None),) * axis + (positions,)]

    def kron(self, other) -> "Tensor":
        """The Kronecker product: block (i, j, ...) of the result is self[i, j, ...] * other.
        Shapes (a₀, a₁...) and (b₀, b₁...) give (a₀b₀, a₁b₁, ...) (the shorter padded with 1s)."""
        if not isinstance(other, Tensor):
            raise TypeError(f"kron: other must be a Tensor, got {type(other).__name__}")
        nd = max(self.ndim, other.ndim)
        a_shape = (1,) * (nd - self.ndim) + self.shape
        b_shape = (1,) * (nd - other.ndim) + other.shape
        a = self.reshape(tuple(d for n in a_shape for d in (n, 1)))
        b = other.reshape(tuple(d for n in b_shape for d in (1, n)))
        return (a * b).reshape(tuple(m * n for m, n in zip(a_shape, b_shape)))

    def cross(self, other, dim: int | None = None) -> "Tensor":
        """The cross product of 3-vectors along `dim` (both tensors broadcast). Without dim, the
        first dim of size 3 (deprecated in PyTorch, which warns, as here)."""
        other = other if isinstance(other, Tensor) else Tensor(other)
        if self.ndim != other.ndim:
            raise RuntimeError(f"cross: the inputs must have the same number of dims, got shapes "
                               f"{self.shape} and {other.shape}")
        try:
            shape = np.broadcast_shapes(self.shape, other.shape)
        except ValueError:
            raise ShapeError(f"cross: shapes {self.shape} and {other.shape} cannot be broadcast together") from None
        if dim is None:
            warnings.warn("cross: using cross without specifying dim is deprecated in PyTorch (it takes the "
                          "first dim of size 3); pass dim explicitly", UserWarning, stacklevel=2)
            if 3 not in shape:
                raise RuntimeError(f"cross: no dim of size 3 in the inputs of shapes {self.shape} and {other.shape}")
            dim = shape.index(3)
        axis = _ops.normalize_dim(dim, len(shape), "cross")
        if self.shape[axis] != 3 or other.shape[axis] != 3:
            raise RuntimeError(f"cross: dim {dim} must have length 3, got {self.shape[axis]} and "
                               f"{other.shape[axis]} (shapes {self.shape} and {other.shape})")
        lead = (slice(None),) * axis
        a = [self[lead + (i,)] for i in range(3)]
        b = [other[lead + (i,)] for i in range(3)]
        from .functions import stack

        return stack([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]], axis)

    # ---- splitting ---------------------------------------------------------------------------
    def tensor_split(self, indices_or_sections, dim: int = 0) -> tuple:
        """Views cut along `dim`: into n near-equal parts (the first n % size parts one longer),
        or before each of the given indices."""
        if self.ndim == 0:
            raise RuntimeError("tensor_split: expects a tensor with at least 1 dim, got a 0-d tensor")
        axis = _ops.normalize_dim(dim, self.ndim, "tensor_split")
        size = self.shape[axis]
        cuts = indices_or_sections
        if isinstance(cuts, Tensor):
            if cuts.data.dtype.kind not in "iu" or cuts.ndim > 1:
                raise RuntimeError(f"tensor_split: a tensor of indices_or_sections must be a 0-d or 1-D "
                                   f"integer tensor, got dtype {cuts.dtype} and shape {cuts.shape}")
            cuts = int(cuts.data) if cuts.ndim == 0 else cuts.data.tolist()
        if isinstance(cuts, (int, np.integer)) and not isinstance(cuts, bool):
            sections = int(cuts)
            if sections <= 0:
                raise RuntimeError(f"tensor_split: the number of sections must be larger than 0, got {sections}")
            small, extra = divmod(size, sections)
            lengths = [small + 1] * extra + [small] * (sections - extra)
            cuts = np.cumsum(lengths)[:-1].tolist()
        bounds = [0] + [int(c) for c in cuts] + [size]
        lead = (slice(None),) * axis
        return tuple(self[lead + (slice(start, max(start, stop)),)]
                     for start, stop in zip(bounds, bounds[1:]))

    def hsplit(self, indices_or_sections) -> tuple:
        """`tensor_split` along dim 1 (dim 0 of a 1-D tensor); a number of sections must divide it."""
        if self.ndim == 0:
            raise RuntimeError("hsplit: needs a tensor with at least 1 dim, got a 0-d tensor")
        return self._split_even("hsplit", 0 if self.ndim == 1 else 1, indices_or_sections)

    def vsplit(self, indices_or_sections) -> tuple:
        """`tensor_split` along dim 0 of a tensor with at least 2 dims."""
        if self.ndim < 2:
            raise RuntimeError(f"vsplit: needs a tensor with at least 2 dims, got shape {self.shape}")
        return self._split_even("vsplit", 0, indices_or_sections)

    def dsplit(self, indices_or_sections) -> tuple:
        """`tensor_split` along dim 2 of a tensor with at least 3 dims."""
        if self.ndim < 3:
            raise RuntimeError(f"dsplit: needs a tensor with at least 3 dims, got shape {self.shape}")
        return self._split_even("dsplit", 2, indices_or_sections)

    def _split_even(self, op: str, axis: int, sections) -> tuple:
        if isinstance(sections, (int, np.integer)) and not isinstance(sections, bool):
            size = self.shape[axis]
            if sections <= 0 or size % sections:
                raise RuntimeError(f"{op}: cannot split dim {axis} of size {size} into {sections} equal "
                                   f"parts (shape {self.shape})")
        return self.tensor_split(sections, axis)

    # ---- scans -------------------------------------------------------------------------------
    def cumprod(self, dim: int, *, dtype=None) -> "Tensor":
        """Running product along `dim`: out[i] = x[0]·...·x[i]; integers multiply in int64. The
        gradient is exact also where x has zeros (as PyTorch's)."""
        x = self if dtype is None else self.to(dtype)
        if x.data.dtype.kind in "biu":
            x = x.to(np.int64)
        if not x.ndim:
            _ops.normalize_dim(dim, 0, "cumprod")
            return x.clone()
        axis = _ops.normalize_dim(dim, x.ndim, "cumprod")
        if not (x.requires_grad and _grad_state.enabled) and _grad_state.batching is None:
            return Tensor._make(np.cumprod(x.data, axis=axis), None, False)  # nothing to record
        # row i of an (n, n) stack is x with the entries after i replaced by 1; Prod multiplies
        # each row, and Prod's gradient (the product of the others) is exact where x has zeros
        n = x.shape[axis]
        moved = x.movedim(axis, -1)
        after = Tensor._make(np.triu(np.ones((n, n), dtype=bool), 1), None, False)
        rows = _ops.where(after, 1.0, moved.unsqueeze(-2))
        return _ops.Prod.apply(rows, (rows.ndim - 1,), False).movedim(-1, axis)

    def cummax(self, dim: int):
        """The running maximum along `dim` and where it was found: the named tuple
        (values, indices); a tie moves the index to the later element, NaN wins, as in PyTorch."""
        return self._cumulative_best(dim, "cummax", np.maximum)

    def cummin(self, dim: int):
        """The running minimum along `dim` and where it was found (see cummax)."""
        return self._cumulative_best(dim, "cummin", np.minimum)

    def _cumulative_best(self, dim: int, op: str, best):
        if not self.ndim:
            _ops.normalize_dim(dim, 0, op)
            return _RETURN_TYPES[op](self.clone(), Tensor._make(np.zeros((), np.int64), None, False))
        axis = _ops.normalize_dim(dim, self.ndim, op)
        data = self.data
        running = best.accumulate(data, axis=axis) if data.size else data
        new_best = data == running
        if data.dtype.kind == "f":
            new_best |= np.isnan(data)
        places = np.arange(self.shape[axis]).reshape((-1,) + (1,) * (self.ndim - axis - 1))
        indices = np.maximum.accumulate(np.where(new_best, places, 0), axis=axis) if data.size else \
            np.zeros(self.shape, np.int64)
        indices = Tensor._make(indices.astype(np.int64), None, False)
        return _RETURN_TYPES[op](self.gather(axis, indices), indices)

    def logcumsumexp(self, dim: int) -> "Tensor":
        """log(Σ_{j≤i} exp(x_j)) along `dim`, without overflow or underflow: a scan of pairwise
        log-add-exps over doubling distances (Hillis and Steele, "Data parallel algorithms", 1986)."""
        if self.data.dtype.kind != "f":
            raise _errors.NotImplementedForDtype(f"logcumsumexp: not implemented for dtype {self.dtype} "
                                                 f"(as in PyTorch); convert first, e.g. t.double()")
        if not self.ndim:
            _ops.normalize_dim(dim, 0, "logcumsumexp")
            return self.clone()
        axis = _ops.normalize_dim(dim, self.ndim, "logcumsumexp")
        out, n, step = self.movedim(axis, -1), self.shape[axis], 1
        while step < n:
            out = _ops.Cat.apply(out.ndim - 1, out[..., :step], _log_add_exp(out[..., step:], out[..., :-step]))
            step *= 2
        return out.movedim(-1, axis) if n > 1 else out.movedim(-1, axis).clone()

    def diff(self, n: int = 1, dim: int = -1, prepend=None, append=None) -> "Tensor":
        """The n-th forward difference along `dim`: out[i] = x[i+1] - x[i] (repeated n times),
        after joining `prepend` and `append` on either side; bools give x[i+1] != x[i]."""
        if self.ndim == 0:
            raise RuntimeError("diff: expects a tensor with at least 1 dim, got a 0-d tensor")
        if n < 0:
            raise RuntimeError(f"diff: the order n must be non-negative, got {n}")
        axis = _ops.normalize_dim(dim, self.ndim, "diff")
        parts = []
        for name, extra in (("prepend", prepend), (None, self), ("append", append)):
            if extra is None:
                continue
            extra = extra if isinstance(extra, Tensor) else Tensor(extra)
            if extra.ndim != self.ndim:
                raise RuntimeError(f"diff: {name} must have the same number of dims as the input, got "
                                   f"shapes {extra.shape} and {self.shape}")
            parts.append(extra)
        from .functions import cat

        x = cat(parts, axis) if len(parts) > 1 else self
        lead = (slice(None),) * axis
        for _ in range(n):
            later, earlier = x[lead + (slice(1, None),)], x[lead + (slice(None, -1),)]
            x = later != earlier if x.data.dtype.kind == "b" else later - earlier
        return x if n else x.clone()

    # ---- order statistics and reductions -----------------------------------------------------
    def median(self, dim: int | None = None, keepdim: bool = False):
        """No dim: the lower median of all the values (NaN if there is one). With dim: the named
        tuple (values, indices) along `dim`. The gradient goes to the element picked."""
        return self._middle(dim, keepdim, "median", ignore_nan=False)

    def nanmedian(self, dim: int | None = None, keepdim: bool = False):
        """`median` of the values that are not NaN (NaN only where all are)."""
        return self._middle(dim, keepdim, "nanmedian", ignore_nan=True)

    def _middle(self, dim, keepdim: bool, op: str, ignore_nan: bool):
        if dim is None:
            flat = self.reshape(-1)
            if not flat.shape[0]:
                dtype = self.data.dtype if self.data.dtype.kind == "f" else np.float64
                nan = Tensor._make(np.asarray(np.nan, dtype), None, False)
                return flat.sum() + nan if flat.requires_grad else nan  # (connected to self, as PyTorch's)
            index = _median_positions(flat.data, 0, ignore_nan)
            return flat[index.reshape(1)].reshape(())
        if not self.ndim:
            _ops.normalize_dim(dim, 0, op)
            return _RETURN_TYPES[op](self.clone(), Tensor._make(np.zeros((), np.int64), None, False))
        axis = _ops.normalize_dim(dim, self.ndim, op)
        if not self.shape[axis]:
            raise IndexError(f"{op}: cannot reduce over dim {dim}, which is empty (shape {self.shape})")
        indices = Tensor._make(_median_positions(self.data, axis, ignore_nan), None, False)
        values = self.gather(axis, indices)
        if not keepdim:
            values, indices = values.squeeze(axis), indices.squeeze(axis)
        return _RETURN_TYPES[op](values, indices)

    def mode(self, dim: int = -1, keepdim: bool = False):
        """The most frequent value along `dim` (the smallest of equally frequent ones) and the
        index of its last occurrence: the named tuple (values, indices)."""
        if not self.ndim:
            _ops.normalize_dim(dim, 0, "mode")
            return mode(self.clone(), Tensor._make(np.zeros((), np.int64), None, False))
        axis = _ops.normalize_dim(dim, self.ndim, "mode")
        if not self.shape[axis]:
            raise IndexError(f"mode: cannot reduce over dim {dim}, which is empty (shape {self.shape})")
        rows = np.moveaxis(self.data, axis, -1)
        counts = (rows[..., :, None] == rows[..., None, :]).sum(-1)  # how often each entry's value occurs
        frequent = counts == counts.max(-1, keepdims=True)
        if rows.dtype.kind == "f":
            value = np.where(frequent, rows, np.inf).min(-1, keepdims=True)
        else:
            value = np.where(frequent, rows, rows.max()).min(-1, keepdims=True)
        n = rows.shape[-1]
        last = n - 1 - np.argmax((rows == value)[..., ::-1], axis=-1)
        indices = Tensor._make(np.expand_dims(last.astype(np.int64), axis), None, False)
        values = self.gather(axis, indices)
        if not keepdim:
            values, indices = values.squeeze(axis), indices.squeeze(axis)
        return mode(values, indices)

    def quantile(self, q, dim: int | None = None, keepdim: bool = False, *,
                 interpolation: str = "linear") -> "Tensor":
        """The q-th quantiles along `dim` (all values when None): for a sorted row v of n values,
        rank r = q·(n - 1) and, linearly, v[⌊r⌋] + (r - ⌊r⌋)·(v[⌈r⌉] - v[⌊r⌋]). A 1-D tensor q gives
        the quantiles along a new first dim. NaN in a row makes its quantiles NaN."""
        return self._quantile(q, dim, keepdim, interpolation, "quantile", ignore_nan=False)

    def nanquantile(self, q, dim: int | None = None, keepdim: bool = False, *,
                    interpolation: str = "linear") -> "Tensor":
        """`quantile` of the values that are not NaN."""
        return self._quantile(q, dim, keepdim, interpolation, "nanquantile", ignore_nan=True)

    def _quantile(self, q, dim, keepdim: bool, interpolation: str, op: str, ignore_nan: bool) -> "Tensor":
        if self.data.dtype.kind != "f":
            raise RuntimeError(f"{op}: the input must be a float tensor, got dtype {self.dtype}")
        if interpolation not in _INTERPOLATIONS:
            raise RuntimeError(f"{op}: interpolation must be one of {', '.join(_INTERPOLATIONS)}; "
                               f"got {interpolation!r}")
        if isinstance(q, Tensor):
            if q.ndim > 1:
                raise RuntimeError(f"{op}: q must be a number or a 1-D tensor, got shape {q.shape}")
            if q.dtype != self.dtype:
                raise RuntimeError(f"{op}: q must have the input's dtype {self.dtype}, got {q.dtype}")
            qs, many = q.data.reshape(-1).astype(np.float64), q.ndim == 1
        else:
            qs, many = np.asarray([float(q)]), False
        if ((qs < 0) | (qs > 1) | np.isnan(qs)).any():
            raise RuntimeError(f"{op}: q must be in the range [0, 1], got {qs.tolist() if many else qs[0]}")
        if self.data.size == 0:
            raise RuntimeError(f"{op}: the input must be non-empty, got shape {self.shape}")
        if dim is None or not self.ndim:
            if dim is not None:
                _ops.normalize_dim(dim, 0, op)
            rows, kept = self.reshape(1, -1), (1,) * self.ndim
        else:
            axis = _ops.normalize_dim(dim, self.ndim, op)
            rows = self.movedim(axis, -1)
            kept = self.shape[:axis] + (1,) + self.shape[axis + 1:]
        n = rows.shape[-1]
        ordered = rows.sort(-1).values  # NaN last
        nans = np.isnan(rows.data).sum(-1, keepdims=True)
        if ignore_nan:
            ranks = qs * np.maximum(n - nans - 1, 0)
            ranks = np.where(nans == n, n - 1, ranks)  # all NaN: the result is NaN
        else:
            ranks = np.where(nans > 0, n - 1, qs * (n - 1))
        below, above = np.floor(ranks), np.ceil(ranks)
        if interpolation == "lower":
            above = below
        elif interpolation == "higher":
            below = above
        elif interpolation == "nearest":
            below = above = np.round(ranks)  # (halves to even, as PyTorch's round)
        weights = np.full(ranks.shape, 0.5) if interpolation == "midpoint" else ranks - below
        low = ordered.gather(-1, below.astype(np.int64))
        high = ordered.gather(-1, above.astype(np.int64))
        out = low + (high - low) * Tensor._make(weights.astype(self.data.dtype), None, False)
        if dim is None or not self.ndim:
            out = out.reshape((len(qs),) + (kept if keepdim else ()))
        else:
            out = (out.unsqueeze(axis) if keepdim else out).movedim(-1, 0)
        return out if many else out.squeeze(0)

    def nanmean(self, dim=None, keepdim: bool = False, *, dtype=None) -> "Tensor":
        """The mean of the values that are not NaN (NaN where there are none)."""
        x = self if dtype is None else self.to(dtype)
        if x.data.dtype.kind != "f":
            raise _errors.ArgumentDtypeError(f"nanmean: needs a floating point tensor, got dtype {x.dtype}")
        axes = _ops.normalize_dims(dim, x.ndim, "nanmean")
        present = ~x.isnan()
        with np.errstate(invalid="ignore"):  # no values at all: 0 / 0 = nan, as PyTorch, without a warning
            return x.nansum(axes, keepdim) / present.sum(axes, keepdim)

    def nansum(self, dim=None, keepdim: bool = False, *, dtype=None) -> "Tensor":
        """The sum of the values that are not NaN (NaN counts as 0)."""
        x = self if dtype is None else self.to(dtype)
        axes = _ops.normalize_dims(dim, x.ndim, "nansum")
        if x.data.dtype.kind == "f":
            x = _ops.where(x.isnan(), 0.0, x)
        return x.sum(axes, keepdim)

    def aminmax(self, *, dim: int | None = None, keepdim: bool = False):
        """The named tuple (min, max) of `amin` and `amax` (ties share the gradient)."""
        if dim is not None and (not isinstance(dim, int) or isinstance(dim, bool)):
            raise TypeError(f"aminmax: dim must be an int or None, got {dim!r}")
        if self.data.size == 0 and (dim is None or not self.ndim or
                                    not self.shape[_ops.normalize_dim(dim, self.ndim, "aminmax")]):
            raise _errors.EmptyReductionError(f"aminmax: cannot reduce the empty tensor of shape {self.shape} "
                                              f"(it has no smallest or largest element)")
        if dim is None:
            low, high = self.amin(None), self.amax(None)
            if keepdim:
                low, high = low.reshape((1,) * self.ndim), high.reshape((1,) * self.ndim)
            return aminmax(low, high)
        return aminmax(self.amin(dim, keepdim), self.amax(dim, keepdim))

    def cov(self, *, correction: int = 1, fweights=None, aweights=None) -> "Tensor":
        """The covariance matrix of the variables in the rows (observations in the columns):
        Σ_k w_k (x_ik - x̄_i)(x_jk - x̄_j) / (Σ w - correction); a single variable gives a 0-d tensor.
        `fweights` (integer counts) and `aweights` (float importances) weigh the observations."""
        if self.ndim > 2:
            raise RuntimeError(f"cov: expects a tensor with at most 2 dims, got shape {self.shape}")
        x = (self if self.ndim == 2 else self.reshape(1, -1))._as_float()
        observations = x.shape[1]
        weights = _observation_weights(fweights, aweights, observations, x.dtype)
        if weights is None:
            total = observations
            mean = x.mean(1, keepdim=True)
            divisor = total - correction
        else:
            total = weights.sum()
            mean = (x * weights).sum(1, keepdim=True) / total
            if correction == 0:
                divisor = total
            elif aweights is None:
                divisor = total - correction
            else:
                divisor = total - correction * (weights * _tensor_of(aweights, x.dtype)).sum() / total
        if float(divisor if isinstance(divisor, (int, float)) else divisor.item()) <= 0:
            warnings.warn("cov: the degrees of freedom are <= 0 (too few observations for this correction)",
                          UserWarning, stacklevel=2)
            divisor = 0.0 * (divisor if isinstance(divisor, Tensor) else 1.0)
        centered = x - mean
        weighted = centered if weights is None else centered * weights
        return (centered.matmul(weighted.transpose(0, 1)) / divisor).squeeze()

    def corrcoef(self) -> "Tensor":
        """Pearson's correlation coefficients of the variables in the rows: cov[i, j] divided by
        √(cov[i, i]·cov[j, j]), clipped to [-1, 1]."""
        c = self.cov()
        if c.ndim == 0:
            return c / c
        spread = c.diagonal().sqrt()
        return (c / spread.unsqueeze(1) / spread.unsqueeze(0)).clamp(-1.0, 1.0)


# ---- helpers ---------------------------------------------------------------------------------
def _dims_list(dims, ndim: int, op: str) -> list:
    dims = list(dims) if isinstance(dims, (tuple, list)) else [dims]
    return [_ops.normalize_dim(d, ndim, op) for d in dims]


def _log_add_exp(a: "Tensor", b: "Tensor") -> "Tensor":
    """log(exp(a) + exp(b)), as tg.logaddexp computes it (tensor_pointwise.py): exact derivatives
    also where a = b, and the infinities as PyTorch."""
    from .tensor_pointwise import _log_add

    return _log_add(a, b, lambda d: d.exp().log1p())


def _median_positions(data: np.ndarray, axis: int, ignore_nan: bool) -> np.ndarray:
    """For each row along `axis`, the index of the lower median (kept as a size-1 dim): element
    (k - 1) // 2 of the k values in stable sorted order; without `ignore_nan` a row with a NaN
    gives the index of its first NaN."""
    order = np.argsort(data, axis=axis, kind="stable")  # NaN last
    nans = np.isnan(data) if data.dtype.kind == "f" else np.zeros(data.shape, bool)
    count = data.shape[axis] - nans.sum(axis, keepdims=True) if ignore_nan else np.full(
        np.sum(nans, axis, keepdims=True).shape, data.shape[axis])
    middle = np.maximum(count - 1, 0) // 2
    index = np.take_along_axis(order, middle, axis)
    if not ignore_nan:
        index = np.where(nans.any(axis, keepdims=True), np.argmax(nans, axis, keepdims=True), index)
    return index.astype(np.int64)


def _repeat_positions(counts: "Tensor", output_size) -> "Tensor":
    """`tg.repeat_interleave(counts)`: 0 repeated counts[0] times, 1 counts[1] times, ..."""
    if counts.data.dtype.kind not in "iu" or counts.ndim > 1:
        raise RuntimeError(f"repeat_interleave: repeats must be a 0-d or 1-D integer tensor, got dtype "
                           f"{counts.dtype} and shape {counts.shape}")
    if (counts.data < 0).any():
        raise RuntimeError(f"repeat_interleave: repeats can not be negative, got {counts.tolist()}")
    out = np.repeat(np.arange(counts.data.size), counts.data.reshape(-1)).astype(np.int64)
    if output_size is not None and output_size != out.size:
        raise RuntimeError(f"repeat_interleave: output_size {output_size} does not match the number of "
                           f"repeated entries ({out.size})")
    return Tensor._make(out, None, False)


def _tensor_of(values, dtype) -> "Tensor":
    values = values if isinstance(values, Tensor) else Tensor(values)
    return values.to(dtype)


def _observation_weights(fweights, aweights, observations: int, dtype):
    """cov's per-observation weights fweights·aweights (None when neither is given), checked."""
    weights = None
    for name, given, kind in (("fweights", fweights, "iu"), ("aweights", aweights, "f")):
        if given is None:
            continue
        given = given if isinstance(given, Tensor) else Tensor(given)
        if given.ndim > 1:
            raise RuntimeError(f"cov: {name} must be a scalar or 1-D tensor, got shape {given.shape}")
        if given.numel() != observations:
            raise RuntimeError(f"cov: {name} must have one weight per observation ({observations}), "
                               f"got {given.numel()}")
        if given.data.dtype.kind not in kind:
            raise RuntimeError(f"cov: {name} must be {'integral' if kind == 'iu' else 'floating point'}, "
                               f"got dtype {given.dtype}")
        if (given.data < 0).any():
            raise RuntimeError(f"cov: {name} cannot be negative, got {given.tolist()}")
        given = given.reshape(-1).to(dtype)
        weights = given if weights is None else weights * given
    return weights
