"""Registry entries for `tinygrad_edu.nn.functional`: every public function, gradchecked and
gradgradchecked in float64. Class targets are constants derived from the input's shape, so one
lambda serves every case."""
import warnings

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

from . import constant, distinct, not_differentiable, positive, register


def _class_targets(x: tg.Tensor) -> np.ndarray:
    """A fixed, varied target for log-probabilities/logits x: (C,) -> one index, (N, C, d...) ->
    (N, d...) indices, repeating classes and using the last one."""
    if x.ndim == 1:
        return np.asarray(x.shape[0] - 1)
    n_classes = x.shape[1]
    shape = (x.shape[0],) + x.shape[2:]
    return (np.arange(int(np.prod(shape))) * 2 + 1).reshape(shape) % n_classes


def _soft_targets(x: tg.Tensor) -> tg.Tensor:
    """Probabilities over axis 1 (0 for 1-D): a fixed softmax of a ramp."""
    ramp = np.arange(x.data.size, dtype=np.float64).reshape(x.shape) * 0.3
    return F.softmax(tg.tensor(np.cos(ramp)), 0 if x.ndim == 1 else 1)


def _seeded_dropout(x: tg.Tensor, p: float) -> tg.Tensor:
    """Dropout with the same mask on every call (gradcheck evaluates fn many times)."""
    tg.manual_seed(12)
    return F.dropout(x, p, training=True)


CLASS_WEIGHTS = tg.tensor([0.5, 2.0, 1.0, 3.0, 1.5])

# ---- activations ---------------------------------------------------------------------------
register("F.sigmoid", lambda x: F.sigmoid(x), [(3,)], [(2, 3)], [(1, 1)], [()])
register("F.tanh", lambda x: F.tanh(x), [(3,)], [(2, 3)], [(1, 1)], [()])
register("F.relu", lambda x: F.relu(x), [distinct(4)], [distinct(2, 3)], [distinct(1, 1)])
register("F.softmax", lambda x: F.softmax(x, dim=1), [(2, 3)], [(1, 4)], [(3, 1)], [(2, 3, 2)])
register("F.softmax(dim=-1)", lambda x: F.softmax(x, dim=-1), [(4,)], [(2, 3)], [(1,)])
register("F.softmax(dim=0)", lambda x: F.softmax(x, 0), [(3, 2)], [(1, 2)], [(5,)])
register("F.log_softmax", lambda x: F.log_softmax(x, dim=1), [(2, 3)], [(1, 4)], [(3, 1)], [(2, 3, 2)])
register("F.log_softmax(dim=-1)", lambda x: F.log_softmax(x, dim=-1), [(4,)], [(2, 3)], [(1,)])
register("F.log_softmax(dim=0)", lambda x: F.log_softmax(x, 0) * F.log_softmax(x, 0), [(3, 2)], [(1, 2)], [(5,)])

# ---- layers ---------------------------------------------------------------------------------
register("F.linear", lambda x, w, b: F.linear(x, w, b),
         [(4, 3), (2, 3), (2,)], [(3,), (2, 3), (2,)], [(2, 5, 3), (4, 3), (4,)], [(1, 1), (1, 1), (1,)])
register("F.linear(no bias)", lambda x, w: F.linear(x, w),
         [(4, 3), (2, 3)], [(3,), (1, 3)], [(2, 1, 2), (3, 2)])
register("F.linear(squared)", lambda x, w, b: F.linear(x, w, b) ** 2,  # non-zero second derivatives
         [(4, 3), (2, 3), (2,)], [(3,), (2, 3), (2,)], [(2, 5, 3), (4, 3), (4,)])
register("F.linear(broadcast bias)", lambda x, w, b: F.linear(x, w, b) ** 2,  # bias (1,), (), (N, 1)
         [(4, 3), (2, 3), (1,)], [(3,), (2, 3), ()], [(2, 5, 3), (4, 3), (5, 1)])
register("F.linear(1-D weight)", lambda x, w, b: F.linear(x, w, b) ** 2,  # x @ w + b, b 0-d
         [(4, 3), (3,), ()], [(3,), (3,), ()], [(2, 5, 3), (3,), ()])
register("F.dropout", lambda x: _seeded_dropout(x, 0.4), [(3, 4)], [(5,)], [(1, 1)], [(2, 1, 3)])
register("F.dropout(p=0)", lambda x: F.dropout(x, 0.0) * x, [(3,)], [(2, 3)], [()])
register("F.embedding", lambda w: F.embedding(np.array([[0, 2], [2, 1]]), w) ** 2,
         [(3, 4)], [(5, 1)], [(3, 2)])
register("F.embedding(scalar index)", lambda w: F.embedding(tg.tensor(1), w) * w[0],
         [(3, 4)], [(2, 1)], [(2, 2)])

# ---- losses ---------------------------------------------------------------------------------
for reduction in ("mean", "sum", "none"):
    suffix = "" if reduction == "mean" else f"(reduction={reduction})"
    register(f"F.mse_loss{suffix}", lambda x, y, r=reduction: F.mse_loss(x, y, reduction=r),
             [(3,), (3,)], [(2, 3), (2, 3)], [(1, 1), (1, 1)], [(), ()])
    register(f"F.nll_loss{suffix}", lambda x, r=reduction: F.nll_loss(x, _class_targets(x), reduction=r),
             [(4, 3)], [(5,)], [(1, 1)], [(2, 3, 2)])
    register(f"F.cross_entropy{suffix}",
             lambda x, r=reduction: F.cross_entropy(x, _class_targets(x), reduction=r),
             [(4, 3)], [(5,)], [(1, 1)], [(2, 3, 2)], [(3, 2, 1, 2)])
    register(f"F.binary_cross_entropy{suffix}",
             lambda z, y, r=reduction: F.binary_cross_entropy(z.sigmoid(), y.sigmoid(), reduction=r),
             [(3,), (3,)], [(2, 3), (2, 3)], [(1, 1), (1, 1)], [(), ()])

register("F.nll_loss(weight, ignore_index)",
         lambda x: F.nll_loss(x, np.array([1, 4, 0, 4, 3]), weight=CLASS_WEIGHTS, ignore_index=0),
         [(5, 5)], [distinct(5, 5)], [(5, 5)])
register("F.cross_entropy(weight, ignore_index)",
         lambda x: F.cross_entropy(x, np.array([[1, 4], [0, 2]]), weight=CLASS_WEIGHTS, ignore_index=2),
         [(2, 5, 2)], [distinct(2, 5, 2)], [(2, 5, 2)])
register("F.cross_entropy(probabilities)", lambda x: F.cross_entropy(x, _soft_targets(x)),
         [(4, 3)], [(5,)], [(1, 1)], [(2, 3, 2)])
register("F.binary_cross_entropy(weight)",
         lambda z: F.binary_cross_entropy(z.sigmoid(), tg.tensor([0.0, 1.0, 0.3]), weight=tg.tensor([1.0, 2.0, 0.5])),
         [(3,)], [distinct(3)], [(3,)])

# ---- more activations -------------------------------------------------------------------------
register("F.leaky_relu", lambda x: F.leaky_relu(x) * x, [distinct(4)], [distinct(2, 3)], [distinct(1, 1)], [()])
register("F.leaky_relu(negative_slope=0.2)", lambda x: F.leaky_relu(x, 0.2) ** 2,
         [distinct(4)], [distinct(2, 3)], [distinct(1)])
register("F.elu", lambda x: F.elu(x), [distinct(4)], [distinct(2, 3)], [distinct(1, 1)], [()])
register("F.elu(alpha=2)", lambda x: F.elu(x, alpha=2.0) * x, [distinct(5)], [distinct(2, 1)], [distinct(1)])
register("F.silu", lambda x: F.silu(x), [(4,)], [(2, 3)], [(1, 1)], [()])
register("F.softplus", lambda x: F.softplus(x), [(4,)], [(2, 3)], [(1, 1)], [()])
register("F.softplus(beta=2, threshold=1)", lambda x: F.softplus(x, beta=2.0, threshold=1.0) * x,
         [distinct(4)], [distinct(2, 3)], [distinct(1)])
register("F.logsigmoid", lambda x: F.logsigmoid(x), [(4,)], [(2, 3)], [(1, 1)], [()])
register("F.gelu", lambda x: F.gelu(x), [(4,)], [(2, 3)], [(1, 1)], [()])
register("F.gelu(tanh)", lambda x: F.gelu(x, approximate="tanh"), [(4,)], [(2, 3)], [(1, 1)], [()])

# ---- shaping and norms --------------------------------------------------------------------------
register("F.pad", lambda x: F.pad(x, (1, 2), value=0.5) ** 2, [(3,)], [(2, 3)], [(1, 1)])
register("F.pad(2 axes, negative)", lambda x: F.pad(x, (0, -1, 2, 1)) * 3, [(2, 3)], [(1, 2, 2)], [(1, 2)])
register("F.normalize", lambda x: F.normalize(x), [(2, 3)], [(1, 4)], [(3, 1)], [(2, 3, 2)])
register("F.normalize(p=1, dim=0)", lambda x: F.normalize(x, p=1.0, dim=0), [distinct(3, 2)], [distinct(4)],
         [distinct(1, 2)])
register("F.normalize(p=3, dim=-1)", lambda x: F.normalize(x, p=3.0, dim=-1), [positive(2, 3)], [positive(4)],
         [positive(1, 1)])
register("F.cosine_similarity", lambda a, b: F.cosine_similarity(a, b), [(2, 3), (2, 3)], [(2, 3), (3,)],
         [(4, 1, 2), (3, 2)], [(1, 1), (1, 1)])
register("F.cosine_similarity(dim=0)", lambda a, b: F.cosine_similarity(a, b, dim=0), [(3,), (3,)],
         [(3, 2), (3, 1)], [(2, 2), (2, 2)])
not_differentiable("returns int64 indicators of class indices", "F.one_hot")

def _kl_div(x: tg.Tensor, y: tg.Tensor, reduction: str) -> tg.Tensor:
    """kl_div between two softmaxes (its 'mean' warning, PyTorch's, is expected here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return F.kl_div(F.log_softmax(x, -1), F.softmax(y, -1), reduction=reduction)


# ---- more losses --------------------------------------------------------------------------------
for reduction in ("mean", "sum", "none"):
    suffix = "" if reduction == "mean" else f"(reduction={reduction})"
    register(f"F.l1_loss{suffix}", lambda x, y, r=reduction: F.l1_loss(x, y, reduction=r),
             [distinct(3), constant(3)], [distinct(2, 3), constant(2, 3)], [distinct(1, 1), constant(1, 1)])
    register(f"F.smooth_l1_loss{suffix}", lambda x, y, r=reduction: F.smooth_l1_loss(x, y, reduction=r, beta=0.7),
             [(4,), (4,)], [(2, 3), (2, 3)], [(1, 1), (1, 1)], [(), ()])
    register(f"F.huber_loss{suffix}", lambda x, y, r=reduction: F.huber_loss(x, y, reduction=r, delta=0.6),
             [(4,), (4,)], [(2, 3), (2, 3)], [(1, 1), (1, 1)], [(), ()])
    register(f"F.binary_cross_entropy_with_logits{suffix}",
             lambda x, y, r=reduction: F.binary_cross_entropy_with_logits(x, y.sigmoid(), reduction=r),
             [(3,), (3,)], [(2, 3), (2, 3)], [(1, 1), (1, 1)], [(), ()])
    register(f"F.kl_div{suffix}", lambda x, y, r=reduction: _kl_div(x, y, r),
             [(3,), (3,)], [(2, 3), (2, 3)], [(1, 1), (1, 1)])

register("F.l1_loss(weight)", lambda x, w: F.l1_loss(x, tg.zeros(2, 3), weight=w.exp()),
         [distinct(2, 3), (2, 3)], [distinct(2, 3), (2, 3)], [distinct(2, 3), constant(2, 3)])
register("F.smooth_l1_loss(beta=0)", lambda x, y: F.smooth_l1_loss(x, y, beta=0.0),
         [distinct(4), constant(4)], [distinct(2, 3), constant(2, 3)], [distinct(1), constant(1)])
register("F.huber_loss(weight)", lambda x, w: F.huber_loss(x, tg.zeros(2, 3), weight=w),
         [(2, 3), (2, 3)], [(2, 3), constant(2, 3)], [distinct(2, 3), (2, 3)])
register("F.binary_cross_entropy_with_logits(pos_weight, weight)",
         lambda x, y, p, w: F.binary_cross_entropy_with_logits(x, y.sigmoid(), weight=w, pos_weight=p.exp()),
         [(2, 3), (2, 3), (3,), (2, 3)], [(4, 2), (4, 2), (1,), (2,)], [(1, 1), (1, 1), (1,), (1, 1)])
register("F.kl_div(batchmean, log_target)",
         lambda x, y: F.kl_div(F.log_softmax(x, 1), F.log_softmax(y, 1), reduction="batchmean", log_target=True),
         [(2, 3), (2, 3)], [(1, 4), (1, 4)], [(3, 1), (3, 1)])
