"""`tg.nn.grad`: the gradient of a convolution with respect to its input, and with respect to its
weight, as functions (PyTorch's `torch.nn.grad`) -- the two products a convolution's backward
computes, for writing a custom `Function` around a convolution.

A convolution is linear in its input and linear in its weight, so each gradient is the vector-
Jacobian product of the convolution at any point, here at zeros: `tg.grad(conv(x, w), x,
grad_output)`. When `weight` (or `input`) or `grad_output` requires grad, the result is itself
differentiable, as PyTorch's.

>>> import tinygrad_edu as tg
>>> x, w = tg.randn(1, 2, 5, 5), tg.randn(3, 2, 3, 3)
>>> g = tg.ones(1, 3, 3, 3)
>>> tg.nn.grad.conv2d_input(x.shape, w, g).shape, tg.nn.grad.conv2d_weight(x, w.shape, g).shape
((1, 2, 5, 5), (3, 2, 3, 3))
"""
from __future__ import annotations

from ..autograd.differentiate import grad
from ..autograd.grad_mode import enable_grad
from ..creation import zeros
from ..tensor import Tensor
from . import functional as F

__all__ = ["conv1d_input", "conv1d_weight", "conv2d_input", "conv2d_weight", "conv3d_input", "conv3d_weight"]


def _input_grad(conv, name: str, input_size, weight: Tensor, grad_output: Tensor, *args) -> Tensor:
    """∂⟨conv(x, weight), grad_output⟩/∂x for x of shape `input_size`."""
    return _vjp(name, input_size, grad_output, lambda x: conv(x, weight, None, *args), weight)


def _weight_grad(conv, name: str, input: Tensor, weight_size, grad_output: Tensor, *args) -> Tensor:
    """∂⟨conv(input, w), grad_output⟩/∂w for w of shape `weight_size`."""
    return _vjp(name, weight_size, grad_output, lambda w: conv(input, w, None, *args), input)


def _vjp(name: str, shape, grad_output: Tensor, conv_of, other: Tensor) -> Tensor:
    """The gradient of ⟨conv_of(z), grad_output⟩ with respect to z of `shape`, taken at z = 0 (the
    convolution is linear in z); recorded when `other` or grad_output requires grad."""
    z = zeros(*tuple(shape), dtype=grad_output.dtype, requires_grad=True)
    with enable_grad():
        out = conv_of(z)
        _check_shape(name, out, grad_output)
        (result,) = grad(out, z, grad_output, create_graph=other.requires_grad or grad_output.requires_grad)
    return result


def _check_shape(name: str, out: Tensor, grad_output: Tensor) -> None:
    if tuple(out.shape) != tuple(grad_output.shape):
        raise RuntimeError(f"{name}: grad_output has shape {tuple(grad_output.shape)}, but the convolution "
                           f"gives an output of shape {tuple(out.shape)} for these sizes and arguments")


def conv1d_input(input_size, weight: Tensor, grad_output: Tensor, stride=1, padding=0, dilation=1,
                 groups: int = 1) -> Tensor:
    """The gradient of `F.conv1d` with respect to an input of shape `input_size`."""
    return _input_grad(F.conv1d, "conv1d_input", input_size, weight, grad_output, stride, padding, dilation, groups)


def conv1d_weight(input: Tensor, weight_size, grad_output: Tensor, stride=1, padding=0, dilation=1,
                  groups: int = 1) -> Tensor:
    """The gradient of `F.conv1d` with respect to a weight of shape `weight_size`."""
    return _weight_grad(F.conv1d, "conv1d_weight", input, weight_size, grad_output, stride, padding, dilation, groups)


def conv2d_input(input_size, weight: Tensor, grad_output: Tensor, stride=1, padding=0, dilation=1,
                 groups: int = 1) -> Tensor:
    """The gradient of `F.conv2d` with respect to an input of shape `input_size`."""
    return _input_grad(F.conv2d, "conv2d_input", input_size, weight, grad_output, stride, padding, dilation, groups)


def conv2d_weight(input: Tensor, weight_size, grad_output: Tensor, stride=1, padding=0, dilation=1,
                  groups: int = 1) -> Tensor:
    """The gradient of `F.conv2d` with respect to a weight of shape `weight_size`."""
    return _weight_grad(F.conv2d, "conv2d_weight", input, weight_size, grad_output, stride, padding, dilation, groups)


def conv3d_input(input_size, weight: Tensor, grad_output: Tensor, stride=1, padding=0, dilation=1,
                 groups: int = 1) -> Tensor:
    """The gradient of `F.conv3d` with respect to an input of shape `input_size`."""
    return _input_grad(F.conv3d, "conv3d_input", input_size, weight, grad_output, stride, padding, dilation, groups)


def conv3d_weight(input: Tensor, weight_size, grad_output: Tensor, stride=1, padding=0, dilation=1,
                  groups: int = 1) -> Tensor:
    """The gradient of `F.conv3d` with respect to a weight of shape `weight_size`."""
    return _weight_grad(F.conv3d, "conv3d_weight", input, weight_size, grad_output, stride, padding, dilation, groups)
