"""The pieces of synchronized batch normalization (PyTorch's nn.SyncBatchNorm), as the top-level
functions `torch.batch_norm_stats`, ... that it calls. Each worker holds a slice of the batch:

    batch_norm_stats            its per-channel mean μ_w and invstd 1/√(σ²_w + ε)   (C,) each
    batch_norm_gather_stats     the whole batch's μ and invstd from the workers' (W, C) statistics:
    (_with_counts)                  μ = Σ n_w μ_w / n,  σ² = Σ n_w (σ²_w + (μ_w - μ)²) / n,  n = Σ n_w
                                    and the running statistics updated in place (unbiased σ²)
    batch_norm_elemt            y = (x - μ) · invstd · weight + bias
    batch_norm_backward_reduce  per channel Σ dy and Σ dy·(x - μ), and the weight and bias gradients
    batch_norm_backward_elemt   dx = (dy - Σdy/n - (x - μ) · invstd² · Σdy(x - μ)/n) · invstd · weight

(the batch-norm gradient of Ioffe & Szegedy, "Batch normalization", 2015, with its two sums
gathered over all workers). PyTorch runs these on CUDA only; here they run on the CPU, composed
from differentiable ops. Also `native_norm`, which PyTorch has only for sparse tensors on the
CPU: here the dense vector norm.
"""
from __future__ import annotations

import numpy as np

from .linalg.norms import vector_norm
from .nn.functional.checks import check_float
from .tensor import Tensor

__all__ = ["batch_norm_stats", "batch_norm_elemt", "batch_norm_gather_stats", "batch_norm_gather_stats_with_counts",
           "batch_norm_backward_reduce", "batch_norm_backward_elemt", "native_norm"]


def _channel_dims(input: Tensor, op: str) -> tuple:
    check_float(input, op)
    if input.ndim < 2:
        raise RuntimeError(f"{op}: expected input of shape (N, C, ...), got shape {input.shape}")
    return (0,) + tuple(range(2, input.ndim))


def _per_channel(t: Tensor, input: Tensor) -> Tensor:
    """A (C,) tensor shaped to broadcast against input (N, C, ...)."""
    return t.reshape((1, -1) + (1,) * (input.ndim - 2))


def batch_norm_stats(input: Tensor, eps: float) -> tuple[Tensor, Tensor]:
    """(mean, invstd) per channel of input (N, C, ...), invstd = 1/√(σ² + eps), σ² biased.

    >>> import tinygrad_edu as tg
    >>> tg.batch_norm_stats(tg.tensor([[1.0], [3.0]]), 0.0)
    (tensor([2.]), tensor([1.]))
    """
    dims = _channel_dims(input, "batch_norm_stats")
    return input.mean(dims), (input.var(dims, unbiased=False) + eps).rsqrt()


def batch_norm_elemt(input: Tensor, weight: Tensor | None, bias: Tensor | None, mean: Tensor, invstd: Tensor,
                     eps: float) -> Tensor:
    """(input - mean) · invstd · weight + bias, per channel (eps is unused, as in PyTorch)."""
    _channel_dims(input, "batch_norm_elemt")
    out = (input - _per_channel(mean, input)) * _per_channel(invstd, input)
    if weight is not None:
        out = out * _per_channel(weight, input)
    return out if bias is None else out + _per_channel(bias, input)


def batch_norm_gather_stats_with_counts(input: Tensor, mean: Tensor, invstd: Tensor, running_mean: Tensor | None,
                                        running_var: Tensor | None, momentum: float, eps: float,
                                        counts: Tensor) -> tuple[Tensor, Tensor]:
    """The whole batch's (mean, invstd), shape (C,), from W workers' mean and invstd (W, C) and
    their value counts (W,); running_mean and running_var (if given) are updated in place with
    the unbiased variance. `input` only sets the dtype, as in PyTorch."""
    op = "batch_norm_gather_stats_with_counts"
    if mean.ndim != 2 or invstd.shape != mean.shape or counts.shape != (mean.shape[0],):
        raise RuntimeError(f"{op}: expected mean and invstd of shape (workers, C) and counts of shape (workers,), "
                           f"got {mean.shape}, {invstd.shape} and {counts.shape}")
    n_w = counts.to(input.dtype).reshape(-1, 1)
    n = n_w.sum(0)
    total_mean = (n_w * mean).sum(0) / n
    var_w = invstd.pow(-2) - eps  # each worker's biased σ², recovered from its invstd
    var = (n_w * (var_w + (mean - total_mean).pow(2))).sum(0) / n
    # (the running statistics are state, not part of the graph: updated on the arrays)
    if running_mean is not None:
        running_mean.data[...] = (1 - momentum) * running_mean.data + momentum * total_mean.data
    if running_var is not None:
        unbiased = var.data * n.data / np.maximum(n.data - 1, 1)
        running_var.data[...] = (1 - momentum) * running_var.data + momentum * unbiased
    return total_mean, (var + eps).rsqrt()


def batch_norm_gather_stats(input: Tensor, mean: Tensor, invstd: Tensor, running_mean: Tensor | None,
                            running_var: Tensor | None, momentum: float, eps: float,
                            count: int) -> tuple[Tensor, Tensor]:
    """`batch_norm_gather_stats_with_counts` with every worker counting `count` values."""
    counts = Tensor._make(np.full(mean.shape[0] if mean.ndim else 0, float(count)), None, False)
    return batch_norm_gather_stats_with_counts(input, mean, invstd, running_mean, running_var, momentum, eps,
                                               counts)


def batch_norm_backward_reduce(grad_out: Tensor, input: Tensor, mean: Tensor, invstd: Tensor, weight: Tensor | None,
                               input_g: bool, weight_g: bool, bias_g: bool) -> tuple:
    """(sum_dy, sum_dy_xmu, grad_weight, grad_bias) per channel: Σ dy, Σ dy·(x - μ) (None unless
    input_g), Σ dy·(x - μ)·invstd (None unless weight_g) and Σ dy (None unless bias_g)."""
    dims = _channel_dims(input, "batch_norm_backward_reduce")
    if grad_out.shape != input.shape:
        raise RuntimeError(f"batch_norm_backward_reduce: grad_out of shape {grad_out.shape} must have input's shape "
                           f"{input.shape}")
    sum_dy = grad_out.sum(dims)
    sum_dy_xmu = (grad_out * (input - _per_channel(mean, input))).sum(dims)
    return (sum_dy if input_g else None, sum_dy_xmu if input_g else None,
            sum_dy_xmu * invstd if weight_g else None, sum_dy if bias_g else None)


def batch_norm_backward_elemt(grad_out: Tensor, input: Tensor, mean: Tensor, invstd: Tensor, weight: Tensor | None,
                              sum_dy: Tensor, sum_dy_xmu: Tensor, count: Tensor) -> Tensor:
    """The input's gradient from the gathered sums, n = count.sum() values per channel:
    (dy - Σdy/n - (x - μ)·invstd²·Σdy(x - μ)/n) · invstd · weight."""
    _channel_dims(input, "batch_norm_backward_elemt")
    n = count.to(input.dtype).sum()
    scale = invstd if weight is None else invstd * weight
    xmu = input - _per_channel(mean, input)
    centered = grad_out - _per_channel(sum_dy / n, input) - xmu * _per_channel(invstd * invstd * sum_dy_xmu / n, input)
    return centered * _per_channel(scale, input)


def native_norm(input: Tensor, p=2, dim=None, keepdim: bool = False, dtype=None) -> Tensor:
    """The p-norm of input's values (over `dim` when given): `tg.linalg.vector_norm`. (PyTorch
    defines native_norm only for sparse tensors on the CPU.)"""
    if p is None:
        p = 2
    result = vector_norm(input, p, dim, keepdim)
    return result if dtype is None else result.to(dtype)
