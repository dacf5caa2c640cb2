"""3-D convolution and pooling, max pooling's indices and max_unpool, unfold/fold, lp_pool,
bilinear, embedding_bag, pdist and channel_shuffle (nn/functional/convolution.py, pooling.py,
folding.py, bilinear.py, embedding_bag.py, pdist.py, channel_shuffle.py): all composed from
existing ops, gradchecked and gradgradchecked here on tiny shapes (3-D ones are the costly ones)."""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

from . import constant, distinct, positive, register

# ---- 3-D convolution and pooling ---------------------------------------------------------------
register("F.conv3d", lambda x, w: F.conv3d(x, w), [(1, 1, 3, 3, 3), (1, 1, 2, 2, 2)], [(2, 3, 2, 2), (1, 2, 2, 1, 2)],
         [(1, 2, 2, 2, 2), (3, 2, 1, 1, 1)])
register("F.conv3d(stride, padding, groups, bias)", lambda x, w, b: F.conv3d(x, w, b, stride=2, padding=1, groups=2),
         [(1, 2, 2, 2, 2), (2, 1, 1, 2, 1), (2,)], [(1, 2, 1, 2, 3), (4, 1, 1, 1, 2), (4,)],
         [(2, 2, 1, 1, 1), (2, 1, 1, 1, 1), (2,)])
register("F.conv_transpose3d", lambda x, w, b: F.conv_transpose3d(x, w, b, stride=2),
         [(1, 1, 2, 2, 2), (1, 1, 2, 2, 2), (1,)], [(1, 2, 1, 2, 1), (2, 1, 1, 2, 2), (1,)],
         [(2, 1, 1, 1), (2, 2, 2, 1, 1), (2,)])
register("F.max_pool3d", lambda x: F.max_pool3d(x, 2), [distinct(1, 1, 2, 4, 4)], [distinct(2, 2, 3, 2)],
         [distinct(1, 2, 2, 2, 3)])
register("F.max_pool3d(stride, padding, ceil, indices)", lambda x: F.max_pool3d(x, 2, 1, 1, ceil_mode=True,
                                                                                return_indices=True)[0],
         [distinct(1, 1, 2, 3, 2)], [distinct(1, 2, 2, 1)], [distinct(1, 1, 1, 1, 3)])
register("F.avg_pool3d", lambda x: F.avg_pool3d(x, 2, 1, 1, count_include_pad=False), [(1, 1, 2, 3, 2)],
         [(1, 2, 2, 2)], [(2, 1, 2, 2, 3)])  # (D, H, W at least the kernel, as PyTorch requires)
register("F.adaptive_avg_pool3d", lambda x: F.adaptive_avg_pool3d(x, (1, 2, None)), [(1, 1, 2, 3, 2)],
         [(2, 3, 2, 1)], [(1, 2, 1, 2, 2)])
register("F.adaptive_max_pool3d", lambda x: F.adaptive_max_pool3d(x, (1, 2, 2)) ** 2, [distinct(1, 1, 2, 3, 3)],
         [distinct(2, 3, 2, 2)], [distinct(1, 2, 1, 2, 4)])

# ---- max pooling with indices, and its partial inverse ------------------------------------------
register("F.max_pool2d(return_indices)", lambda x: F.max_pool2d(x, 3, 2, 1, return_indices=True)[0],
         [distinct(1, 2, 4, 4)], [distinct(1, 3, 5)], [distinct(2, 1, 1, 2)])
register("F.max_pool1d(return_indices)", lambda x: F.max_pool1d(x, 2, return_indices=True)[0],
         [distinct(1, 2, 5)], [distinct(3, 4)], [distinct(2, 1, 2)])
register("F.max_pool1d_with_indices", lambda x: F.max_pool1d_with_indices(x, 2, 1)[0], [distinct(1, 2, 5)],
         [distinct(3, 4)], [distinct(2, 1, 2)])
register("F.max_pool2d_with_indices", lambda x: F.max_pool2d_with_indices(x, 2)[0], [distinct(1, 2, 4, 4)],
         [distinct(2, 3, 2)], [distinct(1, 1, 3, 5)])
register("F.max_pool3d_with_indices", lambda x: F.max_pool3d_with_indices(x, 2)[0], [distinct(1, 1, 2, 2, 4)],
         [distinct(1, 2, 2, 3)], [distinct(2, 1, 2, 2, 2)])
register("F.adaptive_max_pool1d_with_indices", lambda x: F.adaptive_max_pool1d_with_indices(x, 2)[0],
         [distinct(1, 2, 5)], [distinct(3, 4)], [distinct(2, 1, 2)])
register("F.adaptive_max_pool2d_with_indices", lambda x: F.adaptive_max_pool2d_with_indices(x, (2, 1))[0],
         [distinct(1, 2, 3, 3)], [distinct(3, 4, 2)], [distinct(2, 1, 2, 1)])
register("F.adaptive_max_pool3d_with_indices", lambda x: F.adaptive_max_pool3d_with_indices(x, 1)[0],
         [distinct(1, 2, 2, 1, 3)], [distinct(1, 2, 2, 2)], [distinct(2, 1, 1, 1, 1)])


def _unpool(dims: int, kernel: int, stride: int):
    """max_unpool of x with the indices that max pooling of a fixed random input (of the size the
    unpooled output has) gives, so every case gets valid indices. (Not with overlapping windows:
    an index that comes twice keeps one value, yet both inputs get its gradient, as in PyTorch,
    which finite differences cannot confirm; tests/test_layers_more.py compares that with torch.)"""
    pool, unpool = getattr(F, f"max_pool{dims}d"), getattr(F, f"max_unpool{dims}d")

    def fn(x):
        out = tuple((n - 1) * stride + kernel for n in x.shape[-dims:])
        source = tg.tensor(np.random.default_rng(0).standard_normal(x.shape[:-dims] + out))
        return unpool(x, pool(source, kernel, stride, return_indices=True)[1], kernel, stride)
    return fn


register("F.max_unpool1d", _unpool(1, 2, 2), [(1, 2, 3)], [(2, 1)], [(2, 1, 2)])
register("F.max_unpool2d", _unpool(2, 2, 2), [(1, 2, 2, 2)], [(1, 1, 3)], [(2, 1, 1, 2)])
register("F.max_unpool3d", _unpool(3, 2, 2), [(1, 1, 2, 1, 2)], [(2, 1, 1, 1)], [(1, 2, 1, 2, 1)])

# ---- power-average pooling ----------------------------------------------------------------------
register("F.lp_pool1d", lambda x: F.lp_pool1d(x, 3, 2), [positive(1, 2, 4)], [positive(3, 5)], [positive(2, 1, 2)])
register("F.lp_pool2d", lambda x: F.lp_pool2d(x, 2, 2, 1), [(1, 2, 3, 3)], [(2, 2, 3)], [(1, 1, 2, 2)])
register("F.lp_pool3d", lambda x: F.lp_pool3d(x, 1.5, 2, ceil_mode=True), [positive(1, 1, 2, 2, 3)],
         [positive(2, 2, 2, 2)], [positive(1, 2, 2, 2, 2)])  # (D, H, W at least the kernel, as PyTorch)

# ---- im2col / col2im ----------------------------------------------------------------------------
register("F.unfold", lambda x: F.unfold(x, 2), [(1, 2, 3, 3)], [(2, 3, 2)], [(2, 1, 2, 2)])
register("F.unfold(dilation, padding, stride)", lambda x: F.unfold(x, (2, 1), (1, 2), 1, (2, 1)),
         [(1, 2, 3, 3)], [(1, 3, 2)], [(2, 1, 1, 2)])
register("F.fold", lambda x: F.fold(x, (3, 3), 2), [(1, 4, 4)], [(8, 4)], [(2, 4, 4)])
register("F.fold(dilation, padding, stride)", lambda x: F.fold(x, (3, 4), (2, 1), (1, 2), 1, (2, 1)),
         [(1, 2, 12)], [(4, 12)], [(2, 2, 12)])

# ---- bilinear, embedding_bag, pdist, channel_shuffle --------------------------------------------
register("F.bilinear", lambda a, b, w, c: F.bilinear(a, b, w, c), [(2, 3), (2, 2), (2, 3, 2), (2,)],
         [(3,), (1,), (1, 3, 1), (1,)], [(2, 1, 2), (2, 1, 3), (3, 2, 3), (3,)])
register("F.embedding_bag", lambda w: F.embedding_bag(tg.tensor([1, 4, 1, 0, 2]), w, tg.tensor([0, 2, 2])),
         [(5, 3)], [(6, 1)], [(5, 2)])
register("F.embedding_bag(sum, per_sample_weights, padding_idx)",
         lambda w, p: F.embedding_bag(tg.tensor([[1, 4], [0, 0], [2, 1]]), w, mode="sum", per_sample_weights=p,
                                      padding_idx=4),
         [(5, 3), (3, 2)], [(6, 1), (3, 2)], [(5, 2), constant(3, 2)])
register("F.embedding_bag(max, include_last_offset)",
         lambda w: F.embedding_bag(tg.tensor([1, 4, 1, 0, 2]), w, tg.tensor([0, 3, 3, 5]), mode="max",
                                   include_last_offset=True),
         [distinct(5, 3)], [distinct(6, 1)], [distinct(5, 2)])
register("F.pdist", lambda x: F.pdist(x), [(4, 3)], [(2, 1)], [(3, 2)])
register("F.pdist(p)", lambda x: F.pdist(x, 3), [(4, 3)], [(2, 1)], [(3, 2)])
register("F.channel_shuffle", lambda x: F.channel_shuffle(x, 2), [(1, 4, 2)], [(2, 6, 1, 1)], [(1, 2, 3)])
