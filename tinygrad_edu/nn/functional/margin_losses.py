"""Margin, ranking and embedding losses, with PyTorch's formulas (x, x₁, x₂ inputs, y targets):

    margin_ranking_loss:          max(0, -y · (x₁ - x₂) + margin)                      y = ±1
    hinge_embedding_loss:         x where y = 1,  max(0, margin - x) where y = -1
    cosine_embedding_loss:        1 - cos(x₁, x₂) where y = 1,  max(0, cos(x₁, x₂) - margin) where y = -1
    triplet_margin_loss:          max(0, d(a, p) - d(a, n) + margin),  d(u, v) = ‖u - v + eps‖ₚ
    soft_margin_loss:             log(1 + exp(-y · x))
    multilabel_soft_margin_loss:  -Σ_c w_c (y_c log σ(x_c) + (1 - y_c) log σ(-x_c)) / C
    multi_margin_loss:            Σ_{j ≠ y} w_y max(0, margin - x_y + x_j)ᵖ / C         p = 1 or 2
    multilabel_margin_loss:       Σ_{j ∈ y} Σ_{k ∉ y} max(0, 1 - x_j + x_k) / C

Each takes `reduction='mean' | 'sum' | 'none'` (and PyTorch's old `size_average=` / `reduce=`
flags); inputs and targets broadcast together where PyTorch lets them. All are composed from
differentiable ops (clamp, where, norm, logsigmoid), so their gradients need no formula here.
The triplet loss is from Schroff, Kalenichenko & Philbin, "FaceNet", 2015, its swap option from
Balntas, Riba, Ponsa & Mikolajczyk, "Learning local feature descriptors with triplets and
shallow convolutional neural networks", 2016; the multi-class margin loss from Weston & Watkins,
"Multi-class support vector machines", 1998.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ...errors import ShapeError
from ...ops import where
from ...tensor import Tensor
from .checks import (
    ArgumentDtypeError,
    ArgumentValueError,
    as_float_tensor,
    check_broadcast,
    check_float,
    legacy_reduction,
    named_as_pytorch,
)
from .losses import _check_reduction, _reduce
from .pointwise import logsigmoid


def _reduction(size_average, reduce, reduction: str, op: str) -> str:
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction, op)
    return reduction


def _labels(target, op: str) -> np.ndarray:
    """A target that is only compared (with 1 and -1): its values as an array, no gradient."""
    return target.data if isinstance(target, Tensor) else np.asarray(target)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target, margin: float = 0, size_average=None,
                        reduce=None, reduction: str = "mean") -> Tensor:
    """max(0, -target · (input1 - input2) + margin): target 1 says input1 should rank higher
    (by at least margin), -1 that input2 should. All three must have the same number of dims.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.margin_ranking_loss(tg.tensor([1.0, 1.0]), tg.tensor([0.0, 3.0]), tg.tensor([1.0, 1.0]), reduction="none")
    tensor([0., 2.])
    """
    op = "margin_ranking_loss"
    reduction = _reduction(size_average, reduce, reduction, op)
    check_float(input1, op, "input1")
    check_float(input2, op, "input2")
    target = as_float_tensor(target, input1, op)
    if not input1.ndim == input2.ndim == target.ndim:
        raise ShapeError(f"{op}: input1, input2 and target must have the same number of dims, got shapes "
                         f"{input1.shape}, {input2.shape} and {target.shape}")
    check_broadcast(op, input1=input1, input2=input2, target=target)
    return _reduce((-target * (input1 - input2) + margin).clamp(min=0), reduction)


def hinge_embedding_loss(input: Tensor, target, margin: float = 1.0, size_average=None, reduce=None,
                         reduction: str = "mean") -> Tensor:
    """input where target is 1, max(0, margin - input) where target is -1 (input is usually a
    distance: small for similar pairs, at least margin for dissimilar ones). As in PyTorch, a
    target that is neither adds both terms.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.hinge_embedding_loss(tg.tensor([0.3, 0.3]), tg.tensor([1, -1]), reduction="none")
    tensor([0.3000, 0.7000])
    """
    op = "hinge_embedding_loss"
    reduction = _reduction(size_average, reduce, reduction, op)
    check_float(input, op)
    y = _labels(target, op)
    check_broadcast(op, input=input, target=Tensor._make(np.asarray(y), None, False))
    pull_apart = where(y != 1, (margin - input).clamp(min=0), 0.0)
    pull_together = where(y != -1, input, 0.0)
    return _reduce(pull_apart + pull_together, reduction)


_COSINE_EPS = 1e-12  # added to each squared norm, as in PyTorch


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target, margin: float = 0, size_average=None,
                          reduce=None, reduction: str = "mean") -> Tensor:
    """1 - cos(input1, input2) where target is 1 (pull together), max(0, cos - margin) where it
    is -1 (push apart), cos taken along the last dim: inputs (N, D) with target (N,), or (D,)
    with a 0-d target. (Other targets add 0.)

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.cosine_embedding_loss(tg.tensor([[1.0, 0.0]]), tg.tensor([[1.0, 1.0]]), tg.tensor([-1]))
    tensor(0.7071)
    """
    op = "cosine_embedding_loss"
    reduction = _reduction(size_average, reduce, reduction, op)
    check_float(input1, op, "input1")
    check_float(input2, op, "input2")
    y = np.asarray(_labels(target, op))
    if y.ndim > 1:
        raise ShapeError(f"{op}: target must be 0-d or 1-d (one label per pair), got shape {y.shape}")
    expected = 2 if y.ndim == 1 else 1
    if input1.ndim != expected or input2.ndim != expected:
        raise ShapeError(f"{op}: a {y.ndim}-d target needs {expected}-d inputs, got input1 {input1.shape} "
                         f"and input2 {input2.shape}")
    check_broadcast(op, input1=input1, input2=input2)
    dim = y.ndim
    dot = (input1 * input2).sum(dim)
    squared1 = (input1 * input1).sum(dim) + _COSINE_EPS
    squared2 = (input2 * input2).sum(dim) + _COSINE_EPS
    cos = dot / (squared1 * squared2).sqrt()
    check_broadcast(op, cos=cos, target=Tensor._make(y, None, False))
    loss = where(y == 1, 1 - cos, 0.0) + where(y == -1, (cos - margin).clamp(min=0), 0.0)
    return _reduce(loss, reduction)


def _pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6) -> Tensor:
    """‖x1 - x2 + eps‖ₚ along the last dim (PyTorch's pairwise_distance)."""
    return (x1 - x2 + eps).norm(p, dim=max(x1.ndim, x2.ndim) - 1)


def _check_triplet(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float, op: str) -> None:
    if not margin > 0:
        raise ValueError(f"{op}: margin must be greater than 0, got {margin}")
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise ShapeError(f"{op}: anchor, positive and negative must have the same number of dims, got "
                         f"anchor {anchor.shape}, positive {positive.shape} and negative {negative.shape}")


def _triplet(dist_pos: Tensor, dist_neg: Tensor, dist_swap: Callable[[], Tensor], margin: float, swap: bool,
             reduction: str) -> Tensor:
    if swap:  # the harder of the two negatives' distances: to the anchor or to the positive
        dist_neg = dist_neg.minimum(dist_swap())
    return _reduce((margin + dist_pos - dist_neg).clamp(min=0), reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average=None, reduce=None,
                        reduction: str = "mean") -> Tensor:
    """max(0, d(anchor, positive) - d(anchor, negative) + margin), d(u, v) = ‖u - v + eps‖ₚ
    along the last dim: the positive should be closer to the anchor than the negative, by at
    least margin. `swap=True` uses min(d(a, n), d(p, n)) for the negative's distance.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> a, p, n = tg.tensor([[0.0, 0.0]]), tg.tensor([[3.0, 4.0]]), tg.tensor([[0.0, 1.0]])
    >>> F.triplet_margin_loss(a, p, n, eps=0.0)       # 5 - 1 + 1
    tensor(5.)
    """
    op = "triplet_margin_loss"
    reduction = _reduction(size_average, reduce, reduction, op)
    for name, t in (("anchor", anchor), ("positive", positive), ("negative", negative)):
        check_float(t, op, name)
    _check_triplet(anchor, positive, negative, margin, op)
    check_broadcast(op, anchor=anchor, positive=positive, negative=negative)
    return _triplet(_pairwise_distance(anchor, positive, p, eps), _pairwise_distance(anchor, negative, p, eps),
                    lambda: _pairwise_distance(positive, negative, p, eps), margin, swap, reduction)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
                                      margin: float = 1.0, swap: bool = False, reduction: str = "mean") -> Tensor:
    """triplet_margin_loss with any distance: max(0, d(anchor, positive) - d(anchor, negative)
    + margin), d = `distance_function` (default: the Euclidean pairwise distance, eps 1e-6).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> l1 = lambda u, v: (u - v).abs().sum(-1)
    >>> a, p, n = tg.tensor([[0.0, 0.0]]), tg.tensor([[3.0, 4.0]]), tg.tensor([[0.0, 1.0]])
    >>> F.triplet_margin_with_distance_loss(a, p, n, distance_function=l1)    # 7 - 1 + 1
    tensor(7.)
    """
    op = "triplet_margin_with_distance_loss"
    _check_reduction(reduction, op)
    _check_triplet(anchor, positive, negative, margin, op)
    distance = _pairwise_distance if distance_function is None else distance_function
    return _triplet(distance(anchor, positive), distance(anchor, negative), lambda: distance(positive, negative),
                    margin, swap, reduction)


def soft_margin_loss(input: Tensor, target, size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """log(1 + exp(-target · input)) for targets ±1: the logistic loss of a two-class
    classifier, computed as -log σ(target · input) so that large values do not overflow.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.soft_margin_loss(tg.tensor([0.0]), tg.tensor([1.0]))       # log 2
    tensor(0.6931)
    """
    op = "soft_margin_loss"
    reduction = _reduction(size_average, reduce, reduction, op)
    check_float(input, op)
    if isinstance(target, Tensor) and target.requires_grad:  # (PyTorch's rule: its formula has no target gradient)
        raise RuntimeError(f"{op}: the loss is not differentiable with respect to target, which requires grad "
                           f"(pass target.detach())")
    target = as_float_tensor(target, input, op)
    check_broadcast(op, input=input, target=target)
    return named_as_pytorch(_reduce(-logsigmoid(input * target), reduction), "SoftMarginLossBackward0")


def multilabel_soft_margin_loss(input: Tensor, target, weight: Tensor | None = None, size_average=None,
                                reduce=None, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy from logits for each class (target 0 or 1 per class, any number of
    classes per sample), averaged over the classes (the last dim); `weight` multiplies each
    class's term.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.multilabel_soft_margin_loss(tg.tensor([[0.0, 0.0]]), tg.tensor([[1.0, 0.0]]))   # log 2
    tensor(0.6931)
    """
    op = "multilabel_soft_margin_loss"
    reduction = _reduction(size_average, reduce, reduction, op)
    check_float(input, op)
    target = as_float_tensor(target, input, op)
    check_broadcast(op, input=input, target=target)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * as_float_tensor(weight, input, op, "weight")
    class_dim = input.ndim - 1
    loss = loss.sum(class_dim) / input.shape[class_dim]
    return _reduce(loss, reduction)


def _class_index_target(target, op: str) -> np.ndarray:
    t = _labels(target, op)
    t = np.asarray(t)
    if t.dtype.kind not in "iu":
        raise ArgumentDtypeError(f"{op}: target must hold integer class indices (int64), got dtype {t.dtype} "
                                 f"of shape {t.shape}; convert it with target.long()")
    return t.astype(np.int64, copy=False)


def _frames(input: Tensor, op: str) -> tuple[int, int]:
    """(number of samples, number of classes) for an input (N, C), (C,) or 0-d (one class)."""
    if input.ndim > 2 or (input.ndim >= 1 and input.shape[-1] == 0):
        raise ShapeError(f"{op}: input must be a non-empty vector (C,) or a matrix (N, C) with C > 0, "
                         f"got shape {input.shape}")
    if input.ndim == 2:
        return input.shape[0], input.shape[1]
    return 1, (input.shape[0] if input.ndim == 1 else 1)


def multi_margin_loss(input: Tensor, target, p: int = 1, margin: float = 1.0, weight: Tensor | None = None,
                      size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """The multi-class hinge loss of scores `input` (N, C) (or (C,)) and class indices `target`
    (N,): loss_n = Σ_{j ≠ y} w[y] · max(0, margin - x[y] + x[j])ᵖ / C, with y = target[n] and
    p = 1 or 2: every other class should score at least margin below the target class.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.multi_margin_loss(tg.tensor([[0.1, 0.2, 0.4, 0.8]]), tg.tensor([3]))   # (0.3 + 0.4 + 0.6) / 4
    tensor(0.3250)
    """
    op = "multi_margin_loss"
    reduction = _reduction(size_average, reduce, reduction, op)
    if p not in (1, 2):
        raise ValueError(f"{op}: only p == 1 and p == 2 are supported, got p={p}")
    if weight is not None and weight.ndim != 1:
        raise ValueError(f"{op}: weight must be one-dimensional (one weight per class), got shape {weight.shape}")
    check_float(input, op)
    n, n_classes = _frames(input, op)
    t = _class_index_target(target, op)
    if t.ndim > 1 or t.size != n:
        raise ShapeError(f"{op}: target must be 1-d with one class index per sample ({n}), got shape {t.shape} "
                         f"for input of shape {input.shape}")
    if weight is not None and weight.numel() != n_classes:
        raise ShapeError(f"{op}: weight must have one entry per class ({n_classes}), got shape {weight.shape}")
    bad = (t < 0) | (t >= n_classes)
    if bad.any():
        raise ArgumentValueError(f"{op}: target {int(t[bad].flat[0])} is out of range for {n_classes} classes "
                                 f"(valid: 0 to {n_classes - 1})")
    scores = input.reshape(n, n_classes)
    rows, flat_t = np.arange(n), t.reshape(n)
    gaps = (margin - scores[rows, flat_t].reshape(n, 1) + scores).relu()  # (relu: gradient 0 at 0, as PyTorch)
    if p == 2:
        gaps = gaps * gaps
    others = np.ones((n, n_classes), dtype=input.data.dtype)
    others[rows, flat_t] = 0  # the target's own term is left out
    if weight is not None:  # (the weight is not differentiated, as in PyTorch)
        w = weight.data if isinstance(weight, Tensor) else np.asarray(weight)
        others = others * w.astype(input.data.dtype).reshape(-1)[flat_t].reshape(n, 1)
    loss = (gaps * Tensor._make(others, None, False)).sum(1) / n_classes
    return named_as_pytorch(_reduce(loss.reshape(t.shape), reduction), "MultiMarginLossBackward0")


def multilabel_margin_loss(input: Tensor, target, size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """The multi-label hinge loss: `target` (the input's shape, int) lists each sample's classes
    first, then -1 and anything: loss_n = Σ_{j listed} Σ_{k not listed} max(0, 1 - x[j] + x[k]) / C,
    so every listed class should score at least 1 above every other.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.multilabel_margin_loss(tg.tensor([[0.1, 0.2, 0.4, 0.8]]), tg.tensor([[3, 0, -1, 1]]))
    tensor(0.8500)
    """
    op = "multilabel_margin_loss"
    reduction = _reduction(size_average, reduce, reduction, op)
    check_float(input, op)
    n, n_classes = _frames(input, op)
    t = _class_index_target(target, op)
    if t.shape != input.shape:
        raise ShapeError(f"{op}: target must have the input's shape {input.shape}, got {t.shape}")
    bad = (t < -1) | (t >= n_classes)  # (also after the -1, as PyTorch checks)
    if bad.any():
        raise ArgumentValueError(f"{op}: target {int(t[bad].flat[0])} is out of range for {n_classes} classes "
                                 f"(valid: 0 to {n_classes - 1}, and -1 to end the list)")
    rows = t.reshape(n, n_classes)
    listed = np.zeros((n, n_classes), dtype=input.data.dtype)  # how often each class is listed
    for i, row in enumerate(rows):
        for j in row:
            if j == -1:
                break
            listed[i, j] += 1
    not_listed = (listed == 0).astype(input.data.dtype)
    pairs = listed[:, :, None] * not_listed[:, None, :]  # pairs[n, j, k]: j listed, k not
    scores = input.reshape(n, n_classes)
    gaps = (1 - scores.reshape(n, n_classes, 1) + scores.reshape(n, 1, n_classes)).relu()
    # (where, not a product with the 0/1 pairs: a pair left out must not turn an inf score's nan gap into
    # a nan loss, as PyTorch's kernel never looks at it)
    weighted = where(pairs > 0, gaps * Tensor._make(pairs, None, False), 0.0)
    loss = weighted.sum((1, 2)) / n_classes
    loss = _reduce(loss.reshape(t.shape[:-1] if input.ndim == 2 else ()), reduction)
    return named_as_pytorch(loss, "MultilabelMarginLossBackward0")
