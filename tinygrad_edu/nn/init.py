"""Initialisers: fill a tensor's array in place (no graph is recorded) with numbers drawn from
the framework's generator (`tg.manual_seed` makes them repeatable), and return the tensor.

The formulas are PyTorch's, so a seeded model here starts from the same *distribution* as in
PyTorch (not the same numbers: the generators differ).

    fan_in = shape[1] · receptive field,  fan_out = shape[0] · receptive field
    xavier_uniform_:   U(-b, b),  b = gain · √(6 / (fan_in + fan_out))
    kaiming_uniform_:  U(-b, b),  b = gain · √(3 / fan),  gain = √(2 / (1 + a²)) for leaky_relu

    trunc_normal_:     N(mean, std²) restricted to [a, b]
    orthogonal_:       (a multiple of) an orthogonal matrix, from the QR decomposition of a normal one
    eye_, dirac_:      identities (of a matrix, of a convolution); sparse_: zeros in every column

Every random one takes `generator=` (a `tg.Generator`), as in PyTorch.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ..random import rng_of
from ..tensor import Tensor


def _shape(tensor: Tensor, op: str) -> tuple:
    """The shape to draw numbers for: of a Tensor or of the numpy array behind `.data`."""
    if not isinstance(tensor, (Tensor, np.ndarray)):
        raise TypeError(f"{op}: expected a Tensor, got {type(tensor).__name__}")
    return tensor.shape


def _fill(tensor: Tensor, values, op: str) -> Tensor:
    """Write `values` into `tensor` in place. A numpy array is filled too: it is what `p.data` is
    here, and PyTorch's tutorials write `nn.init.normal_(m.weight.data, 0.0, 0.02)` (DCGAN); as
    there, a change through `.data` is not seen by autograd (no version bump)."""
    if isinstance(tensor, np.ndarray):
        tensor[...] = values
        return tensor
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(tensor).__name__}")
    tensor.data[...] = values
    tensor._version += 1  # an in-place change, like any other
    return tensor


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator=None) -> Tensor:
    """Fill with numbers drawn uniformly from [a, b)."""
    if a > b:
        raise ValueError(f"uniform_: the lower bound a={a} is larger than the upper bound b={b}")
    return _fill(tensor, rng_of(generator, "uniform_").uniform(a, b, _shape(tensor, "uniform_")), "uniform_")


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator=None) -> Tensor:
    """Fill with numbers drawn from the normal distribution N(mean, std²)."""
    if std < 0:
        raise ValueError(f"normal_: std must be non-negative, got {std}")
    return _fill(tensor, rng_of(generator, "normal_").normal(mean, std, _shape(tensor, "normal_")), "normal_")


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with `val` (PyTorch's parameter name: `nn.init.constant_(m.bias, val=0)`)."""
    return _fill(tensor, val, "constant_")


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with 0."""
    return _fill(tensor, 0, "zeros_")


def ones_(tensor: Tensor) -> Tensor:
    """Fill with 1."""
    return _fill(tensor, 1, "ones_")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The factor that keeps activations' variance steady through this nonlinearity
    (PyTorch's table): 1 for linear/sigmoid, 5/3 for tanh, √2 for relu,
    √(2 / (1 + slope²)) for leaky_relu (slope 0.01 unless given)."""
    if nonlinearity in ("linear", "identity", "sigmoid") or nonlinearity.startswith("conv"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if not isinstance(slope, (int, float)) or isinstance(slope, bool):
            raise ValueError(f"calculate_gain: the negative slope must be a number, got {slope!r}")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unknown nonlinearity {nonlinearity!r}")


def _calculate_fan_in_and_fan_out(tensor: Tensor, op: str) -> tuple[int, int]:
    shape = tensor.shape
    if len(shape) < 2:
        raise ValueError(
            f"{op}: fan in and fan out need a tensor with at least 2 dimensions, got shape {shape}"
        )
    receptive_field = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * receptive_field, shape[0] * receptive_field


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Glorot & Bengio (2010): U(-b, b) with b = gain · √(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor, "xavier_uniform_")
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """N(0, std²) with std = gain · √(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor, "xavier_normal_")
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str, op: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"{op}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor, op)
    fan = fan_in if mode == "fan_in" else fan_out
    if fan == 0:
        raise ValueError(f"{op}: cannot initialise a tensor of shape {tensor.shape} (its {mode} is 0)")
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator=None) -> Tensor:
    """He et al. (2015): U(-b, b) with b = gain · √(3 / fan).

    `nn.Linear` uses a=√5, which gives b = 1/√fan_in."""
    if _no_elements(tensor):
        return tensor
    std = _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_uniform_")
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator=None) -> Tensor:
    """N(0, std²) with std = gain / √fan."""
    if _no_elements(tensor):
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_normal_"), generator)


def _no_elements(tensor: Tensor) -> bool:
    """A tensor with a 0 in its shape (nn.Linear(0, n)'s weight) has no fan to scale by and no
    numbers to fill: PyTorch warns and leaves it, and so do the kaiming initializers here."""
    if 0 not in tensor.shape:
        return False
    warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)  # (at the initializer's caller)
    return True


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
                  generator=None) -> Tensor:
    """Fill with N(mean, std²) restricted to [a, b] (note: a and b are values, not multiples of std).

    Drawn by rejection, as PyTorch: values outside [a, b] are drawn again; when [a, b] holds
    little of the normal's mass (< 0.3), candidates are drawn uniformly on [a, b] instead and
    kept with probability exp(-½ ((x - mean) / std)²) / (its largest value on [a, b]).
    """
    if a > b:
        raise ValueError(f"trunc_normal_: the lower bound a={a} is larger than the upper bound b={b}")
    if std < 0:
        raise ValueError(f"trunc_normal_: std must be positive, got {std}")
    if std == 0:  # (PyTorch divides by it too)
        raise ZeroDivisionError("trunc_normal_: std is 0, so the normal distribution is not defined")
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values "
                      "may be incorrect.", stacklevel=2)
    rng, shape = rng_of(generator, "trunc_normal_"), _shape(tensor, "trunc_normal_")

    def norm_cdf(x: float) -> float:
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    mass = norm_cdf((b - mean) / std) - norm_cdf((a - mean) / std)
    result = np.empty(shape)
    pending = np.ones(shape, dtype=bool)
    if mass > 0.3:
        while pending.any():
            result[pending] = rng.normal(mean, std, int(pending.sum()))
            pending &= (result < a) | (result > b)
    else:
        mode = max(a, min(mean, b))
        log_peak = -0.5 * ((mode - mean) / std) ** 2
        while pending.any():
            candidates = rng.uniform(a, b, int(pending.sum()))
            result[pending] = candidates
            accepted = np.log(rng.random(candidates.shape)) <= -0.5 * ((candidates - mean) / std) ** 2 - log_peak
            pending[pending] = ~accepted
    return _fill(tensor, np.clip(result, a, b), "trunc_normal_")


def orthogonal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Fill with a (semi-)orthogonal matrix times `gain` (Saxe et al., "Exact solutions to the
    nonlinear dynamics of learning in deep linear neural networks", 2014): the Q of the QR
    decomposition of a normal random matrix, its columns' signs fixed by diag(R) so that Q is
    uniformly distributed (Mezzadri, "How to generate random matrices from the classical compact
    groups", 2007). A tensor of more than 2 dimensions is treated as the matrix
    (shape[0], rest flattened): then its rows are orthonormal (or its columns, if fewer)."""
    if tensor.ndim < 2:
        raise ValueError(f"orthogonal_: Only tensors with 2 or more dimensions are supported, got shape "
                         f"{tensor.shape}")
    if math.prod(tensor.shape) == 0:
        return tensor
    rows = tensor.shape[0]
    cols = math.prod(tensor.shape) // rows
    flattened = rng_of(generator, "orthogonal_").standard_normal((rows, cols))
    if rows < cols:
        flattened = flattened.T
    q, r = np.linalg.qr(flattened)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, gain * q.reshape(tensor.shape), "orthogonal_")


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D tensor with the identity matrix (ones on the diagonal, also when not square),
    so a Linear layer starts by passing its inputs through."""
    if tensor.ndim != 2:
        raise ValueError(f"eye_: Only tensors with 2 dimensions are supported, got shape {tensor.shape}")
    return _fill(tensor, np.eye(*tensor.shape), "eye_")


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill a 3-, 4- or 5-D convolution weight (out_channels, in_channels/groups, *kernel) with
    the Dirac delta: output channel d of each group copies input channel d at the kernel's
    centre, so the convolution starts as the identity on as many channels as both sides have."""
    dims, shape = tensor.ndim, tensor.shape
    if dims not in (3, 4, 5):
        raise ValueError(f"dirac_: Only tensors with 3, 4, or 5 dimensions are supported, got shape {shape}")
    if shape[0] % groups != 0:
        raise ValueError(f"dirac_: dim 0 must be divisible by groups ({shape[0]} output channels, groups={groups})")
    out_per_group = shape[0] // groups
    values = np.zeros(shape)
    centre = tuple(size // 2 for size in shape[2:])
    for g in range(groups):
        for d in range(min(out_per_group, shape[1])):
            values[(g * out_per_group + d, d) + centre] = 1
    return _fill(tensor, values, "dirac_")


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01, generator=None) -> Tensor:
    """Fill a 2-D tensor with N(0, std²) numbers, then set ⌈sparsity · rows⌉ randomly chosen
    elements of every column to zero (Martens, "Deep learning via Hessian-free optimization", 2010)."""
    if tensor.ndim != 2:
        raise ValueError(f"sparse_: Only tensors with 2 dimensions are supported, got shape {tensor.shape}")
    rng = rng_of(generator, "sparse_")
    rows, cols = tensor.shape
    num_zeros = math.ceil(sparsity * rows)
    values = rng.normal(0.0, std, (rows, cols))
    for col in range(cols):
        values[rng.permutation(rows)[:num_zeros], col] = 0
    return _fill(tensor, values, "sparse_")


# ---- PyTorch's old names without the trailing underscore (deprecated there: they warn) ---------
def _deprecated_name(fill):
    """`nn.init.normal` and its siblings: warn (FutureWarning, as PyTorch), then `fill` itself."""
    old, new = fill.__name__[:-1], fill.__name__

    def deprecated(*args, **kwargs):
        warnings.warn(f"`nn.init.{old}` is now deprecated in favor of `nn.init.{new}`.", FutureWarning,
                      stacklevel=2)
        return fill(*args, **kwargs)

    deprecated.__name__ = deprecated.__qualname__ = old
    deprecated.__doc__ = f"Deprecated in PyTorch: use `nn.init.{new}` (this warns, then calls it)."
    return deprecated


uniform, normal, constant, eye, dirac, xavier_uniform, xavier_normal, kaiming_uniform, kaiming_normal, \
    orthogonal, sparse = (_deprecated_name(fill) for fill in (
        uniform_, normal_, constant_, eye_, dirac_, xavier_uniform_, xavier_normal_, kaiming_uniform_,
        kaiming_normal_, orthogonal_, sparse_))
