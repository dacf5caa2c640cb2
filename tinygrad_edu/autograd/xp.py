"""`xp`: the array namespace that every backward formula is written against.

A backward formula such as Tanh's `grad * (1 - t * t)` is the same math whether it runs on numpy
arrays or on Tensors. So each formula is written once, against `ctx.xp`:

    * `numpy_xp`  -- when the backward pass is not recorded (the usual `loss.backward()`): the
      gradients and saved values are plain ndarrays, and each formula is a few numpy calls;
    * `tensor_xp` -- when it is recorded (`create_graph=True`): the same names are Tensor ops, so
      the gradient is itself a graph that can be differentiated again.

Operators (`+ - * / ** @`, comparisons, indexing) work on both kinds of value; everything else a
formula needs is a function here, with numpy's name and arguments -- and `values(x)`, the plain
numbers of x, for what is a constant in a formula (a mask, a count of ties). The idea is Chainer's `xp`
(Tokui et al., "Chainer: A Deep Learning Framework for Accelerating the Research Cycle", 2019)
and the Python array API standard's namespace.
"""
from __future__ import annotations

import numpy as np

from ..quiet_overflow import quiet_exp
from ..tensor import Tensor
from .deferred import ProductSum, RowSum, transposed_times

# The number 1 per dtype, as a 0-d array (numpy spends about twice as long on `z + 1` with a Python
# number as with an array of z's dtype).
_ONE = {np.dtype(t): np.array(1, t) for t in (np.float64, np.float32)}
_FLOAT16 = np.dtype(np.float16)  # (numpy's dtypes of the built-in types are singletons: `is` compares)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """σ(x) = 1 / (1 + e⁻ˣ), in four numpy calls on one array: full relative precision on both
    sides (σ(-30) ≈ 9.4e-14 keeps its digits, which (1 + tanh(x/2)) / 2 would lose). Where e⁻ˣ
    overflows (x below -709 in float64, -88 in float32) it is inf and σ is exactly 0 -- as
    PyTorch gives; numpy's overflow warning is silenced there, since the result is exact."""
    if x.dtype is _FLOAT16:  # (e^(-x) overflows float16 at x = -11.1, where σ is still 1.5e-5:
        return _sigmoid(x.astype(np.float32)).astype(np.float16)  # computed in float32, rounded)
    z = np.negative(x)
    if z.__class__ is not np.ndarray:  # (a 0-d input gives a numpy scalar)
        z = np.asarray(z)
    quiet_exp(z)  # (in place: one array, not four)
    np.add(z, _ONE.get(z.dtype, 1), out=z)
    return np.reciprocal(z, out=z)


def _cumsum(x: np.ndarray, axis: int) -> np.ndarray:
    """The running sum along `axis`. float16 adds up in float32 and is rounded at the end, as in
    PyTorch: in float16 itself, 4096 numbers in [0, 1) drifted by 1%."""
    if x.dtype == np.float16:
        return np.cumsum(x, axis=axis, dtype=np.float32).astype(np.float16)
    return np.cumsum(x, axis=axis)


def _log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """x - logsumexp(x), shifted by the max so that nothing overflows."""
    m = np.maximum.reduce(x, axis=axis, keepdims=True, initial=-np.inf)  # (initial: an empty axis is fine)
    shifted = x - np.where(np.isfinite(m), m, 0)
    return shifted - np.log(np.add.reduce(np.exp(shifted), axis=axis, keepdims=True))


def _transposed_times(a: np.ndarray, g: np.ndarray):
    """aᵀ g, the gradient that reaches W in a product x W: kept as its factors when they are
    smaller than the product (a batch of a few rows), so that a weight used at many steps gets
    one matrix product for all of them (deferred.py)."""
    return ProductSum(a, g) if ProductSum.worth_keeping(a, g) else transposed_times(a, g)


def _rows_gradient(values: np.ndarray, index, shape: tuple):
    """The gradient of x in x[index]: zeros(shape) with `values` added at `index`; for row
    numbers into a table (an embedding), kept as the rows until the backward pass ends (deferred.py)."""
    if shape and RowSum.worth_keeping(values, index, shape):
        return RowSum(values, index, shape)
    return _index_add(values, index, shape)


def _broadcast_to(x: np.ndarray, shape: tuple) -> np.ndarray:
    """x copied out to `shape` (a new writable array: cheaper than np.broadcast_to's Python
    wrapper for the small arrays of a backward pass, and safe to keep as a .grad)."""
    out = np.empty(shape, dtype=x.dtype)
    out[...] = x
    return out


def _index_add(values: np.ndarray, index, shape: tuple) -> np.ndarray:
    """zeros(shape) with `values` added at `index`; a repeated index adds twice (np.add.at)."""
    from ..ops.index import is_basic_index

    out = np.zeros(shape, dtype=np.result_type(values))
    if is_basic_index(index) or _distinct_rows(index, shape[0] if shape else 0):
        out[index] = values  # each element written once: one assignment
    else:
        np.add.at(out, index, values)  # several times slower, but adds up repeats
    return out


def _distinct_rows(index, n: int) -> bool:
    """A 1-D integer index that names no row of n twice (the usual case for a batch of lookups);
    -1 and n - 1 name the same row. x[rows, cols] with 1-D integer arrays of one length names no
    place twice if `rows` names no row twice (z[arange(n), labels], the usual loss)."""
    if index.__class__ is tuple and len(index) > 1:
        rows = index[0]
        if all(k.__class__ is np.ndarray and k.dtype.kind in "iu" and k.shape == rows.shape for k in index):
            index = rows
    if not (index.__class__ is np.ndarray and index.ndim == 1 and index.dtype.kind in "iu"):
        return False
    if index.size < 2:
        return True
    rows = index + n * (index < 0) if index.min() < 0 else index
    seen = np.zeros(n, dtype=bool)  # (forward's lookup checked the rows are in range)
    seen[rows] = True
    return np.count_nonzero(seen) == index.size  # (marking is ~10x cheaper than np.unique's sort)


def _replace(x: np.ndarray, index, value) -> np.ndarray:
    """A copy of x with x[index] = value."""
    out = np.array(x, copy=True)
    out[index] = value
    return out


class _Namespace:
    """A namespace with a name in its repr (`ctx.xp` prints as `<xp: numpy>`)."""

    def __init__(self, name: str, **functions) -> None:
        self.name = name
        self.__dict__.update(functions)

    def __repr__(self) -> str:
        return f"<xp: {self.name}>"


numpy_xp = _Namespace(
    "numpy",
    exp=np.exp, log=np.log, sqrt=np.sqrt, sin=np.sin, cos=np.cos, tanh=np.tanh, sigmoid=_sigmoid,
    sinh=np.sinh, cosh=np.cosh,
    sign=np.sign, where=np.where, maximum=np.maximum, clip=np.clip,
    sum=lambda x, axis=None, keepdims=False: np.add.reduce(x, axis=axis, keepdims=keepdims),
    reshape=np.reshape, broadcast_to=_broadcast_to, transpose=np.transpose,
    matrix_transpose=lambda x: np.swapaxes(x, -1, -2), concatenate=np.concatenate,
    astype=lambda x, dtype: np.asarray(x).astype(dtype), log_softmax=_log_softmax,
    index_add=_index_add, replace=_replace, values=lambda x: x,
    transposed_times=_transposed_times, rows_gradient=_rows_gradient,
    abs=np.abs, zeros_like=np.zeros_like, flip=np.flip, cumsum=_cumsum,
    prod_others=lambda x, axes: _prod_others(x, axes), einsum=lambda eq, *xs: _einsum(eq, *xs),
    polygamma=lambda n, x: _special_array("polygamma_array", n, x),
    bessel_i=lambda order, x: _special_array("bessel_i_array", order, x),
    inv=lambda a: _linalg_array("inv", a), solve=lambda a, b: _linalg_array("solve", a, b),
    solve_triangular=lambda a, b, upper, unitriangular=False: _linalg_array("solve_triangular", a, b, upper,
                                                                             unitriangular),
    adjugate=lambda a: _linalg_array("adjugate", a), matrix_exp=lambda a: _linalg_array("matrix_exp", a),
)


def _special_array(name: str, order: int, x: np.ndarray) -> np.ndarray:
    """polygamma ψ⁽ⁿ⁾ or the Bessel function Iᵥ of an array (ops/special_functions.py)."""
    from ..ops import special_functions

    return getattr(special_functions, name)(order, x)


def _tensor_special(name: str, order: int, x) -> Tensor:
    """The op Polygamma or BesselI (ops/special_functions.py) on a tensor: differentiable again."""
    from ..ops import special_functions

    return getattr(special_functions, name).apply(_t(x), order)


def _linalg_array(name: str, *args):
    """inv, solve, solve_triangular, adjugate or matrix_exp of arrays (linalg/arrays.py)."""
    from ..linalg import arrays

    return getattr(arrays, name)(*args)


def _tensor_solve_triangular(a, b, upper: bool, unitriangular: bool = False) -> Tensor:
    from ..linalg import solve_triangular

    return solve_triangular(_t(a), _t(b), upper=upper, unitriangular=unitriangular)


def _tensor_adjugate(a) -> Tensor:
    """adj(A) as ops, so that it differentiates again: det(A)·A⁻¹ when every matrix is well
    invertible; else from cofactors, adj(A)ⱼᵢ = (-1)^(i+j)·det(A without row i and column j), a
    polynomial in A, exact at a singular A too (det's second derivative there)."""
    from ..linalg import det, inv

    a = _t(a)
    n = a.shape[-1]
    if n <= 1:
        return Tensor._make(np.ones_like(a.data), None, False)  # (adj of a 1×1 matrix is [1]: constant)
    data = a.data
    finite = np.isfinite(data).all(axis=(-2, -1))  # (per matrix)
    if data.size and finite.all() and np.all(np.linalg.cond(data) < 1 / np.finfo(data.dtype).eps):
        return det(a)[..., None, None] * inv(a)
    keep = np.array([[k for k in range(n) if k != i] for i in range(n)])  # keep[i]: all indices but i
    minors = a[..., keep[:, None, :, None], keep[None, :, None, :]]  # (..., n, n, n-1, n-1): row i, column j out
    signs = (-1.0) ** np.add.outer(np.arange(n), np.arange(n))
    adj = (det(minors) * Tensor._make(signs.astype(data.dtype), None, False)).transpose(-1, -2)
    if not finite.all():  # nan for a matrix holding nan or inf, as the array formula (and PyTorch) gives
        adj = adj + Tensor._make(np.where(finite, 0.0, np.nan)[..., None, None].astype(data.dtype), None, False)
    return adj


def _tensor_linalg(name: str, *args) -> Tensor:
    """The linalg function `name` (inv, solve, matrix_exp) on tensors: differentiable again."""
    from .. import linalg

    return getattr(linalg, name)(*[_t(x) for x in args])


def _t(x) -> Tensor:
    """x as a Tensor; an array or number met in a formula is a constant."""
    if x.__class__ is Tensor:
        return x
    return Tensor._make(np.asarray(x), None, False)


def _tensor_where(cond, a, b) -> Tensor:
    from ..ops.select import where

    return where(cond, a, b)


def _tensor_concatenate(tensors, axis: int = 0) -> Tensor:
    from ..functions import cat

    return cat([_t(t) for t in tensors], dim=axis)


def _tensor_index_add(values: Tensor, index, shape: tuple) -> Tensor:
    from ..ops.index import IndexAdd

    return IndexAdd.apply(_t(values), index, shape)


def _tensor_replace(x: Tensor, index, value) -> Tensor:
    from ..ops.index import SetItem

    x = _t(x)
    return SetItem.apply(x, index, x._lift(value))


def _tensor_log_softmax(x: Tensor, axis: int) -> Tensor:
    return x - x.logsumexp(axis, keepdim=True)


def _tensor_sum(x, axis=None, keepdims: bool = False) -> Tensor:
    return _t(x).sum(axis, keepdim=keepdims)


def _prod_others(x: np.ndarray, axes: tuple) -> np.ndarray:
    from ..ops.scan import prod_others

    return prod_others(x, axes)


def _einsum(equation: str, *arrays: np.ndarray) -> np.ndarray:
    from ..ops.einsum import run_einsum

    return run_einsum(equation, *arrays)


def _tensor_einsum(equation: str, *operands) -> Tensor:
    from ..ops.einsum import Einsum

    return Einsum.apply(equation, *[_t(x) for x in operands])


def _tensor_flip(x: Tensor, axis: int) -> Tensor:
    x = _t(x)  # (PyTorch-style indexing has no negative steps: pick the positions in reverse)
    return x[(slice(None),) * axis + (np.arange(x.shape[axis] - 1, -1, -1),)]


def _tensor_cumsum(x: Tensor, axis: int) -> Tensor:
    from ..ops.scan import Cumsum

    return Cumsum.apply(_t(x), axis)


def _tensor_prod_others(x: Tensor, axes: tuple) -> Tensor:
    """Π_{j≠i} xⱼ within each group of `axes`, as Tensor ops: row i of an (n, n) stack is the
    group with xᵢ replaced by 1, and Prod multiplies each row -- so it differentiates again."""
    from ..ops.scan import Prod, group_last
    from ..ops.select import where

    x = _t(x)
    order, inverse = group_last(x.shape, axes)
    moved = x.permute(tuple(order))
    lead = moved.shape[:x.ndim - len(axes)]
    n = int(np.prod(moved.shape[len(lead):]))
    rows = where(Tensor._make(np.eye(n, dtype=bool), None, False), 1.0,
                 moved.reshape(lead + (1, n)))
    return Prod.apply(rows, (len(lead) + 1,), False).reshape(moved.shape).permute(tuple(inverse))


tensor_xp = _Namespace(
    "tensor",
    exp=lambda x: _t(x).exp(), log=lambda x: _t(x).log(), sqrt=lambda x: _t(x).sqrt(),
    sin=lambda x: _t(x).sin(), cos=lambda x: _t(x).cos(), tanh=lambda x: _t(x).tanh(),
    sinh=lambda x: _t(x).sinh(), cosh=lambda x: _t(x).cosh(),
    sigmoid=lambda x: _t(x).sigmoid(),
    sign=lambda x: Tensor._make(np.sign(_t(x).data), None, False),  # derivative 0: a constant
    where=_tensor_where, maximum=lambda a, b: _t(a).maximum(b),
    clip=lambda x, low, high: _t(x).clamp(low, high),
    sum=_tensor_sum, reshape=lambda x, shape: _t(x).reshape(shape),
    broadcast_to=lambda x, shape: _t(x).expand(tuple(shape)),
    transpose=lambda x, axes: _t(x).permute(tuple(axes)),
    matrix_transpose=lambda x: _t(x).transpose(-1, -2), concatenate=_tensor_concatenate,
    astype=lambda x, dtype: _t(x).to(dtype), log_softmax=_tensor_log_softmax,
    index_add=_tensor_index_add, replace=_tensor_replace,
    transposed_times=lambda a, g: _t(a).transpose(-1, -2) @ g, rows_gradient=_tensor_index_add,
    values=lambda x: x.data if x.__class__ is Tensor else x,
    abs=lambda x: _t(x).abs(),
    zeros_like=lambda x: Tensor._make(np.zeros_like(_t(x).data), None, False),  # a constant
    flip=_tensor_flip, cumsum=_tensor_cumsum, prod_others=_tensor_prod_others, einsum=_tensor_einsum,
    polygamma=lambda n, x: _tensor_special("Polygamma", n, x),
    bessel_i=lambda order, x: _tensor_special("BesselI", order, x),
    inv=lambda a: _tensor_linalg("inv", a), solve=lambda a, b: _tensor_linalg("solve", a, b),
    solve_triangular=_tensor_solve_triangular, adjugate=_tensor_adjugate,
    matrix_exp=lambda a: _tensor_linalg("matrix_exp", a),
)
