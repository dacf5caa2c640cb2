"""`nn.LayerNorm`, `nn.BatchNorm1d`, `nn.BatchNorm2d`: normalization with learned scale and shift
(functional/normalization.py has the formulas), PyTorch's arguments, parameter and buffer names."""
from __future__ import annotations

from collections.abc import Sequence

from ..autograd.grad_mode import no_grad
from ..creation import ones, tensor, zeros
from ..devices import check_device
from ..tensor import Tensor
from . import functional as F
from .functional.normalization import normalized_dims
from .module import Module
from .parameter import Parameter


def _affine_parameters(module: Module, shape, affine: bool, bias: bool, dtype) -> None:
    """Register a norm layer's learned scale `weight` (ones) and shift `bias` (zeros) of `shape`,
    or None in their place (bias needs affine). Absent ones are registered all the same, as in
    PyTorch, so `layer.bias is None` works and the state_dict keys match. (LayerNorm, the
    BatchNorms and InstanceNorms, GroupNorm.)"""
    module.register_parameter("weight", Parameter(ones(shape, dtype=dtype)) if affine else None)
    module.register_parameter("bias", Parameter(zeros(shape, dtype=dtype)) if affine and bias else None)


def _reset_affine_parameters(module: Module) -> None:
    """A norm layer's `weight` back to 1 and `bias` back to 0 (those it has)."""
    if module.weight is not None:
        module.weight.data[...] = 1
    if module.bias is not None:
        module.bias.data[...] = 0



class LayerNorm(Module):
    """y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias over the last dims `normalized_shape`;
    `weight` starts at 1 and `bias` at 0 (both of shape normalized_shape; none with
    `elementwise_affine=False`, no bias with `bias=False`).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> ln = nn.LayerNorm(4)
    >>> y = ln(tg.randn(2, 3, 4))
    >>> y.shape, [name for name, _ in ln.named_parameters()]
    ((2, 3, 4), ['weight', 'bias'])
    """

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        check_device(device, "LayerNorm")
        self.normalized_shape = normalized_dims(normalized_shape, "LayerNorm")
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _affine_parameters(self, self.normalized_shape, elementwise_affine, bias, dtype)

    def reset_parameters(self) -> None:
        _reset_affine_parameters(self)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class _BatchNorm(Module):
    """What BatchNorm1d and BatchNorm2d share; they differ in the input dims they accept."""

    dims: tuple = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None, *, bias: bool = True) -> None:
        super().__init__()
        name = type(self).__name__
        if not isinstance(num_features, int) or isinstance(num_features, bool) or num_features < 0:
            raise ValueError(f"{name}: num_features must be a non-negative int, got {num_features!r}")
        check_device(device, name)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        _affine_parameters(self, num_features, affine, bias, dtype)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", tensor(0))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.data[...] = 0
            self.running_var.data[...] = 1
            self.num_batches_tracked.data[...] = 0

    def reset_parameters(self) -> None:
        """Running statistics back to mean 0, variance 1; weight back to 1 and bias to 0."""
        self.reset_running_stats()
        _reset_affine_parameters(self)

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in self.dims:
            expected = " or ".join(f"{d}D" for d in self.dims)
            raise ValueError(f"{type(self).__name__}: expected {expected} input (got {input.ndim}D input "
                             f"of shape {input.shape})")
        momentum = self.momentum
        if self.training and self.track_running_stats:
            with no_grad():
                self.num_batches_tracked.add_(1)
            if momentum is None:  # a cumulative average over every batch so far
                momentum = 1.0 / int(self.num_batches_tracked.item())
        # batch statistics while training, or always without running ones (then None here)
        return F.batch_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                            self.training or not self.track_running_stats, momentum, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalization of (N, C) or (N, C, L) inputs, per channel C (Ioffe & Szegedy, 2015):
    batch statistics while training (and running averages of them updated), the running ones in
    `eval()` mode.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> bn = nn.BatchNorm1d(3)
    >>> y = bn(tg.randn(8, 3))
    >>> list(bn.state_dict())
    ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
    """

    dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalization of (N, C, H, W) inputs, per channel C; see BatchNorm1d."""

    dims = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch normalization of (N, C, D, H, W) inputs, per channel C; see BatchNorm1d."""

    dims = (5,)


class SyncBatchNorm(_BatchNorm):
    """PyTorch's batch normalization whose statistics are summed over the processes of a
    distributed job. Here there is one process, so it is batch normalization over the batch it
    is given (PyTorch does the same without a process group): inputs of 2 or more dims, channels
    on dim 1. `process_group` is accepted and not used.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> model = nn.SyncBatchNorm.convert_sync_batchnorm(nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3)))
    >>> type(model[1]).__name__, model(tg.randn(8, 4)).shape
    ('SyncBatchNorm', (8, 3))
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, process_group=None, device=None, dtype=None, *,
                 bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)
        self.process_group = process_group

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim < 2:
            raise ValueError(f"SyncBatchNorm: expected at least 2D input (got {input.ndim}D input of shape "
                             f"{input.shape})")
        self.dims = (input.ndim,)  # (any number of dims from 2 on)
        return super().forward(input)

    @classmethod
    def convert_sync_batchnorm(cls, module: Module, process_group=None) -> Module:
        """`module` with every BatchNorm*d in it (itself included) replaced by a SyncBatchNorm
        holding the same parameters, buffers and training mode, as PyTorch's."""
        if isinstance(module, _BatchNorm) and not isinstance(module, SyncBatchNorm):
            converted = cls(module.num_features, module.eps, module.momentum, module.affine,
                            module.track_running_stats, process_group)
            for name in ("weight", "bias", "running_mean", "running_var", "num_batches_tracked"):
                setattr(converted, name, getattr(module, name))  # the same tensors, as PyTorch
            converted.train(module.training)
            return converted
        for name, child in list(module._modules.items()):
            if child is not None:
                module._modules[name] = cls.convert_sync_batchnorm(child, process_group)
        return module
