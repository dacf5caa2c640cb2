"""Attention and transposed convolution (nn/functional/attention.py, transposed_convolution.py):
composed from matmul, masked_fill, softmax, stack, pad and conv, gradchecked and gradgradchecked
here on tiny shapes (masks are built inside the lambdas: they are constants, not inputs)."""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

from . import constant, register

_KEEP = tg.tensor(np.array([[True, False, True, True], [True, True, False, False], [False, True, True, False]]))
_NONE_ROW = tg.tensor(np.array([[True, True, False, True], [False, False, False, False], [True, False, True, True]]))

register("F.scaled_dot_product_attention", F.scaled_dot_product_attention,
         [(1, 3, 2), (1, 4, 2), (1, 4, 3)],
         [(2, 1, 3, 2), (1, 2, 4, 2), (1, 2, 4, 1)],  # batch dims broadcast
         [(1, 2), (3, 2), (3, 2)],  # unbatched, one query
         [(3, 1), (1, 1), (1, 2)])  # one key: the weights are all 1
register("F.scaled_dot_product_attention(masks)",
         lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=_KEEP),
         [(3, 2), (4, 2), (4, 2)], [(2, 3, 1), (2, 4, 1), (2, 4, 3)],
         [(3, 2), (4, 2), (4, 1)])
register("F.scaled_dot_product_attention(float mask, a query with no key)",
         lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m.masked_fill(~_NONE_ROW, -np.inf)),
         [(3, 2), (4, 2), (4, 2), (3, 4)], [(2, 3, 2), (4, 2), (4, 1), (3, 4)],
         [(3, 1), (4, 1), (4, 2), constant(3, 4)])
register("F.scaled_dot_product_attention(is_causal, scale, gqa)",
         lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=0.7, enable_gqa=True),
         [(1, 2, 3, 2), (1, 1, 3, 2), (1, 1, 3, 2)], [(4, 3, 2), (2, 4, 2), (2, 4, 1)],
         [(2, 1, 1), (1, 2, 1), (1, 2, 2)])


def _mha(q, k, v, w_in, b_in, w_out, b_out, **kw):
    return F.multi_head_attention_forward(q, k, v, 4, 2, w_in, b_in, None, None, False, 0.0, w_out, b_out, **kw)


def _padding(k):
    """A key_padding_mask leaving out the last key (nn.MultiheadAttention's masks: True = left out)."""
    mask = np.zeros(k.shape[1::-1] if k.ndim == 3 else k.shape[:1], dtype=bool)
    mask[..., -1] = mask.shape[-1] > 1
    return tg.tensor(mask)


_CAUSAL = tg.tensor(np.triu(np.ones((2, 2), dtype=bool), 1))
register("F.multi_head_attention_forward",
         lambda q, k, v, w_in, b_in, w_out, b_out: _mha(q, k, v, w_in, b_in, w_out, b_out, key_padding_mask=_padding(k),
                                                        average_attn_weights=False),
         [(2, 1, 4), (3, 1, 4), (3, 1, 4), (12, 4), (12,), (4, 4), (4,)],
         [(1, 4), constant(2, 4), (2, 4), constant(12, 4), (12,), (4, 4), constant(4)],
         [(2, 1, 4), (1, 1, 4), constant(1, 1, 4), (12, 4), constant(12), constant(4, 4), (4,)])
register("F.multi_head_attention_forward(self-attention, causal, sdpa path)",
         lambda x, w_in, b_in, w_out: _mha(x, x, x, w_in, b_in, w_out, None, need_weights=False, is_causal=True,
                                           attn_mask=_CAUSAL),
         [(2, 1, 4), (12, 4), (12,), (4, 4)], [(2, 4), (12, 4), constant(12), (4, 4)],
         [(2, 2, 4), constant(12, 4), (12,), constant(4, 4)])

register("F.conv_transpose1d", lambda x, w, b: F.conv_transpose1d(x, w, b, stride=2, padding=1, output_padding=1),
         [(1, 2, 3), (2, 3, 3), (3,)], [(2, 3), (2, 1, 2), (1,)], [(2, 1, 2), (1, 2, 1), (2,)])
register("F.conv_transpose1d(groups, dilation)", lambda x, w: F.conv_transpose1d(x, w, groups=2, dilation=2),
         [(1, 2, 3), (2, 1, 2)], [(2, 4, 2), (4, 2, 1)], [(2, 1), (2, 2, 3)])
register("F.conv_transpose2d", lambda x, w, b: F.conv_transpose2d(x, w, b, stride=(2, 1), padding=(0, 1)),
         [(1, 2, 2, 3), (2, 1, 2, 2), (1,)], [(2, 1, 2, 2), (1, 2, 1, 3), (2,)], [(1, 2, 2), (1, 1, 1, 2), (1,)])
register("F.conv_transpose2d(output_padding, groups)",
         lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1, groups=2),
         [(1, 2, 2, 2), (2, 1, 2, 2)], [(1, 4, 1, 2), (4, 1, 3, 1)], [(2, 2, 1, 1), (2, 2, 2, 2)])
