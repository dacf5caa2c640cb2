"""`nn.MultiheadAttention`: PyTorch's module, with its parameter names, initialisation and masks,
so a state_dict moves between the two (the computation is F.multi_head_attention_forward)."""
from __future__ import annotations

from ..creation import zeros
from ..devices import check_device
from ..tensor import Tensor
from . import functional as F
from . import init
from .functional.attention import _canonical_mask
from .layers import Linear
from .module import Module
from .parameter import Parameter


class NonDynamicallyQuantizableLinear(Linear):
    """nn.Linear under the name PyTorch gives MultiheadAttention's out_proj (the name only tells
    PyTorch's quantization tools to leave it alone); here it is a plain Linear."""


class MultiheadAttention(Module):
    """Multi-head attention (Vaswani et al., "Attention is all you need", 2017):
    MultiHead(Q, K, V) = Concat(head₁, …, head_h) W_O, headᵢ = softmax(Q W_Qᵢ (K W_Kᵢ)ᵀ / √(E/h)) V W_Vᵢ.

    Inputs are (L, N, E) (or (N, L, E) with batch_first=True, or unbatched (L, E)). Parameters as
    PyTorch: `in_proj_weight` (3E, E) packing W_Q, W_K, W_V (xavier_uniform_), or
    `q_proj_weight`, `k_proj_weight` (E, kdim), `v_proj_weight` (E, vdim) when kdim/vdim differ
    from E; `in_proj_bias` (3E,) and `out_proj.bias` start at 0; `bias_k`, `bias_v` (1, 1, E)
    with add_bias_kv. forward returns (output, weights averaged over heads or None).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> mha = nn.MultiheadAttention(8, 2, batch_first=True)
    >>> x = tg.randn(3, 5, 8)
    >>> out, weights = mha(x, x, x)
    >>> out.shape, weights.shape
    ((3, 5, 8), (3, 5, 5))
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device=None, dtype=None) -> None:
        super().__init__()
        check_device(device, "MultiheadAttention")
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and "
                             f"num_heads={num_heads} instead")
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError(f"embed_dim must be divisible by num_heads, got embed_dim={embed_dim} and "
                                 f"num_heads={num_heads}")
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = Parameter(zeros(embed_dim, embed_dim, dtype=dtype))
            self.k_proj_weight = Parameter(zeros(embed_dim, self.kdim, dtype=dtype))
            self.v_proj_weight = Parameter(zeros(embed_dim, self.vdim, dtype=dtype))
            self.register_parameter("in_proj_weight", None)
        else:
            self.in_proj_weight = Parameter(zeros(3 * embed_dim, embed_dim, dtype=dtype))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(zeros(3 * embed_dim, dtype=dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        if add_bias_kv:
            self.bias_k = Parameter(zeros(1, 1, embed_dim, dtype=dtype))
            self.bias_v = Parameter(zeros(1, 1, embed_dim, dtype=dtype))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """PyTorch's scheme: xavier_uniform_ for the input projections, zero biases, xavier_normal_
        for bias_k and bias_v (out_proj.weight keeps nn.Linear's initialisation)."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None = None,
                need_weights: bool = True, attn_mask: Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
        """Attend from `query` (L, N, E) to `key` (S, N, kdim) / `value` (S, N, vdim) (batch first
        with batch_first=True; or unbatched). key_padding_mask (N, S) and attn_mask (L, S) or
        (N·num_heads, L, S): bool with True = not allowed to attend, or float (added to the scores).
        Returns (output (L, N, E), weights (N, L, S) -- per head (N, h, L, S) with
        average_attn_weights=False -- or None with need_weights=False)."""
        batched = isinstance(query, Tensor) and query.ndim == 3
        key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", attn_mask, "attn_mask",
                                           getattr(query, "dtype", None))
        attn_mask = _canonical_mask(attn_mask, "attn_mask", target_dtype=getattr(query, "dtype", None))
        if self.batch_first and batched:  # keep `query is key is value`: self-attention's packed projection
            if key is value:
                if query is key:
                    query = key = value = query.transpose(1, 0)
                else:
                    query, key = query.transpose(1, 0), key.transpose(1, 0)
                    value = key
            else:
                query, key, value = (x.transpose(1, 0) for x in (query, key, value))
        separate = not self._qkv_same_embed_dim
        out, weights = F.multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias,
            self.bias_k, self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight, self.out_proj.bias,
            training=self.training, key_padding_mask=key_padding_mask, need_weights=need_weights,
            attn_mask=attn_mask, use_separate_proj_weight=separate, q_proj_weight=self.q_proj_weight,
            k_proj_weight=self.k_proj_weight, v_proj_weight=self.v_proj_weight,
            average_attn_weights=average_attn_weights, is_causal=is_causal)
        if self.batch_first and batched:
            out = out.transpose(1, 0)
        return out, weights
