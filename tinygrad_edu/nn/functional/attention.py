"""Attention: `F.scaled_dot_product_attention` and `F.multi_head_attention_forward`, PyTorch's.

Both are composed from ops that already differentiate (twice): matrix products, masked_fill,
softmax, reshapes. Scaled dot-product attention (Vaswani et al., "Attention is all you need", 2017):

    A   = softmax(Q Kᵀ · scale + bias)      scale = 1/√E by default, E = the query/key width
    out = A V

where `bias` is 0 where a query may look at a key and -inf where it may not (a bool mask: True =
take part; a float mask is added as it is). A query that may look at no key at all gets the
weights 0, not 0/0 (PyTorch's "safe softmax" since 2.5), so its output row is 0.

Multi-head attention projects the inputs, splits the width E into `num_heads` heads of E/h,
attends in each head and projects the heads' concatenation back: PyTorch's sequence-first
layout (L, N, E), its packed in_proj_weight (3E, E), and its masks, where True means *masked out*.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ...functions import cat
from ...tensor import Tensor
from .activation import softmax
from .checks import check_float, check_tensor, constant
from .layers import _check_dropout_p, dropout, linear
from .shaping import pad

_SDPA = "scaled_dot_product_attention"


def _check_sdpa_inputs(query, key, value, attn_mask, is_causal: bool) -> None:
    for what, t in (("query", query), ("key", key), ("value", value)):
        check_float(t, _SDPA, what)
    if min(query.ndim, key.ndim, value.ndim) < 2:
        raise RuntimeError(f"{_SDPA}: query, key and value must each be at least 2-D (..., sequence, features), "
                           f"got shapes {query.shape}, {key.shape} and {value.shape}")
    if not query.dtype == key.dtype == value.dtype:
        raise RuntimeError(f"{_SDPA}: query, key and value must have the same dtype, got {query.dtype}, "
                           f"{key.dtype} and {value.dtype}")
    if query.shape[-1] != key.shape[-1]:
        raise RuntimeError(f"{_SDPA}: query of shape {query.shape} and key of shape {key.shape} must have the "
                           f"same last dim (the width E that Q Kᵀ sums over)")
    if key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"{_SDPA}: key of shape {key.shape} and value of shape {value.shape} must have the "
                           f"same sequence length (dim -2): one value per key")
    if is_causal and attn_mask is not None:
        raise RuntimeError(f"{_SDPA}: an explicit attn_mask must not be given with is_causal=True (the causal "
                           f"mask is made from the sequence lengths)")
    if attn_mask is not None:
        check_tensor(attn_mask, _SDPA, "attn_mask")
        if attn_mask.dtype != np.bool_ and attn_mask.dtype.kind != "f":
            raise RuntimeError(f"{_SDPA}: attn_mask must be bool (True = take part) or float (added to the "
                               f"scores), got dtype {attn_mask.dtype}")


def _repeat_heads(x: Tensor, repeats: int) -> Tensor:
    """(..., H, S, E) -> (..., H·repeats, S, E), each head `repeats` times in a row
    (`repeat_interleave(repeats, dim=-3)`)."""
    shape = x.shape
    wide = x.unsqueeze(-3).expand(*shape[:-2], repeats, *shape[-2:])
    return wide.reshape(*shape[:-3], shape[-3] * repeats, *shape[-2:])


def _safe_softmax(scores: Tensor) -> Tensor:
    """softmax over the last dim; a row that is -inf everywhere (a query with nothing to look at)
    gets weights 0 and no gradient, instead of 0/0 = nan."""
    dead = np.all(scores.data == -np.inf, axis=-1, keepdims=True)
    if not dead.any():
        return softmax(scores, -1)
    dead = constant(dead)
    return softmax(scores.masked_fill(dead, 0.0), -1).masked_fill(dead, 0.0)


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, *, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """softmax(Q Kᵀ · scale + mask) V for query (..., L, E), key (..., S, E), value (..., S, Ev):
    the result is (..., L, Ev); leading (batch, head) dims broadcast.

    `attn_mask` broadcasts to (..., L, S): bool (True = the query may look at that key) or float
    (added to the scores). `is_causal=True` lets query i look at keys 0..i only (a top-left
    lower triangle). `scale` defaults to 1/√E. With `dropout_p > 0` the weights go through dropout
    (always: the caller decides when it is training). `enable_gqa=True`: grouped-query attention,
    key and value have fewer heads (dim -3) than query, each shared by H_q / H_kv query heads.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> q = k = tg.tensor([[1.0, 0.0], [0.0, 1.0]])
    >>> F.scaled_dot_product_attention(q, k, tg.tensor([[1.0], [3.0]]), is_causal=True).tolist()[0]
    [1.0]
    """
    _check_sdpa_inputs(query, key, value, attn_mask, is_causal)
    _check_dropout_p(dropout_p, _SDPA)
    if enable_gqa and query.ndim >= 3 and key.ndim >= 3 and value.ndim >= 3:
        heads, kv_heads, v_heads = query.shape[-3], key.shape[-3], value.shape[-3]
        if kv_heads == 0 or v_heads == 0 or heads % kv_heads or heads % v_heads:
            raise RuntimeError(f"{_SDPA}: with enable_gqa=True the number of heads (dim -3) of key ({kv_heads}) "
                               f"and value ({v_heads}) must divide that of query ({heads})")
        if heads != kv_heads:
            key = _repeat_heads(key, heads // kv_heads)
        if heads != v_heads:
            value = _repeat_heads(value, heads // v_heads)
    L, S = query.shape[-2], key.shape[-2]
    try:
        batch = np.broadcast_shapes(query.shape[:-2], key.shape[:-2], value.shape[:-2])
    except ValueError:
        raise RuntimeError(f"{_SDPA}: the leading (batch, head) dims of query {query.shape}, key {key.shape} "
                           f"and value {value.shape} do not broadcast") from None
    scale_factor = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = (query @ key.transpose(-2, -1)) * scale_factor  # (..., L, S)
    if is_causal:
        attn_mask = constant(np.tril(np.ones((L, S), dtype=bool)))
    if attn_mask is not None:
        try:
            fits = np.broadcast_shapes(attn_mask.shape, batch + (L, S)) == batch + (L, S)
        except ValueError:
            fits = False
        if not fits:
            raise RuntimeError(f"{_SDPA}: attn_mask of shape {attn_mask.shape} does not broadcast to the scores' "
                               f"shape {batch + (L, S)} (batch dims, L queries, S keys)")
        if attn_mask.dtype == np.bool_:
            scores = scores.masked_fill(~attn_mask, -np.inf)
        else:
            scores = scores + (attn_mask if attn_mask.dtype == scores.dtype else attn_mask.to(scores.dtype))
    weights = _safe_softmax(scores)
    if dropout_p > 0:
        weights = dropout(weights, dropout_p, training=True)
    return weights @ value


# ---- multi-head attention ----------------------------------------------------------------------

def _canonical_mask(mask, name: str, other=None, other_name: str = "", target_dtype=None) -> Tensor | None:
    """A bool mask (True = masked out, PyTorch's convention in nn.MultiheadAttention) as the float
    mask to add: -inf where True, 0 elsewhere; a float mask as it is."""
    if mask is None:
        return None
    check_tensor(mask, "multi_head_attention_forward", name)
    if mask.dtype != np.bool_ and mask.dtype.kind != "f":
        raise AssertionError(f"only bool and floating types of {name} are supported, got dtype {mask.dtype}")
    if other is not None and other.dtype != mask.dtype:
        warnings.warn(f"Support for mismatched {name} and {other_name} is deprecated. Use same type for both "
                      f"instead.", UserWarning, stacklevel=3)
    if mask.dtype == np.bool_:
        return constant(np.where(mask.data, -np.inf, 0.0).astype(target_dtype))
    return mask


def _shape_check(query: Tensor, key: Tensor, value: Tensor, key_padding_mask, attn_mask, num_heads: int) -> bool:
    """True for batched (L, N, E) inputs, False for unbatched (L, E); AssertionError (PyTorch's)
    for dims that do not fit."""
    for what, t in (("query", query), ("key", key), ("value", value)):
        check_tensor(t, "multi_head_attention_forward", what)
    if query.ndim not in (2, 3):
        raise AssertionError(f"multi_head_attention_forward: query should be unbatched 2D (L, E) or batched 3D "
                             f"(L, N, E), got shape {query.shape}")
    batched = query.ndim == 3
    kind = "batched (3-D)" if batched else "unbatched (2-D)"
    if key.ndim != query.ndim or value.ndim != query.ndim:
        raise AssertionError(f"For {kind} `query`, expected `key` and `value` to be {query.ndim}-D but found "
                             f"{key.ndim}-D and {value.ndim}-D tensors respectively")
    if key_padding_mask is not None and key_padding_mask.ndim != query.ndim - 1:
        raise AssertionError(f"For {kind} `query`, expected `key_padding_mask` to be `None` or "
                             f"{query.ndim - 1}-D but found {key_padding_mask.ndim}-D tensor instead")
    if attn_mask is not None:
        if attn_mask.ndim not in (2, 3):
            raise AssertionError(f"For {kind} `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found "
                                 f"{attn_mask.ndim}-D tensor instead")
        if not batched and attn_mask.ndim == 3 and attn_mask.shape != (num_heads, query.shape[0], key.shape[0]):
            raise AssertionError(f"Expected `attn_mask` shape to be {(num_heads, query.shape[0], key.shape[0])} "
                                 f"but got {attn_mask.shape}")
    return batched


def _in_projection(query: Tensor, key: Tensor, value: Tensor, w_q: Tensor, w_k: Tensor, w_v: Tensor,
                   b_q, b_k, b_v) -> tuple[Tensor, Tensor, Tensor]:
    return linear(query, w_q, b_q), linear(key, w_k, b_k), linear(value, w_v, b_v)


def multi_head_attention_forward(query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int,
                                 num_heads: int, in_proj_weight: Tensor | None, in_proj_bias: Tensor | None,
                                 bias_k: Tensor | None, bias_v: Tensor | None, add_zero_attn: bool,
                                 dropout_p: float, out_proj_weight: Tensor, out_proj_bias: Tensor | None,
                                 training: bool = True, key_padding_mask: Tensor | None = None,
                                 need_weights: bool = True, attn_mask: Tensor | None = None,
                                 use_separate_proj_weight: bool = False, q_proj_weight: Tensor | None = None,
                                 k_proj_weight: Tensor | None = None, v_proj_weight: Tensor | None = None,
                                 static_k: Tensor | None = None, static_v: Tensor | None = None,
                                 average_attn_weights: bool = True,
                                 is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
    """The computation inside nn.MultiheadAttention, sequence first: query (L, N, E) or (L, E),
    key and value (S, N, ·) or (S, ·). Returns (output (L, N, E), weights or None).

    q, k, v = the input projections (in_proj_weight packs W_q, W_k, W_v as (3E, E)); each is split
    into `num_heads` heads of width E/h; per head softmax(q kᵀ/√(E/h) + mask) v; the heads are
    concatenated and multiplied by out_proj_weight. Masks: `attn_mask` (L, S) or (N·h, L, S) and
    `key_padding_mask` (N, S), bool with True = *masked out*, or float (added). The weights are
    (N, L, S) averaged over heads (or (N, h, L, S)); without need_weights the attention goes
    through scaled_dot_product_attention (a fully masked row then gives 0 rather than nan).
    """
    batched = _shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", attn_mask, "attn_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # scaled_dot_product_attention makes the causal mask itself
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", target_dtype=query.dtype)
        if key_padding_mask is not None:
            is_causal = False
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if key.shape[:2] != value.shape[:2]:
            raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match value's "
                                 f"{value.shape[:2]}")
        if q_proj_weight is None or k_proj_weight is None or v_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is True but q_proj_weight, k_proj_weight or "
                                 "v_proj_weight is None")
        b_q, b_k, b_v = (None,) * 3 if in_proj_bias is None else in_proj_bias.chunk(3)
        q, k, v = _in_projection(query, key, value, q_proj_weight, k_proj_weight, v_proj_weight, b_q, b_k, b_v)
    else:
        if key.shape != value.shape:
            raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        if query is key and key is value:  # self-attention: one product with the packed weight
            q, k, v = linear(query, in_proj_weight, in_proj_bias).chunk(3, -1)
        else:
            w_q, w_k, w_v = in_proj_weight.chunk(3)
            b_q, b_k, b_v = (None,) * 3 if in_proj_bias is None else in_proj_bias.chunk(3)
            q, k, v = _in_projection(query, key, value, w_q, w_k, w_v, b_q, b_k, b_v)
    if attn_mask is not None:
        if attn_mask.ndim == 2:
            if attn_mask.shape != (tgt_len, src_len):
                raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(tgt_len, src_len)}.")
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.shape != (bsz * num_heads, tgt_len, src_len):
            raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                               f"{(bsz * num_heads, tgt_len, src_len)}.")
    if bias_k is not None and bias_v is not None:
        if static_k is not None or static_v is not None:
            raise AssertionError("bias cannot be added to static key or value.")
        k = cat([k, bias_k.expand(1, bsz, embed_dim)])
        v = cat([v, bias_v.expand(1, bsz, embed_dim)])
        attn_mask = None if attn_mask is None else pad(attn_mask, (0, 1))
        key_padding_mask = None if key_padding_mask is None else pad(key_padding_mask, (0, 1))
    elif bias_k is not None or bias_v is not None:
        raise AssertionError("bias_k and bias_v must be given together")
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)  # (N·h, L, E/h)
    k = _heads(k, static_k, bsz * num_heads, head_dim, "static_k")
    v = _heads(v, static_v, bsz * num_heads, head_dim, "static_v")
    if add_zero_attn:
        zeros = constant(np.zeros((bsz * num_heads, 1, head_dim), dtype=k.dtype))
        k, v = cat([k, zeros], 1), cat([v, zeros.to(v.dtype)], 1)
        attn_mask = None if attn_mask is None else pad(attn_mask, (0, 1))
        key_padding_mask = None if key_padding_mask is None else pad(key_padding_mask, (0, 1))
    src_len = k.shape[1]
    if key_padding_mask is not None:
        if key_padding_mask.shape != (bsz, src_len):
            raise AssertionError(f"Expected key_padding_mask of shape {(bsz, src_len)} (batch, source length), "
                                 f"but got {key_padding_mask.shape}")
        key_padding_mask = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(bsz, num_heads, 1, src_len) \
            .reshape(bsz * num_heads, 1, src_len)
        attn_mask = key_padding_mask if attn_mask is None else attn_mask + key_padding_mask
    if not training:
        dropout_p = 0.0
    if need_weights:
        scores = (q * math.sqrt(1.0 / head_dim)) @ k.transpose(-2, -1)
        if attn_mask is not None:
            scores = attn_mask + scores
        weights = softmax(scores, -1)  # (as PyTorch: a fully masked row gives nan here)
        if dropout_p > 0.0:
            weights = dropout(weights, dropout_p)
        out = (weights @ v).transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, -1)
        weights = weights.reshape(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(1)
        if not batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        return out, weights
    if attn_mask is not None:
        attn_mask = attn_mask.unsqueeze(0) if attn_mask.shape[0] == 1 else \
            attn_mask.reshape(bsz, num_heads, -1, src_len)
    q = q.reshape(bsz, num_heads, tgt_len, head_dim)
    k = k.reshape(bsz, num_heads, src_len, head_dim)
    v = v.reshape(bsz, num_heads, src_len, head_dim)
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, -1)
    return (out if batched else out.squeeze(1)), None


def _heads(x: Tensor, static: Tensor | None, batch_heads: int, head_dim: int, name: str) -> Tensor:
    """(S, N, E) -> (N·h, S, E/h), or the given static keys/values of that shape."""
    if static is None:
        return x.reshape(x.shape[0], batch_heads, head_dim).transpose(0, 1)
    if static.shape[0] != batch_heads or static.shape[2] != head_dim:
        raise AssertionError(f"expecting {name} of shape ({batch_heads}, S, {head_dim}), but got {static.shape}")
    return static
