"""Registry entries for the margin/ranking/embedding and likelihood losses, cross_entropy's
label_smoothing, and group_norm / instance_norm / rms_norm / local_response_norm. Class and sign
targets are constants derived from the input's shape, so one lambda serves every case; values
near a hinge's kink are avoided with `distinct` inputs or margins away from them."""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

from . import Spec, constant, distinct, positive, register

REDUCTIONS = ("mean", "sum", "none")


def _signs(shape) -> np.ndarray:
    """+1, -1, -1, +1, ... in the given shape."""
    return np.where(np.arange(int(np.prod(shape))) % 3 == 0, 1.0, -1.0).reshape(shape)


def _labels(x: tg.Tensor) -> np.ndarray:
    """One class index per sample of scores x (N, C) or (C,)."""
    if x.ndim == 1:
        return np.asarray(x.shape[0] - 1)
    return (np.arange(x.shape[0]) * 2 + 1) % x.shape[1]


def _label_lists(x: tg.Tensor) -> np.ndarray:
    """multilabel_margin_loss targets: row n lists classes n % C and (n + 2) % C, then -1."""
    rows = np.atleast_2d(np.zeros(x.shape, dtype=np.int64))
    n_classes = rows.shape[1]
    for n in range(rows.shape[0]):
        rows[n, :2] = [n % n_classes, (n + 2) % n_classes]
        rows[n, 2:3] = -1
    return rows.reshape(x.shape)


def counts(*shape) -> Spec:
    """A positive constant (Poisson counts, spread over both sides of 1)."""
    return Spec(tuple(shape), "positive", requires_grad=False)


def _class_targets(x: tg.Tensor) -> np.ndarray:
    if x.ndim == 1:
        return np.asarray(x.shape[0] - 1)
    shape = (x.shape[0],) + x.shape[2:]
    return (np.arange(int(np.prod(shape))) * 2 + 1).reshape(shape) % x.shape[1]


for reduction in REDUCTIONS:
    suffix = f"(reduction={reduction})"
    register(f"F.margin_ranking_loss{suffix}",
             lambda a, b, y, r=reduction: F.margin_ranking_loss(a, b, y, margin=0.05, reduction=r),
             [distinct(4), distinct(4), (4,)], [distinct(2, 3), distinct(1, 3), constant(2, 1)],
             [distinct(1), distinct(1), constant(1)])
    register(f"F.hinge_embedding_loss{suffix}",
             lambda x, r=reduction: F.hinge_embedding_loss(x, _signs(x.shape), margin=0.05, reduction=r),
             [distinct(4)], [distinct(2, 3)], [distinct(1)], [distinct()])
    register(f"F.cosine_embedding_loss{suffix}",
             lambda a, b, r=reduction: F.cosine_embedding_loss(a, b, _signs(a.shape[:1]), margin=-0.9, reduction=r),
             [(4, 3), (4, 3)], [(3, 2), (1, 2)], [(1, 1), (1, 1)])
    register(f"F.triplet_margin_loss{suffix}",
             lambda a, p, n, r=reduction: F.triplet_margin_loss(a, p, n, margin=5.0, reduction=r),
             [(4, 3), (4, 3), (4, 3)], [(2, 3), (1, 3), (2, 3)], [(3,), (3,), (3,)], [(1, 1), (1, 1), (1, 1)])
    register(f"F.triplet_margin_with_distance_loss{suffix}",
             lambda a, p, n, r=reduction: F.triplet_margin_with_distance_loss(a, p, n, margin=5.0, reduction=r),
             [(4, 3), (4, 3), (4, 3)], [(2, 3), (1, 3), (2, 3)], [(3,), (3,), (3,)])
    register(f"F.soft_margin_loss{suffix}",
             lambda x, y, r=reduction: F.soft_margin_loss(x, y, reduction=r),
             [(4,), constant(4)], [(2, 3), constant(3)], [(1, 1), constant(1, 1)], [(), constant()])
    register(f"F.multilabel_soft_margin_loss{suffix}",
             lambda x, y, r=reduction: F.multilabel_soft_margin_loss(x, y.sigmoid(), reduction=r),
             [(2, 3), (2, 3)], [(4,), (4,)], [(1, 1), (1, 1)], [(3, 2), (2,)])
    register(f"F.multi_margin_loss{suffix}",
             lambda x, r=reduction: F.multi_margin_loss(x, _labels(x), margin=3.0, reduction=r),
             [(4, 3)], [(5,)], [(1, 2)], [(2, 1)])
    register(f"F.multilabel_margin_loss{suffix}",
             lambda x, r=reduction: F.multilabel_margin_loss(x, _label_lists(x), reduction=r),
             [distinct(3, 4)], [distinct(5)], [distinct(1, 3)])
    register(f"F.poisson_nll_loss{suffix}",
             lambda x, y, r=reduction: F.poisson_nll_loss(x, y, reduction=r),
             [(2, 3), (2, 3)], [(4,), counts(4)], [(1, 1), (1, 1)], [(), ()])
    register(f"F.gaussian_nll_loss{suffix}",
             lambda x, y, v, r=reduction: F.gaussian_nll_loss(x, y, v, reduction=r),
             [(4, 3), (4, 3), positive(4, 3)], [(4, 3), (4, 3), positive(4)], [(2, 3), constant(2, 3), positive(2, 1)],
             [(1, 1), (1, 1), positive(1, 1)])
    register(f"F.cross_entropy(label_smoothing, reduction={reduction})",
             lambda x, r=reduction: F.cross_entropy(x, _class_targets(x), reduction=r, label_smoothing=0.2),
             [(4, 3)], [(5,)], [(1, 1)], [(2, 3, 2)])

register("F.multi_margin_loss(p=2, weight)",
         lambda x: F.multi_margin_loss(x, _labels(x), p=2, margin=3.0, weight=tg.tensor([0.5, 2.0, 1.5])),
         [(4, 3)], [(3,)], [(1, 3)])
register("F.triplet_margin_loss(p=1, swap)",
         lambda a, p, n: F.triplet_margin_loss(a, p, n, margin=6.0, p=1, swap=True),
         [distinct(4, 3), (4, 3), (4, 3)], [distinct(2, 3), (1, 3), (2, 3)], [distinct(3), (3,), (3,)])
register("F.triplet_margin_loss(p=3, swap)",
         lambda a, p, n: F.triplet_margin_loss(a, p, n, margin=6.0, p=3, swap=True),
         [(4, 3), (4, 3), (4, 3)], [(2, 3), (1, 3), (2, 3)], [(3,), (3,), (3,)])
register("F.multilabel_soft_margin_loss(weight)",
         lambda x, y, w: F.multilabel_soft_margin_loss(x, y.sigmoid(), weight=w),
         [(2, 3), (2, 3), (3,)], [(4,), (4,), (1,)], [(3, 2), constant(3, 2), (2,)])
register("F.poisson_nll_loss(rates, full)",
         lambda x, y: F.poisson_nll_loss(x, y * 2, log_input=False, full=True),
         [positive(2, 3), positive(2, 3)], [positive(4), counts(4)], [positive(1, 1), positive(1)])
register("F.gaussian_nll_loss(full, float var)",
         lambda x, y: F.gaussian_nll_loss(x, y, 0.7, full=True),
         [(4, 3), (4, 3)], [(2,), constant(2)], [(), ()])
register("F.cross_entropy(label_smoothing, weight, ignore_index)",
         lambda x: F.cross_entropy(x, np.array([[1, 4], [0, 2]]), weight=tg.tensor([0.5, 2.0, 1.0, 3.0, 1.5]),
                                   ignore_index=2, label_smoothing=0.3),
         [(2, 5, 2)], [distinct(2, 5, 2)], [(2, 5, 2)])
register("F.cross_entropy(label_smoothing, probabilities)",
         lambda x, y: F.cross_entropy(x, F.softmax(y, 1), label_smoothing=0.4),
         [(4, 3), (4, 3)], [(1, 2), (1, 2)], [(2, 3, 2), (2, 3, 2)])

# ---- normalization -------------------------------------------------------------------------------
register("F.group_norm", lambda x: F.group_norm(x, 2), [(2, 4, 3)], [(3, 2)], [(1, 4, 2, 2)], [(2, 2, 1)])
register("F.group_norm(weight, bias)", lambda x, w, b: F.group_norm(x, 3, w, b, eps=1e-3),
         [(2, 6, 2), (6,), (6,)], [(1, 3, 2), (3,), (3,)], [(2, 3), (3,), (3,)])
register("F.instance_norm", lambda x: F.instance_norm(x), [(2, 3, 4)], [(1, 2, 3, 2)], [(3, 1, 2)])
register("F.instance_norm(weight, bias)", lambda x, w, b: F.instance_norm(x, weight=w, bias=b, eps=0.1),
         [(2, 3, 4), (3,), (3,)], [(1, 2, 2, 2), (2,), (2,)], [(2, 1, 3), (1,), (1,)])
register("F.instance_norm(running stats)",
         lambda x: F.instance_norm(x, tg.tensor([0.5, -1.0]), tg.tensor([2.0, 0.5]), use_input_stats=False),
         [(2, 2, 3)], [(1, 2, 1)], [(3, 2, 2, 2)])
register("F.rms_norm", lambda x: F.rms_norm(x, [3]), [(2, 3)], [(3,)], [(2, 2, 3)], [(1, 3)])
register("F.rms_norm(weight, eps)", lambda x, w: F.rms_norm(x, (2, 3), w, eps=0.1),
         [(2, 3), (2, 3)], [(4, 2, 3), (2, 3)], [(1, 2, 3), (2, 3)])
register("F.local_response_norm", lambda x: F.local_response_norm(x, 3, alpha=0.5),
         [(2, 4, 3)], [(1, 3, 2, 2)], [(1, 1, 1)], [(2, 5, 1, 1, 2)])
register("F.local_response_norm(even size, k)", lambda x: F.local_response_norm(x, 2, alpha=1.0, beta=0.5, k=2.0),
         [(2, 4, 3)], [(1, 3, 2, 2)], [(1, 2, 1)])
