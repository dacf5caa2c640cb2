"""XOR: the smallest problem a single linear layer cannot solve."""
from __future__ import annotations

import numpy as np


def xor() -> tuple[np.ndarray, np.ndarray]:
    """The four XOR cases as inputs and class labels.

    Returns `X` (float64, shape (4, 2), every 0/1 combination) and `y` (int64, shape (4,)),
    where `y[i] = X[i, 0] xor X[i, 1]`.

    >>> X, y = xor()
    >>> y.tolist()
    [0, 1, 1, 0]
    """
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    y = (X[:, 0] != X[:, 1]).astype(np.int64)
    return X, y
