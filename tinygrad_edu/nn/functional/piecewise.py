"""More activations, PyTorch's: the piecewise ones (hard*, shrinks, threshold, relu6, prelu, rrelu),
the self-normalising ones (selu, celu), smooth ones (mish, softsign, tanhshrink), glu, softmin
and gumbel_softmax.

    hardtanh(x)    = clamp(x, min_val, max_val)                    relu6 = hardtanh(x, 0, 6)
    hardsigmoid(x) = clamp(x/6 + 1/2, 0, 1)                        hardswish(x) = x · hardsigmoid(x)
    threshold(x)   = x if x > threshold else value
    softshrink(x)  = x - λ if x > λ, x + λ if x < -λ, else 0        hardshrink(x) = x if |x| > λ else 0
    selu(x)        = scale · elu(x, α),  α ≈ 1.6733, scale ≈ 1.0507  (Klambauer et al. 2017)
    celu(x)        = max(0, x) + min(0, α(e^(x/α) - 1))              (Barron 2017)
    mish(x)        = x · tanh(softplus(x))                           (Misra 2019)
    softsign(x)    = x / (1 + |x|)                                  tanhshrink(x) = x - tanh(x)
    glu(a ‖ b)     = a · σ(b), halves of `dim`                       (Dauphin et al. 2017)
    prelu(x, w)    = x if x > 0 else w·x, one w per channel (dim 1)  (He et al. 2015)
    rrelu(x)       = x if x ≥ 0 else r·x, r ~ U(lower, upper) while training, (lower+upper)/2 in eval

Every one is composed from differentiable ops (`where`, comparisons, existing activations), so
each has gradients of any order with no formula of its own. Where a function has a kink, the
comparison picks PyTorch's derivative exactly at it: 0 at both ends of hardtanh/relu6/hardsigmoid,
at ±λ of the shrinks and at x = threshold; hardswish takes the outer pieces (0 at -3, 1 at 3);
prelu and rrelu take the slope at 0; selu takes scale·α at 0.
"""
from __future__ import annotations

import numpy as np

from ...dtype import get_default_dtype
from ...errors import ArgumentValueError
from ...ops import normalize_dim
from ...ops.select import where
from ...random import generator
from ...tensor import Tensor
from .activation import softmax
from .checks import check_float_only, check_tensor, constant
from .pointwise import elu, leaky_relu, softplus


def _as_float(x: Tensor) -> Tensor:
    """An integer tensor as the default float dtype (softsign and tanhshrink accept ints, as PyTorch)."""
    return x if x.data.dtype.kind == "f" else constant(x.data.astype(get_default_dtype()))


def _maybe_inplace(op: str, x: Tensor, inplace: bool, compute) -> Tensor:
    return x._in_place(op + "_", compute) if inplace else compute(x)


# ---- piecewise linear ------------------------------------------------------------------------

def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """clamp(x, min_val, max_val); the derivative is 1 strictly inside, 0 elsewhere (also at both
    ends, as PyTorch). Integer tensors stay integer.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.hardtanh(tg.tensor([-2.0, 0.5, 3.0]))
    tensor([-1.0000,  0.5000,  1.0000])
    """
    check_tensor(input, "hardtanh")
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val cannot be greater than max_val, got min_val={min_val} "
                         f"and max_val={max_val}")

    def compute(x: Tensor) -> Tensor:
        if x.data.dtype.kind != "f":  # (no gradient for integers: the clipped numbers)
            return constant(np.clip(x.data, min_val, max_val).astype(x.data.dtype))
        clipped = constant(np.clip(x.data, min_val, max_val))
        # (tests that are false for nan: a nan stays nan and passes its gradient on, as PyTorch's)
        return where((x <= min_val) | (x >= max_val), clipped, x)

    return _maybe_inplace("hardtanh", input, inplace, compute)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6) = hardtanh(x, 0, 6) (Krizhevsky, "Convolutional deep belief networks on
    CIFAR-10", 2010)."""
    check_tensor(input, "relu6")
    return _maybe_inplace("relu6", input, inplace, lambda x: hardtanh(x, 0.0, 6.0))


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """0 for x ≤ -3, 1 for x ≥ 3, x/6 + 1/2 between (derivative 1/6 strictly inside, else 0)
    (Howard et al., "Searching for MobileNetV3", 2019)."""
    check_float_only(input, "hardsigmoid")

    def compute(x: Tensor) -> Tensor:
        # the outer pieces as constants computed by numpy (0, 1, or nan for nan): a nan stays nan
        # and gets gradient 0, as PyTorch's
        outer = constant(np.clip(x.data / 6 + 0.5, 0, 1))
        return where((x > -3) & (x < 3), x / 6 + 0.5, outer)

    return _maybe_inplace("hardsigmoid", input, inplace, compute)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x · hardsigmoid(x): 0 for x ≤ -3, x for x ≥ 3, x(x + 3)/6 between (Howard et al.,
    "Searching for MobileNetV3", 2019). At -3 and 3 the derivative is the outer piece's (0, 1)."""
    check_float_only(input, "hardswish")

    def compute(x: Tensor) -> Tensor:
        # x·0 on the left, as PyTorch's x·hardsigmoid(x): -inf gives nan, -3 gives -0.0; a nan
        # fails both tests and takes the right piece. The middle piece reads x only inside
        # (-3, 3): elsewhere its unused gradient would be 0·(2x + 3)/6, which is nan at ±inf.
        inside = where((x > -3) & (x < 3), x, 0.0)
        return where(x <= -3, x * 0, where(x < 3, inside * (inside + 3) / 6, x))

    return _maybe_inplace("hardswish", input, inplace, compute)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else `value` (the derivative is 0 at x = threshold). Integer
    tensors stay integer.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.threshold(tg.tensor([0.5, 2.0]), 1.0, -7.0)
    tensor([-7.,  2.])
    """
    check_tensor(input, "threshold")

    def compute(x: Tensor) -> Tensor:
        if x.data.dtype.kind != "f":
            return constant(np.where(x.data > threshold, x.data, value).astype(x.data.dtype))
        return where(x <= threshold, constant(np.asarray(value, dtype=x.data.dtype)), x)  # (nan stays nan)

    return _maybe_inplace("threshold", input, inplace, compute)


def _check_lambd(lambd: float, op: str) -> None:
    if not lambd >= 0:
        raise ArgumentValueError(f"{op}: lambd must be at least 0, got {lambd}")


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x - λ for x > λ, x + λ for x < -λ, 0 in [-λ, λ] (derivative 0 at ±λ)."""
    check_float_only(input, "softshrink")
    _check_lambd(lambd, "softshrink")
    # the middle test is false for nan: a nan takes an outer piece, stays nan and passes its
    # gradient on, as PyTorch's; input·0 in the middle keeps -0.0 for negative inputs, as there
    middle = (input >= -lambd) & (input <= lambd)
    return where(middle, input * 0, where(input > lambd, input - lambd, input + lambd))


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > λ, 0 in [-λ, λ] (derivative 0 at ±λ)."""
    check_float_only(input, "hardshrink")
    return where((input >= -lambd) & (input <= lambd), 0.0, input)  # (the test is false for nan: it stays nan)


# ---- smooth ----------------------------------------------------------------------------------

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale · elu(x, α) with α = 1.6733, scale = 1.0507: activations keep mean 0 and variance 1
    through a deep net (Klambauer et al., "Self-normalizing neural networks", 2017)."""
    check_float_only(input, "selu")
    return _maybe_inplace("selu", input, inplace, lambda x: elu(x, _SELU_ALPHA) * _SELU_SCALE)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, α(e^(x/α) - 1)) = α · elu(x/α) (Barron, "Continuously differentiable
    exponential linear units", 2017)."""
    check_float_only(input, "celu")
    if alpha == 0:
        raise ArgumentValueError("celu: alpha cannot be 0 (the formula divides by it)")
    return _maybe_inplace("celu", input, inplace, lambda x: elu(x / alpha, 1.0) * alpha)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x · tanh(softplus(x)) (Misra, "Mish: a self regularized non-monotonic activation
    function", 2019)."""
    check_float_only(input, "mish")
    return _maybe_inplace("mish", input, inplace, lambda x: x * softplus(x, 1.0, 40.0).tanh())


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|), in (-1, 1). Integer tensors give floats."""
    check_tensor(input, "softsign")
    x = _as_float(input)
    return x / (x.abs() + 1)


def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh(x). Integer tensors give floats."""
    check_tensor(input, "tanhshrink")
    x = _as_float(input)
    return x - x.tanh()


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """The gated linear unit: a · σ(b), where a and b are the two halves of `input` along `dim`
    (Dauphin et al., "Language modeling with gated convolutional networks", 2017).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.glu(tg.tensor([[2.0, 0.0]]))
    tensor([[1.]])
    """
    check_float_only(input, "glu")
    if input.ndim == 0:
        raise ArgumentValueError("glu: does not support 0-d tensors (scalars): there are no two halves")
    axis = normalize_dim(dim, input.ndim, "glu")
    n = input.shape[axis]
    if n % 2:
        raise ArgumentValueError(f"glu: the halved dimension must be even, but dimension {axis} of the input of "
                                 f"shape {input.shape} has size {n}")
    if n == 0:  # (nothing to halve: an empty result, as PyTorch's)
        return input * 1
    a, b = input.split(n // 2, axis)
    return a * b.sigmoid()


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """softmax(-x) over `dim`: weights that favour the smallest entries. Without a dim, PyTorch's
    old implicit choice is made, with its warning; dtype= converts the input first."""
    check_tensor(input, "softmin")
    if dtype is not None:
        input = input.to(dtype)
    if dim is None:
        from ..layers import _implicit_softmax_dim

        dim = _implicit_softmax_dim("softmin", input.ndim)
    return softmax(-input, dim)


# ---- with a parameter or noise ---------------------------------------------------------------

def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x where x > 0, weight · x elsewhere; `weight` holds one slope, or one per channel (dim 1 of
    the input; a 0-d or 1-d input is one channel) (He et al., "Delving deep into rectifiers", 2015)."""
    check_float_only(input, "prelu")
    check_tensor(weight, "prelu", "weight")
    if weight.ndim > 1:
        raise ArgumentValueError(f"prelu: weight must be a scalar or a 1-D tensor, got shape {weight.shape}")
    channels = input.shape[1] if input.ndim >= 2 else 1
    if weight.numel() != 1 and weight.numel() != channels:
        raise ArgumentValueError(f"prelu: weight has {weight.numel()} slopes, but the input of shape {input.shape} "
                                 f"has {channels} channels (its dim 1); give 1 slope or {channels}")
    if weight.numel() == 1:
        slope = weight.reshape(())
    else:
        slope = weight.reshape((channels,) + (1,) * (input.ndim - 2))
    return where(input > 0, input, slope * input)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False) -> Tensor:
    """Randomized leaky relu (Xu et al., "Empirical evaluation of rectified activations in
    convolutional network", 2015): while training, each x ≤ 0 is multiplied by its own slope drawn
    from U(lower, upper) (the generator of `tg.manual_seed`); otherwise leaky_relu with the
    mean slope (lower + upper)/2."""
    check_float_only(input, "rrelu")
    if lower > upper:
        raise ArgumentValueError(f"rrelu: the lower bound must be at most the upper bound, got lower={lower} "
                                 f"and upper={upper}")
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)

    def compute(x: Tensor) -> Tensor:
        slopes = generator().uniform(lower, upper, x.shape).astype(x.data.dtype)
        return x * constant(np.where(x.data > 0, 1, slopes).astype(x.data.dtype))

    return _maybe_inplace("rrelu", input, inplace, compute)


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10,
                   dim: int = -1) -> Tensor:
    """A differentiable sample from the categorical distribution of `logits`: softmax((logits + g)/τ)
    over `dim`, g Gumbel(0, 1) noise (drawn from the generator of `tg.manual_seed`). hard=True
    returns the one-hot of its argmax, with the soft sample's gradient (straight-through) (Jang,
    Gu & Poole, "Categorical reparameterization with Gumbel-softmax", 2017). `eps` is unused, as
    in PyTorch."""
    check_float_only(logits, "gumbel_softmax")
    gumbels = -np.log(generator().exponential(1.0, logits.shape)).astype(logits.data.dtype)
    soft = softmax((logits + constant(gumbels)) / tau, dim)
    if not hard:
        return soft
    axis = normalize_dim(dim, max(soft.ndim, 1), "gumbel_softmax")
    index = np.expand_dims(np.argmax(soft.data, axis=axis), axis) if soft.ndim else np.zeros((), dtype=np.int64)
    one_hot = np.zeros_like(soft.data)
    if soft.ndim:
        np.put_along_axis(one_hot, index, 1, axis=axis)
    else:
        one_hot[...] = 1
    return constant(one_hot) - soft.detach() + soft


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """hardtanh(input, min_val, max_val, inplace=True): overwrites input and returns it."""
    return hardtanh(input, min_val, max_val, inplace=True)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """threshold(input, threshold, value, inplace=True)."""
    return globals()["threshold"](input, threshold, value, inplace=True)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:
    """rrelu(input, lower, upper, training, inplace=True)."""
    return rrelu(input, lower, upper, training, inplace=True)


__all__ = ["hardtanh", "relu6", "hardsigmoid", "hardswish", "threshold", "softshrink", "hardshrink", "selu",
           "celu", "mish", "softsign", "tanhshrink", "glu", "softmin", "prelu", "rrelu", "gumbel_softmax", "hardtanh_",
           "threshold_", "rrelu_"]
