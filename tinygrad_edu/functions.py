"""Function forms of the tensor methods (`tg.exp(x)` is `x.exp()`), and ops that take several
tensors: `cat`, `stack`, `where`, `maximum`, `minimum`.

The parameters have PyTorch's names (`tg.add(input=x, other=y, alpha=2)`), and the functions
that take `out=` in PyTorch take it here too: the result is written into that tensor, in place,
and it is returned (out_argument.py has the rules; `same_dtype=True` marks the ops whose out
must have exactly the result's dtype).
"""
from __future__ import annotations

import builtins
from typing import Sequence

from . import dtype as _dtype
from . import ops
from .autograd.function import named_as_pytorch
from .errors import ArgumentValueError, ShapeError
from .memory_formats import preserve_format
from .numpy_names import accept_numpy_names
from .out_argument import dtype_for_out, written_to
from .tensor import Tensor


def _tensor(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def add(input, other, *, alpha=1, out=None) -> Tensor:
    """input + alpha·other.

    >>> import tinygrad_edu as tg
    >>> y = tg.zeros(2)
    >>> tg.add(tg.tensor([1.0, 2.0]), tg.tensor([10.0, 20.0]), alpha=2, out=y) is y, y
    (True, tensor([21., 42.]))
    """
    return written_to(out, "add", _tensor(input).add(other, alpha=alpha))


def sub(input, other, *, alpha=1, out=None) -> Tensor:
    """input - alpha·other."""
    return written_to(out, "sub", _tensor(input).sub(other, alpha=alpha))


def mul(input, other, *, out=None) -> Tensor:
    """input · other, elementwise (broadcasting)."""
    return written_to(out, "mul", _tensor(input) * other)


def div(input, other, *, rounding_mode: str | None = None, out=None) -> Tensor:
    """input / other; rounding_mode 'trunc' or 'floor' rounds the quotient."""
    return written_to(out, "div", _tensor(input).divide(other, rounding_mode=rounding_mode))


def pow(input, exponent, *, out=None) -> Tensor:
    """input ** exponent; either may be a number (`tg.pow(2, t)` is 2 ** t)."""
    if not isinstance(input, Tensor) and isinstance(exponent, Tensor):
        return written_to(out, "pow", input ** exponent)  # (Tensor.__rpow__: the number takes t's dtype)
    return written_to(out, "pow", _tensor(input) ** exponent)


def neg(input, *, out=None) -> Tensor:
    """-input."""
    return written_to(out, "neg", -_tensor(input), same_dtype=True)


def matmul(input, other, *, out=None) -> Tensor:
    """The matrix product, with numpy's rules for 1-D and batched operands (see Tensor.matmul)."""
    return written_to(out, "matmul", _tensor(input).matmul(other), same_dtype=True)


def _elementwise(name: str, same_dtype: bool = False):
    """The function form `name(input, *, out=None)` of the Tensor method `name` (also used by
    functions_pointwise.py); `same_dtype`: out= must have exactly the result's dtype."""
    def function(input, *, out=None) -> Tensor:
        return written_to(out, name, getattr(_tensor(input), name)(), same_dtype=same_dtype)

    function.__name__ = function.__qualname__ = name
    # the code object named too, so that a traceback (and an error naming the op that raised,
    # nn/parameter.py) says exp, not _elementwise.<locals>.function
    renamed = {"co_name": name, "co_qualname": name} if hasattr(function.__code__, "co_qualname") else {"co_name": name}
    function.__code__ = function.__code__.replace(**renamed)
    function.__doc__ = f"`input.{name}()`, as a function."
    return function


exp = _elementwise("exp")
log = _elementwise("log")
sqrt = _elementwise("sqrt")
abs = _elementwise("abs", same_dtype=True)  # noqa: A001 (PyTorch's name)
sin = _elementwise("sin")
cos = _elementwise("cos")
tanh = _elementwise("tanh")
sigmoid = _elementwise("sigmoid")


def relu(input) -> Tensor:
    return _tensor(input).relu()


def clamp(input, min=None, max=None, *, out=None) -> Tensor:
    """Each element limited to [min, max]: numbers, or tensors that broadcast with input."""
    return written_to(out, "clamp", _tensor(input).clamp(min, max), same_dtype=True)


def clip(input, min: float | None = None, max: float | None = None, *, out=None) -> Tensor:
    """Another name for clamp, as `torch.clip`: each element limited to [min, max] (either bound
    may be None); the gradient is 1 inside, 0 outside."""
    return written_to(out, "clip", _tensor(input).clamp(min, max), same_dtype=True)


def maximum(input, other, *, out=None) -> Tensor:
    """Elementwise larger of input and other (both broadcast)."""
    return written_to(out, "maximum", _tensor(input).maximum(other))


def minimum(input, other, *, out=None) -> Tensor:
    """Elementwise smaller of input and other."""
    return written_to(out, "minimum", _tensor(input).minimum(other))


def where(condition, input=None, other=None, *, out=None):
    """Elementwise `input if condition else other`, broadcasting all three (either value may be
    a number); differentiable in input and other. `where(condition)` alone is
    `nonzero(condition, as_tuple=True)`, as in PyTorch.

    >>> import tinygrad_edu as tg
    >>> x = tg.tensor([-1.0, 2.0])
    >>> tg.where(x > 0, x, 0.0)
    tensor([0., 2.])
    """
    if input is None and other is None and out is None:
        return _tensor(condition).nonzero(as_tuple=True)
    if input is None or other is None:
        raise TypeError("where(): expects condition, input and other (or the condition alone)")
    return written_to(out, "where", ops.where(condition, input, other), same_dtype=True)


def sum(input, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """The sum over `dim` (an int, a tuple, or None for all); with `dtype` (or an `out`) the
    input is converted to that dtype first, as in PyTorch."""
    dtype = dtype_for_out(dtype, out)
    return written_to(out, "sum", _in_dtype(_tensor(input), dtype, lambda x: x.sum(dim, keepdim)),
                      same_dtype=True)


def _in_dtype(x: Tensor, dtype, reduce) -> Tensor:
    """reduce(x) computed in `dtype` (None: x's own): x converted first, the result kept in dtype
    (a sum of bools counts, so in the bool dtype it is `any`)."""
    if dtype is None:
        return reduce(x)
    dtype = _dtype.as_dtype(dtype, "dtype")
    result = reduce(x.to(dtype))
    return result if result.dtype == dtype else result.to(dtype)


def mean(input, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """The mean over `dim`; with `dtype` (a float dtype) the input is converted first."""
    x = _tensor(input)
    if dtype is not None:
        dtype = _dtype.as_dtype(dtype, "mean")
        if dtype.kind != "f":
            raise ArgumentValueError(f"mean(): could not infer output dtype. Optional dtype must be a floating "
                                     f"point dtype, got {dtype}")
        x = x.to(dtype)
    return written_to(out, "mean", x.mean(dim, keepdim), same_dtype=dtype is not None)


def logsumexp(input, dim=None, keepdim: bool = False, *, out=None) -> Tensor:
    return written_to(out, "logsumexp", _tensor(input).logsumexp(dim, keepdim))


def reshape(input, *shape) -> Tensor:
    return _tensor(input).reshape(*shape)


def transpose(input, dim0: int, dim1: int) -> Tensor:
    return _tensor(input).transpose(dim0, dim1)


def permute(input, *dims) -> Tensor:
    return _tensor(input).permute(*dims)


def flatten(input, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    return _tensor(input).flatten(start_dim, end_dim)


def squeeze(input, dim=None) -> Tensor:
    return _tensor(input).squeeze(dim)


def unsqueeze(input, dim: int) -> Tensor:
    return _tensor(input).unsqueeze(dim)


def split(tensor, split_size_or_sections, dim: int = 0) -> tuple[Tensor, ...]:
    return _tensor(tensor).split(split_size_or_sections, dim)


def chunk(input, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    return _tensor(input).chunk(chunks, dim)


def cat(tensors: Sequence[Tensor], dim: int = 0, *, out=None) -> Tensor:
    """Join tensors along an existing axis `dim`; all other axes must match.

    >>> import tinygrad_edu as tg
    >>> tg.cat([tg.zeros(1, 2), tg.ones(2, 2)]).shape
    (3, 2)
    """
    return written_to(out, "cat", _cat(tensors, dim), cast_error=TypeError)  # (PyTorch's type here)


def _cat(tensors: Sequence[Tensor], dim: int) -> Tensor:
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


def stack(tensors: Sequence[Tensor], dim: int = 0, *, out=None) -> Tensor:
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
    joined = ops.Cat.apply(axis, *[t.unsqueeze(axis) for t in _in_common_dtype(tensors)])
    return written_to(out, "stack", named_as_pytorch(joined, "StackBackward0"), cast_error=TypeError)


# ---- function forms of more Tensor methods (products, norms, scans, sorting, reductions) -------

def mm(input, mat2, *, out=None) -> Tensor:
    """Matrix product of two 2-D tensors."""
    return written_to(out, "mm", _tensor(input).mm(mat2), same_dtype=True)


def bmm(input, mat2, *, out=None) -> Tensor:
    """Batched matrix product: (b, n, k) @ (b, k, m) -> (b, n, m)."""
    return written_to(out, "bmm", _tensor(input).bmm(mat2), same_dtype=True)


def mv(input, vec, *, out=None) -> Tensor:
    """Matrix-vector product: (n, m) @ (m,) -> (n,)."""
    return written_to(out, "mv", _tensor(input).mv(vec), same_dtype=True)


def dot(input, tensor, *, out=None) -> Tensor:
    """Inner product of two 1-D tensors."""
    return written_to(out, "dot", _tensor(input).dot(tensor), same_dtype=True)


def outer(input, vec2, *, out=None) -> Tensor:
    """Outer product of two vectors: out[i, j] = input[i]·vec2[j]."""
    return written_to(out, "outer", _tensor(input).outer(vec2))


def t(input) -> Tensor:
    """The transpose of a matrix (tensors with fewer dims are returned as they are)."""
    return _tensor(input).t()


def norm(input, p="fro", dim=None, keepdim: bool = False, out=None, dtype=None) -> Tensor:
    """The vector p-norm over `dim` (see Tensor.norm)."""
    return written_to(out, "norm", _tensor(input).norm(p, dim, keepdim, dtype=dtype), same_dtype=True)


def softmax(input, dim: int, dtype=None, *, out=None) -> Tensor:
    """exp(x) / Σ exp(x) along `dim`."""
    return written_to(out, "softmax", _tensor(input).softmax(dim, dtype=dtype), same_dtype=True)


def log_softmax(input, dim: int, dtype=None, *, out=None) -> Tensor:
    """log(softmax(x)) along `dim`, computed stably."""
    return written_to(out, "log_softmax", _tensor(input).log_softmax(dim, dtype=dtype), same_dtype=True)


def tril(input, diagonal: int = 0, *, out=None) -> Tensor:
    """The lower triangle of the last two dims, the rest 0 (see Tensor.tril)."""
    return written_to(out, "tril", _tensor(input).tril(diagonal), same_dtype=True)


def triu(input, diagonal: int = 0, *, out=None) -> Tensor:
    """The upper triangle of the last two dims, the rest 0 (see Tensor.triu)."""
    return written_to(out, "triu", _tensor(input).triu(diagonal), same_dtype=True)


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


def clone(input, *, memory_format=preserve_format) -> Tensor:
    """A copy with its own memory that stays in the graph, laid out as `input` is, or as
    `memory_format` says (see Tensor.clone)."""
    return _tensor(input).clone(memory_format=memory_format)


def masked_fill(input, mask, value) -> Tensor:
    """A copy of input with `value` where the bool `mask` is True."""
    return _tensor(input).masked_fill(mask, value)


def index_select(input, dim: int, index, *, out=None) -> Tensor:
    """The entries at `index` (a 1-D integer tensor) along `dim`."""
    return written_to(out, "index_select", _tensor(input).index_select(dim, index), same_dtype=True)


def gather(input, dim: int, index, *, sparse_grad: bool = False, out=None) -> Tensor:
    """out[i][j] = input[i][index[i][j]] for dim = 1 (see Tensor.gather); `sparse_grad` is
    accepted, the gradient is dense."""
    return written_to(out, "gather", _tensor(input).gather(dim, index), same_dtype=True)


sign = _elementwise("sign", same_dtype=True)
floor = _elementwise("floor", same_dtype=True)
ceil = _elementwise("ceil", same_dtype=True)
trunc = _elementwise("trunc", same_dtype=True)
frac = _elementwise("frac", same_dtype=True)
reciprocal = _elementwise("reciprocal")
square = _elementwise("square")
log2 = _elementwise("log2")
log10 = _elementwise("log10")
exp2 = _elementwise("exp2")
rsqrt = _elementwise("rsqrt")
log1p = _elementwise("log1p")
expm1 = _elementwise("expm1")


def round(input, *, decimals: int = 0, out=None) -> Tensor:  # noqa: A001 (PyTorch's name)
    return written_to(out, "round", _tensor(input).round(decimals), same_dtype=True)


def prod(input, dim: int | None = None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """Product of all elements, or along one `dim` (in `dtype`, or out's dtype, when given)."""
    dtype = dtype_for_out(dtype, out)
    result = _in_dtype(_tensor(input), dtype, lambda x: x.prod(dim, keepdim))
    return written_to(out, "prod", result, same_dtype=True)


def cumsum(input, dim: int, *, dtype=None, out=None) -> Tensor:
    """Running sum along `dim` (in `dtype`, or out's dtype, when given)."""
    dtype = dtype_for_out(dtype, out)
    return written_to(out, "cumsum", _in_dtype(_tensor(input), dtype, lambda x: x.cumsum(dim)), same_dtype=True)


def topk(input, k: int, dim: int = -1, largest: bool = True, sorted: bool = True, *, out=None):
    """The k largest (or smallest) values along `dim` and their indices."""
    return written_to(out, "topk", _tensor(input).topk(k, dim, largest, sorted))


def sort(input, dim: int = -1, descending: bool = False, stable: bool = False, *, out=None):
    """`(values, indices)` of the tensor sorted along `dim`."""
    return written_to(out, "sort", _tensor(input).sort(dim, descending, stable))


def argsort(input, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """The indices that sort the tensor along `dim`."""
    return _tensor(input).argsort(dim, descending, stable)


def max(input, dim=None, keepdim: bool = False, *, other=None, out=None):
    """`max(x)`: the largest value; `max(x, dim)`: the named tuple (values, indices) along
    `dim` (out= a tuple of two tensors); `max(a, b)` or `max(a, other=b)` with two tensors:
    the elementwise `maximum`."""
    return _best(input, dim, keepdim, other, out, "max")


def min(input, dim=None, keepdim: bool = False, *, other=None, out=None):
    """`min(x)`, `min(x, dim)` -> (values, indices), `min(a, b)` = `minimum`; see `max`."""
    return _best(input, dim, keepdim, other, out, "min")


def _best(input, dim, keepdim: bool, other, out, op: str):
    if other is not None:
        if dim is not None:
            raise TypeError(f"{op}(): got both dim and other; give a dim, or another tensor")
        dim = other
    elementwise = isinstance(dim, Tensor)  # max(a, b) is maximum(a, b), by PyTorch's name too
    name = {"max": "maximum", "min": "minimum"}[op] if elementwise else op
    return written_to(out, name, getattr(_tensor(input), op)(dim, keepdim))


def amax(input, dim=(), keepdim: bool = False, *, out=None) -> Tensor:
    """Largest values over `dim` (ties share the gradient)."""
    return written_to(out, "amax", _tensor(input).amax(dim, keepdim), same_dtype=True)


def amin(input, dim=(), keepdim: bool = False, *, out=None) -> Tensor:
    """Smallest values over `dim` (ties share the gradient)."""
    return written_to(out, "amin", _tensor(input).amin(dim, keepdim), same_dtype=True)


def argmax(input, dim: int | None = None, keepdim: bool = False, *, out=None) -> Tensor:
    return written_to(out, "argmax", _tensor(input).argmax(dim, keepdim), same_dtype=True)


def argmin(input, dim: int | None = None, keepdim: bool = False, *, out=None) -> Tensor:
    return written_to(out, "argmin", _tensor(input).argmin(dim, keepdim), same_dtype=True)


def var(input, dim=None, unbiased: bool = True, keepdim: bool = False, *, correction=None, out=None) -> Tensor:
    """Variance over `dim` (divisor N - 1 unless unbiased=False or another correction)."""
    result = _tensor(input).var(dim, unbiased=unbiased, keepdim=keepdim, correction=correction)
    return written_to(out, "var", result)


def std(input, dim=None, unbiased: bool = True, keepdim: bool = False, *, correction=None, out=None) -> Tensor:
    """Standard deviation over `dim`."""
    result = _tensor(input).std(dim, unbiased=unbiased, keepdim=keepdim, correction=correction)
    return written_to(out, "std", result)


def numel(input) -> int:
    """The number of elements."""
    return _tensor(input).numel()


def all(input, dim=None, keepdim: bool = False, *, out=None) -> Tensor:
    return written_to(out, "all", _tensor(input).all(dim, keepdim), same_dtype=True)


def any(input, dim=None, keepdim: bool = False, *, out=None) -> Tensor:
    return written_to(out, "any", _tensor(input).any(dim, keepdim), same_dtype=True)


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

    PyTorch's sublist format works too: each operand followed by a list of dims as integers in
    [0, 52) (`...` for broadcast dims), and optionally the output's list at the end:

    >>> tg.einsum(tg.eye(2), [0, 1], tg.tensor([1.0, 2.0]), [1], [0])
    tensor([1., 2.])
    """
    if not isinstance(equation, str):  # the sublist format: operand, dims, operand, dims, [output dims]
        equation, operands = _sublist_equation((equation, *operands))
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    tensors = [_tensor(x) for x in operands]
    if len({t.dtype for t in tensors}) > 1:
        raise RuntimeError(f"einsum: all operands must have the same dtype, got "
                           f"{[str(t.dtype) for t in tensors]}")
    inputs, output = ops.parse_equation(equation, [t.shape for t in tensors])
    return ops.Einsum.apply(",".join(inputs) + "->" + output, *tensors)


def _sublist_equation(args: tuple) -> tuple[str, tuple]:
    """einsum(a, [0, 1], b, [1, 2], [0, 2]) as ("ab,bc->ac", (a, b)): dim k is the k-th letter of
    a-zA-Z, as in PyTorch, and Ellipsis is '...'."""
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def subscripts(dims) -> str:
        text = ""
        for d in dims:
            if d is Ellipsis:
                text += "..."
            elif not isinstance(d, int) or isinstance(d, bool) or not 0 <= d < 52:
                raise ValueError(f"einsum(): subscript {d!r} in subscript list is not within the valid range [0, 52)")
            else:
                text += letters[d]
        return text

    operands, inputs = [], []
    for i in range(0, len(args) - 1, 2):
        operand, dims = args[i], args[i + 1]
        if isinstance(operand, (list, tuple)):
            raise TypeError(f"einsum(): expected a tensor as operand {i // 2} in the sublist format, got a list")
        operands.append(operand)
        inputs.append(subscripts(dims))
    output = "->" + subscripts(args[-1]) if len(args) % 2 == 1 else ""
    return ",".join(inputs) + output, tuple(operands)


accept_numpy_names(globals(), list(globals()))  # tg.cat(ts, axis=0), tg.sum(t, axis=1), as PyTorch accepts
