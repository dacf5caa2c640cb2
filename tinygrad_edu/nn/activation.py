"""Activation modules beyond the common ones of layers.py, and the module forms of a few
functions: ReLU6, Hardtanh, Hardsigmoid, Hardswish, SELU, CELU, Mish, Softsign, Softmin, Threshold,
Tanhshrink, Softshrink, Hardshrink, GLU, PReLU (a learnt slope), RReLU (a random slope while
training), Softmax2d, CosineSimilarity, PairwiseDistance, channel dropout and alpha dropout.

Each holds its arguments under PyTorch's attribute names and prints them as PyTorch does
(`extra_repr`), so `print(model)` reads the same in both.
"""
from __future__ import annotations

from ..creation import full
from ..tensor import Tensor
from . import functional as F
from .layers import _implicit_softmax_dim
from .module import Module
from .parameter import Parameter


def _inplace(inplace: bool) -> str:
    return ", inplace=True" if inplace else ""


class Hardtanh(Module):
    """clamp(x, min_val, max_val), derivative 0 at both ends."""

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        if min_val > max_val:
            raise ValueError(f"Hardtanh: min_val cannot be greater than max_val, got {min_val} > {max_val}")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace(self.inplace)}"


class ReLU6(Hardtanh):
    """min(max(x, 0), 6) (a Hardtanh from 0 to 6, as in PyTorch)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class _Elementwise(Module):
    """An activation with only an `inplace` flag (not printed, as in PyTorch, unless `shown`)."""

    function = None
    shown = False

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return type(self).function(input, self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace and self.shown else ""


class Hardsigmoid(_Elementwise):
    """clamp(x/6 + 1/2, 0, 1)."""

    function = staticmethod(F.hardsigmoid)


class Hardswish(_Elementwise):
    """x · hardsigmoid(x)."""

    function = staticmethod(F.hardswish)


class SELU(_Elementwise):
    """scale · elu(x, α), the self-normalising activation."""

    function = staticmethod(F.selu)
    shown = True


class Mish(_Elementwise):
    """x · tanh(softplus(x))."""

    function = staticmethod(F.mish)


class CELU(Module):
    """max(0, x) + min(0, α(e^(x/α) - 1))."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.celu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}{_inplace(self.inplace)}"


class Softsign(Module):
    """x / (1 + |x|)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.softsign(input)


class Tanhshrink(Module):
    """x - tanh(x)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.tanhshrink(input)


class Softmin(Module):
    """softmax(-x) over `dim` (PyTorch's implicit choice, with a warning, when dim is None)."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        dim = _implicit_softmax_dim("softmin", input.ndim) if self.dim is None else self.dim
        return F.softmin(input, dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax2d(Module):
    """softmax over the channels (dim -3) at every pixel of (N, C, H, W) or (C, H, W)."""

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.ndim}D (shape {input.shape})")
        return F.softmax(input, -3)


class Threshold(Module):
    """x where x > threshold, else value."""

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}{_inplace(self.inplace)}"


class _Shrink(Module):
    """A shrink with its threshold `lambd` (printed bare, as PyTorch does)."""

    function = None

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input: Tensor) -> Tensor:
        return type(self).function(input, self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)


class Softshrink(_Shrink):
    """x ∓ λ outside [-λ, λ], 0 inside."""

    function = staticmethod(F.softshrink)


class Hardshrink(_Shrink):
    """x outside [-λ, λ], 0 inside."""

    function = staticmethod(F.hardshrink)


class GLU(Module):
    """a · σ(b) for the two halves a, b of `dim`."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class PReLU(Module):
    """x where x > 0, a · x elsewhere, with the slope(s) a learnt: `weight` holds one slope, or
    `num_parameters` of them (one per channel, dim 1 of the input), all starting at `init`.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> nn.PReLU()(tg.tensor([-2.0, 3.0]))
    tensor([-0.5000,  3.0000], grad_fn=<WhereBackward0>)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None, dtype=None) -> None:
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(full((num_parameters,), float(init), dtype=dtype))

    def reset_parameters(self) -> None:
        """Every slope back to `init`."""
        self.weight.data[...] = self.init

    def forward(self, input: Tensor) -> Tensor:
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class RReLU(Module):
    """x where x ≥ 0, r · x elsewhere: r ~ U(lower, upper) per element while training, the mean
    slope (lower + upper)/2 in eval mode."""

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False) -> None:
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}{_inplace(self.inplace)}"


class CosineSimilarity(Module):
    """F.cosine_similarity(x1, x2, dim, eps) as a module."""

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """F.pairwise_distance(x1, x2, p, eps, keepdim) as a module: ‖x1 - x2 + eps‖ₚ over the last dim."""

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class _DropoutNd(Module):
    """A dropout variant: `p` and `inplace`, active in training mode only."""

    function = None

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
            raise ValueError(f"{type(self).__name__}: dropout probability has to be between 0 and 1, got {p!r}")
        self.p, self.inplace = p, inplace

    def forward(self, input: Tensor) -> Tensor:
        return type(self).function(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(_DropoutNd):
    """Zero whole channels of (N, C, L) or (C, L) while training (F.dropout1d)."""

    function = staticmethod(F.dropout1d)


class Dropout2d(_DropoutNd):
    """Zero whole channels of (N, C, H, W) or (C, H, W) while training (F.dropout2d)."""

    function = staticmethod(F.dropout2d)


class Dropout3d(_DropoutNd):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) while training (F.dropout3d)."""

    function = staticmethod(F.dropout3d)


class AlphaDropout(_DropoutNd):
    """Dropout for selu networks, keeping mean 0 and variance 1 (F.alpha_dropout)."""

    function = staticmethod(F.alpha_dropout)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels (F.feature_alpha_dropout)."""

    function = staticmethod(F.feature_alpha_dropout)
