"""Convolution and pooling over 1, 2 or 3 spatial dims, as PyTorch's conv1d/2d/3d, max_pool (with
return_indices), avg_pool and adaptive_avg_pool: the input is (N, C, L), (N, C, H, W) or
(N, C, D, H, W) (or without N).

A convolution is one op, `Convolution` (convolution_ops.py: im2col and one matrix product per
chunk of the batch, with its input and weight gradients as ops of their own):

    conv      out[n, o, p] = Σ_{c, k} x[n, c, p·stride + k·dilation - padding] · weight[o, c, k] + bias[o]

(LeCun et al., "Gradient-based learning applied to document recognition", 1998, for the layer).
Pooling is composed from ops that already differentiate (twice): the input is padded (`F.pad`),
every window the kernel visits is gathered with one integer index (each output position gets a
copy of the inputs under the kernel), and then

    max pool  out[n, c, p] = max_k windows[n, c, p, k]     (the gradient goes to the max returned)
    avg pool  out[n, c, p] = mean_k windows[n, c, p, k]
"""
from __future__ import annotations

import math

import numpy as np

from ...errors import ShapeError
from ...functions import stack
from ...tensor import Tensor
from .checks import check_float, check_same_dtype, check_tensor, constant
from .convolution_ops import Convolution, Geometry
from .shaping import pad as _pad


def _tuple(value, dims: int, op: str, what: str) -> tuple:
    """An int (the same for every spatial dim) or a tuple of `dims` ints, as a tuple."""
    values = (value,) * dims if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) != dims or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        raise ValueError(f"{op}: {what} must be an int or a tuple of {dims} ints, got {value!r}")
    return tuple(int(v) for v in values)


def _batched(input: Tensor, dims: int, op: str) -> tuple[Tensor, bool]:
    """(N, C, *spatial) -- an unbatched (C, *spatial) input gets N = 1, removed again at the end."""
    check_tensor(input, op)
    if input.ndim == dims + 1:
        return input.unsqueeze(0), True
    if input.ndim != dims + 2:
        raise RuntimeError(f"{op}: expected a {dims + 1}D (unbatched) or {dims + 2}D (batched) input, got "
                           f"shape {input.shape}")
    return input, False


def _out_size(size: int, k: int, stride: int, pad: int, dilation: int, ceil_mode: bool = False) -> int:
    span = dilation * (k - 1) + 1
    if ceil_mode:
        out = -(-(size + 2 * pad - span) // stride) + 1
        if (out - 1) * stride >= size + pad:  # the last window must start inside the input or the left pad
            out -= 1
        return out
    return (size + 2 * pad - span) // stride + 1


def _out_sizes(spatial: tuple, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple, op: str,
               ceil_mode: bool = False) -> tuple:
    """The number of kernel positions along each spatial dim; an error if one has none."""
    out = tuple(_out_size(n, k, s, p, d, ceil_mode)
                for n, k, s, p, d in zip(spatial, kernel, stride, padding, dilation))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"{op}: the input of spatial size {spatial} (padding {padding}) is smaller than the "
                           f"kernel {kernel} with dilation {dilation}: the output would have size {out}")
    return out


def windows(x: Tensor, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple, op: str,
            value: float = 0.0, ceil_mode: bool = False) -> Tensor:
    """x (N, C, *spatial) -> (N, C, *out, *kernel): the inputs under the kernel at every output
    position (padding filled with `value`), gathered with one integer index per spatial dim."""
    spatial = x.shape[2:]
    out = _out_sizes(spatial, kernel, stride, padding, dilation, op, ceil_mode)
    extra = [max(0, (o - 1) * s + d * (k - 1) + 1 - (n + 2 * p))  # ceil_mode may read past the right pad
             for o, s, d, k, n, p in zip(out, stride, dilation, kernel, spatial, padding)]
    amounts = []
    for p, e in zip(reversed(padding), reversed(extra)):  # F.pad takes the last dim first
        amounts += [p, p + e]
    if any(amounts):
        x = _pad(x, tuple(amounts), value=value)
    # window i of dim d reads positions i·stride + j·dilation, j = 0 .. kernel - 1
    return gather_windows(x, [np.arange(o)[:, None] * s + np.arange(k) * d
                              for o, s, k, d in zip(out, stride, kernel, dilation)])


def gather_windows(x: Tensor, positions: list) -> Tensor:
    """x (N, C, *spatial) and, per spatial dim, a table (out, K) of the input positions each
    window reads -> (N, C, *out, *K), gathered with one integer index per spatial dim."""
    dims = len(positions)
    index = [slice(None), slice(None)]
    for d, table in enumerate(positions):  # table's axes go to output axis d and kernel axis dims + d
        shape = [1] * (2 * dims)
        shape[d], shape[dims + d] = table.shape
        index.append(table.reshape(shape))
    return x[tuple(index)]


def _conv(input: Tensor, weight: Tensor, bias: Tensor | None, stride, padding, dilation, groups: int,
          dims: int, op: str) -> Tensor:
    check_float(input, op)
    x, unbatched = _batched(input, dims, op)
    if not isinstance(weight, Tensor) or weight.ndim != dims + 2:
        raise RuntimeError(f"{op}: weight must be a {dims + 2}D tensor (out_channels, in_channels / groups, "
                           f"*kernel), got {getattr(weight, 'shape', type(weight).__name__)}")
    O, C_g = weight.shape[:2]
    kernel = tuple(weight.shape[2:])
    C = x.shape[1]
    if not isinstance(groups, int) or groups <= 0 or C % groups or O % groups or C // groups != C_g:
        raise RuntimeError(f"{op}: input of shape {input.shape} with {C} channels and groups={groups} does not "
                           f"fit weight of shape {weight.shape} (the weight takes {C_g} input channels per "
                           f"group, so the input needs groups × {C_g} channels, and its {O} output channels must "
                           f"split evenly into groups)")
    stride = _tuple(stride, dims, op, "stride")
    dilation = _tuple(dilation, dims, op, "dilation")
    if isinstance(padding, str):
        if padding == "valid":
            padding = (0,) * dims
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError(f"{op}: padding='same' is not supported for strided convolutions")
            total = [d * (k - 1) for d, k in zip(dilation, kernel)]
            if any(t % 2 for t in total):  # uneven: PyTorch pads one more on the right
                x = _pad(x, tuple(a for t in reversed(total) for a in (t // 2, t - t // 2)))
                padding = (0,) * dims
            else:
                padding = tuple(t // 2 for t in total)
        else:
            raise ValueError(f"{op}: padding must be an int, a tuple, 'valid' or 'same', got {padding!r}")
    padding = _tuple(padding, dims, op, "padding")
    if bias is not None and bias.shape != (O,):
        raise RuntimeError(f"{op}: bias must have shape ({O},), one per output channel, got {bias.shape}")
    check_same_dtype(op, input=x, weight=weight, bias=bias)  # (PyTorch does not promote here either)
    if any(s <= 0 for s in stride) or any(d <= 0 for d in dilation) or any(p < 0 for p in padding):
        raise RuntimeError(f"{op}: stride and dilation must be positive and padding non-negative, got stride "
                           f"{stride}, dilation {dilation} and padding {padding}")
    out = _out_sizes(x.shape[2:], kernel, stride, padding, dilation, op)
    y = Convolution.apply(x, weight, bias, Geometry(stride, padding, dilation, groups), out)  # (N, O, *out)
    return y.squeeze(0) if unbatched else y


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> Tensor:
    """Cross-correlation of (N, C, L) with weight (O, C / groups, k): (N, O, L_out), PyTorch's conv1d.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.conv1d(tg.tensor([[[1.0, 2.0, 3.0, 4.0]]]), tg.tensor([[[1.0, -1.0]]]))
    tensor([[[-1., -1., -1.]]])
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> Tensor:
    """Cross-correlation of (N, C, H, W) with weight (O, C / groups, kh, kw): (N, O, H_out, W_out),
    H_out = ⌊(H + 2·padding - dilation·(kh - 1) - 1) / stride⌋ + 1, as PyTorch's conv2d.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.conv2d(tg.ones(1, 1, 3, 3), tg.ones(1, 1, 2, 2), padding=1).shape
    (1, 1, 4, 4)
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> Tensor:
    """Cross-correlation of (N, C, D, H, W) with weight (O, C / groups, kd, kh, kw):
    (N, O, D_out, H_out, W_out), each size as conv2d's, as PyTorch's conv3d (volumes, video).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.conv3d(tg.ones(1, 2, 4, 4, 4), tg.ones(3, 2, 2, 2, 2), stride=2).shape
    (1, 3, 2, 2, 2)
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


# ---- pooling ---------------------------------------------------------------------------------

def _pool_windows(input: Tensor, kernel_size, stride, padding, dilation, ceil_mode: bool, dims: int, op: str,
                  value: float) -> tuple:
    """(windows, unbatched, kernel, stride, padding, dilation): the windows of the input (pads
    filled with `value`) and the pooling geometry as tuples, stride defaulting to the kernel size."""
    check_float(input, op)
    x, unbatched = _batched(input, dims, op)
    kernel = _tuple(kernel_size, dims, op, "kernel_size")
    stride = kernel if stride is None or (not isinstance(stride, int) and len(stride) == 0) else \
        _tuple(stride, dims, op, "stride")
    padding = _tuple(padding, dims, op, "padding")
    dilation = _tuple(dilation, dims, op, "dilation")
    if any(2 * p > k for p, k in zip(padding, kernel)):
        raise RuntimeError(f"{op}: pad should be at most half of the effective kernel size, got padding "
                           f"{padding} for kernel {kernel}")
    w = windows(x, kernel, stride, padding, dilation, op, value, ceil_mode)
    return w, unbatched, kernel, stride, padding, dilation


def window_max(flat: Tensor) -> tuple:
    """(values, positions) of the largest element of each window (the last axis), as PyTorch's
    pooling kernels choose it: the first largest, but where a window holds nan, its last nan (the
    kernel moves to every nan it meets). The gradient goes to the element chosen."""
    values, best = flat.max(-1)  # (the first largest, and the first nan)
    has_nan = np.isnan(values.data)
    if not has_nan.any():
        return values, best
    last_nan = flat.shape[-1] - 1 - np.argmax(np.isnan(flat.data[..., ::-1]), axis=-1)
    best = constant(np.where(has_nan, last_nan, best.data))
    return flat.gather(-1, best.unsqueeze(-1)).squeeze(-1), best


def _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, dims, op):
    w, unbatched, kernel, stride, padding, dilation = _pool_windows(input, kernel_size, stride, padding, dilation,
                                                                    ceil_mode, dims, op, -np.inf)
    flat = w.reshape(w.shape[:2 + dims] + (math.prod(kernel),))
    values, best = window_max(flat)  # (the gradient goes to the element returned, as PyTorch)
    # A window whose max is -inf (all -inf, or only padding, as dilation and ceil_mode allow): PyTorch
    # names its first position at or after 0, the index it starts from -- flat.max chose a pad there.
    no_max = values.data == -np.inf
    if unbatched:
        values = values.squeeze(0)
    if not return_indices:
        return values
    spatial = input.shape[-dims:]
    offsets = np.unravel_index(best.data, kernel)  # where the max is inside its window, per spatial dim
    position = np.zeros(best.shape, dtype=np.int64)
    for d in range(dims):  # input index = window start + offset·dilation - padding; flattened per plane
        start = (np.arange(best.shape[2 + d]) * stride[d] - padding[d]).reshape([-1 if i == d else 1
                                                                               for i in range(dims)])
        first = np.where(start < 0, start + -(start // dilation[d]) * dilation[d], start)  # (start + k·dilation)
        position = position * spatial[d] + np.where(no_max, first, start + offsets[d] * dilation[d])
    indices = constant(position[0] if unbatched else position)
    return values, indices


def max_pool1d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """The largest value in each window of (N, C, L); with return_indices=True also where each
    one is (int64 positions in L, what max_unpool1d takes)."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 1, "max_pool1d")


def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """The largest value in each kernel_size window of (N, C, H, W); stride defaults to kernel_size.
    With return_indices=True, (values, indices): the flat position h·W + w of each max in its
    input plane (int64), as PyTorch's and as max_unpool2d takes them.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.max_pool2d(tg.arange(16.0).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    >>> F.max_pool2d(tg.arange(16.0).reshape(1, 1, 4, 4), 2, return_indices=True)[1]
    tensor([[[[ 5,  7],
              [13, 15]]]])
    """
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 2, "max_pool2d")


def max_pool3d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """The largest value in each window of (N, C, D, H, W); indices (return_indices=True) are flat
    positions d·H·W + h·W + w in each input volume."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 3, "max_pool3d")


def max_pool1d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple:
    """max_pool1d's (values, indices), whatever return_indices says (PyTorch's)."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, True, 1, "max_pool1d")


def max_pool2d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple:
    """max_pool2d's (values, indices), whatever return_indices says (PyTorch's)."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, True, 2, "max_pool2d")


def max_pool3d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple:
    """max_pool3d's (values, indices), whatever return_indices says (PyTorch's)."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, True, 3, "max_pool3d")


def _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, dims, op):
    w, unbatched, kernel, stride, padding, _ = _pool_windows(input, kernel_size, stride, padding, 1, ceil_mode,
                                                             dims, op, 0.0)
    axes = tuple(range(2 + dims, 2 + 2 * dims))
    if divisor_override is not None:
        out = w.sum(axes) / divisor_override
    elif count_include_pad and not ceil_mode:  # every window lies inside the padded input
        out = w.mean(axes)
    else:
        counts = _window_counts(input.shape[-dims:], w.shape[2:2 + dims], kernel, stride, padding,
                                count_include_pad)
        out = w.sum(axes) / constant(counts.astype(w.dtype))
    return out.squeeze(0) if unbatched else out


def _window_counts(spatial, out, kernel, stride, padding, include_pad: bool) -> np.ndarray:
    """How many elements each window averages: those of the input (and of the padding, with
    include_pad), not those past the padded edge that ceil_mode's last window reaches."""
    counts = np.ones(())
    for n, o, k, s, p in zip(spatial, out, kernel, stride, padding):
        starts = np.arange(o) * s - p
        low, high = (-p, n + p) if include_pad else (0, n)
        inside = np.clip(np.minimum(starts + k, high) - np.maximum(starts, low), 0, None)
        counts = counts[..., None] * inside
    return counts


def avg_pool1d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """The mean of each window of (N, C, L)."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, None, 1, "avg_pool1d")


def avg_pool2d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """The mean of each kernel_size window of (N, C, H, W) (padded zeros count, unless
    count_include_pad=False); stride defaults to kernel_size."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 2,
                     "avg_pool2d")


def avg_pool3d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """The mean of each kernel_size window of (N, C, D, H, W); as avg_pool2d, except that (as
    PyTorch's) each of D, H, W must be at least the kernel before padding."""
    kernel = (kernel_size,) * 3 if isinstance(kernel_size, (int, np.integer)) else tuple(kernel_size)
    if isinstance(input, Tensor) and input.ndim >= 3 and len(kernel) == 3 \
            and any(n < k for n, k in zip(input.shape[-3:], kernel)):
        raise ShapeError(f"avg_pool3d: the input's D, H, W {tuple(input.shape[-3:])} are smaller than the "
                         f"kernel {kernel}: each must be at least the kernel's size (before padding)")
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 3,
                     "avg_pool3d")


def adaptive_output_sizes(output_size, spatial: tuple, op: str) -> tuple:
    """One output size per spatial dim: an int for all, or a tuple in which None keeps that dim's
    size (2-D and 3-D only: as PyTorch's, a 1-D size and output_size itself must not be None)."""
    dims = len(spatial)
    if output_size is None:
        raise TypeError(f"{op}: output_size must be an int or a tuple of {dims} ints, got None")
    sizes = (output_size,) * dims if isinstance(output_size, (int, np.integer)) else tuple(output_size)
    if len(sizes) != dims:
        raise ShapeError(f"{op}: output_size must be an int or a tuple of {dims} ints, got {output_size!r}")
    if dims == 1 and sizes[0] is None:
        raise TypeError(f"{op}: output_size must be an int, got {output_size!r}")
    return tuple(n if s is None else int(s) for s, n in zip(sizes, spatial))


def _adaptive_avg_pool(input: Tensor, output_size, dims: int, op: str) -> Tensor:
    check_float(input, op)
    x, unbatched = _batched(input, dims, op)
    spatial = x.shape[2:]
    sizes = adaptive_output_sizes(output_size, spatial, op)
    out = x
    for d, (n, s) in enumerate(zip(spatial, sizes)):  # one spatial dim at a time: windows [⌊i·n/s⌋, ⌈(i+1)·n/s⌉)
        axis = 2 + d
        if s == 0:  # no windows: an empty axis (PyTorch allows it; its gradient is all zeros)
            out = out.narrow(axis, 0, 0)
            continue
        lead = (slice(None),) * axis
        pieces = [out[lead + (slice((i * n) // s, -(-((i + 1) * n) // s)),)].mean(axis) for i in range(s)]
        out = stack(pieces, axis)
    return out.squeeze(0) if unbatched else out


def adaptive_avg_pool1d(input: Tensor, output_size) -> Tensor:
    """Average pooling to a given output length L_out: window i covers [⌊i·L/L_out⌋, ⌈(i+1)·L/L_out⌉)."""
    return _adaptive_avg_pool(input, output_size, 1, "adaptive_avg_pool1d")


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    """Average pooling to a given output size (int or (H_out, W_out); None keeps that dim), as
    PyTorch's: `F.adaptive_avg_pool2d(x, 1)` is the mean over each channel's H×W."""
    return _adaptive_avg_pool(input, output_size, 2, "adaptive_avg_pool2d")


def adaptive_avg_pool3d(input: Tensor, output_size) -> Tensor:
    """Average pooling of (N, C, D, H, W) to a given output size (an int or (D_out, H_out, W_out),
    None keeping that dim)."""
    return _adaptive_avg_pool(input, output_size, 3, "adaptive_avg_pool3d")
