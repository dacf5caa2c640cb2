"""Hypothesis strategies for the input tensors of a program: shapes (0-d, size-1 and empty axes,
broadcasting partners), dtypes, and values (0, negatives, ties, NaN/inf, huge and tiny)."""
from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

DTYPES = ["float64"] * 6 + ["float32"] * 2 + ["int64"] * 2 + ["bool"]
SPECIAL_FLOATS = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, math.nan, math.inf, -math.inf,
                  1e30, -1e30, 1e-30, -1e-30, 1e200, 1e-200]
MAX_NUMEL = 24


def shapes(max_ndim: int = 3) -> st.SearchStrategy[tuple]:
    """Small shapes; one in about ten has an empty axis."""
    dim_size = st.sampled_from([1, 2, 3, 2, 3, 1, 2, 3, 4, 0])
    return (st.integers(0, max_ndim)
            .flatmap(lambda n: st.tuples(*[dim_size] * n))
            .filter(lambda s: math.prod(s) <= MAX_NUMEL))


def broadcast_partner(draw, shape: tuple) -> tuple:
    """A shape that broadcasts with `shape` (same, fewer leading axes, some axes 1, or one more)."""
    how = draw(st.sampled_from(["same", "same", "drop", "ones", "ones", "lead"]))
    if how == "same":
        return shape
    if how == "drop":
        return shape[draw(st.integers(0, len(shape))):]
    if how == "ones":
        return tuple(1 if draw(st.booleans()) else n for n in shape)
    return (draw(st.sampled_from([1, 2])),) + shape


def subshape_for(draw, shape: tuple) -> tuple:
    """A shape that broadcasts *to* `shape` without growing it (for in-place ops and setitem)."""
    cut = draw(st.integers(0, len(shape)))
    return tuple(1 if draw(st.booleans()) else n for n in shape[cut:])


def _float_element(special_rate: int) -> st.SearchStrategy[float]:
    normal = st.integers(-40, 40).map(lambda i: i / 10)  # one decimal: ties and exact zeros happen
    if special_rate == 0:
        return normal
    return st.integers(0, 9).flatmap(
        lambda k: st.sampled_from(SPECIAL_FLOATS) if k < special_rate else normal)


def element_strategy(dtype: str, special_rate: int, low=None, high=None) -> st.SearchStrategy:
    if dtype == "bool":
        return st.booleans()
    if dtype.startswith("int"):
        if low is not None:
            return st.integers(low, high)
        return st.one_of(st.integers(-3, 5), st.integers(-3, 5), st.integers(-3, 5),
                         st.sampled_from([2 ** 40, -(2 ** 31)]))
    if low is not None:
        return st.integers(0, 10).map(lambda i: low + (high - low) * i / 10)
    return _float_element(special_rate)


def arrays(draw, shape: tuple, dtype: str, special_rate: int, low=None, high=None) -> np.ndarray:
    n = math.prod(shape)
    items = draw(st.lists(element_strategy(dtype, special_rate, low, high), min_size=n, max_size=n))
    with np.errstate(over="ignore"):  # 1e200 in float32 is inf, in both libraries alike
        return np.array(items, dtype=dtype).reshape(shape)


def array_source(array: np.ndarray) -> str:
    """Python source that rebuilds `array` exactly (nan and inf as names from numpy)."""
    flat = array.reshape(-1).tolist()
    body = repr(flat).replace("nan", "np.nan").replace("inf", "np.inf")
    code = f"np.array({body}, dtype=np.{array.dtype})"
    if array.ndim != 1:
        code += f".reshape({tuple(array.shape)})"
    return code


def loss_weights(shape: tuple, salt: int) -> np.ndarray:
    """Fixed, varied, non-zero weights: the scalar loss Σ w·v tells apart gradients that a plain
    sum would not (a gradient routed to the wrong element, for instance)."""
    k = np.arange(math.prod(shape)) + 3 * salt
    return (((k * 37) % 11 + 1) / 4 * np.where(k % 2, -1.0, 1.0)).reshape(shape)
