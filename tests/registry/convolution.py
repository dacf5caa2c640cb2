"""Convolution and pooling (nn/functional/convolution.py): composed from pad, an integer-index
gather and einsum (or max/mean), gradchecked and gradgradchecked here with small shapes."""
import tinygrad_edu.nn.functional as F

from . import distinct, register

register("F.conv2d", lambda x, w, b: F.conv2d(x, w, b, padding=1), [(1, 2, 3, 3), (2, 2, 2, 2), (2,)],
         [(2, 1, 4, 3), (3, 1, 2, 2), (3,)], [(1, 2, 3, 4), (2, 2, 1, 3), (2,)])
register("F.conv2d(stride, dilation, groups)", lambda x, w: F.conv2d(x, w, stride=2, dilation=(1, 2), groups=2),
         [(1, 2, 5, 5), (2, 1, 2, 2)], [(2, 4, 4, 5), (4, 2, 1, 2)], [(1, 2, 3, 5), (4, 1, 2, 1)])
register("F.conv1d", lambda x, w: F.conv1d(x, w, padding="same"), [(1, 2, 5), (3, 2, 3)], [(2, 1, 4), (2, 1, 2)],
         [(3, 5), (1, 3, 1)])
register("F.max_pool2d", lambda x: F.max_pool2d(x, 2), [distinct(1, 2, 4, 4)], [distinct(2, 1, 3, 5)],
         [distinct(1, 3, 2)])
register("F.max_pool2d(stride, padding, ceil)", lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True),
         [distinct(1, 1, 5, 4)], [distinct(2, 2, 3, 3)], [distinct(1, 6, 6)])
register("F.max_pool1d", lambda x: F.max_pool1d(x, 2, 1), [distinct(1, 2, 5)], [distinct(3, 4)], [distinct(2, 1, 2)])
register("F.avg_pool2d", lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False), [(1, 2, 5, 5)],
         [(2, 1, 3, 4)], [(1, 4, 4)])
register("F.avg_pool1d", lambda x: F.avg_pool1d(x, 2), [(1, 2, 5)], [(3, 4)], [(2, 1, 2)])
register("F.adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, (2, 3)), [(1, 2, 5, 4)], [(2, 3, 3)],
         [(1, 1, 2, 3)])
register("F.adaptive_avg_pool1d", lambda x: F.adaptive_avg_pool1d(x, 3), [(1, 2, 5)], [(3, 7)], [(2, 1, 3)])
