"""More of PyTorch's Tensor methods that move entries around, each composed from the ops of
tensor.py (so differentiable with no backward formula of its own) except `diagonal` (ops/diagonal.py):

    views       narrow, movedim/moveaxis, swapaxes/swapdims, broadcast_to, unflatten, diagonal,
                tensor_split, hsplit, vsplit, dsplit (they share memory with self, as in PyTorch)
    copies      fliplr, flipud, rot90, roll, diag, diag_embed, repeat_interleave, kron, cross
    trace

The scans and order statistics are in tensor_statistics.py. `Tensor` inherits these from
`ShapingMethods`; tensor.py fills in `Tensor` and `_ops` once they exist (as for tensor_math.py).
"""
from __future__ import annotations

import warnings

import numpy as np

from .errors import ShapeError

Tensor = _ops = None  # set by tensor.py


class ShapingMethods:
    """Views, copies that move entries, and splits (mixed into `Tensor`)."""

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
        if self.ndim == 0:  # dim 0 (or -1) of a 0-d tensor names the tensor itself: nothing moves
            return _ops.Permute.apply(self, ())
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
            # (IndexError, as PyTorch's: its dim2=-1 of the result is out of range for a 0-d input)
            raise IndexError("diag_embed: needs a tensor with at least 1 dim, got a 0-d tensor")
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
        if not self.numel():  # nothing to move; PyTorch does not check the dims then either
            return self.clone()
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


# ---- helpers ---------------------------------------------------------------------------------
def _dims_list(dims, ndim: int, op: str) -> list:
    dims = list(dims) if isinstance(dims, (tuple, list)) else [dims]
    return [_ops.normalize_dim(d, ndim, op) for d in dims]


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
