"""Registry entries for the activations of nn/functional/piecewise.py, the channel / alpha dropouts,
pairwise_distance and the resampling functions (pad modes, interpolate, pixel shuffle, adaptive
max pooling): gradchecked and gradgradchecked in float64.

Inputs of the piecewise functions are kept away from their kinks (`_away`): finite differences
straddling a kink disagree with any one-sided derivative. The derivative AT the kinks is compared
with PyTorch's in tests/test_activations.py."""
import warnings

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

from . import distinct, register


def _away(x: tg.Tensor, kinks=(0.0,), margin: float = 0.05) -> tg.Tensor:
    """x with every element within `margin` of a kink shifted by ±2·margin, away from it: a
    constant shift (the same for the nearby points finite differences evaluate), so the gradient
    with respect to x is unchanged."""
    shift = np.zeros_like(x.data)
    for k in kinks:
        near = np.abs(x.data + shift - k) < margin
        shift[near] += np.where(x.data[near] >= k, 2 * margin, -2 * margin)
    return x + tg.tensor(shift)


def _seeded(fn, seed: int = 3):
    """fn with the framework's generator reseeded on every call (gradcheck calls it many times)."""
    def call(*args):
        tg.manual_seed(seed)
        return fn(*args)
    return call


# ---- activations -------------------------------------------------------------------------------
register("F.relu6", lambda x: F.relu6(_away(3 * x, (0.0, 6.0))), [(3, 4)], [()], [(1, 5)], [(2, 1, 3)])
register("F.hardtanh", lambda x: F.hardtanh(_away(x, (-1.0, 1.0))), [(3, 4)], [()], [(1, 5)])
register("F.hardtanh(min_val, max_val)", lambda x: F.hardtanh(_away(x, (-0.5, 2.0)), -0.5, 2.0) ** 2,
         [(3, 4)], [(1,)], [(2, 1, 3)])
register("F.hardtanh_", lambda x: F.hardtanh_(_away(x, (-1.0, 1.0)) * 1.0), [(3, 4)], [()], [(1, 5)])
register("F.threshold_", lambda x: F.threshold_(_away(x, (0.3,)) * 2.0, 0.6, 1.0) ** 2, [(3, 4)], [()], [(1, 5)])
register("F.rrelu_", lambda x: F.rrelu_(_away(x) * 1.0) ** 2, [(3, 4)], [()], [(1, 5)])
register("F.hardsigmoid", lambda x: F.hardsigmoid(_away(4 * x, (-3.0, 3.0))) ** 2, [(3, 4)], [()], [(1, 5)])
register("F.hardswish", lambda x: F.hardswish(_away(4 * x, (-3.0, 3.0))), [(3, 4)], [()], [(1, 5)], [(2, 1, 3)])
register("F.selu", lambda x: F.selu(_away(x)), [(3, 4)], [()], [(1, 5)])
register("F.celu", lambda x: F.celu(_away(x), 1.5), [(3, 4)], [()], [(1, 5)])
register("F.celu(alpha=1)", lambda x: F.celu(_away(x)), [(3,)], [()], [(2, 2)])
register("F.mish", lambda x: F.mish(x), [(3, 4)], [()], [(1, 5)])
register("F.softsign", lambda x: F.softsign(_away(x)), [(3, 4)], [()], [(1, 5)])
register("F.softmin", lambda x: F.softmin(x, dim=1), [(3, 4)], [(1, 1)], [(2, 3, 2)])
register("F.softmin(dim=-1)", lambda x: F.softmin(x, -1) * x, [(4,)], [(2, 3)], [(1,)])
register("F.threshold", lambda x: F.threshold(_away(x, (0.3,)), 0.3, -2.0) ** 2, [(3, 4)], [()], [(1, 5)])
register("F.tanhshrink", lambda x: F.tanhshrink(x), [(3, 4)], [()], [(1, 5)])
register("F.softshrink", lambda x: F.softshrink(_away(x, (-0.5, 0.5))) ** 2, [(3, 4)], [()], [(1, 5)])
register("F.hardshrink", lambda x: F.hardshrink(_away(x, (-0.4, 0.4)), 0.4) ** 2, [(3, 4)], [()], [(1, 5)])
register("F.glu", lambda x: F.glu(x), [(3, 4)], [(2,)], [(1, 2, 6)])
register("F.glu(dim=0)", lambda x: F.glu(x, 0), [(4, 3)], [(2, 1)], [(2,)])
register("F.prelu", lambda x, w: F.prelu(_away(x), w), [(2, 3, 4), (3,)], [(3, 2), (1,)], [(5,), (1,)], [(), (1,)])
register("F.prelu(squared)", lambda x, w: F.prelu(_away(x), w) ** 2, [(2, 3), (3,)], [(4, 2, 2, 2), (2,)],
         [(2, 1), ()])
register("F.rrelu", lambda x: F.rrelu(_away(x)) ** 2, [(3, 4)], [()], [(1, 5)])
register("F.rrelu(training)", _seeded(lambda x: F.rrelu(_away(x), 0.1, 0.4, training=True) ** 2),
         [(3, 4)], [()], [(1, 5)])
register("F.gumbel_softmax", _seeded(lambda x: F.gumbel_softmax(x, tau=0.7)), [(3, 4)], [(5,)], [(2, 1, 3)])
register("F.gumbel_softmax(dim=0)", _seeded(lambda x: F.gumbel_softmax(x, dim=0) * x), [(3, 4)], [(5,)], [(1, 2)])
# (hard=True is straight-through: its value is a one-hot, its gradient the soft sample's, which no
#  finite difference reproduces; tests/test_activations.py checks it against the soft sample)

# ---- dropouts and distances --------------------------------------------------------------------
register("F.dropout1d", _seeded(lambda x: F.dropout1d(x, 0.4)), [(4, 3, 2)], [(3, 5)], [(1, 1, 1)])
register("F.dropout2d", _seeded(lambda x: F.dropout2d(x, 0.4) * x), [(2, 3, 2, 2)], [(4, 2, 3, 1)], [(1, 1, 1, 1)])
register("F.dropout3d", _seeded(lambda x: F.dropout3d(x, 0.4)), [(2, 3, 1, 2, 2)], [(3, 1, 2, 2)],
         [(1, 1, 1, 1)])
register("F.alpha_dropout", _seeded(lambda x: F.alpha_dropout(x, 0.3, training=True) * x), [(3, 4)], [()],
         [(2, 1, 3)])
register("F.feature_alpha_dropout", _seeded(lambda x: F.feature_alpha_dropout(x, 0.3, training=True) * x),
         [(3, 4)], [(2, 3, 2)], [(1, 1)])
register("F.pairwise_distance", lambda a, b: F.pairwise_distance(a, b), [(3, 4), (3, 4)], [(2, 3), (3,)],
         [(), ()], [(1, 1), (1, 1)])
register("F.pairwise_distance(p=1, keepdim)", lambda a, b: F.pairwise_distance(a, b, p=1, keepdim=True) ** 2,
         [(3, 4), (3, 4)], [(5,), (2, 5)], [(1, 2), (1, 2)])
register("F.pairwise_distance(p=3)", lambda a, b: F.pairwise_distance(a, b, 3.0), [(3, 4), (3, 4)],
         [(2, 3), (1, 3)], [(4,), (4,)])

# ---- resampling --------------------------------------------------------------------------------
for mode in ("reflect", "replicate", "circular"):
    register(f"F.pad(mode={mode})", lambda x, m=mode: F.pad(x, (2, 1), mode=m) ** 2,
             [(1, 2, 4)], [(3, 3)], [(2, 1, 3)])
    register(f"F.pad(mode={mode}, 2d)", lambda x, m=mode: F.pad(x, (1, 2, 2, -1), mode=m) * 2,
             [(1, 2, 3, 4)], [(2, 3, 3)], [(1, 1, 4, 3)])
    register(f"F.pad(mode={mode}, 3d)", lambda x, m=mode: F.pad(x, (1, 0, 0, 1, 1, 1), mode=m),
             [(1, 1, 2, 2, 2)], [(2, 2, 3, 2)], [(1, 2, 2, 2)])
for mode, size in (("nearest", (5, 3)), ("nearest-exact", (5, 3)), ("bilinear", (5, 7)), ("area", (2, 3))):
    register(f"F.interpolate(mode={mode})", lambda x, m=mode, s=size: F.interpolate(x, size=s, mode=m) ** 2,
             [(1, 2, 3, 4)], [(2, 1, 2, 2)], [(1, 1, 1, 5)])
register("F.interpolate", lambda x: F.interpolate(x, scale_factor=2), [(1, 2, 3)], [(2, 1, 2, 3)],
         [(1, 1, 1, 2, 2)])
register("F.interpolate(linear, align_corners)",
         lambda x: F.interpolate(x, scale_factor=1.7, mode="linear", align_corners=True) ** 2,
         [(1, 2, 3)], [(2, 1, 5)], [(1, 1, 1)])
register("F.interpolate(bilinear, scale_factor)",
         lambda x: F.interpolate(x, scale_factor=(0.6, 2.5), mode="bilinear") ** 2,
         [(1, 2, 3, 4)], [(2, 1, 5, 2)], [(1, 1, 2, 1)])
register("F.interpolate(trilinear)", lambda x: F.interpolate(x, size=(3, 2, 3), mode="trilinear"),
         [(1, 1, 2, 2, 2)], [(1, 2, 1, 3, 2)], [(2, 1, 3, 1, 2)])
register("F.pixel_shuffle", lambda x: F.pixel_shuffle(x, 2) * x.sum(), [(1, 8, 2, 3)], [(4, 1, 2)],
         [(2, 1, 4, 1, 1)])
register("F.pixel_unshuffle", lambda x: F.pixel_unshuffle(x, 2) ** 2, [(1, 2, 4, 6)], [(1, 2, 2)],
         [(2, 1, 1, 4, 2)])
register("F.adaptive_max_pool2d", lambda x: F.adaptive_max_pool2d(x, (2, 3)) ** 2, [distinct(1, 2, 5, 4)],
         [distinct(2, 3, 3)], [distinct(1, 1, 2, 7)])
register("F.adaptive_max_pool2d(return_indices)", lambda x: F.adaptive_max_pool2d(x, 2, True)[0],
         [distinct(1, 2, 3, 3)], [distinct(1, 4, 5)], [distinct(2, 1, 2, 2)])
register("F.adaptive_max_pool1d", lambda x: F.adaptive_max_pool1d(x, 3) ** 2, [distinct(1, 2, 5)],
         [distinct(3, 7)], [distinct(2, 1, 2)])


def _quietly(fn):
    """fn without its deprecation warning (the old names warn on every call, as in PyTorch)."""
    def call(*args):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args)
    return call


register("F.upsample", _quietly(lambda x: F.upsample(x, size=(3, 5), mode="bilinear") ** 2), [(1, 2, 2, 3)],
         [(2, 1, 3, 3)], [(1, 1, 1, 1)])
register("F.upsample_nearest", _quietly(lambda x: F.upsample_nearest(x, scale_factor=2) ** 2), [(1, 2, 3)],
         [(2, 1, 2, 2)], [(1, 1, 1)])
register("F.upsample_bilinear", _quietly(lambda x: F.upsample_bilinear(x, size=(3, 4)) ** 2), [(1, 2, 2, 3)],
         [(2, 1, 3, 2)], [(1, 1, 1, 1)])
