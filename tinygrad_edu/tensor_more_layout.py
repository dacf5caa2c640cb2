"""The long tail of PyTorch's Tensor methods for shapes, products, random fills and bookkeeping:

    shapes      ravel, tile, msort, split_with_sizes, swapaxes_/swapdims_, mH, H, adjoint,
                diagflat, select (a view), unfold (a view of sliding windows, ops/windows.py),
                narrow_copy, sum_to_size
    scatters    select_scatter, slice_scatter, diagonal_scatter (copies of self with src written in)
    reductions  dist, renorm, kthvalue
    products    inner, vdot, ger, addr
    in place    fill_diagonal_, renorm_, addr_, random_, exponential_, geometric_, log_normal_,
                cauchy_, bernoulli_, resize_, resize_as_, apply_, map_, map2_
    autograd    output_nr, register_post_accumulate_grad_hook

Each differentiable one is composed from existing ops (unfold's Op excepted). `Tensor` inherits
them from `MoreLayoutMethods`; tensor.py fills in `Tensor` and `_ops` once they exist.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .determinism import fill_uninitialized
from .random import rng_of
from .tensor_math import batch_transpose

Tensor = _ops = None  # set by tensor.py


class kthvalue(NamedTuple):  # noqa: N801 (PyTorch's name: torch.return_types.kthvalue)
    values: "Tensor"
    indices: "Tensor"


def _constant(array) -> "Tensor":
    return Tensor._make(np.asarray(array), None, False)


def _sizes(sizes: tuple) -> tuple:
    """f(2, 3) and f((2, 3)) both mean the shape (2, 3)."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    return tuple(int(n) for n in sizes)


def _need_tensor(value, op: str, name: str) -> "Tensor":
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be a Tensor, not {type(value).__name__}")
    return value


def _same_shape(op: str, src: "Tensor", expected: tuple) -> None:
    if src.shape != tuple(expected):
        raise RuntimeError(f"{op}: expected src to have a size equal to the slice of self. src size = "
                           f"{list(src.shape)}, slice size = {list(expected)}")


class MoreLayoutMethods:
    """Shapes, scatters, products, random fills and autograd bookkeeping (mixed into `Tensor`)."""

    _post_accumulate_hooks = None  # set per leaf by register_post_accumulate_grad_hook

    # ---- shapes --------------------------------------------------------------------------------
    def ravel(self) -> "Tensor":
        """All elements in one dim (a view where possible, as reshape(-1))."""
        return self.reshape(-1)

    def tile(self, *dims) -> "Tensor":
        """self repeated dims[i] times along each dim; with fewer dims than self, 1s are put in
        front (tile((2,)) of a matrix repeats its columns), unlike repeat."""
        dims = _sizes(dims)
        if any(n < 0 for n in dims):
            raise RuntimeError(f"tile: the repetitions must not be negative, got {dims}")
        dims = (1,) * (self.ndim - len(dims)) + dims
        return self.repeat(*dims)

    def msort(self) -> "Tensor":
        """The values sorted along dim 0 (sort(dim=0).values)."""
        return self.sort(dim=0).values if self.ndim else self.clone()

    def split_with_sizes(self, split_sizes, dim: int = 0) -> tuple:
        """Pieces of the given sizes along dim (views); the sizes must add up to the dim's length."""
        axis = _ops.normalize_dim(dim, self.ndim, "split_with_sizes")
        sizes = [int(n) for n in split_sizes]
        if sum(sizes) != self.shape[axis] or any(n < 0 for n in sizes):
            raise RuntimeError(f"split_with_sizes: expects split_sizes to sum exactly to {self.shape[axis]} "
                               f"(the size of dim {dim}), but got split_sizes={sizes}")
        return self.split(sizes, dim)

    def swapaxes_(self, axis0: int, axis1: int) -> "Tensor":
        """In-place transpose(axis0, axis1)."""
        return self.transpose_(axis0, axis1)

    def swapdims_(self, dim0: int, dim1: int) -> "Tensor":
        """In-place transpose(dim0, dim1)."""
        return self.transpose_(dim0, dim1)

    @property
    def mH(self) -> "Tensor":  # noqa: N802 (PyTorch's name)
        """The conjugate transpose of each matrix; for real tensors the same as mT."""
        return batch_transpose(self, "mH")

    @property
    def H(self) -> "Tensor":  # noqa: N802
        """The conjugate transpose of a matrix; for real matrices the same as .T."""
        if self.ndim not in (0, 2):
            raise RuntimeError(f"H: only supported on matrices (2-D tensors), got a {self.ndim}-D tensor; "
                               f"for batches of matrices use .mH")
        return self.transpose(0, 1) if self.ndim == 2 else batch_transpose(self, "H")

    def adjoint(self) -> "Tensor":
        """The conjugate transpose of each matrix (a view); for real tensors the same as mT."""
        return batch_transpose(self, "adjoint")

    def diagflat(self, offset: int = 0) -> "Tensor":
        """The flattened input on diagonal `offset` of an otherwise zero square matrix."""
        return self.reshape(-1).diag(offset)

    def select(self, dim: int, index: int) -> "Tensor":
        """self[..., index, ...] at dim `dim`: that dim removed (a view; negative index from the end)."""
        if self.ndim == 0:
            raise IndexError("select(): cannot be applied to a 0-dim tensor")
        axis = _ops.normalize_dim(dim, self.ndim, "select")
        index = int(index)
        if not -self.shape[axis] <= index < self.shape[axis]:
            raise IndexError(f"select(): index {index} out of range for tensor of size {list(self.shape)} "
                             f"at dimension {dim}")
        return self[(slice(None),) * axis + (index,)]

    def unfold(self, dimension: int, size: int, step: int) -> "Tensor":
        """All windows of `size` elements along `dimension`, `step` apart: that dim becomes the
        number of windows (length - size)//step + 1 and a last dim of length `size` is added.
        A read-only view of self (windows overlap); the gradient sums over the windows.

        >>> import tinygrad_edu as tg
        >>> tg.arange(5.0).unfold(0, 2, 2)
        tensor([[0., 1.],
                [2., 3.]])
        """
        from .ops.windows import Unfold

        axis = _ops.normalize_dim(dimension, self.ndim, "unfold")
        length = self.shape[axis] if self.ndim else 1
        if size < 0:
            raise RuntimeError(f"unfold: size is {size} but must be >= 0")
        if step <= 0:
            raise RuntimeError(f"unfold: step is {step} but must be > 0")
        if size > length:
            raise RuntimeError(f"unfold: maximum size for tensor at dimension {dimension} is {length} but "
                               f"size is {size}")
        return Unfold.apply(self, axis, int(size), int(step))

    def narrow_copy(self, dim: int, start: int, length: int) -> "Tensor":
        """narrow(dim, start, length), copied (not a view)."""
        return self.narrow(dim, start, length).clone()

    def sum_to_size(self, *size) -> "Tensor":
        """self summed down to `size`, which self must be expandable from (the reverse of expand:
        summing over the leading dims and the dims of size 1 in `size`)."""
        size = _sizes(size)
        lead = self.ndim - len(size)
        if lead < 0 or any(n != 1 and n != m for n, m in zip(size, self.shape[lead:])):
            raise RuntimeError(f"sum_to_size: size {list(size)} is not expandable to size {list(self.shape)}")
        axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(size) if n == 1 and self.shape[lead + i] != 1)
        return self.sum(axes).reshape(size) if axes else self

    # ---- scatters: a copy of self with src written into a part of it ------------------------------
    def select_scatter(self, src: "Tensor", dim: int, index: int) -> "Tensor":
        """A copy of self with self.select(dim, index) replaced by src."""
        part = self.select(dim, index)
        return self._scattered("select_scatter", src, part.shape,
                               (slice(None),) * _ops.normalize_dim(dim, self.ndim, "select_scatter") + (int(index),))

    def slice_scatter(self, src: "Tensor", dim: int = 0, start: int | None = None, end: int | None = None,
                      step: int = 1) -> "Tensor":
        """A copy of self with self[..., start:end:step, ...] (at dim) replaced by src."""
        axis = _ops.normalize_dim(dim, self.ndim, "slice_scatter")
        key = (slice(None),) * axis + (slice(start, end, step),)
        return self._scattered("slice_scatter", src, self[key].shape, key)

    def diagonal_scatter(self, src: "Tensor", offset: int = 0, dim1: int = 0, dim2: int = 1) -> "Tensor":
        """A copy of self with self.diagonal(offset, dim1, dim2) replaced by src."""
        expected = self.diagonal(offset, dim1, dim2).shape
        src = _need_tensor(src, "diagonal_scatter", "src")
        _same_shape("diagonal_scatter", src, expected)
        d1, d2 = (_ops.normalize_dim(d, self.ndim, "diagonal_scatter") for d in (dim1, dim2))
        index = _ops.diagonal_index(self.shape, int(offset), d1, d2)
        from .ops.diagonal import diagonal_axis_in_index

        return self._scattered("diagonal_scatter", src.movedim(-1, diagonal_axis_in_index(self.ndim, d1, d2)),
                               None, index)

    def _scattered(self, op: str, src, expected, key) -> "Tensor":
        src = _need_tensor(src, op, "src")
        if expected is not None:
            _same_shape(op, src, expected)
        out = self.clone()
        out[key] = src
        return out

    # ---- reductions ---------------------------------------------------------------------------
    def dist(self, other: "Tensor", p=2) -> "Tensor":
        """The p-norm of self - other (broadcasting): p = 2 Euclidean, 1, inf, -inf, 0 (count of
        differing elements) or any other number; float tensors only."""
        other = _need_tensor(other, "dist", "other")
        if isinstance(p, bool) or not isinstance(p, (int, float)):
            raise TypeError(f"dist(): argument 'p' must be a number, not {type(p).__name__}")
        if self.data.dtype.kind != "f" or other.data.dtype.kind != "f":
            raise RuntimeError(f"dist: expects floating point tensors, got {self.dtype} and {other.dtype}")
        return (self - other).norm(p)

    def renorm(self, p, dim: int, maxnorm) -> "Tensor":
        """Each sub-tensor along `dim` (self.select(dim, i)) whose p-norm exceeds maxnorm is scaled
        down to norm maxnorm: multiplied by maxnorm/(norm + 1e-7), as PyTorch does."""
        if p <= 0:
            raise RuntimeError(f"renorm: non-positive norms are not supported, got p={p}")
        if maxnorm < 0:
            raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
        if self.ndim < 2:
            raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {self.ndim} dimensions")
        axis = _ops.normalize_dim(dim, self.ndim, "renorm")
        others = tuple(d for d in range(self.ndim) if d != axis)
        norms = self.norm(p, dim=others, keepdim=True)
        too_long = _constant(norms.data > maxnorm)
        return self * _ops.where(too_long, maxnorm / (norms + 1e-7), 1.0)

    def renorm_(self, p, dim: int, maxnorm) -> "Tensor":
        return self._in_place("renorm_", lambda old: old.renorm(p, dim, maxnorm))

    def kthvalue(self, k: int, dim: int = -1, keepdim: bool = False):
        """(values, indices) of the k-th smallest element along dim (k = 1 is the minimum)."""
        axis = _ops.normalize_dim(dim, self.ndim, "kthvalue")
        length = self.shape[axis] if self.ndim else 1
        if length == 0:  # (IndexError, as PyTorch's)
            raise IndexError(f"kthvalue(): dim {dim} of shape {self.shape} is empty: there is no k-th value")
        if not 1 <= k <= length:
            raise RuntimeError(f"kthvalue(): selected number k={k} out of range for dimension {dim} "
                               f"of length {length}")
        if self.ndim == 0:
            return kthvalue(self.clone(), _constant(np.zeros((), np.int64)))
        order = np.argsort(self.data, axis=axis, kind="stable").take([k - 1], axis=axis)
        values = self.gather(axis, _constant(order))
        indices = _constant(order)
        if not keepdim:
            values, indices = values.squeeze(axis), indices.squeeze(axis)
        return kthvalue(values, indices)

    # ---- products ------------------------------------------------------------------------------
    def inner(self, other: "Tensor") -> "Tensor":
        """The inner product over the last dims: out[i..., j...] = Σₖ self[i..., k]·other[j..., k]
        (a product with a number when either is 0-d)."""
        other = _need_tensor(other, "inner", "other")
        if self.ndim == 0 or other.ndim == 0:
            return self * other
        if self.shape[-1] != other.shape[-1]:
            raise RuntimeError(f"inner(): the last dimension must match on both input tensors but got "
                               f"shapes {list(self.shape)} and {list(other.shape)}")
        k = self.shape[-1]
        rows, cols = int(np.prod(self.shape[:-1])), int(np.prod(other.shape[:-1]))  # (not -1: k may be 0)
        flat = self.reshape(rows, k).matmul(other.reshape(cols, k).transpose(0, 1))
        return flat.reshape(self.shape[:-1] + other.shape[:-1])

    def vdot(self, other: "Tensor") -> "Tensor":
        """Σ self[i]·other[i] of two 1-D tensors (for real tensors the same as dot)."""
        other = _need_tensor(other, "vdot", "other")
        if self.ndim != 1 or other.ndim != 1:
            raise RuntimeError(f"vdot: 1D tensors expected, but got {self.ndim}D and {other.ndim}D tensors")
        if self.shape != other.shape:
            raise RuntimeError(f"vdot: inconsistent tensor size, expected tensors of the same length, got "
                               f"{self.shape[0]} and {other.shape[0]} elements")
        if self.data.dtype != other.data.dtype:
            raise RuntimeError(f"vdot: expected both vectors to have same dtype, but found {self.dtype} and "
                               f"{other.dtype}")
        return (self * other).sum()

    def ger(self, vec2: "Tensor") -> "Tensor":
        """The outer product (the same as outer)."""
        return self.outer(vec2)

    def addr(self, vec1: "Tensor", vec2: "Tensor", *, beta=1, alpha=1) -> "Tensor":
        """beta·self + alpha·outer(vec1, vec2), self broadcast to (len(vec1), len(vec2))."""
        from .tensor_pointwise import _add_scaled

        for name, vec in (("vec1", vec1), ("vec2", vec2)):
            if _need_tensor(vec, "addr", name).ndim != 1:
                raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {vec.ndim}-D")
        return _add_scaled("addr", self, vec1.outer(vec2), beta, alpha)

    def addr_(self, vec1: "Tensor", vec2: "Tensor", *, beta=1, alpha=1) -> "Tensor":
        return self._in_place_with("addr_", lambda old: old.addr(vec1, vec2, beta=beta, alpha=alpha), vec1, vec2)

    # ---- in-place fills --------------------------------------------------------------------------
    def fill_diagonal_(self, fill_value, wrap: bool = False) -> "Tensor":
        """Write fill_value on the main diagonal (all indices equal). For a tall matrix with
        wrap=True the diagonal starts again N + 1 rows below (numpy's fill_diagonal)."""
        if self.ndim < 2:
            raise RuntimeError(f"fill_diagonal_: dimensions must be larger than 1, got a {self.ndim}-D tensor")
        if self.ndim > 2 and len(set(self.shape)) != 1:
            raise RuntimeError(f"fill_diagonal_: all dimensions of input must be of equal length, got shape "
                               f"{self.shape}")
        mask = np.zeros(self.shape, dtype=bool)
        np.fill_diagonal(mask, True, wrap=wrap)
        value = self._lift(fill_value)._cast(self.data.dtype)
        return self._in_place("fill_diagonal_", lambda old: _ops.Where.apply(_constant(mask), value, old), value)

    def random_(self, *args, generator=None, **bounds) -> "Tensor":
        """Fill with whole numbers drawn uniformly from [from, to - 1]: random_(to),
        random_(from, to); random_() uses [0, 2^mantissa bits] for floats (all whole numbers the
        dtype holds exactly) and [0, max] for integers."""
        if len(args) > 2 or set(bounds) - {"to"} or (bounds and len(args) == 2):
            raise TypeError("random_(): takes (to), (from, to) or nothing, with generator= as a keyword")
        low, high = (0, None) if not args else (0, args[0]) if len(args) == 1 else args
        high = bounds.get("to", high)
        dtype = self.data.dtype
        if high is None:
            high = (2 ** (np.finfo(dtype).nmant + 1) + 1 if dtype.kind == "f" else
                    2 if dtype.kind == "b" else int(np.iinfo(dtype).max) + 1)
        if low >= high:
            raise RuntimeError(f"random_: expects 'from' to be less than 'to', but got from={low} >= to={high}")
        if dtype.kind in "iu" and not (np.iinfo(dtype).min <= low and high - 1 <= np.iinfo(dtype).max):
            raise RuntimeError(f"random_: the range [{low}, {high}) does not fit dtype {self.dtype}")
        draws = rng_of(generator, "random_").integers(low, high, self.shape, dtype=np.int64, endpoint=False)
        return self._overwrite("random_", _constant(draws.astype(dtype)))

    def exponential_(self, lambd: float = 1.0, *, generator=None) -> "Tensor":
        """Fill with samples of the exponential distribution of rate lambd (mean 1/lambd)."""
        if not lambd > 0:
            raise RuntimeError(f"exponential_: expects lambda > 0.0, but found lambda={lambd}")
        rng = self._continuous("exponential_", generator)
        return self._fill_with("exponential_", rng.exponential(1 / lambd, self.shape))

    def geometric_(self, p: float, *, generator=None) -> "Tensor":
        """Fill with the number of Bernoulli(p) trials up to the first success (1, 2, ...)."""
        if not 0 < p < 1:
            raise RuntimeError(f"geometric_: expects p to be in (0, 1), but got p={p}")
        return self._fill_with("geometric_", rng_of(generator, "geometric_").geometric(p, self.shape))

    def log_normal_(self, mean: float = 1.0, std: float = 2.0, *, generator=None) -> "Tensor":
        """Fill with e^X, X ~ N(mean, std²)."""
        if not std > 0:
            raise RuntimeError(f"log_normal_: expects std > 0.0, but found std={std}")
        rng = self._continuous("log_normal_", generator)
        return self._fill_with("log_normal_", rng.lognormal(mean, std, self.shape))

    def cauchy_(self, median: float = 0.0, sigma: float = 1.0, *, generator=None) -> "Tensor":
        """Fill with samples of the Cauchy distribution: median + sigma·tan(π(U - 1/2))."""
        if not sigma > 0:
            raise RuntimeError(f"cauchy_: expects sigma > 0.0, but found sigma={sigma}")
        rng = self._continuous("cauchy_", generator)
        return self._fill_with("cauchy_", median + sigma * rng.standard_cauchy(self.shape))

    def bernoulli_(self, p=0.5, *, generator=None) -> "Tensor":
        """Fill with 1 with probability p, else 0; p a number or a tensor of probabilities
        (broadcast to self's shape). Any dtype."""
        probability = p.data if isinstance(p, Tensor) else p
        if not np.all((np.asarray(probability) >= 0) & (np.asarray(probability) <= 1)):
            raise RuntimeError(f"bernoulli_: expects p to be in [0, 1], but got p={p}")
        uniform = rng_of(generator, "bernoulli_").random(self.shape)
        return self._fill_with("bernoulli_", uniform < probability)

    def _continuous(self, op: str, generator) -> np.random.Generator:
        """The generator for a continuous distribution: float tensors only (RuntimeError, as PyTorch)."""
        if self.data.dtype.kind != "f":
            raise RuntimeError(f"{op}: a continuous probability distribution needs a floating point tensor, "
                               f"this one has dtype {self.dtype}")
        return rng_of(generator, op)

    def _fill_with(self, op: str, values) -> "Tensor":
        return self._overwrite(op, _constant(np.asarray(values).astype(self.data.dtype)))

    # ---- changing the numbers with Python functions, and the shape ----------------------------------
    def apply_(self, callable) -> "Tensor":
        """Replace each element x by callable(x), a Python function of one number (CPU only, slow;
        for a tensor that does not require grad)."""
        self._no_grad_in_place("apply_")
        return self._write_numbers("apply_", callable)

    def map_(self, tensor: "Tensor", callable) -> "Tensor":
        """Replace each element x by callable(x, y), y the element of `tensor` (broadcast to self)."""
        self._no_grad_in_place("map_")
        other = np.broadcast_to(_need_tensor(tensor, "map_", "tensor").data, self.shape)
        return self._write_numbers("map_", callable, other)

    def map2_(self, x: "Tensor", y: "Tensor", callable) -> "Tensor":
        """Replace each element s by callable(s, x, y), x and y broadcast to self."""
        self._no_grad_in_place("map2_")
        xs = np.broadcast_to(_need_tensor(x, "map2_", "x").data, self.shape)
        ys = np.broadcast_to(_need_tensor(y, "map2_", "y").data, self.shape)
        return self._write_numbers("map2_", callable, xs, ys)

    def _no_grad_in_place(self, op: str) -> None:
        if self.requires_grad:
            raise RuntimeError(f"{op}: can't call {op}() on a tensor that requires grad (autograd cannot "
                               f"follow a Python function); use t.detach().{op}(...) instead")

    def _write_numbers(self, op: str, callable, *others: np.ndarray) -> "Tensor":
        """self[i] = callable(self[i], others[0][i], ...) for every element, in place."""
        values = np.vectorize(callable, otypes=[self.data.dtype])(self.data, *others) if self.data.size else self.data
        if not self.data.flags.writeable:
            raise RuntimeError(f"{op}: this tensor of shape {self.shape} is read-only (a broadcast or unfold "
                               f"view); write into a copy, t.clone().{op}(...)")
        np.copyto(self.data, values, casting="unsafe")
        self._version += 1
        return self

    def resize_(self, *sizes, memory_format=None) -> "Tensor":
        """Give this tensor the shape `sizes`, in place: its elements in order, cut off or followed
        by zeros when the number of elements changes (PyTorch leaves those uninitialised).
        Refused for a tensor that requires grad, as in PyTorch."""
        sizes = _sizes(sizes)
        if any(n < 0 for n in sizes):
            raise RuntimeError(f"resize_: negative dimension in {sizes}")
        if self.requires_grad:
            raise RuntimeError("resize_: cannot resize a tensor that requires grad (as in PyTorch); resize "
                               "t.detach() or build a new tensor")
        count = int(np.prod(sizes))
        if count == self.data.size:
            self.data = self.data.reshape(sizes)
        else:
            new = fill_uninitialized(np.zeros(sizes, dtype=self.data.dtype))
            kept = min(count, self.data.size)
            new.reshape(-1)[:kept] = self.data.reshape(-1)[:kept]
            self.data = new
        self._version += 1
        return self

    def resize_as_(self, the_template: "Tensor", memory_format=None) -> "Tensor":
        """resize_ to the shape of the_template."""
        return self.resize_(_need_tensor(the_template, "resize_as_", "the_template").shape)

    def new_empty_strided(self, size, stride, *, dtype=None, device=None, requires_grad: bool = False,
                          layout=None, pin_memory: bool = False) -> "Tensor":
        """new_empty(size): numpy chooses the memory layout, so `stride` is not used."""
        return self.new_empty(tuple(size), dtype=dtype, device=device, requires_grad=requires_grad)

    # ---- autograd bookkeeping -----------------------------------------------------------------------
    @property
    def output_nr(self) -> int:
        """Which output of the op that made this tensor it is (0 for leaves and single outputs)."""
        return self._output_nr

    def register_post_accumulate_grad_hook(self, hook):
        """Call hook(tensor) after backward has accumulated this leaf's .grad (e.g. to run an
        optimizer step per parameter). Returns a handle whose .remove() unregisters it."""
        from .autograd.hooks import RemovableHandle

        if not self.requires_grad:
            raise RuntimeError("register_post_accumulate_grad_hook: cannot register a hook on a tensor "
                               "that doesn't require gradient")
        if self.grad_fn is not None:
            raise RuntimeError("register_post_accumulate_grad_hook: post accumulate grad hooks cannot be "
                               "registered on non-leaf tensors")
        if self._post_accumulate_hooks is None:
            self._post_accumulate_hooks = []
        self._post_accumulate_hooks.append(hook)
        return RemovableHandle(self._post_accumulate_hooks, hook)
