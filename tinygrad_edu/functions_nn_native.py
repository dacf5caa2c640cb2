"""PyTorch's top-level `torch.X` names for nn functions, with aten's argument order:

    pixel_shuffle, channel_shuffle, pairwise_distance, ...   `F.X` under its top-level name
    convolution, conv_tbc                                    F.conv{1,2,3}d / conv_transpose*, time-first conv
    affine_grid_generator, grid_sampler(_2d, _3d)            F.affine_grid, F.grid_sample (modes as ints)
    native_batch_norm, native_layer_norm, native_group_norm  the output and the saved mean and 1/std
    native_dropout                                           (output, keep mask)
    norm_except_dim, batch_norm_update_stats                 the norms weight_norm and SyncBatchNorm use
    embedding_renorm_, clamp_, clamp_min_, clamp_max_, addmv_, as_strided_    in place

Nothing here has a backward formula of its own: each result is composed from differentiable ops,
so the gradients are theirs. The statistics returned next to a normalized output follow
Ioffe & Szegedy, "Batch normalization", 2015: mean μ and inverse standard deviation 1/√(σ² + ε),
σ² the biased variance.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .autograd.grad_mode import no_grad
from .linalg.norms import vector_norm
from .nn import functional as F
from .nn.functional.channel_dropout import _check_p
from .nn.functional.checks import check_float
from .out_argument import written_to
from .random import generator
from .tensor import Tensor

__all__: list[str] = []

_INTERPOLATION = {0: "bilinear", 1: "nearest", 2: "bicubic"}
_PADDING = {0: "zeros", 1: "border", 2: "reflection"}


def _export(function):
    __all__.append(function.__name__)
    return function


def _constant(array: np.ndarray) -> Tensor:
    return Tensor._make(array, None, False)


# ---- F's functions under their top-level names ------------------------------------------------
@_export
def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """`F.pixel_shuffle`: (*, C·r², H, W) -> (*, C, H·r, W·r)."""
    return F.pixel_shuffle(input, upscale_factor)


@_export
def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """`F.pixel_unshuffle`: (*, C, H·r, W·r) -> (*, C·r², H, W)."""
    return F.pixel_unshuffle(input, downscale_factor)


@_export
def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """`F.channel_shuffle`: channels (g, C/g) are read as (C/g, g)."""
    return F.channel_shuffle(input, groups)


@_export
def native_channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """`F.native_channel_shuffle`."""
    return F.native_channel_shuffle(input, groups)


@_export
def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """`F.pairwise_distance`: ‖x1 - x2 + eps‖_p along the last dim."""
    return F.pairwise_distance(x1, x2, p, eps, keepdim)


# ---- convolution ------------------------------------------------------------------------------
@_export
def convolution(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Sequence[int], padding: Sequence[int],
                dilation: Sequence[int], transposed: bool, output_padding: Sequence[int], groups: int) -> Tensor:
    """aten's one convolution entry: F.conv{1,2,3}d, or F.conv_transpose{1,2,3}d when `transposed`,
    the dimension read from weight (out, in/groups, *kernel).

    >>> import tinygrad_edu as tg
    >>> tg.convolution(tg.ones(1, 1, 3), tg.ones(1, 1, 2), None, [1], [0], [1], False, [0], 1)
    tensor([[[2., 2.]]])
    """
    if not isinstance(weight, Tensor) or weight.ndim not in (3, 4, 5):
        raise RuntimeError(f"convolution: weight must be a 3-D, 4-D or 5-D Tensor (out, in/groups, *kernel), "
                           f"got {getattr(weight, 'shape', type(weight).__name__)}")
    n = weight.ndim - 2
    if transposed:
        conv = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[n - 1]
        return conv(input, weight, bias, tuple(stride), tuple(padding), tuple(output_padding), groups, tuple(dilation))
    conv = (F.conv1d, F.conv2d, F.conv3d)[n - 1]
    return conv(input, weight, bias, tuple(stride), tuple(padding), tuple(dilation), groups)


@_export
def conv_tbc(input: Tensor, weight: Tensor, bias: Tensor, pad: int = 0) -> Tensor:
    """A 1-D convolution over time-first input (time, batch, in) with weight (kernel, in, out) and
    bias (out,), padded by `pad` steps at both ends: (time + 2·pad - kernel + 1, batch, out).
    (The layout of Gehring et al., "Convolutional sequence to sequence learning", 2017.)

    >>> import tinygrad_edu as tg
    >>> tg.conv_tbc(tg.ones(3, 1, 1), tg.ones(2, 1, 1), tg.zeros(1)).flatten()
    tensor([2., 2.])
    """
    for name, t, ndim in (("input", input, 3), ("weight", weight, 3), ("bias", bias, 1)):
        if not isinstance(t, Tensor) or t.ndim != ndim:
            raise RuntimeError(f"conv_tbc: {name} must be a {ndim}-D Tensor, got "
                               f"{getattr(t, 'shape', type(t).__name__)}")
    if input.shape[2] != weight.shape[1]:
        raise RuntimeError(f"conv_tbc: input has {input.shape[2]} channels (shape {input.shape}) but weight expects "
                           f"{weight.shape[1]} (shape {weight.shape})")
    if bias.shape[0] != weight.shape[2]:
        raise RuntimeError(f"conv_tbc: bias has {bias.shape[0]} values but weight has {weight.shape[2]} output "
                           f"channels")
    steps = input.shape[0] + 2 * pad - weight.shape[0] + 1
    if steps < 0:
        raise RuntimeError(f"conv_tbc: the input of {input.shape[0]} time steps (padding {pad}) is shorter than the "
                           f"kernel of {weight.shape[0]} by more than one step: the output would have {steps} steps")
    if steps == 0:  # (as PyTorch: an empty output, (0, batch, out), still a function of the three tensors)
        return input[:0] @ weight[0] + bias
    out = F.conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, 1, pad)  # (batch, out, time')
    return out.permute(2, 0, 1)


# ---- sampling grids ---------------------------------------------------------------------------
@_export
def affine_grid_generator(theta: Tensor, size: Sequence[int], align_corners: bool) -> Tensor:
    """`F.affine_grid(theta, size, align_corners)`."""
    return F.affine_grid(theta, list(size), align_corners)


def _mode(table: dict, value, what: str, op: str) -> str:
    if isinstance(value, bool) or value not in table:
        choices = ", ".join(f"{k} {v}" for k, v in table.items())
        raise RuntimeError(f"{op}: {what} must be one of {choices}; got {value!r}")
    return table[value]


@_export
def grid_sampler(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                 align_corners: bool) -> Tensor:
    """`F.grid_sample` with the modes as ints: interpolation 0 bilinear, 1 nearest, 2 bicubic;
    padding 0 zeros, 1 border, 2 reflection."""
    return F.grid_sample(input, grid, _mode(_INTERPOLATION, interpolation_mode, "interpolation_mode", "grid_sampler"),
                         _mode(_PADDING, padding_mode, "padding_mode", "grid_sampler"), align_corners)


def _grid_sampler_nd(input, grid, interpolation_mode, padding_mode, align_corners, ndim: int, op: str) -> Tensor:
    if not isinstance(input, Tensor) or input.ndim != ndim:
        raise RuntimeError(f"{op}: expected a {ndim}-D input, got {getattr(input, 'shape', type(input).__name__)}")
    return grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners)


@_export
def grid_sampler_2d(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                    align_corners: bool) -> Tensor:
    """`grid_sampler` for a 4-D input (N, C, H, W)."""
    return _grid_sampler_nd(input, grid, interpolation_mode, padding_mode, align_corners, 4, "grid_sampler_2d")


@_export
def grid_sampler_3d(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                    align_corners: bool) -> Tensor:
    """`grid_sampler` for a 5-D input (N, C, D, H, W)."""
    return _grid_sampler_nd(input, grid, interpolation_mode, padding_mode, align_corners, 5, "grid_sampler_3d")


# ---- normalization with its statistics --------------------------------------------------------
def _mean_and_rstd(x: Tensor, dims: tuple, eps: float, keepdim: bool) -> tuple[Tensor, Tensor]:
    """μ and 1/√(σ² + ε) over dims, σ² the biased variance."""
    mean = x.mean(dims, keepdim=keepdim)
    return mean, (x.var(dims, keepdim=keepdim, unbiased=False) + eps).rsqrt()


@_export
def native_batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None, running_mean: Tensor | None,
                      running_var: Tensor | None, training: bool, momentum: float, eps: float, *,
                      out: tuple | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """(F.batch_norm's output, save_mean, save_invstd). Training: the batch's per-channel mean and
    1/√(σ² + ε), shape (C,), and the running statistics are updated in place; evaluation: two
    empty tensors, shape (0,). `out=` a tuple of three tensors to write the results into.

    >>> import tinygrad_edu as tg
    >>> out, mean, invstd = tg.native_batch_norm(tg.tensor([[1.0], [3.0]]), None, None, None, None, True, 0.1, 0.0)
    >>> mean, invstd
    (tensor([2.]), tensor([1.]))
    """
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError("native_batch_norm: evaluation (training=False) needs running_mean and running_var")
    from .nn.functional.normalization import batch_norm_unchecked
    output = batch_norm_unchecked(input, running_mean, running_var, weight, bias, training, momentum, eps)
    if not training:
        empty = np.zeros(0, input.data.dtype)
        return written_to(out, "native_batch_norm", (output, _constant(empty), _constant(empty.copy())))
    dims = (0,) + tuple(range(2, input.ndim))
    # (save_mean and save_invstd do not require grad: PyTorch has no derivative for them)
    stats = _mean_and_rstd(input.detach(), dims, eps, keepdim=False)
    return written_to(out, "native_batch_norm", (output, *stats))


@_export
def native_layer_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None, bias: Tensor | None,
                      eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """(F.layer_norm's output, mean, rstd); mean and rstd keep the normalized dims as size 1:
    input.shape[:-k] + (1,)·k.

    >>> import tinygrad_edu as tg
    >>> tg.native_layer_norm(tg.tensor([[1.0, 3.0]]), [2], None, None, 0.0)[1:]
    (tensor([[2.]]), tensor([[1.]]))
    """
    normalized_shape = [normalized_shape] if isinstance(normalized_shape, int) else list(normalized_shape)
    out = F.layer_norm(input, normalized_shape, weight, bias, eps)
    dims = tuple(range(input.ndim - len(normalized_shape), input.ndim))
    # (mean and rstd do not require grad: PyTorch has no derivative for them)
    return (out, *_mean_and_rstd(input.detach(), dims, eps, keepdim=True))


@_export
def native_group_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None, N: int, C: int, HxW: int,
                      group: int, eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """(F.group_norm's output, mean, rstd), mean and rstd of shape (N, group). N, C and HxW
    (the product of the spatial sizes) must describe input.

    >>> import tinygrad_edu as tg
    >>> tg.native_group_norm(tg.tensor([[1.0, 3.0]]), None, None, 1, 2, 1, 1, 0.0)[1:]
    (tensor([[2.]]), tensor([[1.]]))
    """
    check_float(input, "native_group_norm")
    if input.numel() != N * C * HxW or input.ndim < 2 or tuple(input.shape[:2]) != (N, C):
        raise RuntimeError(f"native_group_norm: input of shape {input.shape} does not match N={N}, C={C}, "
                           f"HxW={HxW}")
    from .nn.functional.group_normalization import group_norm_unchecked
    out = group_norm_unchecked(input, group, weight, bias, eps)  # (a group of one value is allowed, as in PyTorch)
    return (out, *_mean_and_rstd(input.reshape(N, group, -1), (2,), eps, keepdim=False))


@_export
def native_dropout(input: Tensor, p: float, train: bool | None) -> tuple[Tensor, Tensor]:
    """(output, mask): while training (train True or None) each value is kept with probability
    1 - p (mask True) and scaled by 1/(1 - p); otherwise the output is a copy and the mask all True.

    >>> import tinygrad_edu as tg
    >>> tg.native_dropout(tg.ones(2), 0.5, False)
    (tensor([1., 1.]), tensor([True, True]))
    """
    _check_p(p, "native_dropout")
    if train is False:
        return input * 1, _constant(np.ones(input.shape, bool))
    keep = generator().random(input.shape) >= p if p < 1 else np.zeros(input.shape, bool)
    scale = keep / (1 - p) if p < 1 else np.zeros(input.shape)
    return input * _constant(scale.astype(input.data.dtype)), _constant(keep)


@_export
def norm_except_dim(v: Tensor, pow: float = 2, dim: int = 0) -> Tensor:
    """The p-norm of v over every dim but `dim`, kept as size-1 dims (weight_norm's ‖v‖,
    Salimans & Kingma, "Weight normalization", 2016); dim=-1: the norm of all of v (a scalar).

    >>> import tinygrad_edu as tg
    >>> tg.norm_except_dim(tg.tensor([[3.0, 0.0], [4.0, 1.0]]), 2, 1)
    tensor([[5., 1.]])
    """
    if dim == -1:
        return vector_norm(v, pow)
    if not -v.ndim <= dim < v.ndim:
        raise IndexError(f"norm_except_dim: dim {dim} is out of range for a {v.ndim}-D tensor")
    dim %= v.ndim
    return vector_norm(v, pow, tuple(d for d in range(v.ndim) if d != dim), keepdim=True)


@_export
def batch_norm_update_stats(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
                            momentum: float) -> tuple[Tensor, Tensor]:
    """The batch's per-channel (mean, biased variance), shape (C,), and the running statistics
    updated in place: r_mean ← (1 - m)·r_mean + m·mean, r_var ← (1 - m)·r_var + m·var·n/(n - 1).
    Not recorded by autograd (statistics, not part of the graph)."""
    check_float(input, "batch_norm_update_stats")
    if input.ndim < 2:
        raise RuntimeError(f"batch_norm_update_stats: expected input of shape (N, C, ...), got shape {input.shape}")
    dims = (0,) + tuple(range(2, input.ndim))
    n = math.prod(input.shape[d] for d in dims)
    with no_grad():
        mean, var = input.mean(dims), input.var(dims, unbiased=False)
        if running_mean is not None:
            running_mean.mul_(1 - momentum).add_(mean * momentum)
        if running_var is not None:
            running_var.mul_(1 - momentum).add_(var * (momentum * n / max(n - 1, 1)))
    return mean, var


# ---- in place ---------------------------------------------------------------------------------
@_export
def embedding_renorm_(input: Tensor, indices: Tensor, max_norm: float, norm_type: float) -> Tensor:
    """Rescale, in place and outside autograd, each row of `input` (num_embeddings, dim) named in
    `indices` whose norm_type-norm exceeds max_norm to the norm max_norm / (norm + 1e-7) · norm.
    Returns input (what F.embedding does with max_norm)."""
    if not isinstance(input, Tensor) or input.ndim != 2:
        raise RuntimeError(f"embedding_renorm_: input must be a 2-D Tensor (num_embeddings, dim), got "
                           f"{getattr(input, 'shape', type(input).__name__)}")
    idx = indices.data if isinstance(indices, Tensor) else np.asarray(indices)
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"embedding_renorm_: indices must be integers, got dtype {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() >= input.shape[0]):
        raise IndexError(f"embedding_renorm_: indices must be in 0..{input.shape[0] - 1}, got "
                         f"{int(idx.min())}..{int(idx.max())}")
    rows = np.unique(idx)
    norms = np.linalg.norm(input.data[rows], ord=norm_type, axis=1)
    too_long = norms > max_norm
    input.data[rows[too_long]] *= (max_norm / (norms[too_long] + 1e-7))[:, None].astype(input.data.dtype)
    return input


@_export
def clamp_(input: Tensor, min=None, max=None) -> Tensor:
    """`input.clamp_(min, max)`."""
    return input.clamp_(min, max)


@_export
def clamp_min_(input: Tensor, min) -> Tensor:
    """`input.clamp_min_(min)`."""
    return input.clamp_min_(min)


@_export
def clamp_max_(input: Tensor, max) -> Tensor:
    """`input.clamp_max_(max)`."""
    return input.clamp_max_(max)


@_export
def addmv_(input: Tensor, mat: Tensor, vec: Tensor, *, beta=1, alpha=1) -> Tensor:
    """`input.addmv_(mat, vec, beta=beta, alpha=alpha)`: input ← β·input + α·(mat @ vec)."""
    return input.addmv_(mat, vec, beta=beta, alpha=alpha)


@_export
def as_strided_(input: Tensor, size: Sequence[int], stride: Sequence[int], storage_offset: int | None = None) -> Tensor:
    """`input.as_strided_(size, stride, storage_offset)`."""
    return input.as_strided_(size, stride, storage_offset)
