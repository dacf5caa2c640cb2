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


# ---- PyTorch's type promotion ---------------------------------------------------------------
# numpy and PyTorch disagree on mixed dtypes: numpy gives float64 for float32 × int64 and for
# float32 × a 0-d float64 array; PyTorch keeps float32. We follow PyTorch (its documentation,
# "Type promotion", torch.result_type): a category (bool < integer < float) decides first, and
# within a category a tensor with dimensions outranks a 0-d tensor, which outranks a Python number.

def _category(dtype: np.dtype) -> int:
    return 2 if dtype.kind == "f" else (0 if dtype.kind == "b" else 1)


def promote_types(a: np.dtype, b: np.dtype) -> np.dtype:
    """The smallest dtype that holds both, PyTorch's way: a float dtype absorbs any integer
    (int64 with float32 is float32), and within one category the larger size wins."""
    if a is b or a == b:
        return a
    ca, cb = _category(a), _category(b)
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


def result_type(a: np.ndarray, b: np.ndarray) -> np.dtype:
    """The dtype of a binary op on the arrays of two tensors (Python numbers are lifted to 0-d
    arrays of a fitting dtype before they get here). A 0-d operand changes the dtype only when
    its category is higher: float32 × 0-d float64 is float32, int64 × 0-d float64 is float64."""
    da, db = a.dtype, b.dtype
    if da is db:
        return da
    if (a.ndim == 0) == (b.ndim == 0):
        return promote_types(da, db)
    dims, zero = (da, db) if b.ndim == 0 else (db, da)
    if _category(zero) > _category(dims) or dims.kind == "b":
        return promote_types(dims, zero)
    return dims
