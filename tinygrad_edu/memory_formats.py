"""`tg.memory_format`, PyTorch's `torch.memory_format`: the order in which a dense tensor's
elements lie in memory. A layout changes only the strides (where each element lies), never the
shape or the values: numpy computes with any strides, so every op gives the same numbers.

- `tg.contiguous_format`: row-major ("C order"): the last dim changes fastest.
- `tg.channels_last`: a 4-D (N, C, H, W) tensor stored as N, H, W, C ("NHWC"), the channels of
  one pixel side by side: the strides of `np.empty((N, H, W, C)).transpose(0, 3, 1, 2)`.
- `tg.channels_last_3d`: the same for a 5-D (N, C, D, H, W) tensor, stored as N, D, H, W, C.
- `tg.preserve_format`: keep the input's layout -- the default of `clone`, `to` and the `*_like`
  functions. A tensor whose elements fill one block of memory without gaps or overlaps (dense
  and non-overlapping) keeps its strides exactly; any other (a slice with steps, an expanded
  tensor) gets the dense strides that keep the order of its dims in memory.

The rules are PyTorch's (c10's TensorImpl and MemoryFormat.h, ATen's empty_like and
infer_dense_strides), named where each is used. Further reading: PyTorch documentation, "Tensor
Attributes: torch.memory_format"; V. Fedyunin, "Channels Last Memory Format in PyTorch",
PyTorch tutorials, 2020.

>>> import tinygrad_edu as tg
>>> x = tg.empty(2, 3, 4, 5, memory_format=tg.channels_last)
>>> x.shape, x.stride(), x.is_contiguous(), x.is_contiguous(memory_format=tg.channels_last)
((2, 3, 4, 5), (60, 1, 15, 3), False, True)
"""
from __future__ import annotations

import numpy as np

from .layouts import NamedConstant


class memory_format(NamedConstant):  # noqa: N801 (PyTorch's name: torch.memory_format)
    """One memory format, compared by identity: `fmt is tg.channels_last`."""

    __slots__ = ()


contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
preserve_format = memory_format("preserve_format")

__all__ = ["memory_format", "contiguous_format", "channels_last", "channels_last_3d", "preserve_format"]

# the rank each channels-last format needs, and its dims from the innermost out (C, then W, H, ..., N)
_RANK = {channels_last: 4, channels_last_3d: 5}
_INNER_FIRST = {channels_last: (1, 3, 2, 0), channels_last_3d: (1, 4, 3, 2, 0)}


def as_format(value, op: str, default: memory_format | None = None) -> memory_format:
    """`value` checked to be a memory format; None means `default` where the op allows None."""
    if value is None and default is not None:
        return default
    if not isinstance(value, memory_format):
        raise TypeError(f"{op}(): argument 'memory_format' must be tinygrad_edu.memory_format (e.g. "
                        f"tg.channels_last), not {type(value).__name__}")
    return value


# ---- the strides of a format -------------------------------------------------------------------
def contiguous_strides(shape: tuple) -> tuple:
    """Row-major strides in elements: each dim's stride is the product of the sizes after it (a
    size 0 counted as 1, as PyTorch counts it)."""
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def channels_last_strides(shape: tuple) -> tuple:
    """c10's get_channels_last_strides_2d/3d: C innermost (stride 1), then W, H (and D), N
    outermost, each stride the product of the sizes inside it (sizes as they are: a size 0 makes
    the strides outside it 0)."""
    strides = [0] * len(shape)
    strides[1], step = 1, shape[1]
    for d in reversed(range(2, len(shape))):
        strides[d] = step
        step *= shape[d]
    strides[0] = step
    return tuple(strides)


def check_rank(shape: tuple, fmt: memory_format, op: str) -> None:
    """channels_last fits only 4-D tensors, channels_last_3d only 5-D ones: RuntimeError otherwise."""
    rank = _RANK.get(fmt)
    if rank is not None and len(shape) != rank:
        raise RuntimeError(f"{op}: required rank {rank} tensor to use {fmt.name} format, but the tensor has "
                           f"{len(shape)} dims (shape {tuple(shape)})")


def format_strides(shape: tuple, fmt: memory_format, op: str) -> tuple:
    """The strides of a new `shape` tensor in format `fmt` (not preserve_format: that needs a
    tensor to preserve)."""
    if fmt is contiguous_format:
        return contiguous_strides(shape)
    if fmt is preserve_format:
        raise RuntimeError(f"{op}: unsupported memory format Preserve (preserve_format keeps an input tensor's "
                           f"layout; a new tensor has none to keep: use tg.contiguous_format)")
    check_rank(shape, fmt, op)
    return channels_last_strides(shape)


# ---- what a tensor's strides are -------------------------------------------------------------
def element_strides(array: np.ndarray) -> tuple:
    """An array's strides counted in elements, as PyTorch counts them (numpy counts bytes)."""
    return tuple(s // array.itemsize for s in array.strides)


def is_dense_in_order(shape: tuple, strides: tuple, inner_first) -> bool:
    """Whether walking the dims `inner_first` (innermost first), each stride is the product of
    the sizes inside it -- a dense layout in that order; size-1 dims may have any stride."""
    expected = 1
    for d in inner_first:
        if shape[d] == 1:
            continue
        if strides[d] != expected:
            return False
        expected *= shape[d]
    return True


def is_contiguous_as(shape: tuple, strides: tuple, fmt: memory_format) -> bool:
    """Tensor.is_contiguous(memory_format=fmt): c10's compute_contiguous (which preserve_format
    also asks) and compute_channels_last_contiguous_2d/3d (False for the wrong rank)."""
    if fmt is contiguous_format or fmt is preserve_format:
        return 0 in shape or is_dense_in_order(shape, strides, reversed(range(len(shape))))
    return len(shape) == _RANK[fmt] and is_dense_in_order(shape, strides, _INNER_FIRST[fmt])


def is_non_overlapping_and_dense(shape: tuple, strides: tuple) -> bool:
    """c10's compute_non_overlapping_and_dense: sorted by stride (dims of size 0 or 1 last, they
    take no room), the strides are 1, size, size·size, ... -- every place of one block of memory
    holds exactly one element, in some order of the dims."""
    if 0 in shape:
        return True
    dims = sorted((d for d in range(len(shape)) if shape[d] > 1), key=lambda d: strides[d])
    expected = 1
    for d in dims:
        if strides[d] != expected:
            return False
        expected *= shape[d]
    return True


def compare_dims(shape: tuple, strides: tuple, a: int, b: int) -> int:
    """PyTorch's should_swap for dims a, b: 1 if a lies inside b in memory (a smaller stride),
    -1 if outside, 0 if it cannot tell (a stride 0, or equal strides and sizes in order)."""
    stride_a, stride_b = strides[a], strides[b]
    if stride_a == 0 or stride_b == 0:
        return 0
    if stride_a == stride_b:
        return 0 if shape[b] >= shape[a] else 1
    return -1 if stride_b > stride_a else 1


def physical_order(shape: tuple, strides: tuple) -> list:
    """The dims from the outermost to the innermost in memory, by PyTorch's insertion sort
    (ATen's infer_dense_strides and compute_elementwise_output_logical_to_physical_perm): it
    starts from row-major order and moves a dim only past dims it is known to lie inside, so
    stride-0 and tied dims keep their row-major places."""
    order = list(reversed(range(len(shape))))  # innermost first while sorting
    for i in range(1, len(order)):
        moving = i
        for j in reversed(range(i)):
            comparison = compare_dims(shape, strides, order[j], order[moving])
            if comparison > 0:
                order[j], order[moving] = order[moving], order[j]
                moving = j
            elif comparison < 0:
                break
    return order[::-1]


def dense_strides(shape: tuple, strides: tuple) -> tuple:
    """ATen's infer_dense_strides: dense strides with the dims in the same order in memory as
    `strides` put them (for a tensor with gaps or overlaps that is copied)."""
    out = [0] * len(shape)
    step = 1
    for d in reversed(physical_order(shape, strides)):
        out[d] = step
        step *= max(shape[d], 1)
    return tuple(out)


def preserved_strides(shape: tuple, strides: tuple) -> tuple:
    """The strides of a copy in preserve_format (ATen's empty_like): the same strides for a
    dense, non-overlapping tensor, else the dense strides in the same order."""
    return tuple(strides) if is_non_overlapping_and_dense(shape, strides) else dense_strides(shape, strides)


def _strides_like_channels_last(shape: tuple, strides: tuple, fmt: memory_format) -> bool:
    """c10's is_channels_last_strides_2d_s4 / 3d_s5: the strides grow from C over W, H (D) to N,
    with size-1 dims placed as a contiguous tensor would place them (the ambiguous cases count as
    contiguous, PyTorch's default)."""
    if strides[1] == 0:
        return False
    least = 0
    for d in _INNER_FIRST[fmt]:
        if shape[d] == 0 or strides[d] < least:
            return False
        if d == 0 and least == strides[1]:
            return False
        least = strides[d] * (shape[d] if shape[d] > 1 else 1)
    return True


def suggested_format(shape: tuple, strides: tuple) -> memory_format:
    """c10's suggest_memory_format: channels_last (channels_last_3d) when a 4-D (5-D) tensor's
    strides look like it, else contiguous_format. `t.to(memory_format=f)` returns t itself when f
    is this."""
    for fmt in (channels_last, channels_last_3d):
        if len(shape) == _RANK[fmt] and _strides_like_channels_last(shape, strides, fmt):
            return fmt
    return contiguous_format


# ---- arrays in a layout ----------------------------------------------------------------------
def strided_zeros(shape: tuple, strides: tuple, dtype) -> np.ndarray:
    """Zeros of `shape` with the given element strides (dense, or with gaps) in new memory just
    large enough: 1 + Σ (size - 1)·stride elements."""
    dtype = np.dtype(dtype)
    extent = 0 if 0 in shape else 1 + sum((n - 1) * s for n, s in zip(shape, strides))
    memory = np.zeros(extent, dtype)
    return np.ndarray(shape, dtype, buffer=memory, strides=tuple(s * dtype.itemsize for s in strides))


def _plain(array: np.ndarray) -> bool:
    """Row-major with numpy's own strides, which are PyTorch's: then a row-major copy preserves
    the layout. (A size-1 dim of a view may have any stride; preserve_format keeps it.)"""
    # (an array that owns its memory, C-contiguous, has numpy's strides in every dim: no need to look)
    return array.flags.c_contiguous and (array.base is None or 1 not in array.shape)


def zeros_in_format(like: np.ndarray, dtype, fmt: memory_format, op: str) -> np.ndarray:
    """Zeros shaped like the array `like`, laid out as `fmt` says (preserve_format: as `like`)."""
    if like.size and (fmt is contiguous_format or fmt is preserve_format and _plain(like)):
        return np.zeros(like.shape, dtype)  # (the common case, at numpy's speed)
    if fmt is preserve_format:
        strides = preserved_strides(like.shape, element_strides(like))
    else:
        strides = format_strides(like.shape, fmt, op)
    return strided_zeros(like.shape, strides, dtype)


def copy_in_format(array: np.ndarray, dtype, fmt: memory_format = preserve_format) -> np.ndarray:
    """A copy of `array` converted to `dtype` and laid out as `fmt` says (preserve_format: as the
    array is). The forward of Clone and Cast (ops/copy.py); the caller checks the rank."""
    if type(array) is not np.ndarray:  # (a MetaArray has no values to lay out: it copies itself)
        return array.astype(dtype, copy=True)
    if array.size and (fmt is contiguous_format or fmt is preserve_format and _plain(array)):
        return array.astype(dtype, order="C")  # (the common case, at numpy's speed: Clone's and Cast's)
    out = zeros_in_format(array, dtype, fmt, "copy")
    np.copyto(out, array, casting="unsafe")
    return out
