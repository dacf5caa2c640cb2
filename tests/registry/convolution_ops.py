"""More geometries for the convolution ops of nn/functional/convolution_ops.py (Convolution,
ConvolutionTranspose and ConvolutionWeight differentiate each other, so gradgradcheck of a
convolution runs all three): strides that skip inputs, uneven padding and dilation per dim,
groups with transposed padding and output_padding."""
import tinygrad_edu.nn.functional as F

from . import register

register("F.conv2d(stride larger than the kernel)", lambda x, w, b: F.conv2d(x, w, b, stride=3),
         [(1, 1, 7, 5), (2, 1, 2, 2), (2,)], [(2, 2, 4, 4), (1, 2, 1, 2), (1,)], [(1, 3, 3), (2, 1, 2, 1), (2,)])
register("F.conv3d(stride, padding and dilation per dim)",
         lambda x, w, b: F.conv3d(x, w, b, stride=(1, 2, 3), padding=(1, 0, 2), dilation=(2, 1, 1)),
         [(1, 1, 3, 3, 4), (2, 1, 2, 2, 2), (2,)], [(2, 1, 2, 2, 2), (1, 1, 1, 2, 1), (1,)],
         [(1, 2, 2, 3), (1, 1, 2, 1, 2), (1,)])
register("F.conv_transpose3d(padding, output_padding, dilation, groups)",
         lambda x, w, b: F.conv_transpose3d(x, w, b, stride=(2, 1, 2), padding=(1, 0, 1), output_padding=(1, 0, 0),
                                            groups=2, dilation=(1, 2, 2)),
         [(1, 2, 2, 2, 2), (2, 1, 2, 2, 2), (2,)], [(2, 4, 1, 2, 1), (4, 1, 2, 1, 2), (2,)],
         [(2, 2, 1, 2), (2, 2, 2, 1, 2), (4,)])
