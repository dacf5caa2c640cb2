"""Products of matrices and vectors: multi_dot, matrix_power, vecdot, vander, and the linalg
aliases cross, matmul and diagonal. All are compositions of matmul, sums and inv."""
from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .checks import as_tensor, check_float, check_no_out
from .inverse import inv


def multi_dot(tensors, *, out=None) -> Tensor:
    """A₁ A₂ ⋯ Aₖ with the cheapest order of multiplications (the textbook dynamic program of
    the matrix chain problem: T. Cormen et al., "Introduction to Algorithms", §15.2). The first
    argument may be a vector (a row), the last a vector (a column); the others are matrices."""
    check_no_out("multi_dot()", out)
    tensors = [as_tensor(t) for t in tensors]
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    first_vector, last_vector = tensors[0].ndim == 1, tensors[-1].ndim == 1
    for i, t in enumerate(tensors):
        wanted = (1, 2) if i in (0, len(tensors) - 1) else (2,)
        if t.ndim not in wanted:
            where = "first and last tensors must be 1D or 2D" if i in (0, len(tensors) - 1) else \
                "tensors between the first and the last must be 2D"
            raise RuntimeError(f"multi_dot(): {where}, but tensor {i} has shape {tuple(t.shape)}")
    mats = list(tensors)
    if first_vector:
        mats[0] = mats[0].unsqueeze(0)
    if last_vector:
        mats[-1] = mats[-1].unsqueeze(-1)
    for i in range(len(mats) - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {tuple(tensors[i].shape)} and "
                               f"{tuple(tensors[i + 1].shape)} cannot be multiplied")
    dims = [m.shape[0] for m in mats] + [mats[-1].shape[1]]
    split = _chain_order(dims)

    def product(i: int, j: int) -> Tensor:
        if i == j:
            return mats[i]
        k = split[i][j]
        return product(i, k) @ product(k + 1, j)

    result = product(0, len(mats) - 1)
    if first_vector:
        result = result.squeeze(0)
    if last_vector:
        result = result.squeeze(-1)
    return result


def _chain_order(dims: list) -> list:
    """split[i][j]: where to split the product of matrices i..j (of shapes dims[i] × dims[i+1])
    so that it takes the fewest scalar multiplications."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def matrix_power(A, n: int, *, out=None) -> Tensor:
    """Aⁿ for each square matrix of A, by repeated squaring (about 2·log₂ n products); A⁰ = I,
    and a negative n is the power of A⁻¹. Integer matrices are allowed for n ≥ 0."""
    check_no_out("linalg.matrix_power", out)
    A = as_tensor(A)
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, got shape {tuple(A.shape)}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"linalg.matrix_power: n must be an int, got {type(n).__name__}")
    n = int(n)
    if n == 0:
        eye = Tensor._make(np.broadcast_to(np.eye(A.shape[-1], dtype=A.data.dtype), A.shape).copy(), None, False)
        # as PyTorch: a copy of A overwritten with I, so A⁰ keeps A's requires_grad (its gradient is 0)
        return A.clone().copy_(eye) if A.requires_grad else eye
    if n < 0:
        check_float("linalg.matrix_power", A)
        A, n = inv(A), -n
    result, square = None, A
    while n:
        if n & 1:
            result = square if result is None else result @ square
        n >>= 1
        if n:
            square = square @ square
    return result


def vecdot(x, y, *, dim: int = -1, out=None) -> Tensor:
    """Σᵢ xᵢyᵢ along `dim` (the dot product of vectors, batched; the inputs broadcast)."""
    check_no_out("linalg.vecdot", out)
    return (as_tensor(x) * as_tensor(y)).sum(dim)


def cross(input, other, *, dim: int = -1, out=None) -> Tensor:
    """The cross product of 3-vectors along `dim` (default the last), the inputs broadcast."""
    from ..functions_shaping import cross as _cross

    check_no_out("linalg.cross", out)
    input, other = as_tensor(input), as_tensor(other)
    if input.ndim != other.ndim:
        raise RuntimeError(f"linalg.cross: inputs must have the same number of dimensions, got shapes "
                           f"{tuple(input.shape)} and {tuple(other.shape)}")
    shape = np.broadcast_shapes(input.shape, other.shape)
    return _cross(input.expand(shape), other.expand(shape), dim=dim)


def matmul(input, other, *, out=None) -> Tensor:
    """input @ other (an alias of tg.matmul)."""
    check_no_out("linalg.matmul", out)
    return as_tensor(input) @ as_tensor(other)


def diagonal(A, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The diagonal of each matrix (over dims dim1, dim2), as tg.diagonal with other defaults."""
    return as_tensor(A).diagonal(offset, dim1, dim2)


def vander(x, N: int | None = None) -> Tensor:
    """The Vandermonde matrix of x (..., n): columns x⁰, x¹, ..., x^(N-1) (N = n by default),
    increasing powers as PyTorch (numpy's np.vander decreases). Built from running products, so
    the gradient at x = 0 is finite."""
    x = as_tensor(x)
    if x.ndim < 1:  # (as PyTorch: a 0-d x is one value, x of shape (1,))
        x = x.reshape(1)
    N = x.shape[-1] if N is None else N
    if N <= 1:  # (as PyTorch's linalg.vander; tg.vander allows N = 1)
        raise RuntimeError(f"linalg.vander: N must be greater than 1, but got N = {N} (x of shape {tuple(x.shape)})")
    if x.data.dtype.kind == "b":
        x = x.long()
    ones = Tensor._make(np.ones(x.shape + (1,), x.data.dtype), None, False)
    if N == 1:
        return ones
    powers = x.unsqueeze(-1).expand(x.shape + (N - 1,)).cumprod(-1)
    from ..functions import cat

    return cat([ones, powers], -1)
