"""Small numeric utilities with PyTorch's names, each as `torch.<name>` behaves:

    isin            which elements occur in a set of test elements (bool, no gradient)
    combinations    the r-element combinations of a vector's entries, as rows (indexing: differentiable)
    unravel_index   flat indices as one coordinate tensor per dim (integers, no gradient)
    vander          the Vandermonde matrix of a vector (its powers: differentiable)
    nonzero_static  `nonzero` padded or cut to a fixed number of rows (no gradient)
    angle           the angle of a real number: 0, or π for negatives (gradient 0)
    index_reduce    reduce slices of `source` into `input` at an index (Tensor.index_reduce)

The differentiable ones are composed from existing ops (indexing, cumprod, cat, where, sign,
scatter_reduce), so their gradients, and gradients of gradients, come from those ops.

`tinygrad_edu/__init__.py` exports every name in `__all__`.
"""
from __future__ import annotations

import itertools
import math
import numbers

import numpy as np

from . import dtype as _dtype
from .functions import _tensor, cat
from .numpy_names import accept_numpy_names
from .ops import Sign, where
from .out_argument import written_to
from .promotion import result_type
from .tensor import Tensor

__all__ = ["isin", "combinations", "unravel_index", "vander", "nonzero_static", "angle", "index_reduce"]


def _constant(array) -> Tensor:
    return Tensor._make(np.asarray(array), None, False)


def _is_number(value) -> bool:
    return isinstance(value, (numbers.Number, np.generic))


# ---- set membership ---------------------------------------------------------------------------
def isin(elements, test_elements, *, assume_unique: bool = False, invert: bool = False, out=None) -> Tensor:
    """A bool tensor of `elements`' shape: True where the element occurs in `test_elements`
    (False with `invert=True`). Either side may be a Python number, not both. Both are compared
    in their promoted dtype (`tg.result_type`), so 1 is in [1.0, 2.5] and nan is never in
    anything. `assume_unique` only lets PyTorch take a faster path; the answer is the same.

    >>> import tinygrad_edu as tg
    >>> tg.isin(tg.tensor([[1, 2], [3, 4]]), tg.tensor([2, 3]))
    tensor([[False,  True],
            [ True, False]])
    """
    for name, value in (("elements", elements), ("test_elements", test_elements)):
        if not isinstance(value, Tensor) and not _is_number(value):
            raise TypeError(f"isin(): argument '{name}' must be a Tensor or a number, not {type(value).__name__}")
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin(): elements and test_elements cannot both be numbers; make one of them a tensor")
    common = result_type(elements, test_elements)
    for value in (elements, test_elements):
        kind = value.dtype.kind if isinstance(value, Tensor) else np.asarray(value).dtype.kind
        if kind == "b":
            raise RuntimeError("isin(): Unsupported input type encountered for isin(): Bool (compare bool "
                               "tensors with == instead)")
    left = np.asarray(elements.data if isinstance(elements, Tensor) else elements).astype(common)
    right = np.asarray(test_elements.data if isinstance(test_elements, Tensor) else test_elements).astype(common)
    found = np.isin(left, right, invert=bool(invert))
    return written_to(out, "isin", _constant(np.asarray(found, dtype=bool)), same_dtype=True)


# ---- combinations -----------------------------------------------------------------------------
def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """The r-element combinations of the entries of the 1-D `input`, one per row, in the order
    of Python's `itertools.combinations` (or `combinations_with_replacement`): a (k, r) tensor,
    and for r = 0 an empty 1-D tensor. It is indexing (input[rows]), so the gradient of each
    entry is the sum over the places it was copied to.

    >>> import tinygrad_edu as tg
    >>> tg.combinations(tg.tensor([1, 2, 3]))
    tensor([[1, 2],
            [1, 3],
            [2, 3]])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"combinations(): argument 'input' must be a Tensor, not {type(input).__name__}")
    if isinstance(r, bool) or not isinstance(r, (int, np.integer)):
        raise TypeError(f"combinations(): argument 'r' must be int, not {type(r).__name__}")
    if input.ndim != 1:
        raise RuntimeError(f"combinations: Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"combinations: Expect a non-negative number, but got {r}")
    if r == 0:
        return _constant(np.zeros(0, input.dtype))
    choose = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = np.array(list(choose(range(input.shape[0]), int(r))), dtype=np.int64).reshape(-1, int(r))
    return input[_constant(rows)]


# ---- flat indices -----------------------------------------------------------------------------
def unravel_index(indices: Tensor, shape) -> tuple:
    """The coordinates of flat (row-major) `indices` in a tensor of `shape`: a tuple with one
    int64 tensor per dim of `shape`, each of indices' shape. Computed as PyTorch does,
    (indices // stride_d) % shape_d with the row-major strides, so an index outside the range
    wraps around and a size 0 in `shape` raises (a division by zero).

    >>> import tinygrad_edu as tg
    >>> tg.unravel_index(tg.tensor([4, 1]), (3, 2))
    (tensor([2, 0]), tensor([0, 1]))
    """
    if not isinstance(indices, Tensor):
        raise TypeError(f"unravel_index(): expected 'indices' to be a Tensor of integers, got "
                        f"{type(indices).__name__}")
    if indices.dtype.kind not in "iu":
        raise TypeError(f"unravel_index(): expected 'indices' to be integer dtype, but got {indices.dtype}")
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (int(shape),)
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"unravel_index(): expected 'shape' to be int or sequence of ints, but got {type(shape)}")
    for n in shape:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"unravel_index(): expected 'shape' sequence to only contain ints, but got {type(n)}")
    shape = tuple(int(n) for n in shape)
    if any(n < 0 for n in shape):
        raise ValueError(f"unravel_index(): 'shape' cannot have negative values, but got {shape}")
    if 0 in shape:
        raise RuntimeError(f"unravel_index(): ZeroDivisionError: 'shape' {shape} has a size 0, and the "
                           f"coordinates are remainders modulo the sizes")
    strides = np.cumprod((shape[1:] + (1,))[::-1])[::-1].astype(np.int64)  # row-major strides in elements
    flat = indices.data.astype(np.int64)[..., None]
    coordinates = (flat // strides) % np.asarray(shape, dtype=np.int64)
    return tuple(_constant(coordinates[..., d]) for d in range(len(shape)))


# ---- Vandermonde matrices ---------------------------------------------------------------------
def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
    """The Vandermonde matrix of the 1-D `x`: column j holds x^(N-1-j) (x^j with
    `increasing=True`), N = len(x) unless given. Integer and bool x give int64, as PyTorch's.
    Built as PyTorch builds it -- a column of ones, then the running product of x (cumprod) --
    so it is differentiable, exactly also where x has zeros. (PyTorch 2.13's own backward
    through vander raises an in-place error, pytorch/pytorch#60197; here it works.)

    >>> import tinygrad_edu as tg
    >>> tg.vander(tg.tensor([1, 2, 3]), N=3, increasing=True)
    tensor([[1, 1, 1],
            [1, 2, 4],
            [1, 3, 9]])
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"vander(): argument 'x' must be a Tensor, not {type(x).__name__}")
    if N is not None and (isinstance(N, bool) or not isinstance(N, (int, np.integer))):
        raise TypeError(f"vander(): argument 'N' must be int, not {type(N).__name__}")
    if x.ndim != 1:
        raise RuntimeError(f"vander: x must be a one-dimensional tensor, got shape {x.shape}")
    n = x.shape[0] if N is None else int(N)
    if n < 0:
        raise RuntimeError(f"vander: N must be non-negative, got {n}")
    dtype = _dtype.promote_types(x.dtype, _dtype.int64)  # (cumprod multiplies integers in int64)
    if n <= 1:  # no power of x but x⁰: PyTorch's result is then new ones, outside the graph
        return _constant(np.ones((x.shape[0], n), dtype))
    column = x.to(dtype).unsqueeze(1)
    # the column of x⁰ = 1, still connected to x (with gradient 0), as PyTorch's result is
    ones = where(_constant(np.ones((x.shape[0], 1), bool)), _constant(np.ones((), dtype)), column)
    powers = [ones, column.expand(x.shape[0], n - 1).cumprod(1)] if n > 1 else [ones]
    matrix = cat(powers, 1)[:, :n]
    return matrix if increasing else matrix.flip(1)


# ---- nonzero with a fixed size ----------------------------------------------------------------
def nonzero_static(input: Tensor, *, size: int, fill_value: int = -1) -> Tensor:
    """`nonzero(input)` with exactly `size` rows: cut off after `size`, or padded with rows of
    `fill_value`. A shape known before the values are, which is what compilers need.

    >>> import tinygrad_edu as tg
    >>> tg.nonzero_static(tg.tensor([[1, 0], [3, 2]]), size=4)
    tensor([[ 0,  0],
            [ 1,  0],
            [ 1,  1],
            [-1, -1]])
    """
    x = _tensor(input)
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError(f"nonzero_static(): argument 'size' must be int, not {type(size).__name__}")
    if isinstance(fill_value, bool) or not isinstance(fill_value, (int, np.integer)):
        raise TypeError(f"nonzero_static(): argument 'fill_value' must be int, not {type(fill_value).__name__}")
    if size < 0:
        raise RuntimeError(f"nonzero_static: 'size' must be an non-negative integer, got {size}")
    found = np.argwhere(x.data).astype(np.int64)[:size]
    rows = np.full((int(size), x.ndim), fill_value, dtype=np.int64)
    rows[:found.shape[0]] = found
    return _constant(rows)


# ---- the angle of a real number ---------------------------------------------------------------
def angle(input: Tensor, *, out=None) -> Tensor:
    """The angle (argument) of each element as a complex number: π for negative numbers
    (also -inf), 0 for the others (also -0.0), nan for nan. Integers and bools give the default
    float dtype. The gradient is 0, as PyTorch's for real inputs.

    With s = sign(x) ∈ {-1, 0, 1}: angle = (s² - s)·π/2 (π at s = -1, +0 at s = 0 and 1; nan
    stays nan), and sign's derivative is 0 -- so this is the angle, with PyTorch's gradient.

    >>> import tinygrad_edu as tg
    >>> tg.angle(tg.tensor([-2.0, 0.0, 3.0]))
    tensor([3.1416, 0.0000, 0.0000])
    """
    x = _tensor(input)
    if x.dtype.kind != "f":
        x = x.to(_dtype.get_default_dtype())
    s = Sign.apply(x)
    return written_to(out, "angle", (s * s - s) * (math.pi / 2))


# ---- index_reduce -----------------------------------------------------------------------------
def index_reduce(input: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *,
                 include_self: bool = True, out=None) -> Tensor:
    """`input.index_reduce(dim, index, source, reduce, include_self=...)`: the slices of `source`
    reduced ('prod', 'mean', 'amax' or 'amin') into input at the positions `index` along `dim`."""
    result = _tensor(input).index_reduce(dim, index, source, reduce, include_self=include_self)
    return written_to(out, "index_reduce", result, same_dtype=True)


accept_numpy_names(globals(), list(__all__))  # tg.index_reduce(x, axis=0, ...), as PyTorch accepts
