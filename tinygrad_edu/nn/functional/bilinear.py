"""The bilinear form of PyTorch's F.bilinear / nn.Bilinear:

    y[..., o] = Σ_{i, j} x1[..., i] · A[o, i, j] · x2[..., j] + b[o]

one einsum, so its gradients (∂y/∂x1 = A x2, ∂y/∂x2 = Aᵀ x1, ∂y/∂A = x1 ⊗ x2) are einsum's.
"""
from __future__ import annotations

from ...functions import einsum
from ...tensor import Tensor
from .checks import check_float, check_same_dtype, check_tensor


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x1ᵀ A_o x2 + b_o for each output o: input1 (*, in1), input2 (*, in2) with the same leading
    dims, weight (out, in1, in2), bias (out,) -> (*, out).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.bilinear(tg.tensor([[1.0, 2.0]]), tg.tensor([[3.0]]), tg.tensor([[[1.0], [1.0]]]))
    tensor([[9.]])
    """
    op = "bilinear"
    check_float(input1, op, "input1")
    check_float(input2, op, "input2")
    check_tensor(weight, op, "weight")
    check_same_dtype(op, input1=input1, input2=input2, weight=weight, bias=bias)
    if input1.ndim == 0 or input2.ndim == 0:
        raise IndexError(f"{op}: input1 and input2 need at least one dim (the features), got shapes "
                         f"{input1.shape} and {input2.shape}")
    if input1.ndim != input2.ndim or input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"{op}: input1 of shape {input1.shape} and input2 of shape {input2.shape} must have the "
                           f"same batch dims (all but the last)")
    if weight.ndim != 3:
        raise RuntimeError(f"{op}: weight must be 3-D (out_features, in1_features, in2_features), got shape "
                           f"{weight.shape}")
    for k, (name, x) in enumerate((("input1", input1), ("input2", input2))):
        if x.shape[-1] != weight.shape[1 + k]:
            raise RuntimeError(f"{op}: {name} size does not match weight size: got {x.shape[-1]} features but "
                               f"weight of shape {weight.shape} expects {weight.shape[1 + k]}")
    out = einsum("...i,oij,...j->...o", input1, weight, input2)
    if bias is not None:
        check_tensor(bias, op, "bias")
        if bias.shape != (weight.shape[0],):
            raise RuntimeError(f"{op}: bias size does not match weight size: got bias of shape {bias.shape} but "
                               f"expected ({weight.shape[0]},)")
        out = out + bias
    return out
