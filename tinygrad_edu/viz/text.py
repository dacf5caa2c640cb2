"""Numbers and tensors as short text, for the boxes of a graph picture and the explain table."""
from __future__ import annotations

import numpy as np


def number(x, digits: int) -> str:
    """One number with `digits` significant digits: 0.75136507, 1e-05, nan, True, 3."""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    return f"{float(x):.{digits}g}"


def values(array: np.ndarray, digits: int) -> str:
    """All the values on one line: a scalar as one number, an array as nested brackets."""
    if array.ndim == 0:
        return number(array.item(), digits)
    if array.ndim == 1:
        return "[" + ", ".join(number(x, digits) for x in array) + "]"
    return "[" + ", ".join(values(row, digits) for row in array) + "]"  # depth = ndim


def summary(array: np.ndarray, max_elems: int, digits: int) -> list[str]:
    """Lines of text for a picture: all values when there are at most `max_elems`, else the
    first three and, on a second line, min / max / mean."""
    if array.size <= max_elems:
        return [values(array, digits)]
    flat = array.reshape(-1)
    head = "[" + ", ".join(number(x, digits) for x in flat[:3]) + ", …]"
    if array.dtype.kind not in "biuf":
        return [head]
    numbers = flat.astype(np.float64)
    return [head, f"min {number(numbers.min(), digits)}  max {number(numbers.max(), digits)}  "
                  f"mean {number(numbers.mean(), digits)}"]


def shape_and_norm(array: np.ndarray, digits: int) -> str:
    """A big tensor in one phrase: its shape and its Euclidean norm ‖·‖ = sqrt(Σ x²)."""
    norm = float(np.sqrt(np.sum(np.square(array.astype(np.float64)))))
    return f"shape {tuple(array.shape)} ‖·‖ {number(norm, digits)}"


def shape_dtype(shape: tuple, dtype) -> str:
    """'(2, 3) float64', 'scalar float64', or just the shape when the dtype is unknown."""
    text = "scalar" if shape == () else str(tuple(shape))
    return f"{text} {np.dtype(dtype)}" if dtype is not None else text


def has_nonfinite(array: np.ndarray) -> bool:
    """True if a float array holds a NaN or an infinity (what the pictures paint red)."""
    return array.dtype.kind in "fc" and not bool(np.isfinite(array).all())
