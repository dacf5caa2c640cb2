"""The numpy kernels of convolution, and the three ops that differentiate each other through them.

A convolution (PyTorch's, a cross-correlation) of x (N, C, *S) with a weight w (O, C/G, *K), with
stride s, zero padding p, dilation d and G groups is, at every output position i (all spatial
dims at once; c runs over the input channels of o's group):

    conv(x, w)[n, o, i] = Σ_{c, j} x[n, c, i·s + j·d - p] · w[o, c, j]

It is bilinear in (x, w), and so are its two derivatives: for an output gradient ȳ,

    T(ȳ, w) = ∂⟨ȳ, conv(x, w)⟩/∂x    the input gradient -- which is the transposed convolution
    W(x, ȳ) = ∂⟨ȳ, conv(x, w)⟩/∂w    the weight gradient

and the derivatives of T and W are again conv, T and W (each follows from ⟨T(ȳ, w), z⟩ =
⟨ȳ, conv(z, w)⟩ = ⟨W(z, ȳ), w⟩):

    conv(x, w):            ∂x = T(ȳ, w)         ∂w = W(x, ȳ)
    T(ȳ, w), upstream z:   ∂ȳ = conv(z, w)      ∂w = W(z, ȳ)
    W(x, ȳ), upstream v:   ∂x = T(ȳ, v)         ∂ȳ = conv(x, v)

So three ops, each with its forward and its backward side by side, give derivatives of any order.

conv and W read the input through im2col (Chellapilla, Puri & Simard, "High performance
convolutional neural networks for document processing", 2006): a strided view of the padded
input holds every window without a copy; it is copied once into columns (C/G·ΠK, ΠP) per sample,
and one matrix product with the weight (BLAS) does all the multiply-adds. T is the adjoint,
col2im: for each kernel offset j, the product wⱼᵀ ȳ is added into the output at the positions
i·s + j·d - p. The batch is processed in chunks of a few MB of columns (PyTorch's CPU kernels
go one sample at a time).
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ...ops.op import Op
from ...tensor import Tensor
from .checks import constant

# How many numbers the im2col columns (or T's per-offset products) of one chunk of the batch may
# hold: 16 MB in float64, so that they stay in the cache while they are used (measured: 4M numbers
# made col2im 1.5 times slower). A single sample may need more; it is then processed alone.
_CHUNK_ELEMENTS = 1 << 21


class Geometry(NamedTuple):
    """How the kernel moves: per spatial dim stride, padding, dilation; and the number of groups."""

    stride: tuple
    padding: tuple
    dilation: tuple
    groups: int


def _quiet():
    """inf · 0 = nan and overflows to inf, silently (as in PyTorch, and numpy's einsum)."""
    return np.errstate(invalid="ignore", over="ignore")


def _batches(n: int, per_sample: int):
    """Slices of range(n), each with at most _CHUNK_ELEMENTS // per_sample samples (at least one)."""
    step = max(1, _CHUNK_ELEMENTS // max(1, per_sample))
    return [slice(start, min(n, start + step)) for start in range(0, n, step)]


def _padded(x: np.ndarray, geometry: Geometry, kernel: tuple, out: tuple) -> np.ndarray:
    """x with p zeros before each spatial dim, and after it as many as the last window reads."""
    widths = [(0, 0), (0, 0)]
    for n, k, o, s, p, d in zip(x.shape[2:], kernel, out, *geometry[:3]):
        widths.append((p, max(0, (o - 1) * s + d * (k - 1) + 1 - n - p)))
    return np.pad(x, widths) if any(a or b for a, b in widths) else x


def _columns(x: np.ndarray, geometry: Geometry, kernel: tuple, out: tuple) -> np.ndarray:
    """im2col of padded x (n, C, *S): (n, G, C/G·ΠK, ΠP), column i holding the window of output
    position i -- a strided view (element [.., c, j, i] at x[.., c, i·s + j·d]), then one copy."""
    n, C = x.shape[:2]
    G = geometry.groups
    batch_step, channel_step, *steps = x.strides
    view = as_strided(x, (n, G, C // G) + kernel + out,
                      (batch_step, channel_step * (C // G), channel_step)
                      + tuple(st * d for st, d in zip(steps, geometry.dilation))
                      + tuple(st * s for st, s in zip(steps, geometry.stride)), writeable=False)
    return view.reshape(n, G, (C // G) * math.prod(kernel), math.prod(out))


def conv_array(x: np.ndarray, w: np.ndarray, geometry: Geometry, out: tuple) -> np.ndarray:
    """conv(x, w) with `out` positions per spatial dim: (N, O, *out). Per sample and group, the
    weight (O/G, C/G·ΠK) times the columns (C/G·ΠK, ΠP)."""
    return _conv_and_weight(x, w, None, geometry, tuple(w.shape[2:]), out)[0]


def conv_transpose_array(g: np.ndarray, w: np.ndarray, geometry: Geometry, size: tuple) -> np.ndarray:
    """T(g, w): the gradient of ⟨g, conv(x, w)⟩ by an x of spatial `size`, (N, C, *size) -- col2im:
    for each kernel offset j, wⱼᵀ g (per group) added at the positions i·s + j·d - p."""
    N, O, out = g.shape[0], g.shape[1], tuple(g.shape[2:])
    kernel, C_g, G = tuple(w.shape[2:]), w.shape[1], geometry.groups
    stride, padding, dilation = geometry[:3]
    # positions before the padding is cut off: i·s + j·d runs up to (P - 1)·s + d·(K - 1)
    reach = tuple(max(p + n, (o - 1) * s + d * (k - 1) + 1)
                  for n, o, k, s, p, d in zip(size, out, kernel, stride, padding, dilation))
    full = np.zeros((N, C_g * G) + reach, np.result_type(g, w))
    if N and math.prod(out) and math.prod(kernel):
        # per kernel offset j, the (G, C/G, O/G) matrices wⱼᵀ
        w_offsets = np.ascontiguousarray(w.reshape(G, O // G, C_g, -1).transpose(3, 0, 2, 1))
        g = g.reshape(N, G, O // G, math.prod(out))
        with _quiet():
            for batch in _batches(N, C_g * G * math.prod(out)):
                for j, offset in enumerate(np.ndindex(*kernel)):
                    spots = tuple(slice(a * d, a * d + (o - 1) * s + 1, s)
                                  for a, o, s, d in zip(offset, out, stride, dilation))
                    product = np.matmul(w_offsets[j], g[batch]).reshape((-1, C_g * G) + out)
                    full[(batch, slice(None)) + spots] += product
    if reach == tuple(size):  # (no padding to cut off, nothing beyond the input)
        return full
    inside = tuple(slice(p, p + n) for p, n in zip(padding, size))
    return np.ascontiguousarray(full[(slice(None), slice(None)) + inside])


def conv_weight_array(x: np.ndarray, g: np.ndarray, geometry: Geometry, kernel: tuple) -> np.ndarray:
    """W(x, g): the gradient of ⟨g, conv(x, w)⟩ by a weight with spatial size `kernel`,
    (O, C/G, *kernel) -- per group, Σ over samples of g (O/G, ΠP) times the columnsᵀ (ΠP, C/G·ΠK)."""
    return _conv_and_weight(x, None, g, geometry, kernel, tuple(g.shape[2:]))[1]


def conv_and_weight_arrays(x: np.ndarray, w: np.ndarray, g: np.ndarray, geometry: Geometry, out: tuple) -> tuple:
    """(conv(x, w), W(x, g)) from one pass of im2col over x: a transposed convolution's input and
    weight gradients both read the columns of the upstream gradient."""
    return _conv_and_weight(x, w, g, geometry, tuple(w.shape[2:]), out)


def _conv_and_weight(x: np.ndarray, w, g, geometry: Geometry, kernel: tuple, out: tuple) -> tuple:
    """(conv(x, w) or None if w is None, W(x, g) or None if g is None), chunk by chunk of the batch."""
    N, C, G = x.shape[0], x.shape[1], geometry.groups
    x = _padded(x, geometry, kernel, out)
    y = total = None
    if w is not None:
        weights = w.reshape(G, w.shape[0] // G, -1)
        y = np.empty((N, G, w.shape[0] // G, math.prod(out)), np.result_type(x, w))
    if g is not None:
        grads = g.reshape(N, G, g.shape[1] // G, math.prod(out))
        total = np.zeros((G, g.shape[1] // G, (C // G) * math.prod(kernel)), np.result_type(x, g))
    with _quiet():
        for batch in _batches(N, C * math.prod(kernel) * math.prod(out)):
            columns = _columns(x[batch], geometry, kernel, out)
            if w is not None:
                np.matmul(weights, columns, out=y[batch])
            if g is not None:
                total += np.matmul(grads[batch], columns.swapaxes(-1, -2)).sum(0)
    return (None if w is None else y.reshape((N, w.shape[0]) + out),
            None if g is None else total.reshape((g.shape[1], C // G) + kernel))


def _call(op: type, a, b, geometry: Geometry, size: tuple):
    """One of the three ops inside a backward formula: its kernel on arrays, or -- when the
    backward pass is recorded (create_graph, Tensors) -- the op itself, differentiable again."""
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        a, b = (t if isinstance(t, Tensor) else constant(t) for t in (a, b))
        no_bias = (None,) if op.takes_bias else ()
        return op.apply(a, b, *no_bias, geometry, size)
    return op.on_arrays(a, b, geometry, size)


def _bias_gradient(xp, grad):
    """∂L/∂b for a bias added to every position of channel o: Σ over batch and positions."""
    return xp.sum(grad, axis=(0,) + tuple(range(2, grad.ndim)))


def _plus_bias(y: np.ndarray, bias) -> np.ndarray:
    if bias is not None:
        y += bias.data.reshape((1, -1) + (1,) * (y.ndim - 2))  # (in place: y is new)
    return y


class Convolution(Op):
    """y = conv(x, w) + b, `out` positions per spatial dim;  ∂x = T(ȳ, w),  ∂w = W(x, ȳ),
    ∂b = Σ ȳ over batch and positions"""

    node_name = "ConvolutionBackward0"
    on_arrays = staticmethod(conv_array)
    takes_bias = True

    @staticmethod
    def forward(ctx, x, weight, bias, geometry, out):
        ctx.geometry, ctx.sizes = geometry, (x.data.shape[2:], weight.data.shape[2:])
        ctx.save_for_backward(x if weight.requires_grad else None, weight if x.requires_grad else None)
        return _plus_bias(conv_array(x.data, weight.data, geometry, out), bias)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        size, kernel = ctx.sizes
        grad_x = _call(ConvolutionTranspose, grad, weight, ctx.geometry, size) if need_x else None
        grad_w = _call(ConvolutionWeight, x, grad, ctx.geometry, kernel) if need_w else None
        return grad_x, grad_w, (_bias_gradient(ctx.xp, grad) if need_b else None), None, None


class ConvolutionTranspose(Op):
    """x̄ = T(ȳ, w) + b, of spatial `size` (the transposed convolution);  for the upstream gradient
    z: ∂ȳ = conv(z, w),  ∂w = W(z, ȳ),  ∂b = Σ z over batch and positions"""

    node_name = "ConvolutionBackward0"
    on_arrays = staticmethod(conv_transpose_array)
    takes_bias = True

    @staticmethod
    def forward(ctx, g, weight, bias, geometry, size):
        ctx.geometry, ctx.sizes = geometry, (g.data.shape[2:], weight.data.shape[2:])
        ctx.save_for_backward(g if weight.requires_grad else None, weight if g.requires_grad else None)
        return _plus_bias(conv_transpose_array(g.data, weight.data, geometry, size), bias)

    @staticmethod
    def backward(ctx, grad):
        g, weight = ctx.saved_tensors
        need_g, need_w, need_b = ctx.needs_input_grad[:3]
        out, kernel = ctx.sizes
        grad_b = _bias_gradient(ctx.xp, grad) if need_b else None
        if need_g and need_w and not isinstance(grad, Tensor):  # both read the columns of z: build them once
            return conv_and_weight_arrays(grad, weight, g, ctx.geometry, out) + (grad_b, None, None)
        grad_g = _call(Convolution, grad, weight, ctx.geometry, out) if need_g else None
        grad_w = _call(ConvolutionWeight, grad, g, ctx.geometry, kernel) if need_w else None
        return grad_g, grad_w, grad_b, None, None


class ConvolutionWeight(Op):
    """w̄ = W(x, ȳ), of kernel size `kernel` (the weight gradient);  ∂x = T(ȳ, v),  ∂ȳ = conv(x, v)
    for the upstream gradient v"""

    on_arrays = staticmethod(conv_weight_array)
    takes_bias = False

    @staticmethod
    def forward(ctx, x, g, geometry, kernel):
        ctx.geometry, ctx.sizes = geometry, (x.data.shape[2:], g.data.shape[2:])
        ctx.save_for_backward(x if g.requires_grad else None, g if x.requires_grad else None)
        return conv_weight_array(x.data, g.data, geometry, kernel)

    @staticmethod
    def backward(ctx, grad):
        x, g = ctx.saved_tensors
        need_x, need_g = ctx.needs_input_grad[:2]
        size, out = ctx.sizes
        grad_x = _call(ConvolutionTranspose, g, grad, ctx.geometry, size) if need_x else None
        grad_g = _call(Convolution, x, grad, ctx.geometry, out) if need_g else None
        return grad_x, grad_g, None, None
