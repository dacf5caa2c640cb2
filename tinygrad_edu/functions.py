"""Function forms of the tensor methods (`tg.exp(x)` is `x.exp()`), and ops that take several
tensors: `cat`, `stack`, `where`, `maximum`, `minimum`."""
from __future__ import annotations

import builtins
from typing import Sequence

from . import dtype as _dtype
from . import ops
from .errors import ArgumentValueError, ShapeError
from .numpy_names import accept_numpy_names
from .tensor import Tensor


def _tensor(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def add(input, other, *, alpha=1) -> Tensor:
    """input + alpha·other."""
    return _tensor(input).add(other, alpha=alpha)


def sub(input, other, *, alpha=1) -> Tensor:
    """input - alpha·other."""
    return _tensor(input).sub(other, alpha=alpha)


def mul(a, b) -> Tensor:
    return _tensor(a) * b


def div(a, b) -> Tensor:
    return _tensor(a) / b


def pow(a, b) -> Tensor:
    return _tensor(a) ** b


def neg(a) -> Tensor:
    return -_tensor(a)


def matmul(a, b) -> Tensor:
    return _tensor(a).matmul(b)


def exp(x) -> Tensor:
    return _tensor(x).exp()


def log(x) -> Tensor:
    return _tensor(x).log()


def sqrt(x) -> Tensor:
    return _tensor(x).sqrt()


def abs(x) -> Tensor:
    return _tensor(x).abs()


def sin(x) -> Tensor:
    return _tensor(x).sin()


def cos(x) -> Tensor:
    return _tensor(x).cos()


def tanh(x) -> Tensor:
    return _tensor(x).tanh()


def sigmoid(x) -> Tensor:
    return _tensor(x).sigmoid()


def relu(x) -> Tensor:
    return _tensor(x).relu()


def clamp(input, min=None, max=None) -> Tensor:
    """Each element limited to [min, max]: numbers, or tensors that broadcast with input."""
    return _tensor(input).clamp(min, max)


def clip(input, min: float | None = None, max: float | None = None) -> Tensor:
    """Another name for clamp, as `torch.clip`: each element limited to [min, max] (either bound
    may be None); the gradient is 1 inside, 0 outside."""
    return _tensor(input).clamp(min, max)


def maximum(a, b) -> Tensor:
    """Elementwise larger of a and b (both broadcast)."""
    return _tensor(a).maximum(b)


def minimum(a, b) -> Tensor:
    """Elementwise smaller of a and b."""
    return _tensor(a).minimum(b)


where = ops.where


def sum(x, dim=None, keepdim: bool = False) -> Tensor:
    return _tensor(x).sum(dim, keepdim)


def mean(x, dim=None, keepdim: bool = False) -> Tensor:
    return _tensor(x).mean(dim, keepdim)


def logsumexp(x, dim=None, keepdim: bool = False) -> Tensor:
    return _tensor(x).logsumexp(dim, keepdim)


def reshape(x, *shape) -> Tensor:
    return _tensor(x).reshape(*shape)


def transpose(x, dim0: int, dim1: int) -> Tensor:
    return _tensor(x).transpose(dim0, dim1)


def permute(x, *dims) -> Tensor:
    return _tensor(x).permute(*dims)


def flatten(x, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    return _tensor(x).flatten(start_dim, end_dim)


def squeeze(x, dim=None) -> Tensor:
    return _tensor(x).squeeze(dim)


def unsqueeze(x, dim: int) -> Tensor:
    return _tensor(x).unsqueeze(dim)


def split(x, split_size_or_sections, dim: int = 0) -> tuple[Tensor, ...]:
    return _tensor(x).split(split_size_or_sections, dim)


def chunk(x, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    return _tensor(x).chunk(chunks, dim)


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing axis `dim`; all other axes must match.

    >>> import tinygrad_edu as tg
    >>> tg.cat([tg.zeros(1, 2), tg.ones(2, 2)]).shape
    (3, 2)
    """
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError("cat: expects a list or tuple of tensors, e.g. tg.cat([a, b], dim=0)")
    if not tensors:
        raise ShapeError("cat: expects a non-empty list of tensors, got an empty one")
    tensors = [_tensor(t) for t in tensors]
    first = tensors[0]
    if first.ndim == 0:
        raise ArgumentValueError("cat: zero-dimensional tensors cannot be concatenated (use stack)")
    axis = ops.normalize_dim(dim, first.ndim, "cat")
    for i, t in enumerate(tensors[1:], start=1):
        if t.ndim != first.ndim or builtins.any(
            a != b for k, (a, b) in enumerate(zip(t.shape, first.shape)) if k != axis
        ):
            raise ShapeError(
                f"cat: tensor {i} has shape {t.shape}, which does not match tensor 0's shape "
                f"{first.shape} outside dim {dim} (all axes but the one joined must be equal)"
            )
    return ops.Cat.apply(axis, *_in_common_dtype(tensors))  # (a new tensor even for one: PyTorch's cat copies)


def _in_common_dtype(tensors: list) -> list:
    """The tensors converted to their common dtype by PyTorch's promotion (int64 with float32
    is float32; numpy's concatenate would make float64)."""
    dtype = tensors[0].data.dtype
    for t in tensors[1:]:
        if t.data.dtype is not dtype:
            dtype = _dtype.promote_types(dtype, t.data.dtype)
    return [t if t.data.dtype == dtype else t._cast(dtype) for t in tensors]


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors of the same shape along a new axis `dim`."""
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError("stack: expects a list or tuple of tensors")
    if not tensors:
        raise ShapeError("stack: expects a non-empty list of tensors, got an empty one")
    tensors = [_tensor(t) for t in tensors]
    for i, t in enumerate(tensors[1:], start=1):
        if t.shape != tensors[0].shape:
            raise ShapeError(
                f"stack: tensor {i} has shape {t.shape} but tensor 0 has shape {tensors[0].shape}; "
                f"stack needs tensors of equal shape"
            )
    axis = ops.normalize_dim(dim, tensors[0].ndim, "stack", new_axis=True)
    return ops.Cat.apply(axis, *[t.unsqueeze(axis) for t in _in_common_dtype(tensors)])


# ---- function forms of more Tensor methods (products, norms, scans, sorting, reductions) -------

def mm(input, mat2) -> Tensor:
    """Matrix product of two 2-D tensors."""
    return _tensor(input).mm(mat2)


def bmm(input, mat2) -> Tensor:
    """Batched matrix product: (b, n, k) @ (b, k, m) -> (b, n, m)."""
    return _tensor(input).bmm(mat2)


def mv(input, vec) -> Tensor:
    """Matrix-vector product: (n, m) @ (m,) -> (n,)."""
    return _tensor(input).mv(vec)


def dot(input, other) -> Tensor:
    """Inner product of two 1-D tensors."""
    return _tensor(input).dot(other)


def outer(input, vec2) -> Tensor:
    """Outer product of two vectors: out[i, j] = input[i]·vec2[j]."""
    return _tensor(input).outer(vec2)


def t(input) -> Tensor:
    """The transpose of a matrix (tensors with fewer dims are returned as they are)."""
    return _tensor(input).t()


def norm(input, p="fro", dim=None, keepdim: bool = False, out=None, dtype=None) -> Tensor:
    """The vector p-norm over `dim` (see Tensor.norm)."""
    if out is not None:
        raise TypeError("norm: out= is not supported; use the returned tensor")
    return _tensor(input).norm(p, dim, keepdim, dtype=dtype)


def softmax(input, dim: int, dtype=None) -> Tensor:
    """exp(x) / Σ exp(x) along `dim`."""
    return _tensor(input).softmax(dim, dtype=dtype)


def log_softmax(input, dim: int, dtype=None) -> Tensor:
    """log(softmax(x)) along `dim`, computed stably."""
    return _tensor(input).log_softmax(dim, dtype=dtype)


def tril(input, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dims, the rest 0 (see Tensor.tril)."""
    return _tensor(input).tril(diagonal)


def triu(input, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dims, the rest 0 (see Tensor.triu)."""
    return _tensor(input).triu(diagonal)


def flip(input, dims) -> Tensor:
    """The order reversed along each of `dims` (a copy)."""
    return _tensor(input).flip(dims)


def unbind(input, dim: int = 0) -> tuple:
    """The slices of input along `dim`, as a tuple of views."""
    return _tensor(input).unbind(dim)


def isnan(input) -> Tensor:
    return _tensor(input).isnan()


def isinf(input) -> Tensor:
    return _tensor(input).isinf()


def isfinite(input) -> Tensor:
    return _tensor(input).isfinite()


def clone(input) -> Tensor:
    """A copy with its own memory that stays in the graph."""
    return _tensor(input).clone()


def masked_fill(input, mask, value) -> Tensor:
    """A copy of input with `value` where the bool `mask` is True."""
    return _tensor(input).masked_fill(mask, value)


def index_select(input, dim: int, index) -> Tensor:
    """The entries at `index` (a 1-D integer tensor) along `dim`."""
    return _tensor(input).index_select(dim, index)


def gather(input, dim: int, index) -> Tensor:
    """out[i][j] = input[i][index[i][j]] for dim = 1 (see Tensor.gather)."""
    return _tensor(input).gather(dim, index)


def sign(input) -> Tensor:
    return _tensor(input).sign()


def floor(input) -> Tensor:
    return _tensor(input).floor()


def ceil(input) -> Tensor:
    return _tensor(input).ceil()


def trunc(input) -> Tensor:
    return _tensor(input).trunc()


def round(input, *, decimals: int = 0) -> Tensor:  # noqa: A001 (PyTorch's name)
    return _tensor(input).round(decimals)


def frac(input) -> Tensor:
    return _tensor(input).frac()


def reciprocal(input) -> Tensor:
    return _tensor(input).reciprocal()


def square(input) -> Tensor:
    return _tensor(input).square()


def log2(input) -> Tensor:
    return _tensor(input).log2()


def log10(input) -> Tensor:
    return _tensor(input).log10()


def exp2(input) -> Tensor:
    return _tensor(input).exp2()


def rsqrt(input) -> Tensor:
    return _tensor(input).rsqrt()


def log1p(input) -> Tensor:
    return _tensor(input).log1p()


def expm1(input) -> Tensor:
    return _tensor(input).expm1()


def prod(input, dim: int | None = None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Product of all elements, or along one `dim`."""
    return _tensor(input).prod(dim, keepdim, dtype=dtype)


def cumsum(input, dim: int, *, dtype=None) -> Tensor:
    """Running sum along `dim`."""
    return _tensor(input).cumsum(dim, dtype=dtype)


def topk(input, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
    """The k largest (or smallest) values along `dim` and their indices."""
    return _tensor(input).topk(k, dim, largest, sorted)


def sort(input, dim: int = -1, descending: bool = False, stable: bool = False):
    """`(values, indices)` of the tensor sorted along `dim`."""
    return _tensor(input).sort(dim, descending, stable)


def argsort(input, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """The indices that sort the tensor along `dim`."""
    return _tensor(input).argsort(dim, descending, stable)


def max(input, dim=None, keepdim: bool = False):
    """`max(x)`: the largest value; `max(x, dim)`: the named tuple (values, indices) along
    `dim`; `max(a, b)` with two tensors: the elementwise `maximum`."""
    return _tensor(input).max(dim, keepdim)


def min(input, dim=None, keepdim: bool = False):
    """`min(x)`, `min(x, dim)` -> (values, indices), `min(a, b)` = `minimum`; see `max`."""
    return _tensor(input).min(dim, keepdim)


def amax(input, dim=(), keepdim: bool = False) -> Tensor:
    """Largest values over `dim` (ties share the gradient)."""
    return _tensor(input).amax(dim, keepdim)


def amin(input, dim=(), keepdim: bool = False) -> Tensor:
    """Smallest values over `dim` (ties share the gradient)."""
    return _tensor(input).amin(dim, keepdim)


def argmax(input, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _tensor(input).argmax(dim, keepdim)


def argmin(input, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _tensor(input).argmin(dim, keepdim)


def var(input, dim=None, unbiased: bool = True, keepdim: bool = False, *, correction=None) -> Tensor:
    """Variance over `dim` (divisor N - 1 unless unbiased=False or another correction)."""
    return _tensor(input).var(dim, unbiased=unbiased, keepdim=keepdim, correction=correction)


def std(input, dim=None, unbiased: bool = True, keepdim: bool = False, *, correction=None) -> Tensor:
    """Standard deviation over `dim`."""
    return _tensor(input).std(dim, unbiased=unbiased, keepdim=keepdim, correction=correction)


def numel(input) -> int:
    """The number of elements."""
    return _tensor(input).numel()


def all(input, dim=None, keepdim: bool = False) -> Tensor:
    return _tensor(input).all(dim, keepdim)


def any(input, dim=None, keepdim: bool = False) -> Tensor:
    return _tensor(input).any(dim, keepdim)


def isclose(input, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """Elementwise |input - other| ≤ atol + rtol·|other| (a bool tensor)."""
    return _tensor(input).isclose(other, rtol, atol, equal_nan)


def allclose(input, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """True if `isclose` holds everywhere."""
    return _tensor(input).allclose(other, rtol, atol, equal_nan)


def equal(input, other) -> bool:
    """True if both have the same shape and values."""
    return _tensor(input).equal(other)


def einsum(equation: str, *operands) -> Tensor:
    """Einstein summation, as `torch.einsum`: "ij,jk->ik" is a matrix product, "ii->" a trace,
    "bij,bjk->bik" a batched product; '...' stands for broadcast dims; without '->' the output
    is the subscripts seen once, in alphabetical order. The operands may also come as one list.

    >>> import tinygrad_edu as tg
    >>> tg.einsum("i,i->", tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0]))
    tensor(11.)
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    tensors = [_tensor(x) for x in operands]
    if len({t.dtype for t in tensors}) > 1:
        raise RuntimeError(f"einsum: all operands must have the same dtype, got "
                           f"{[str(t.dtype) for t in tensors]}")
    inputs, output = ops.parse_equation(equation, [t.shape for t in tensors])
    return ops.Einsum.apply(",".join(inputs) + "->" + output, *tensors)


accept_numpy_names(globals(), list(globals()))  # tg.cat(ts, axis=0), tg.sum(t, axis=1), as PyTorch accepts
