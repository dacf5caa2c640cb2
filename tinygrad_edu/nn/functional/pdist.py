"""F.pdist: the p-norm distance between every pair of rows of one (N, M) matrix, as PyTorch's:
the upper triangle (i < j, row by row) of cdist(x, x), N·(N - 1)/2 values. Composed from a
gather of the row pairs and Tensor.norm, whose gradient at a zero distance is 0, as PyTorch's."""
from __future__ import annotations

import numpy as np

from ...tensor import Tensor
from .checks import check_tensor


def pdist(input: Tensor, p: float = 2) -> Tensor:
    """‖x_i - x_j‖_p for i < j, in the order (0, 1), (0, 2), ..., (1, 2), ...: shape (N·(N - 1)/2,).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn.functional as F
    >>> F.pdist(tg.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]))
    tensor([5.0000, 1.0000, 4.2426])
    """
    check_tensor(input, "pdist")
    if input.ndim != 2:
        raise RuntimeError(f"pdist: only supports 2D tensors (N, M), got a {input.ndim}D tensor of shape "
                           f"{input.shape}")
    if input.data.dtype.kind != "f":
        raise RuntimeError(f"pdist: only supports floating-point dtypes, got {input.dtype}")
    if p < 0:
        raise RuntimeError(f"pdist: only supports non-negative p values, got p={p}")
    first, second = np.triu_indices(input.shape[0], 1)
    return (input[first] - input[second]).norm(p, -1)
