"""Fractional max pooling and native_channel_shuffle (nn/functional/fractional_pooling.py,
channel_shuffle.py): composed from gather and reshapes, gradchecked and gradgradchecked here.

The windows of fractional pooling depend on `_random_samples`: each entry fixes them with numbers
made from the input's shape (the same on every call of the gradcheck), and `distinct` inputs keep
the maximum of each window away from ties."""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

from . import distinct, register


def _samples(x: tg.Tensor, dims: int) -> tg.Tensor:
    """Fixed random numbers in [0, 1), (N, C, dims), for an input (N, C, ...) or (C, ...)."""
    batched = x.ndim == dims + 2
    n, c = (x.shape[0], x.shape[1]) if batched else (1, x.shape[0])
    rng = np.random.default_rng(sum(x.shape) * 31 + x.ndim)
    return tg.tensor(rng.uniform(0.0, 1.0, (n, c, dims)))


register("F.fractional_max_pool2d",
         lambda x: F.fractional_max_pool2d(x, 2, output_size=3, _random_samples=_samples(x, 2)),
         [distinct(1, 2, 5, 5)], [distinct(2, 1, 4, 6)], [distinct(2, 5, 4)])  # (last: unbatched)
register("F.fractional_max_pool2d(kernel (2, 3), output_ratio)",
         lambda x: F.fractional_max_pool2d(x, (2, 3), output_ratio=(0.5, 0.6), _random_samples=_samples(x, 2)),
         [distinct(1, 1, 6, 7)], [distinct(2, 2, 4, 5)], [distinct(1, 3, 2, 4)])
register("F.fractional_max_pool2d_with_indices",
         lambda x: F.fractional_max_pool2d_with_indices(x, 2, (2, 3), _random_samples=_samples(x, 2))[0],
         [distinct(1, 2, 4, 5)], [distinct(1, 3, 5)], [distinct(2, 1, 3, 4)])
register("F.fractional_max_pool3d",
         lambda x: F.fractional_max_pool3d(x, 2, output_size=2, _random_samples=_samples(x, 3)),
         [distinct(1, 1, 4, 4, 5)], [distinct(2, 4, 5, 4)], [distinct(2, 1, 4, 4, 4)])
register("F.fractional_max_pool3d_with_indices",
         lambda x: F.fractional_max_pool3d_with_indices(x, (1, 2, 2), (3, 2, 1), _random_samples=_samples(x, 3))[0],
         [distinct(1, 1, 4, 4, 3)], [distinct(1, 2, 5, 4, 3)], [distinct(2, 4, 4, 3)])

register("F.native_channel_shuffle", lambda x: F.native_channel_shuffle(x, 2), [(1, 4, 2)], [(2, 6, 1, 1)],
         [(1, 2, 3)], [(1, 4, 2, 1, 2)])
