"""Loss functions, each with `reduction='mean' | 'sum' | 'none'` like PyTorch.

    mse_loss:             (x - y)²
    nll_loss:             -w[t] · x[t]          for log-probabilities x and class index t
    cross_entropy:        nll_loss(log_softmax(z, 1), t)     for logits z
    binary_cross_entropy: -(y · log p + (1 - y) · log(1 - p)),  each log clamped at -100

With class weights w, the mean is Σ loss / Σ w[t] (a weighted average), as in PyTorch.

Dtypes follow PyTorch too: mse_loss promotes (a float32 input with a float64 target gives a
float64 loss), but binary_cross_entropy needs a target of the input's dtype, nll_loss and
cross_entropy need class weights of the input's dtype and int64 (or uint8) class indices.
"""
from __future__ import annotations

import numpy as np

from ...autograd.grad_mode import is_grad_enabled
from ...autograd.xp import numpy_xp
from ...errors import ShapeError
from ...ops.op import Op
from ...tensor import Tensor
from .activation import log_softmax
from .checks import (
    ArgumentDtypeError,
    ArgumentValueError,
    as_float_tensor,
    check_float,
    check_same_dtype,
    check_same_shape,
    legacy_reduction,
    named_as_pytorch,
)

_REDUCTIONS = ("mean", "sum", "none")


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _check_reduction(reduction, op: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _difference(input, target, op: str) -> Tensor:
    """input - target, for the elementwise losses: a float input, a target of the same shape
    (numbers, lists and integer tensors are taken in the input's dtype, as PyTorch promotes)."""
    check_float(input, op)
    target = as_float_tensor(target, input, op)
    check_same_shape(input, target, op)
    return input - target


def _weighted(loss: Tensor, weight, reduction: str, op: str, mean_over_weight: bool) -> Tensor:
    """loss · weight (weight of the loss's shape, else ValueError as PyTorch), reduced; with
    mean_over_weight, 'mean' is the weighted average Σ w·loss / Σ w."""
    w = as_float_tensor(weight, loss, op, "weight")
    if w.shape != loss.shape:
        raise ValueError(f"{op}: weight of shape {w.shape} must have the input's shape {loss.shape}")
    loss = loss * w
    if reduction == "mean" and mean_over_weight:
        return loss.sum() / w.sum()
    return _reduce(loss, reduction)


# ---- mean squared error ------------------------------------------------------------------
def mse_loss(input: Tensor, target, size_average=None, reduce=None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:
    """(input - target)², averaged (or summed) over all elements. With `weight` (the input's
    shape) each squared error is multiplied by its weight and 'mean' is Σ w·d² / Σ w, as in
    PyTorch. `size_average` and `reduce` are PyTorch's deprecated spellings of `reduction`.

    Input and target must have the same shape: a silently broadcast target ((N, 1) against
    (N,) makes an N×N matrix of errors) is a classic bug, so it is an error here.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.mse_loss(tg.tensor([1.0, 3.0]), tg.tensor([0.0, 0.0]), weight=tg.tensor([3.0, 1.0]))
    tensor(3.)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction, "mse_loss")
    diff = _difference(input, target, "mse_loss")
    if weight is not None:
        return named_as_pytorch(_weighted(diff * diff, weight, reduction, "mse_loss", mean_over_weight=True),
                                "MseLossBackward0")
    return named_as_pytorch(_reduce(diff * diff, reduction), "MseLossBackward0")


# ---- negative log likelihood ---------------------------------------------------------------
def _check_index_dtype(target, op: str) -> None:
    """Class indices in a tensor must be int64 or uint8, as PyTorch's nll_loss requires ("expected
    target dtype to be Long or Byte"); an int32 tensor is refused there too."""
    if isinstance(target, Tensor) and target.data.dtype.kind in "iu" and target.data.dtype not in (np.int64, np.uint8):
        raise ArgumentDtypeError(f"{op}: class indices must be an int64 (or uint8) tensor, got dtype {target.dtype}; "
                                 f"convert them with target.long()")


def _class_indices(target, input: Tensor, op: str) -> np.ndarray:
    """The target as an int array whose shape fits the input: (N, d...) for (N, C, d...), () for (C,)."""
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if t.dtype.kind not in "iu":
        # a TypeError that is also PyTorch's RuntimeError for the same mistake
        raise ArgumentDtypeError(
            f"{op}: target must hold integer class indices (int64), got dtype {t.dtype} of shape "
            f"{t.shape}; convert it with target.long()"
        )
    if input.ndim == 0:
        raise ValueError(f"{op}: input must be (C,) or (N, C, ...), got a 0-d tensor")
    expected = () if input.ndim == 1 else (input.shape[0],) + input.shape[2:]
    if t.shape != expected:
        if input.ndim == 1:
            layout = "(C,) needs a single class index"
        else:
            layout = f"(N, C{', ...' if input.ndim > 2 else ''}) needs a target of shape {expected}"
        raise ValueError(f"{op}: input of shape {input.shape} and target of shape {t.shape} do not fit: "
                         f"input {layout}")
    return t.astype(np.int64, copy=False)


def _check_range(t: np.ndarray, n_classes: int, ignore_index: int, op: str) -> np.ndarray:
    """The mask of targets that count (not ignore_index); IndexError for any other bad index."""
    counted = t != ignore_index
    bad = counted & ((t < 0) | (t >= n_classes))
    if bad.any():
        index = int(t[bad].flat[0])
        raise IndexError(f"{op}: target {index} is out of range for {n_classes} classes "
                         f"(valid: 0 to {n_classes - 1})")
    return counted


def nll_loss(input: Tensor, target, weight: Tensor | None = None, size_average=None, ignore_index: int = -100,
             reduce=None, reduction: str = "mean") -> Tensor:
    """Negative log likelihood of the target classes: loss_n = -weight[t_n] · input[n, t_n].

    `input` holds log-probabilities, shape (N, C) (or (C,) with one target, or (N, C, d...)
    with target (N, d...)); `target` holds class indices. Targets equal to `ignore_index` add
    nothing. 'mean' divides by the number (or total weight) of counted targets.
    `size_average` and `reduce` are PyTorch's deprecated spellings of `reduction`.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> logp = tg.tensor([[-0.1, -2.3], [-1.2, -0.4]])
    >>> F.nll_loss(logp, tg.tensor([0, 1]))          # (0.1 + 0.4) / 2
    tensor(0.2500)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    return named_as_pytorch(_nll_loss(input, target, weight, ignore_index, reduction, "nll_loss"), "NllLossBackward0")


def _nll_loss(input: Tensor, target, weight, ignore_index: int, reduction: str, op: str) -> Tensor:
    check_float(input, op)
    _check_reduction(reduction, op)
    _check_index_dtype(target, op)
    if isinstance(weight, Tensor):
        check_same_dtype(op, input=input, weight=weight)
        if weight.requires_grad and is_grad_enabled():  # (as PyTorch: its gradient is not computed)
            raise RuntimeError(f"{op}: the class weights require grad, but {op} with class-index targets is "
                               "not differentiable with respect to its weight; pass weight.detach()")
    t = _class_indices(target, input, op)
    n_classes = input.shape[0] if input.ndim == 1 else input.shape[1]
    counted = _check_range(t, n_classes, ignore_index, op)
    if weight is not None:
        w = weight.data if isinstance(weight, Tensor) else np.asarray(weight)
        if w.shape != (n_classes,):
            raise ValueError(f"{op}: weight must have one entry per class, shape ({n_classes},), "
                             f"got {w.shape}")
    everything_counts = bool(counted.all())
    if not counted.any():  # every target ignored: 0 per target (nan for the mean, 0/0), gradient 0
        nothing = input.reshape(-1)[:0].sum()  # (0, and still connected to input)
        if reduction == "none":
            return nothing.expand(t.shape) * 1  # (* 1: a tensor of its own, not a read-only broadcast)
        return nothing + (float("nan") if reduction == "mean" else 0.0)
    safe_t = t if everything_counts else np.where(counted, t, 0)

    if input.ndim == 1:
        picked = input[int(safe_t)]
    else:
        flat = input if input.ndim == 2 else input.permute(0, *range(2, input.ndim), 1).reshape(-1, n_classes)
        picked = flat[np.arange(flat.shape[0]), safe_t.reshape(-1)]
        if input.ndim > 2:
            picked = picked.reshape(t.shape)

    if weight is None and everything_counts:
        return _reduce(-picked, reduction)
    per_target = counted.astype(input.data.dtype)
    if weight is not None:
        per_target = per_target * w.astype(input.data.dtype)[safe_t]
    loss = -picked * Tensor._make(per_target, None, False)
    if not everything_counts:  # an ignored target adds exactly 0, even where the input is nan or inf
        loss = loss.where(Tensor._make(counted, None, False), 0.0)
    if reduction == "mean":
        total = float(per_target.sum())
        if total == 0:  # the counted targets' weights sum to 0: the mean is 0/0 = nan, gradient 0
            return loss.sum() + float("nan")
        return loss.sum() / total
    return _reduce(loss, reduction)


def cross_entropy(input: Tensor, target, weight: Tensor | None = None, size_average=None, ignore_index: int = -100,
                  reduce=None, reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Softmax cross-entropy from logits: exactly `nll_loss(log_softmax(input, 1), target)`,
    computed without overflow (logits of ±1000 are fine). The class axis is 1 (0 for a 1-D input).

    `target` holds class indices, or -- with the input's shape and a float dtype -- a probability
    per class (then loss_n = -Σ_c target[n, c] · log_softmax(input)[n, c]).

    `label_smoothing` ε in [0, 1] mixes the target with the uniform distribution over the C
    classes (Szegedy et al., "Rethinking the Inception architecture for computer vision", 2016):
    probabilities q become (1 - ε)·q + ε/C; for class indices the loss is, as in PyTorch,
    (1 - ε)·(the loss above) + ε/C · (the same reduction of -Σ_c w[c] · log_softmax(input)[c]),
    ignored targets adding 0 and 'mean' dividing by the same count (or total weight) as nll_loss.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.cross_entropy(tg.tensor([[1000.0, 0.0]]), tg.tensor([1]))
    tensor(1000.)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_float(input, "cross_entropy")
    _check_reduction(reduction, "cross_entropy")
    if input.ndim == 0:
        raise ValueError("cross_entropy: input must be (C,) or (N, C, ...), got a 0-d tensor")
    if label_smoothing > 1.0:
        raise ArgumentValueError(f"cross_entropy: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
    smoothing = float(label_smoothing) if label_smoothing > 0.0 else 0.0  # (PyTorch ignores a negative one)
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    _check_index_dtype(target, "cross_entropy")
    if input.ndim == 2 and weight is None and t.dtype.kind in "iu" and not smoothing:
        t = _class_indices(t, input, "cross_entropy")
        if _check_range(t, input.shape[1], ignore_index, "cross_entropy").all():
            return named_as_pytorch(CrossEntropy.apply(input, t, reduction), "NllLossBackward0")
    class_dim = 0 if input.ndim == 1 else 1
    log_probs = log_softmax(input, class_dim)
    if t.dtype.kind == "f":
        return _soft_cross_entropy(log_probs, target, t, class_dim, weight, reduction, smoothing)
    loss = _nll_loss(log_probs, target, weight, ignore_index, reduction, "cross_entropy")
    if not smoothing:
        return named_as_pytorch(loss, "NllLossBackward0")
    uniform = _uniform_target_loss(log_probs, t, class_dim, weight, ignore_index, reduction)
    return (1 - smoothing) * loss + uniform * (smoothing / input.shape[class_dim])


def _uniform_target_loss(log_probs: Tensor, t: np.ndarray, class_dim: int, weight, ignore_index: int,
                         reduction: str) -> Tensor:
    """The label-smoothing term of cross_entropy with class indices, PyTorch's definition:
    -Σ_c w[c] · log_probs[c] per target (0 where ignored), reduced as nll_loss reduces."""
    counted = t != ignore_index
    if weight is not None:
        w = (weight.data if isinstance(weight, Tensor) else np.asarray(weight)).astype(log_probs.data.dtype)
        shape = [1] * log_probs.ndim
        shape[class_dim] = -1
        log_probs = log_probs * Tensor._make(w.reshape(shape), None, False)
    per_target = -log_probs.sum(class_dim)
    if not counted.all():
        per_target = per_target.where(Tensor._make(counted, None, False), 0.0)
    if reduction == "none":
        return per_target
    if reduction == "sum":
        return per_target.sum()
    total = float(w[t[counted]].sum()) if weight is not None else float(counted.sum())
    if total == 0:  # nothing counted (or zero total weight): 0/0, as in nll_loss
        return per_target.sum() + float("nan")
    return per_target.sum() / total


class CrossEntropy(Op):
    """The common case as one node: logits z (N, C), class indices t (N,), no weights.

    ℓₙ = -log_softmax(zₙ)[tₙ],   ∂ℓₙ/∂zₙ = softmax(zₙ) - onehot(tₙ)

    Forward computes exactly what `nll_loss(log_softmax(z, 1), t)` computes.
    """

    @staticmethod
    def forward(ctx, z, t, reduction):
        ctx.save_for_backward(z)
        ctx.target, ctx.reduction = t.copy(), reduction  # (forward's targets, even if changed in place later)
        losses = -numpy_xp.log_softmax(z.data, 1)[np.arange(t.shape[0]), t]
        if reduction == "mean":
            return np.mean(losses, axis=(0,))
        if reduction == "sum":
            return np.sum(losses, axis=(0,))
        return losses

    @staticmethod
    def backward(ctx, grad):
        z, = ctx.saved_tensors
        xp = ctx.xp
        t, n = ctx.target, ctx.target.shape[0]
        one_hot = np.zeros(z.shape, dtype=ctx.xp.values(z).dtype)
        one_hot[np.arange(n), t] = 1
        d = xp.exp(xp.log_softmax(z, 1)) - one_hot
        if ctx.reduction == "none":
            return d * xp.reshape(grad, (n, 1))
        return d * (grad / n if ctx.reduction == "mean" else grad)



def _soft_cross_entropy(log_probs, target, t, class_dim, weight, reduction, smoothing: float = 0.0) -> Tensor:
    if t.ndim != log_probs.ndim:  # floats shaped like class indices: most likely labels as floats
        _class_indices(t, log_probs, "cross_entropy")
    if t.shape != log_probs.shape:
        raise ValueError(f"cross_entropy: a target of probabilities must have the input's shape "
                         f"{log_probs.shape}, got {t.shape}")
    target = target if isinstance(target, Tensor) else Tensor._make(t, None, False)
    if smoothing:  # mixed with the uniform distribution over the classes
        target = target * (1 - smoothing) + smoothing / log_probs.shape[class_dim]
    terms = log_probs * target
    if weight is not None:
        shape = [1] * log_probs.ndim
        shape[class_dim] = -1
        if isinstance(weight, Tensor) and weight.dtype.kind == "f":  # in the graph: w gets its gradient
            terms = terms * weight.reshape(shape)
        else:
            w = weight.data if isinstance(weight, Tensor) else np.asarray(weight)
            dtype = w.dtype if w.dtype.kind == "f" else log_probs.data.dtype  # (float weights promote, as PyTorch)
            terms = terms * Tensor._make(w.astype(dtype).reshape(shape), None, False)
    loss = -terms.sum(class_dim)
    if reduction == "mean" and log_probs.ndim > 1:
        return loss.sum() / float(log_probs.shape[0] * int(np.prod(log_probs.shape[2:])))
    return _reduce(loss, reduction)


# ---- binary cross-entropy ------------------------------------------------------------------
_LOG_FLOOR = -100.0  # PyTorch clamps log(0) = -inf to -100 so the loss stays finite
_EPS = float(np.float32(1e-12))  # keeps the derivative finite at p = 0 or 1; PyTorch stores 1e-12 as a float32


class BinaryCrossEntropy(Op):
    """ℓ = -(y · max(log p, -100) + (1 - y) · max(log(1 - p), -100))

    ∂ℓ/∂p = (p - y) / max(p(1 - p), 1e-12)
    ∂ℓ/∂y = max(log(1 - p), -100) - max(log p, -100)
    """

    @staticmethod
    def forward(ctx, p, y):
        ctx.save_for_backward(p, y)
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p.data), _LOG_FLOOR)
            log_q = np.maximum(np.log1p(-p.data), _LOG_FLOOR)
        return -y.data * log_p - (1 - y.data) * log_q  # (written so that p = y = 1 gives +0, not -0)

    @staticmethod
    def backward(ctx, grad):
        p, y = ctx.saved_tensors
        xp = ctx.xp
        need_p, need_y = ctx.needs_input_grad
        grad_p = grad * (p - y) / xp.clip(p * (1 - p), _EPS, None) if need_p else None
        grad_y = None
        if need_y:
            with np.errstate(divide="ignore"):
                grad_y = grad * (xp.clip(xp.log(1 - p), _LOG_FLOOR, None) - xp.clip(xp.log(p), _LOG_FLOOR, None))
        return grad_p, grad_y


def _broadcasts_to(shape: tuple, target: tuple) -> bool:
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


def binary_cross_entropy(input: Tensor, target, weight: Tensor | None = None, size_average=None,
                         reduce=None, reduction: str = "mean") -> Tensor:
    """Cross-entropy between probabilities `input` (in [0, 1], e.g. after a sigmoid) and
    targets in [0, 1] of the same shape and dtype (PyTorch does not promote here). Each log is
    clamped at -100, like PyTorch, so p = 0 or 1 gives a large finite loss instead of inf.
    `weight` multiplies each element's loss (the loss keeps the input's dtype).
    `size_average` and `reduce` are PyTorch's deprecated spellings of `reduction`.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.binary_cross_entropy(tg.tensor([0.0, 1.0]), tg.tensor([1.0, 1.0]), reduction="none")
    tensor([100.,   0.])
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_float(input, "binary_cross_entropy")
    _check_reduction(reduction, "binary_cross_entropy")
    if isinstance(target, Tensor):
        check_same_dtype("binary_cross_entropy", input=input, target=target)
    target = as_float_tensor(target, input, "binary_cross_entropy")
    check_same_shape(input, target, "binary_cross_entropy")
    if input.data.size and (input.data.min() < 0 or input.data.max() > 1):
        low, high = float(input.data.min()), float(input.data.max())
        raise ValueError(f"binary_cross_entropy: every input must be a probability in [0, 1], got "
                         f"values from {low:g} to {high:g} (apply sigmoid first, or use logits with "
                         f"cross_entropy)")
    loss = BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        weight = as_float_tensor(weight, input, "binary_cross_entropy", "weight")
        if not _broadcasts_to(weight.shape, input.shape):  # (it may not grow the loss)
            raise ShapeError(f"binary_cross_entropy: weight of shape {weight.shape} does not broadcast "
                             f"to the input's shape {input.shape}")
        loss = loss * weight.to(input.dtype)  # (PyTorch's loss keeps the input's dtype)
    return named_as_pytorch(_reduce(loss, reduction), "BinaryCrossEntropyBackward0")
