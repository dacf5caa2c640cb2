"""Registry entries for F.linear_cross_entropy (composed of F.linear and F.cross_entropy): input,
linear weight and bias are checked together; class targets are constants derived from the shapes,
so one lambda serves every case (unbatched, a batch, a K-dimensional weight)."""
import numpy as np

import tinygrad_edu.nn.functional as F

from . import constant, register


def _targets(x, w) -> np.ndarray:
    """Class indices 0, 2, 4, ... modulo C, of shape (*batch, *out_features)."""
    shape = (*x.shape[:-1], *w.shape[1:-1])
    return (np.arange(int(np.prod(shape)), dtype=np.int64) * 2 % w.shape[0]).reshape(shape)


for reduction in ("mean", "sum", "none"):
    suffix = "" if reduction == "mean" else f"(reduction={reduction})"
    register(f"F.linear_cross_entropy{suffix}",
             lambda x, w, b, r=reduction: F.linear_cross_entropy(x, w, _targets(x, w), linear_bias=b, reduction=r),
             [(4, 3), (5, 3), (5,)], [(3,), (2, 3), (2,)], [(1, 1), (1, 1), (1,)], [(2, 3), (4, 2, 3), (4, 2)])
register("F.linear_cross_entropy(probabilities, label_smoothing)",
         lambda x, w, y: F.linear_cross_entropy(x, w, F.softmax(y, 1), label_smoothing=0.2),
         [(4, 3), (5, 3), constant(4, 5)], [(2, 2), (3, 2, 2), constant(2, 3, 2)], [(1, 1), (2, 1), constant(1, 2)])
