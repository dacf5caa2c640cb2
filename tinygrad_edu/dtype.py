"""Which numpy dtype a Python float becomes, and which dtypes can carry gradients."""
from __future__ import annotations

import numpy as np

_default_float: np.dtype = np.dtype(np.float64)


def set_default_dtype(dtype) -> None:
    """Make Python floats (and float lists) become `dtype` (np.float32 or np.float64)."""
    global _default_float
    d = np.dtype(dtype)
    if d.kind != "f":
        raise TypeError(f"set_default_dtype: only floating dtypes can be the default, got {d}")
    _default_float = d


def get_default_dtype() -> np.dtype:
    """The dtype Python floats become (float64 unless `set_default_dtype` changed it)."""
    return _default_float


def is_differentiable(dtype: np.dtype) -> bool:
    """Gradients only make sense for real floating point numbers."""
    return dtype.kind == "f"
