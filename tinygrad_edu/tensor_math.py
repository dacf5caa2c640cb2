"""More Tensor methods with PyTorch's names: matrix products (mm, bmm, mv, dot, outer), norms,
scans (cumsum, prod), sorting (sort, argsort, topk), masks (masked_fill, index_select), the
elementwise extras (log1p, expm1, reciprocal, square, sign), comparisons of whole tensors
(allclose, equal) and the in-place forms (exp_, clamp_, normal_, ...). Each method checks its
arguments and calls an op from ops/ (elementwise.py, scan.py, norm.py, sort.py) or composes
the ops of tensor.py.

`Tensor` inherits these methods from `MathMethods`. The three names below that point back at
the tensor module (Tensor, the ops, the named tuples) are filled in by tensor.py as soon as
Tensor exists: each module needs the other, so one of them must wait.
"""
from __future__ import annotations

import warnings

import numpy as np

from . import errors as _errors
from . import memory_formats as _formats
from .errors import ShapeError
from .random import rng_of

Tensor = _ops = _return_types = None  # set by tensor.py (see above)


def batch_transpose(t: "Tensor", name: str, stacklevel: int = 3) -> "Tensor":
    """t with its last two dims swapped (a view): mT, and for a real tensor also mH and adjoint.
    A 0-d tensor is its own transpose: returned as it is, with the warning PyTorch gives (it
    deprecates that use); a 1-D tensor has no matrix to transpose and is refused, as in PyTorch."""
    if t.ndim == 0:
        warnings.warn(f"{name} of a 0-d tensor returns the tensor itself; PyTorch deprecates this "
                      f"use (there is no matrix to transpose)", UserWarning, stacklevel=stacklevel)
        return t
    if t.ndim == 1:
        raise RuntimeError(f"{name}: expects a matrix or a batch of matrices, got a 1-D tensor of shape "
                           f"{t.shape} (a vector has no transpose; use unsqueeze to make it a row or column)")
    return t.transpose(-2, -1)


class MathMethods:
    """Products, norms, scans, sorting, masks and in-place forms (mixed into `Tensor`)."""

    def mm(self, mat2: "Tensor") -> "Tensor":
        """Matrix product of two 2-D tensors, (n, k) @ (k, m) -> (n, m); no broadcasting
        (`matmul` is the general product)."""
        mat2 = self._lift(mat2)
        if self.ndim != 2 or mat2.ndim != 2:
            raise RuntimeError(f"mm: both arguments must be matrices (2-D), got shapes {self.shape} "
                               f"and {mat2.shape}; use matmul for other shapes")
        if self.shape[1] != mat2.shape[0]:
            raise ShapeError(f"mm: shapes {self.shape} and {mat2.shape} cannot be multiplied "
                             f"({self.shape[1]} != {mat2.shape[0]})")
        return self.matmul(mat2)

    def bmm(self, mat2: "Tensor") -> "Tensor":
        """Batched matrix product: (b, n, k) @ (b, k, m) -> (b, n, m), the same b on both sides."""
        mat2 = self._lift(mat2)
        if self.ndim != 3 or mat2.ndim != 3:
            raise RuntimeError(f"bmm: both arguments must be batches of matrices (3-D), got shapes "
                               f"{self.shape} and {mat2.shape}")
        if mat2.shape[:2] != (self.shape[0], self.shape[2]):
            raise ShapeError(f"bmm: shapes {self.shape} and {mat2.shape} do not fit: the second must "
                             f"be ({self.shape[0]}, {self.shape[2]}, m)")
        return self.matmul(mat2)

    def mv(self, vec: "Tensor") -> "Tensor":
        """Matrix-vector product: (n, m) @ (m,) -> (n,)."""
        vec = self._lift(vec)
        if self.ndim != 2 or vec.ndim != 1:
            raise RuntimeError(f"mv: expects a matrix and a vector, got shapes {self.shape} and {vec.shape}")
        if self.shape[1] != vec.shape[0]:
            raise ShapeError(f"mv: a matrix of shape {self.shape} cannot multiply a vector of length "
                             f"{vec.shape[0]} ({self.shape[1]} != {vec.shape[0]})")
        return self.matmul(vec)

    def dot(self, other: "Tensor") -> "Tensor":
        """Σᵢ selfᵢ·otherᵢ of two 1-D tensors of the same length and dtype (a 0-d result)."""
        other = self._lift(other)
        if self.ndim != 1 or other.ndim != 1:
            raise RuntimeError(f"dot: 1-D tensors expected, got shapes {self.shape} and {other.shape}")
        if self.shape != other.shape:
            raise ShapeError(f"dot: the vectors have different lengths, {self.shape[0]} and {other.shape[0]}")
        if self.dtype != other.dtype:
            raise RuntimeError(f"dot: both vectors must have the same dtype, got {self.dtype} and {other.dtype}")
        return self.matmul(other)

    def outer(self, vec2: "Tensor") -> "Tensor":
        """Outer product of two vectors: out[i, j] = self[i]·vec2[j]."""
        vec2 = self._lift(vec2)
        if self.ndim != 1 or vec2.ndim != 1:
            raise RuntimeError(f"outer: expects two 1-D tensors, got shapes {self.shape} and {vec2.shape}")
        return self.unsqueeze(1) * vec2.unsqueeze(0)

    def t(self) -> "Tensor":
        """The transpose of a matrix; of a tensor with fewer than 2 dims, a view of it as it is."""
        if self.ndim > 2:
            raise RuntimeError(f"t: expects a tensor with at most 2 dimensions, got shape {self.shape} "
                               f"(use transpose(d0, d1), permute or .mT)")
        return self.transpose(0, 1) if self.ndim == 2 else _ops.Permute.apply(self, tuple(range(self.ndim)))

    @property
    def mT(self) -> "Tensor":
        """The last two dims swapped: the transpose of each matrix in a batch."""
        return batch_transpose(self, "mT")

    def norm(self, p="fro", dim=None, keepdim: bool = False, dtype=None) -> "Tensor":
        """The vector p-norm (Σ|x|ᵖ)^(1/p) over `dim` (all dims when None), as `torch.norm`:
        p = 'fro' or 2 (Euclidean), 1, inf (max |x|), -inf (min |x|), 0 (count of non-zeros),
        or any other number. The gradient at x = 0 is 0.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([[3.0, -4.0], [0.0, 1.0]]).norm(dim=1)
        tensor([5., 1.])
        """
        x = self if dtype is None else self.to(dtype)
        if x.data.dtype.kind != "f":
            raise RuntimeError(f"norm: expects a floating point tensor, got dtype {x.dtype} "
                               f"(convert it first, e.g. t.double())")
        if isinstance(p, str):
            if p != "fro":
                raise RuntimeError(f"norm: order {p!r} is not supported; use 'fro' or a number "
                                   f"(the nuclear norm 'nuc' needs a singular value decomposition)")
            if isinstance(dim, (tuple, list)) and len(dim) > 2:
                raise RuntimeError(f"norm: the Frobenius norm takes at most 2 dims, got dim={tuple(dim)}")
            p = 2
        p = 2 if p is None else p
        if not isinstance(p, (int, float)) or isinstance(p, bool):
            raise TypeError(f"norm: p must be a number or 'fro', got {type(p).__name__}")
        axes = _ops.normalize_dims(dim, x.ndim, "norm")
        if p == float("inf"):
            return x.abs().amax(axes or None, keepdim)
        if p == float("-inf"):
            return x.abs().amin(axes or None, keepdim)
        if p == 0:  # the number of non-zero elements (nan is one), with gradient 0
            return x.sign().abs().nan_to_num(nan=1.0).sum(axes, keepdim)
        if p == 1:
            return x.abs().sum(axes, keepdim)
        return _ops.Norm.apply(x, float(p), axes, keepdim)

    def view_as(self, other: "Tensor") -> "Tensor":
        """`self.view(other.shape)`."""
        return self.view(other.shape)

    def reshape_as(self, other: "Tensor") -> "Tensor":
        """`self.reshape(other.shape)`."""
        return self.reshape(other.shape)

    def softmax(self, dim: int, dtype=None) -> "Tensor":
        """exp(x) / Σ exp(x) along `dim` (nn.functional.softmax)."""
        from .nn.functional import softmax

        _ops.normalize_dim(dim, self.ndim, "softmax")  # a bad dim is an IndexError first, as in PyTorch
        return softmax(self if dtype is None else self.to(dtype), dim)

    def log_softmax(self, dim: int, dtype=None) -> "Tensor":
        """log(softmax(x)) along `dim`, computed stably (nn.functional.log_softmax)."""
        from .nn.functional import log_softmax

        _ops.normalize_dim(dim, self.ndim, "log_softmax")
        return log_softmax(self if dtype is None else self.to(dtype), dim)

    def is_contiguous(self, *, memory_format=_formats.contiguous_format) -> bool:
        """True when the numbers lie in memory in row-major order (False after permute or .T);
        with `memory_format=tg.channels_last` (channels_last_3d), when they lie in that format's
        order (memory_formats.py)."""
        fmt = _formats.as_format(memory_format, "is_contiguous")
        if fmt is _formats.contiguous_format or fmt is _formats.preserve_format:
            return bool(self.data.flags.c_contiguous)  # (numpy's flag: the same rule, size-1 dims skipped)
        return _formats.is_contiguous_as(self.shape, self.stride(), fmt)

    def contiguous(self, *, memory_format=_formats.contiguous_format) -> "Tensor":
        """This tensor if its memory is row-major already, else a row-major copy (in the graph);
        with `memory_format=tg.channels_last` (channels_last_3d), laid out in that format."""
        fmt = _formats.as_format(memory_format, "contiguous")
        if fmt is _formats.contiguous_format:
            return self if self.data.flags.c_contiguous else _ops.Clone.apply(self, fmt)
        if self.is_contiguous(memory_format=fmt):
            return self
        if fmt is _formats.preserve_format:
            raise RuntimeError("contiguous: preserve memory format is unsupported by the contiguous operator "
                               "(ask for tg.contiguous_format or tg.channels_last)")
        _formats.check_rank(self.shape, fmt, "contiguous")
        return _ops.Clone.apply(self, fmt)

    def masked_fill(self, mask: "Tensor", value) -> "Tensor":
        """A copy with `value` (a number or a 0-d tensor) where the bool `mask` is True; `mask`
        broadcasts with self. Differentiable in self (and in a tensor `value`)."""
        return _ops.Where.apply(self._fill_mask(mask, "masked_fill"),
                                self._fill_value(value, "masked_fill"), self)

    def masked_fill_(self, mask: "Tensor", value) -> "Tensor":
        """In-place `masked_fill` (the mask broadcasts to self's shape)."""
        mask = self._fill_mask(mask, "masked_fill_")
        value = self._fill_value(value, "masked_fill_")
        return self._in_place("masked_fill_", lambda old: _ops.Where.apply(mask, value, old), value)

    def _fill_mask(self, mask, op: str) -> "Tensor":
        mask = mask if isinstance(mask, Tensor) else Tensor(np.asarray(mask))
        if mask.data.dtype != np.bool_:
            raise RuntimeError(f"{op}: the mask must be a bool tensor, got dtype {mask.dtype} "
                               f"(e.g. use x > 0 as the mask)")
        return mask

    def _fill_value(self, value, op: str) -> "Tensor":
        if isinstance(value, Tensor):
            if value.ndim:
                raise RuntimeError(f"{op}: the value must be a number or a 0-d tensor, got a tensor "
                                   f"of shape {value.shape}")
            return value._cast(self.data.dtype)
        return Tensor._make(np.asarray(value).astype(self.data.dtype), None, False)

    def index_select(self, dim: int, index: "Tensor") -> "Tensor":
        """The entries at `index` (a 1-D integer tensor) along `dim`, in that order; an index may
        repeat (its gradients add up)."""
        if not isinstance(index, Tensor):
            raise TypeError(f"index_select: index must be an integer Tensor, got {type(index).__name__}")
        if index.data.dtype not in (np.int64, np.int32):
            raise RuntimeError(f"index_select: index must be an int64 or int32 tensor, got dtype {index.dtype}")
        if index.ndim > 1:
            raise IndexError(f"index_select: index must be a vector (0-d or 1-D), got shape {index.shape}")
        positions = index.data.reshape(-1).astype(np.int64)
        axis = _ops.normalize_dim(dim, self.ndim, "index_select") if self.ndim else 0
        length = self.shape[axis] if self.ndim else 1
        bad = positions[(positions < 0) | (positions >= length)]
        if bad.size:
            raise IndexError(f"index_select: index {int(bad[0])} is out of range for dim {dim} of "
                             f"size {length} (shape {self.shape})")
        if not self.ndim:
            return self.reshape(1)[positions].reshape(())
        # laid out in order, as PyTorch's (numpy's fancy indexing may not be), so view() works alike
        return self[(slice(None),) * axis + (positions,)].contiguous()

    def reciprocal(self) -> "Tensor":
        """1 / x, elementwise (integers give floats)."""
        return _ops.Reciprocal.apply(self._as_float())

    def square(self) -> "Tensor":
        """x², elementwise (bool gives int64, as in PyTorch)."""
        return _ops.Square.apply(self.to(np.int64) if self.data.dtype == np.bool_ else self)

    def log1p(self) -> "Tensor":
        """ln(1 + x), exact also for tiny x."""
        return _ops.Log1p.apply(self._as_float())

    def expm1(self) -> "Tensor":
        """eˣ - 1, exact also for tiny x."""
        return _ops.Expm1.apply(self._as_float())

    def log2(self) -> "Tensor":
        """log₂ x, elementwise."""
        return _ops.Log2.apply(self._as_float())

    def log10(self) -> "Tensor":
        """log₁₀ x, elementwise (e.g. a loss curve on a log scale: `loss.log10().item()`)."""
        return _ops.Log10.apply(self._as_float())

    def exp2(self) -> "Tensor":
        """2ˣ."""
        return 2.0 ** self._as_float()

    def rsqrt(self) -> "Tensor":
        """1 / √x (as in layer norms: `(var + eps).rsqrt()`)."""
        return self._as_float().sqrt().reciprocal()

    def prod(self, dim: int | None = None, keepdim: bool = False, dtype=None) -> "Tensor":
        """Product of all elements, or along one `dim`; integers multiply in int64. The gradient
        is the product of the other elements, exact also where some are 0."""
        x = self if dtype is None else self.to(dtype)
        if (dim is not None or keepdim) and (not isinstance(dim, int) or isinstance(dim, bool)):
            raise TypeError(f"prod: dim must be an int (one dim), got {dim!r}")
        return _ops.Prod.apply(x, _ops.normalize_dims(dim, x.ndim, "prod"), keepdim)

    def cumsum(self, dim: int, dtype=None) -> "Tensor":
        """Running sum along `dim`: out[i] = x[0] + ... + x[i]; integers sum in int64."""
        x = self if dtype is None else self.to(dtype)
        if not x.ndim:
            _ops.normalize_dim(dim, 0, "cumsum")
            return _ops.Cumsum.apply(x.reshape(1), 0).reshape(())
        return _ops.Cumsum.apply(x, _ops.normalize_dim(dim, x.ndim, "cumsum"))

    def allclose(self, other: "Tensor", rtol: float = 1e-05, atol: float = 1e-08,
                 equal_nan: bool = False) -> bool:
        """True if |self - other| ≤ atol + rtol·|other| everywhere (broadcasting)."""
        return bool(self.isclose(other, rtol, atol, equal_nan).data.all())

    def isclose(self, other: "Tensor", rtol: float = 1e-05, atol: float = 1e-08,
                equal_nan: bool = False) -> "Tensor":
        """Elementwise |self - other| ≤ atol + rtol·|other| (a bool tensor; no gradient)."""
        other = other if isinstance(other, Tensor) else self._lift(other)
        if other.data.dtype != self.data.dtype:
            raise RuntimeError(f"isclose: both tensors must have the same dtype, got {self.dtype} "
                               f"and {other.dtype}")
        try:
            close = np.isclose(self.data, other.data, rtol=rtol, atol=atol, equal_nan=equal_nan)
        except ValueError:
            raise ShapeError(f"isclose: shapes {self.shape} and {other.shape} cannot be broadcast "
                             f"together") from None
        return Tensor._make(np.asarray(close), None, False)

    def equal(self, other: "Tensor") -> bool:
        """True if both have the same shape and the same values."""
        other = other if isinstance(other, Tensor) else Tensor(other)
        return self.shape == other.shape and bool(np.array_equal(self.data, other.data))

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False):
        """The values along `dim` in order, and where each came from: the named tuple
        `(values, indices)`. Equal values keep their order (the sort is always stable here);
        NaN counts as the largest value. Gradients go back to where each value came from.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([3.0, 1.0, 2.0]).sort(descending=True)
        sort(values=tensor([3., 2., 1.]), indices=tensor([0, 2, 1]))
        """
        if not self.ndim:
            _ops.normalize_dim(dim, 0, "sort")
            return _return_types.sort(self.clone(), Tensor._make(np.zeros((), np.int64), None, False))
        axis = _ops.normalize_dim(dim, self.ndim, "sort")
        indices = Tensor._make(_ops.order_indices(self.data, axis, descending), None, False)
        return _return_types.sort(self.gather(axis, indices), indices)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> "Tensor":
        """The indices that sort the tensor along `dim` (`sort(...).indices`)."""
        if not self.ndim:
            _ops.normalize_dim(dim, 0, "argsort")
            return Tensor._make(np.zeros((), np.int64), None, False)
        axis = _ops.normalize_dim(dim, self.ndim, "argsort")
        return Tensor._make(_ops.order_indices(self.data, axis, descending), None, False)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
        """The `k` largest (or with largest=False smallest) values along `dim` and their indices,
        as the named tuple `(values, indices)`, largest first (always sorted here)."""
        if self.data.dtype.kind == "b":
            raise _errors.ArgumentDtypeError("topk: not defined for bool tensors (as in PyTorch); "
                                             "convert first, e.g. t.long()")
        length = self.shape[_ops.normalize_dim(dim, self.ndim, "topk")] if self.ndim else 1
        if not isinstance(k, int) or isinstance(k, bool) or not 0 <= k <= length:
            raise RuntimeError(f"topk: k={k!r} is out of range: dim {dim} has {length} elements "
                               f"(shape {self.shape})")
        if not self.ndim:
            values, indices = self.sort()
            return _return_types.topk(values, indices) if k else _return_types.topk(
                self.reshape(1)[:0], Tensor._make(np.zeros(0, np.int64), None, False))
        axis = _ops.normalize_dim(dim, self.ndim, "topk")
        order = _ops.order_indices(self.data, axis, descending=largest)
        indices = Tensor._make(np.take(order, np.arange(k), axis=axis), None, False)
        return _return_types.topk(self.gather(axis, indices), indices)

    # in-place forms: each computes the out-of-place op and writes it into this tensor
    # (the `_in_place` machinery records it when gradients are on, and bumps the version)
    def _scaled(self, other, alpha, op: str):
        """other·alpha, for add/sub's `alpha=`; a float alpha needs a float operand (PyTorch)."""
        if isinstance(alpha, float) and self.data.dtype.kind != "f" and not (
                isinstance(other, float) or isinstance(other, Tensor) and other.data.dtype.kind == "f"):
            raise RuntimeError(f"{op}: for integer tensors alpha must not be a float, got alpha={alpha}")
        return (other if isinstance(other, (int, float, Tensor)) else Tensor(other)) * alpha

    def pow_(self, exponent) -> "Tensor":
        exponent = self._lift(exponent)
        return self._in_place("pow_", lambda old: old ** exponent, exponent)

    def clamp_(self, min: float | None = None, max: float | None = None) -> "Tensor":
        return self._in_place("clamp_", lambda old: old.clamp(min, max))

    clip_ = clamp_

    def copy_(self, src: "Tensor", non_blocking: bool = False) -> "Tensor":
        """Write `src`'s values (broadcast to this shape, converted to this dtype) into this
        tensor; the gradient flows to `src`."""
        src = src if isinstance(src, Tensor) else Tensor(src)
        return self._overwrite("copy_", src._cast(self.data.dtype))

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator=None) -> "Tensor":
        """Fill with samples of N(mean, std²) from the framework's generator (tg.manual_seed)."""
        if std < 0:
            raise RuntimeError(f"normal_: std must be >= 0, got {std}")
        rng = self._random_generator("normal_", generator)
        return self._overwrite("normal_", Tensor._make(
            rng.normal(mean, std, self.shape).astype(self.data.dtype), None, False))

    def uniform_(self, from_: float = 0.0, to: float = 1.0, *, generator=None) -> "Tensor":
        """Fill with samples of the uniform distribution on [from_, to)."""
        if from_ > to:
            raise RuntimeError(f"uniform_: expects from <= to, got from={from_} > to={to}")
        rng = self._random_generator("uniform_", generator)
        return self._overwrite("uniform_", Tensor._make(
            rng.uniform(from_, to, self.shape).astype(self.data.dtype), None, False))

    def multinomial(self, num_samples: int, replacement: bool = False, *, generator=None) -> "Tensor":
        """Category indices drawn from this tensor's weights: `tg.multinomial` (sampling.py)."""
        from .sampling import multinomial  # (sampling imports Tensor)

        return multinomial(self, num_samples, replacement, generator=generator)

    def bernoulli(self, *, generator=None) -> "Tensor":
        """1 with probability self[i], else 0: `tg.bernoulli` (sampling.py)."""
        from .sampling import bernoulli

        return bernoulli(self, generator=generator)

    def _random_generator(self, op: str, generator) -> np.random.Generator:
        if self.data.dtype.kind != "f":
            raise _errors.NotImplementedForDtype(  # (PyTorch: NotImplementedError too)
                f"{op}: fills floating point tensors only, this one has dtype {self.dtype}")
        return rng_of(generator, op)

    def _overwrite(self, op: str, value: "Tensor") -> "Tensor":
        """Replace every element with `value` (broadcast): where(False, old, value), so the
        old values get gradient 0 and a shape that does not fit is refused."""
        keep_old = Tensor._make(np.zeros((), dtype=np.bool_), None, False)
        return self._in_place(op, lambda old: _ops.Where.apply(keep_old, old, value), value)

    def exp_(self) -> "Tensor":
        return self._in_place("exp_", Tensor.exp)

    def log_(self) -> "Tensor":
        return self._in_place("log_", Tensor.log)

    def sqrt_(self) -> "Tensor":
        return self._in_place("sqrt_", Tensor.sqrt)

    def sin_(self) -> "Tensor":
        return self._in_place("sin_", Tensor.sin)

    def cos_(self) -> "Tensor":
        return self._in_place("cos_", Tensor.cos)

    def tanh_(self) -> "Tensor":
        return self._in_place("tanh_", Tensor.tanh)

    def sigmoid_(self) -> "Tensor":
        return self._in_place("sigmoid_", Tensor.sigmoid)

    def relu_(self) -> "Tensor":
        return self._in_place("relu_", Tensor.relu)

    def abs_(self) -> "Tensor":
        return self._in_place("abs_", Tensor.abs)

    def neg_(self) -> "Tensor":
        return self._in_place("neg_", Tensor.neg)

    def sign_(self) -> "Tensor":
        return self._in_place("sign_", Tensor.sign)

    def reciprocal_(self) -> "Tensor":
        return self._in_place("reciprocal_", Tensor.reciprocal)

    def square_(self) -> "Tensor":
        return self._in_place("square_", Tensor.square)

    def log1p_(self) -> "Tensor":
        return self._in_place("log1p_", Tensor.log1p)

    def expm1_(self) -> "Tensor":
        return self._in_place("expm1_", Tensor.expm1)
