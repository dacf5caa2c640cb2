"""`tg.normal` and `tg.poisson`: random draws whose parameters are tensors, as in PyTorch.

    normal(mean, std)            one draw of N(meanᵢ, stdᵢ²) per element (mean and std broadcast)
    normal(mean, std, size)      mean and std numbers: a tensor of `size` draws of N(mean, std²)
    poisson(rates)               one draw of Poisson(rateᵢ) per element (whole numbers, as floats)

Both draw from the framework's generator (`tg.manual_seed`) or `generator=`; the numbers are
numpy's, so not PyTorch's for the same seed. A normal draw is mean + std·z with z ~ N(0, 1).

Gradients: PyTorch defines the gradient of both with respect to their parameters as zero (it does
not reparameterize), and so does tinygrad_edu: `tg.normal(mu, sigma)` with `mu.requires_grad`
has a `grad_fn`, and backward gives mu a gradient of zeros. For a gradient through the draw, write
the reparameterization yourself: `mu + sigma * tg.randn_like(mu)` (D. P. Kingma and M. Welling,
"Auto-Encoding Variational Bayes", 2014).
"""
from __future__ import annotations

import numpy as np

from . import dtype as _dtype
from .creation import _finish
from .errors import ShapeError
from .ops.op import Op
from .out_argument import written_to
from .random import rng_of
from .tensor import Tensor

__all__ = ["normal", "poisson"]

_NOT_GIVEN = object()


class Normal(Op):
    """mean + std·z, z ~ N(0, 1) drawn beforehand;  d/d mean = d/d std = 0 (PyTorch's definition:
    the draw is treated as a constant, not reparameterized)"""

    @staticmethod
    def forward(ctx, mean, std, z, dtype):
        with np.errstate(invalid="ignore"):  # (std = inf and z = 0 give nan, as in PyTorch)
            return np.asarray(mean.data + std.data * z).astype(dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        zero = ctx.xp.zeros_like(grad)
        return zero, zero


class Poisson(Op):
    """A draw of Poisson(rate) per element;  d/d rate = 0 (as PyTorch)"""

    @staticmethod
    def forward(ctx, rates, draws):
        return draws

    @staticmethod
    def backward(ctx, grad):
        return ctx.xp.zeros_like(grad)


def normal(mean=_NOT_GIVEN, std=_NOT_GIVEN, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """Normal random numbers, PyTorch's four forms:

    - `normal(mean: Tensor, std: Tensor)`: mean and std broadcast; the result has mean's dtype;
    - `normal(mean: Tensor, std: float = 1.0)`: the shape and dtype of mean;
    - `normal(mean: float, std: Tensor)`: the shape and dtype of std;
    - `normal(mean: float, std: float, size)`: `size` (a tuple) draws, the default float dtype
      unless `dtype` is given (or out's dtype), a leaf with `requires_grad` as asked.

    std must be ≥ 0 (else RuntimeError). The gradient with respect to mean and std is zero, as in
    PyTorch (see the module docstring for the reparameterized form).

    >>> import tinygrad_edu as tg
    >>> g = tg.Generator().manual_seed(0)
    >>> tg.normal(tg.arange(1.0, 4.0), 0.0, generator=g)
    tensor([1., 2., 3.])
    >>> tg.normal(2.0, 3.0, size=(1, 4), generator=g).shape
    (1, 4)
    """
    if mean is _NOT_GIVEN:
        raise TypeError('normal() missing 1 required positional argument: "mean"')
    mean_is_tensor, std_is_tensor = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mean_is_tensor and not std_is_tensor:
        return _normal_numbers(mean, 1.0 if std is _NOT_GIVEN else std, size, generator, out, dtype, device,
                               requires_grad)
    if std is _NOT_GIVEN:
        std = 1.0
    extra = [name for name, value in (("size", size), ("dtype", dtype), ("layout", layout), ("device", device))
             if value is not None] + (["requires_grad"] if requires_grad else []) + (
                ["pin_memory"] if pin_memory else [])
    if extra:
        raise TypeError(f"normal(): {', '.join(extra)} can only be given when mean and std are both numbers "
                        f"(normal(mean, std, size, ...)); with a tensor mean or std the result takes its shape")
    for name, value in (("mean", mean), ("std", std)):
        if not isinstance(value, (Tensor, int, float, np.number)) or isinstance(value, bool):
            raise TypeError(f"normal(): {name} must be a Tensor or a number, got {type(value).__name__}")
    result_dtype = (mean if mean_is_tensor else std).data.dtype
    _check_float(result_dtype)
    if std_is_tensor:
        with np.errstate(invalid="ignore"):
            if not (std.data >= 0).all():
                raise RuntimeError("normal expects all elements of std >= 0.0 (got a negative or nan standard "
                                   "deviation in std)")
    else:
        _check_std(float(std))
    mean_t = mean if mean_is_tensor else Tensor._make(np.asarray(float(mean)), None, False)
    std_t = std if std_is_tensor else Tensor._make(np.asarray(float(std)), None, False)
    try:
        shape = tuple(np.broadcast_shapes(mean_t.shape, std_t.shape))
    except ValueError:
        raise ShapeError(f"normal: mean of shape {mean_t.shape} and std of shape {std_t.shape} cannot be "
                         f"broadcast to one shape") from None
    z = rng_of(generator, "normal").standard_normal(shape)
    return written_to(out, "normal", Normal.apply(mean_t, std_t, z, result_dtype))


def _normal_numbers(mean, std, size, generator, out, dtype, device, requires_grad) -> Tensor:
    """normal(mean: float, std: float, size): a new leaf of `size` draws."""
    if size is None:
        raise TypeError("normal(): with a number mean and std, give the size of the result: "
                        "normal(mean, std, size) with size a tuple, e.g. normal(0.0, 1.0, (2, 3))")
    if not isinstance(size, (tuple, list)) or not all(isinstance(n, (int, np.integer)) for n in size):
        raise TypeError(f"normal(): size must be a tuple of ints, got {size!r}")
    if any(n < 0 for n in size):
        raise RuntimeError(f"normal: a size cannot have negative dimensions, got {tuple(size)}")
    _check_std(float(std))
    if dtype is not None:
        dtype = _dtype.as_dtype(dtype, "normal")
        if out is not None and out.dtype != dtype:
            raise RuntimeError(f"normal(): dtype {dtype} does not match dtype of out parameter ({out.dtype})")
    else:
        dtype = out.dtype if out is not None else _dtype.get_default_dtype()
    _check_float(dtype)
    z = rng_of(generator, "normal").standard_normal(tuple(int(n) for n in size))
    array = (float(mean) + float(std) * z).astype(dtype, copy=False)
    return written_to(out, "normal", _finish(array, requires_grad, device, "normal"))


def _check_std(std: float) -> None:
    if not std >= 0:  # (also nan)
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")


def _check_float(dtype: np.dtype) -> None:
    if np.dtype(dtype).kind != "f":
        raise NotImplementedError(f"normal: draws are floating point; it is not implemented for {np.dtype(dtype)} "
                                  f"(convert mean or std with .float() or give a float dtype)")


def poisson(input: Tensor, generator=None) -> Tensor:
    """One draw of Poisson(rate) for each rate in `input` (≥ 0): whole numbers in input's float
    dtype. The gradient with respect to the rates is zero, as in PyTorch.

    Rates beyond about 9.2e18 (and inf) raise RuntimeError: numpy cannot draw them (PyTorch
    returns a meaningless negative number there).

    >>> import tinygrad_edu as tg
    >>> tg.poisson(tg.tensor([0.0, 0.0]))
    tensor([0., 0.])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"poisson(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    rates = input.data
    if rates.dtype.kind != "f":
        raise NotImplementedError(f"poisson: rates must be floating point, got {rates.dtype} (use .float())")
    with np.errstate(invalid="ignore"):
        if not (rates >= 0).all():
            raise RuntimeError("invalid Poisson rate, expected rate to be non-negative (poisson got a negative "
                               "or nan rate)")
    try:
        draws = rng_of(generator, "poisson").poisson(rates.astype(np.float64))
    except ValueError as error:  # (numpy's "lam value too large")
        raise RuntimeError(f"poisson: a rate is too large to draw from ({error}); the largest is about 9.2e18") \
            from None
    return Poisson.apply(input, np.asarray(draws).astype(rates.dtype, copy=False))
