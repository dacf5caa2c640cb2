"""linear, embedding, dropout: the computations inside nn.Linear, nn.Embedding, nn.Dropout."""
from __future__ import annotations

import numpy as np

from ...ops.index import GetItem
from ...ops.op import Op
from ...random import generator
from ...tensor import Tensor
from .checks import ArgumentDtypeError, check_same_dtype, named_as_pytorch


class Linear(Op):
    """y = x Wᵀ + b for x (..., in), W (out, in), b (out,) or None, as one node on the tape.

    ∂L/∂x = G W,   ∂L/∂W = Gᵀ x (summed over all leading axes),   ∂L/∂b = Σ G
    (the engine sums G down to b's shape).
    """

    @staticmethod
    def node_name(ctx) -> str:
        """PyTorch's: AddmmBackward0 for a matrix input (MmBackward0 without a bias); its linear
        of another rank ends with a view of the product."""
        x = ctx._saved[0] if ctx._saved else None  # (kept when the weight needs a gradient)
        if x is not None and x.ndim != 2:
            return "ViewBackward0" if x.ndim == 1 or ctx.input_shapes[2] is not None else "UnsafeViewBackward0"
        return "MmBackward0" if ctx.input_shapes[2] is None else "AddmmBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x if weight.requires_grad else None, weight if x.requires_grad else None)
        out = x.data @ weight.data.T
        if bias is not None:
            out += bias.data
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        grad_x, grad_w = linear_grads(ctx.xp, grad, x, weight, need_x, need_w)
        return grad_x, grad_w, (grad if need_b else None)


def linear_grads(xp, grad, x, weight, need_x: bool, need_w: bool) -> tuple:
    """The gradients of y = x Wᵀ: (∂L/∂x = G W, ∂L/∂W = Gᵀ x), each None when not needed.
    Shared by every fused node that contains a product by a weight (Linear, the Tree-LSTM cell)."""
    grad_w = None
    if need_w:  # leading axes folded into one batch axis: Gᵀ x is then one matrix product
        g2 = grad if grad.ndim == 2 else xp.reshape(grad, (-1, grad.shape[-1]))
        x2 = x if x.ndim == 2 else xp.reshape(x, (int(np.prod(x.shape[:-1])), x.shape[-1]))
        grad_w = xp.transposed_times(g2, x2)  # Gᵀ x (as factors for a few rows: deferred.py)
    return (grad @ weight if need_x else None), grad_w


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """input @ weight.T + bias, with weight of shape (out_features, in_features) like PyTorch.
    Input, weight and bias must have one dtype, as in PyTorch (a float32 batch through a float64
    layer is an error, not a float64 result).

    As in PyTorch, `bias` is added with broadcasting (shape (out_features,), (), (1,), ... --
    anything that broadcasts to the output's shape without enlarging it), and a 1-D weight
    (in_features,) gives input @ weight, of shape input.shape[:-1], with a 0-d bias.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.linear(tg.ones(2, 3), tg.ones(4, 3), tg.zeros(4)).shape
    (2, 4)
    """
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor):
        raise TypeError(f"linear: input and weight must be Tensors, got {type(input).__name__} and "
                        f"{type(weight).__name__}")
    if input.data.dtype != weight.data.dtype:  # (checked here first: the helper's keyword call costs ~1 µs)
        check_same_dtype("linear", input=input, weight=weight)
    if weight.ndim not in (1, 2):
        raise ValueError(f"linear: weight must be 2-D (out_features, in_features) or 1-D (in_features,), "
                         f"got shape {weight.shape}")
    if input.ndim == 0 or input.data.shape[-1] != weight.data.shape[-1]:
        raise ValueError(
            f"linear: input of shape {input.shape} does not fit weight of shape {weight.shape}: the last "
            f"axis of the input must be in_features = {weight.shape[-1]}"
        )
    if bias is not None:
        if not isinstance(bias, Tensor):
            raise TypeError(f"linear: bias must be a Tensor or None, got {type(bias).__name__}")
        if bias.data.dtype != weight.data.dtype:
            check_same_dtype("linear", bias=bias, weight=weight)
        if bias.data.shape != weight.data.shape[:1]:
            _check_bias_broadcasts(input, weight, bias)
    if weight.ndim == 1:  # PyTorch's matmul(input, weight.t()): a vector product, no out_features dim
        out = input @ weight
        return out if bias is None else out + bias
    if input.ndim == 1:  # a single sample: treat it as a batch of one
        return Linear.apply(input.unsqueeze(0), weight, bias).squeeze(0)
    return Linear.apply(input, weight, bias)


def _check_bias_broadcasts(input: Tensor, weight: Tensor, bias: Tensor) -> None:
    """A bias other than (out_features,) is added with broadcasting, as in PyTorch, but must not
    change the output's shape (PyTorch adds it in place)."""
    out_shape = input.data.shape[:-1] + weight.data.shape[:-1]
    if weight.ndim == 1 and bias.ndim != 0:  # PyTorch refuses these too (mat2 must be a matrix)
        raise RuntimeError(f"linear: with a 1-D weight of shape {weight.shape} the output has no out_features "
                           f"dim, so the bias must be 0-d, got shape {bias.shape}")
    try:
        fits = np.broadcast_shapes(out_shape, bias.data.shape) == out_shape
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(f"linear: bias of shape {bias.shape} does not broadcast to the output's shape "
                           f"{out_shape} (input {input.shape}, weight {weight.shape}); it should have shape "
                           f"({weight.shape[0]},)")


def _check_dropout_p(p, op: str) -> None:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
        raise ValueError(f"{op}: dropout probability has to be between 0 and 1, got {p!r}")


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Inverted dropout: while training, zero each element with probability p and scale the
    survivors by 1/(1-p), so the expected value is unchanged; otherwise return input.
    `inplace=True` overwrites `input` (like `input.mul_(mask)`), which must then not be a leaf
    that requires grad.

    The mask is drawn from the framework's generator (`tg.manual_seed`).
    """
    _check_dropout_p(p, "dropout")
    if not training or p == 0:
        return input
    if input.data.dtype.kind != "f":
        raise TypeError(f"dropout: needs a floating point tensor, got dtype {input.dtype}")
    if p == 1:
        mask = np.zeros(input.data.shape, dtype=input.data.dtype)
    else:
        keep = generator().random(input.data.shape) >= p
        mask = keep.astype(input.data.dtype) * input.data.dtype.type(1 / (1 - p))
    mask = Tensor._make(mask, None, False)
    if inplace:
        return input._in_place("dropout_", lambda old: old * mask)
    return input * mask


def embedding(input, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of `weight` (num_embeddings, dim) picked by integer indices `input` of any shape; the
    result has shape input.shape + (dim,). A row used twice gets both gradients summed.

    padding_idx (negative counts from the end): that row gets no gradient (its value is still
    returned). max_norm: the rows used are first rescaled in place, outside autograd, to a
    norm_type-norm of at most max_norm, as PyTorch does. sparse=True is accepted, but the gradient
    is dense. scale_grad_by_freq=True divides each row's gradient by how often its index occurs in
    `input` (the values are unchanged; this is not the derivative, by design).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.embedding(tg.tensor([0, 2, 0]), tg.eye(3)).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    if not isinstance(weight, Tensor) or weight.ndim != 2:
        raise ValueError(f"embedding: weight must be a 2-D Tensor (num_embeddings, dim), got "
                         f"{getattr(weight, 'shape', type(weight).__name__)}")
    idx = input.data if isinstance(input, Tensor) else np.asarray(input)
    if idx.dtype.kind != "i" or idx.dtype.itemsize < 4:  # int64 or int32: PyTorch's embedding takes no other
        raise ArgumentDtypeError(f"embedding: indices must be integers of dtype int64 (or int32), got dtype "
                                 f"{idx.dtype}; convert them with .long()")
    n = weight.data.shape[0]
    padding_idx = embedding_padding_idx(padding_idx, n, "embedding")
    # (one pass: read as unsigned, a negative index is larger than any row number)
    if idx.size and idx.view(idx.dtype.str.replace("i", "u")).max() >= n:
        bad = int(idx.min()) if idx.min() < 0 else int(idx.max())
        raise IndexError(f"embedding: index {bad} is out of range for {n} embeddings "
                         f"(valid: 0 to {n - 1})")
    if max_norm is not None and idx.size:
        rows = np.unique(idx)  # (PyTorch's embedding_renorm_: in place, not recorded)
        norms = np.linalg.norm(weight.data[rows], ord=norm_type, axis=1)
        too_long = norms > max_norm
        weight.data[rows[too_long]] *= (max_norm / (norms[too_long] + 1e-7))[:, None].astype(weight.data.dtype)
    # weight[idx] without Tensor indexing's checks (done above); a copy of the indices, so that
    # backward uses forward's even if `input` is changed in place afterwards
    out = GetItem.apply(weight, idx.copy())
    if scale_grad_by_freq:  # (each row's gradient divided by its index's count: frequency_scaling.py)
        from .frequency_scaling import scale_grad_by_freq as _scale

        out = _scale(out, idx, n)
    if padding_idx is not None and out.requires_grad and (idx == padding_idx).any():
        from ...ops.select import where

        out = where(Tensor._make((idx == padding_idx)[..., None], None, False), out.detach(), out)
    return named_as_pytorch(out, "EmbeddingBackward0")


def embedding_padding_idx(padding_idx, num_embeddings: int, op: str) -> int | None:
    """padding_idx checked against num_embeddings, a negative one counted from the end (PyTorch
    raises AssertionError for one out of range)."""
    if padding_idx is None:
        return None
    if isinstance(padding_idx, bool) or not isinstance(padding_idx, (int, np.integer)):
        raise TypeError(f"{op}: padding_idx must be an int or None, got {padding_idx!r}")
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise AssertionError(f"{op}: padding_idx must be within num_embeddings: got {padding_idx} for "
                             f"{num_embeddings} embeddings (valid: {-num_embeddings} to {num_embeddings - 1})")
    return int(padding_idx) % num_embeddings
