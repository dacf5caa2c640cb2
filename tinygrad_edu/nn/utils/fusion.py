"""Folding an eval-mode BatchNorm into the convolution or linear layer before it, as
`torch.nn.utils.fusion`: one layer then computes what the two did, with one pass less.

In eval mode BatchNorm is a fixed affine map per channel c,

    bn(y)_c = γ_c (y_c - μ_c) / √(σ²_c + eps) + β_c = s_c y_c + (β_c - s_c μ_c),   s_c = γ_c / √(σ²_c + eps)

(μ, σ² the running mean and variance), and y_c = W_c · x + b_c is linear in x, so their composition
is the same kind of layer with

    W'_c = s_c W_c,        b'_c = s_c (b_c - μ_c) + β_c.

(Ioffe & Szegedy, "Batch Normalization: Accelerating Deep Network Training by Reducing Internal
Covariate Shift", 2015, section 3.1: at inference BN "is simply a linear transform")
"""
from __future__ import annotations

import copy
from typing import TypeVar

from ...creation import ones_like, zeros_like
from ...tensor import Tensor
from ..module import Module
from ..parameter import Parameter

__all__ = ["fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights"]

ModuleT = TypeVar("ModuleT", bound=Module)


def _check_eval(layer: Module, bn: Module, what: str) -> None:
    if layer.training or bn.training:
        raise AssertionError(f"Fusion only for eval! ({what}.training={layer.training}, bn.training={bn.training}: "
                             f"call .eval() on both first; in training mode BatchNorm uses each batch's statistics)")
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError("bn.running_mean and bn.running_var must not be None (a BatchNorm with "
                             "track_running_stats=False has no fixed statistics to fold in)")


def _fused_copy(layer: ModuleT, bn: Module, fuse_weights, *args) -> ModuleT:
    """A deep copy of `layer` whose weight and bias are `fuse_weights(weight, bias, <bn's
    statistics and affine parameters>, *args)`."""
    fused = copy.deepcopy(layer)
    fused.weight, fused.bias = fuse_weights(fused.weight, fused.bias, bn.running_mean, bn.running_var, bn.eps,
                                            bn.weight, bn.bias, *args)
    return fused


def _missing_as_identity(weight: Tensor, bias: Tensor | None, bn_rm: Tensor, bn_w: Tensor | None,
                         bn_b: Tensor | None) -> tuple:
    """The layer's bias dtype (its weight's if it has no bias), then the layer bias, BatchNorm
    weight and BatchNorm bias with a missing one as 0, 1 and 0."""
    bias_dtype = bias.dtype if bias is not None else weight.dtype
    return (bias_dtype, zeros_like(bn_rm) if bias is None else bias, ones_like(bn_rm) if bn_w is None else bn_w,
            zeros_like(bn_rm) if bn_b is None else bn_b)


def fuse_conv_bn_eval(conv: ModuleT, bn: Module, transpose: bool = False) -> ModuleT:
    """A new convolution (a deep copy of `conv`) that computes `bn(conv(x))` of the eval-mode
    modules in one layer; `transpose=True` for a ConvTranspose, whose weight has the output
    channels in dim 1. Both must be in eval mode (AssertionError otherwise, as in PyTorch).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> conv, bn = nn.Conv2d(2, 3, 3).eval(), nn.BatchNorm2d(3).eval()
    >>> fused = nn.utils.fuse_conv_bn_eval(conv, bn)
    >>> x = tg.randn(1, 2, 5, 5)
    >>> bool(tg.allclose(fused(x), bn(conv(x))))
    True
    """
    _check_eval(conv, bn, "conv")
    return _fused_copy(conv, bn, fuse_conv_bn_weights, transpose)


def fuse_conv_bn_weights(conv_w: Tensor, conv_b: Tensor | None, bn_rm: Tensor, bn_rv: Tensor, bn_eps: float,
                         bn_w: Tensor | None, bn_b: Tensor | None, transpose: bool = False) -> tuple[Tensor, Tensor]:
    """The weight and bias (new Parameters) of the convolution that equals conv then BatchNorm:
    W' = W · s (s = bn_w / √(bn_rv + bn_eps) along the output-channel dim: 0, or 1 if
    `transpose`) and b' = (b - bn_rm) · s + bn_b. A missing conv bias, bn weight or bn bias
    counts as 0, 1 and 0. They keep the conv's dtypes and requires_grad (a bias made from
    nothing does not require grad, as in PyTorch)."""
    bias_dtype, conv_b, bn_w, bn_b = _missing_as_identity(conv_w, conv_b, bn_rm, bn_w, bn_b)
    inv_std = (bn_rv + bn_eps).rsqrt()
    shape = (1, -1) if transpose else (-1, 1)  # the output channels: dim 1 of a ConvTranspose's weight
    shape += (1,) * (conv_w.ndim - 2)
    fused_w = (conv_w * (bn_w * inv_std).reshape(shape)).to(dtype=conv_w.dtype)
    fused_b = ((conv_b - bn_rm) * inv_std * bn_w + bn_b).to(dtype=bias_dtype)
    return Parameter(fused_w.detach(), conv_w.requires_grad), Parameter(fused_b.detach(), conv_b.requires_grad)


def fuse_linear_bn_eval(linear: ModuleT, bn: Module) -> ModuleT:
    """A new Linear (a deep copy of `linear`) that computes `bn(linear(x))` of the eval-mode
    modules in one layer. The BatchNorm must have linear.out_features features, or 1 (it then
    broadcasts); both must be in eval mode (AssertionError otherwise, as in PyTorch).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> linear, bn = nn.Linear(4, 3).eval(), nn.BatchNorm1d(3).eval()
    >>> x = tg.randn(2, 4)
    >>> bool(tg.allclose(nn.utils.fuse_linear_bn_eval(linear, bn)(x), bn(linear(x))))
    True
    """
    _check_eval(linear, bn, "linear")
    if linear.out_features != bn.num_features and bn.num_features != 1:
        raise AssertionError(f"To fuse, linear.out_features == bn.num_features or bn.num_features == 1, got "
                             f"linear.out_features={linear.out_features} and bn.num_features={bn.num_features}")
    return _fused_copy(linear, bn, fuse_linear_bn_weights)


def fuse_linear_bn_weights(linear_w: Tensor, linear_b: Tensor | None, bn_rm: Tensor, bn_rv: Tensor,
                           bn_eps: float, bn_w: Tensor | None, bn_b: Tensor | None) -> tuple[Tensor, Tensor]:
    """The weight and bias (new Parameters) of the Linear that equals linear then BatchNorm:
    W' = s[:, None] · W (s = bn_w / √(bn_rv + bn_eps), one scale per output row) and
    b' = (b - bn_rm) · s + bn_b; a missing linear bias counts as 0 (and a missing bn weight or
    bias, of a BatchNorm with affine=False, as 1 and 0). They keep the linear layer's dtypes and
    requires_grad."""
    bias_dtype, linear_b, bn_w, bn_b = _missing_as_identity(linear_w, linear_b, bn_rm, bn_w, bn_b)
    scale = bn_w * (bn_rv + bn_eps).rsqrt()  # (here s is formed first, as PyTorch does: the same roundings)
    fused_w = linear_w * scale.unsqueeze(-1).to(dtype=linear_w.dtype)
    fused_b = ((linear_b - bn_rm) * scale + bn_b).to(dtype=bias_dtype)
    return Parameter(fused_w.detach(), linear_w.requires_grad), Parameter(fused_b.detach(), linear_b.requires_grad)
