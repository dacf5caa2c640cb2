"""`nn.LayerNorm`: layer normalization with learned elementwise scale and shift (functional/
normalization.py has the formula), PyTorch's arguments and parameter names."""
from __future__ import annotations

from collections.abc import Sequence

from ..creation import ones, zeros
from ..devices import check_device
from ..tensor import Tensor
from . import functional as F
from .functional.normalization import normalized_dims
from .module import Module
from .parameter import Parameter


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
        if elementwise_affine:
            self.weight = Parameter(ones(self.normalized_shape, dtype=dtype))
            if bias:
                self.bias = Parameter(zeros(self.normalized_shape, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        if self.weight is not None:
            self.weight.data[...] = 1
        if self.bias is not None:
            self.bias.data[...] = 0

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")
