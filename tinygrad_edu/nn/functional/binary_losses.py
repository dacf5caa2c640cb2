"""Binary cross-entropy from logits, computed without overflow.

For a logit x (any real number), a target y in [0, 1] and p = σ(x):

    ℓ = -[w⁺ · y · log σ(x) + (1 - y) · log(1 - σ(x))]
      = (1 - y) · x - (1 + (w⁺ - 1) · y) · log σ(x)        since log(1 - σ(x)) = log σ(x) - x

with w⁺ = pos_weight (1 by default), which weighs the positive examples. log σ(x) is computed as
min(x, 0) - log(1 + e^(-|x|)), so logits of ±1000 give exact, finite losses and gradients
(∂ℓ/∂x = σ(x) - y without pos_weight), where sigmoid followed by binary_cross_entropy would hit
log(0).
"""
from __future__ import annotations

from ...tensor import Tensor
from .checks import as_float_tensor, check_float, legacy_reduction, named_as_pytorch
from .losses import _check_reduction, _reduce
from .pointwise import LogSigmoid


def binary_cross_entropy_with_logits(input: Tensor, target, weight: Tensor | None = None,
                                     size_average=None, reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """Binary cross-entropy between σ(input) and `target` (same shape, values in [0, 1]), from the
    logits `input`. `weight` multiplies each element's loss (broadcast to the input's shape);
    `pos_weight` multiplies the loss of the positive term (broadcast along the last, class axis:
    shape (C,) for an input (N, C)) -- pos_weight = #negatives / #positives balances classes.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.binary_cross_entropy_with_logits(tg.tensor([1000.0, -1000.0, 0.0]),
    ...                                    tg.tensor([0.0, 0.0, 1.0]), reduction="none")
    tensor([1.0000e+03, 0.0000e+00, 6.9315e-01])
    """
    op = "binary_cross_entropy_with_logits"
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction, op)
    check_float(input, op)
    target = as_float_tensor(target, input, op)
    if target.shape != input.shape:
        raise ValueError(f"{op}: target size {target.shape} must be the same as input size {input.shape}")
    log_p = LogSigmoid.apply(input)
    if pos_weight is None:
        loss = (1 - target) * input - log_p
    else:
        pos_weight = as_float_tensor(pos_weight, input, op, "pos_weight")
        loss = (1 - target) * input - (1 + (pos_weight - 1) * target) * log_p
    if weight is not None:
        loss = loss * as_float_tensor(weight, input, op, "weight")
    if loss.shape != input.shape:
        raise ValueError(f"{op}: weight or pos_weight would broadcast the loss from the input's shape "
                         f"{input.shape} to {loss.shape}")
    return named_as_pytorch(_reduce(loss, reduction), "BinaryCrossEntropyWithLogitsBackward0")
