"""`tg.testing`: PyTorch's test helpers `assert_close` and `make_tensor`.

`assert_close(actual, expected)` checks that two tensors (or numbers, or nested lists, tuples
and dicts of them) have the same shape and dtype and close values, with tolerances chosen by
the dtype as in PyTorch; on a failure it raises AssertionError saying how many elements differ
and where the greatest differences are:

>>> import tinygrad_edu as tg
>>> tg.testing.assert_close(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 2.0 + 1e-9]))
>>> tg.testing.assert_close(tg.tensor([1, 2]), tg.tensor([1, 3]))
Traceback (most recent call last):
    ...
AssertionError: Tensor-likes are not equal!
<BLANKLINE>
Mismatched elements: 1 / 2 (50.0%)
Greatest absolute difference: 1 at index (1,)
Greatest relative difference: 0.3333333333333333 at index (1,)
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Callable

import numpy as np

from . import dtype as _dtype
from .creation import rand, randint
from .devices import check_device
from .tensor import Tensor

__all__ = ["assert_allclose", "assert_close", "make_tensor"]

# PyTorch's default (rtol, atol) per dtype; integers and bools must be equal.
_TOLERANCES = {_dtype.float16: (1e-3, 1e-5), _dtype.float32: (1.3e-6, 1e-5), _dtype.float64: (1e-7, 1e-7)}


class _Failure(Exception):
    """A failed comparison: the exception type and message to raise, and where in the nesting."""

    def __init__(self, kind: type, msg: str, where: tuple = ()):
        super().__init__(msg)
        self.kind, self.msg, self.where = kind, msg, where


def _tolerances(dtypes, rtol, atol) -> tuple[float, float]:
    if (rtol is None) != (atol is None):
        missing = "atol" if atol is None else "rtol"
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {missing}.")
    if rtol is not None:
        return rtol, atol
    defaults = [_TOLERANCES.get(np.dtype(d), (0.0, 0.0)) for d in dtypes]
    return max((r for r, _ in defaults), default=0.0), max((a for _, a in defaults), default=0.0)


def _mismatch_msg(what: str, extra: str, abs_diff, rel_diff, rtol: float, atol: float,
                  abs_idx=None, rel_idx=None) -> str:
    """PyTorch's message: the headline, `extra`, then the greatest differences (with the allowed
    tolerance unless the comparison is an exact one)."""
    exact = rtol == 0 and atol == 0
    lines = [f"{what} are not {'equal' if exact else 'close'}!", "", extra]
    for kind, diff, idx, tol in (("absolute", abs_diff, abs_idx, atol), ("relative", rel_diff, rel_idx, rtol)):
        if idx is None:
            line = f"{kind.title()} difference: {diff}"
        else:
            line = f"Greatest {kind} difference: {diff} at index {idx}"
        lines.append(line if exact else f"{line} (up to {tol} allowed)")
    return "\n".join(lines)


def _greatest(values: np.ndarray) -> int:
    """The flat index of the largest value; a nan counts as the largest (as torch.max)."""
    nans = np.flatnonzero(np.isnan(values))
    return int(nans[0]) if nans.size else int(np.argmax(values))


def _compare_arrays(a: np.ndarray, b: np.ndarray, rtol: float, atol: float, equal_nan: bool) -> None:
    matches = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan) if a.dtype.kind == "f" else a == b
    if np.all(matches):
        return
    if a.ndim == 0:  # a 0-d tensor is reported as a scalar
        raise _Failure(AssertionError, _scalar_msg(a.item(), b.item(), rtol, atol))
    if a.dtype.kind != "f":  # subtract without overflow (and bools as numbers)
        a, b = a.astype(np.int64), b.astype(np.int64)
    flat_a, flat_b, flat_matches = a.ravel(), b.ravel(), matches.ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        abs_diff = np.abs(flat_a - flat_b)
        abs_diff[flat_matches] = 0  # only mismatches count
        # (PyTorch divides integers in the default float dtype)
        float_dtype = a.dtype if a.dtype.kind == "f" else _dtype.get_default_dtype()
        rel_diff = abs_diff.astype(float_dtype) / np.abs(flat_b).astype(float_dtype)
    rel_diff[flat_matches] = 0
    i, j = _greatest(abs_diff), _greatest(rel_diff)
    mismatches = int(flat_matches.size - flat_matches.sum())
    extra = f"Mismatched elements: {mismatches} / {flat_matches.size} ({mismatches / flat_matches.size:.1%})"
    raise _Failure(AssertionError, _mismatch_msg(
        "Tensor-likes", extra, abs_diff[i].item(), rel_diff[j].item(), rtol, atol,
        abs_idx=tuple(int(k) for k in np.unravel_index(i, a.shape)),
        rel_idx=tuple(int(k) for k in np.unravel_index(j, a.shape))))


def _scalar_msg(actual, expected, rtol: float, atol: float) -> str:
    abs_diff = abs(actual - expected)
    rel_diff = math.inf if expected == 0 else abs_diff / abs(expected)
    return _mismatch_msg("Scalars", f"Expected {expected} but got {actual}.", abs_diff, rel_diff, rtol, atol)


def _compare_tensors(actual: Tensor, expected: Tensor, rtol, atol, equal_nan: bool, check_dtype: bool,
                     check_stride: bool) -> None:
    attributes = [("shape", actual.shape, expected.shape)]
    if check_dtype:
        attributes.append(("dtype", actual.dtype, expected.dtype))
    if check_stride:
        attributes.append(("stride()", actual.stride(), expected.stride()))
    for name, mine, theirs in attributes:
        if mine != theirs:
            raise _Failure(AssertionError, f"The values for attribute '{name}' do not match: {mine} != {theirs}.")
    rtol, atol = _tolerances([actual.dtype, expected.dtype], rtol, atol)
    common = _dtype.promote_types(actual.dtype, expected.dtype)  # (differs only with check_dtype=False)
    _compare_arrays(actual.data.astype(common, copy=False), expected.data.astype(common, copy=False),
                    rtol, atol, equal_nan)


def _compare_numbers(actual, expected, rtol, atol, equal_nan: bool, check_dtype: bool) -> None:
    if check_dtype and type(actual) is not type(expected):
        raise _Failure(AssertionError, f"The (d)types do not match: {type(actual)} != {type(expected)}.")
    is_float = isinstance(actual, float) or isinstance(expected, float)
    rtol, atol = _tolerances([_dtype.float64 if is_float else _dtype.int64], rtol, atol)
    if math.isnan(actual) and math.isnan(expected) and equal_nan:
        return
    if actual == expected or abs(actual - expected) <= atol + rtol * abs(expected):
        return
    raise _Failure(AssertionError, _scalar_msg(actual, expected, rtol, atol))


def _compare(actual, expected, where: tuple, options: dict) -> None:
    """Compare one pair, recursing into sequences and mappings; raise _Failure on a difference."""
    try:
        _compare_one(actual, expected, where, options)
    except _Failure as failure:
        if not failure.where:
            failure.where = where
        raise


def _compare_one(actual, expected, where: tuple, options: dict) -> None:
    rtol, atol, equal_nan = options["rtol"], options["atol"], options["equal_nan"]
    if isinstance(actual, np.ndarray) and isinstance(expected, np.ndarray):  # arrays compare as tensors
        actual, expected = Tensor(actual), Tensor(expected)
    if actual is None or expected is None:
        if actual is not expected:
            raise _Failure(AssertionError, f"None mismatch: {actual} is not {expected}")
    elif isinstance(actual, Tensor) and isinstance(expected, Tensor):
        related = isinstance(actual, type(expected)) or isinstance(expected, type(actual))
        if not related or (not options["allow_subclasses"] and type(actual) is not type(expected)):
            _unsupported(actual, expected)
        _compare_tensors(actual, expected, rtol, atol, equal_nan, options["check_dtype"], options["check_stride"])
    elif isinstance(actual, bool) and isinstance(expected, bool):
        if actual is not expected:
            raise _Failure(AssertionError, f"Booleans mismatch: {actual} is not {expected}")
    elif _is_number(actual) and _is_number(expected):
        _compare_numbers(actual, expected, rtol, atol, equal_nan, options["check_dtype"])
    elif _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            raise _Failure(AssertionError, f"The length of the sequences mismatch: {len(actual)} != {len(expected)}")
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, where + (i,), options)
    elif isinstance(actual, Mapping) and isinstance(expected, Mapping):
        _compare_mappings(actual, expected, where, options)
    else:
        _unsupported(actual, expected)


def _compare_mappings(actual: Mapping, expected: Mapping, where: tuple, options: dict) -> None:
    mine, theirs = set(actual), set(expected)
    if mine != theirs:
        raise _Failure(AssertionError, "The keys of the mappings do not match:\n"
                                       f"Missing keys in the actual mapping: {sorted(theirs - mine)}\n"
                                       f"Additional keys in the actual mapping: {sorted(mine - theirs)}")
    try:
        keys = sorted(mine)  # a fixed order, so the first failure reported is always the same
    except TypeError:
        keys = list(mine)
    for key in keys:
        _compare(actual[key], expected[key], where + (key,), options)


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _is_sequence(x) -> bool:
    return isinstance(x, Sequence) and not isinstance(x, str)


def _unsupported(actual, expected):
    raise _Failure(TypeError, f"No comparison pair was able to handle inputs of type {type(actual)} "
                              f"and {type(expected)}.")


def assert_close(actual: Any, expected: Any, *, allow_subclasses: bool = True, rtol: float | None = None,
                 atol: float | None = None, equal_nan: bool = False, check_device: bool = True,
                 check_dtype: bool = True, check_layout: bool = True, check_stride: bool = False,
                 msg: str | Callable[[str], str] | None = None) -> None:
    """Raise AssertionError unless `actual` and `expected` are close, as `torch.testing.assert_close`.

    Tensors must have the same shape and (with `check_dtype`) dtype; values match when
    `|actual - expected| <= atol + rtol * |expected|`, with PyTorch's defaults per dtype (float16
    1e-3/1e-5, float32 1.3e-6/1e-5, float64 and Python floats 1e-7/1e-7, integers and bools
    exactly). Pass both `rtol` and `atol` or neither (ValueError). Numbers, numpy arrays (against
    numpy arrays), None, and lists/tuples/dicts of these are compared item by item; a Tensor against
    a number, list or array raises TypeError. `msg` replaces the message (a callable gets the
    generated one and returns the new). `check_device` and `check_layout` have nothing to check:
    every tensor is a dense CPU tensor.

    >>> import tinygrad_edu as tg
    >>> tg.testing.assert_close({"w": tg.tensor([0.5])}, {"w": tg.tensor([0.5 + 1e-9])})
    """
    options = {"rtol": rtol, "atol": atol, "equal_nan": equal_nan, "check_dtype": check_dtype,
               "check_stride": check_stride, "allow_subclasses": allow_subclasses}
    _tolerances([], rtol, atol)  # (checks that both or neither are given, before anything else)
    try:
        _compare(actual, expected, (), options)
    except _Failure as failure:
        raise _error(failure, msg) from None


def _error(failure: _Failure, msg) -> Exception:
    if isinstance(msg, str):
        return failure.kind(msg)
    text = failure.msg
    if failure.where:
        text += "\n\nThe failure occurred for item " + "".join(str([key]) for key in failure.where)
    return failure.kind(msg(text) if callable(msg) else text)


def make_tensor(*shape, dtype, device, low: float | None = None, high: float | None = None,
                requires_grad: bool = False, noncontiguous: bool = False, exclude_zero: bool = False,
                memory_format=None) -> Tensor:
    """A tensor of `shape` with random values for tests, as `torch.testing.make_tensor`: floats
    uniform in [low, high) (default [-9, 9)), integers in [low, high) (default [-9, 10), and
    [0, 10) for uint8), bools True or False. `exclude_zero` replaces zeros by the smallest
    positive normal float (1 for integers); `noncontiguous` returns a strided view.

    >>> import tinygrad_edu as tg
    >>> t = tg.testing.make_tensor(2, 3, dtype=tg.float32, device="cpu", low=0, high=1)
    >>> t.shape, t.dtype, bool(((t >= 0) & (t < 1)).all())
    ((2, 3), dtype('float32'), True)
    """
    check_device(device, "make_tensor")
    dtype = _dtype.as_dtype(dtype, "make_tensor")
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    values = _random_values(shape, dtype, low, high)
    if exclude_zero:
        values[values == 0] = np.finfo(dtype).tiny if dtype.kind == "f" else 1
    if noncontiguous and values.size > 1:
        values = np.repeat(values, 2, axis=-1)[..., ::2]  # every other element of a wider array
    result = Tensor(values)
    return result.requires_grad_() if requires_grad else result


def _random_values(shape: tuple, dtype: np.dtype, low, high) -> np.ndarray:
    if dtype.kind == "b":
        return randint(0, 2, shape).data.astype(bool)
    if dtype.kind == "f":
        low, high = _bounds(low, high, -9, 9, np.finfo(dtype))
        return (rand(*shape, dtype=_dtype.float64).data * (high - low) + low).astype(dtype)
    info = np.iinfo(dtype)
    low, high = _bounds(low, high, 0 if dtype.kind == "u" else -9, 10, info)
    return randint(math.ceil(low), math.ceil(high), shape, dtype=dtype).data


def _bounds(low, high, default_low, default_high, info) -> tuple[float, float]:
    """The range, defaults filled in, checked (low < high) and clamped into the dtype's range."""
    low = default_low if low is None else low
    high = default_high if high is None else high
    if low >= high:
        raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
    return max(low, float(info.min)), min(high, float(info.max))


# torch.testing.assert_allclose's own defaults, older and looser than assert_close's
_ALLCLOSE_TOLERANCES = {_dtype.float16: (1e-3, 1e-3), _dtype.float32: (1e-4, 1e-5), _dtype.float64: (1e-5, 1e-8)}


def assert_allclose(actual: Any, expected: Any, rtol: float | None = None, atol: float | None = None,
                    equal_nan: bool = True, msg: str = "") -> None:
    """Deprecated (PyTorch 1.12): `assert_close` with `check_dtype=False`, NaNs equal by default
    and the older tolerances (float32: rtol 1e-4, atol 1e-5). Warns (FutureWarning), as PyTorch."""
    warnings.warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed in a future "
                  "release. Please use `torch.testing.assert_close()` instead.", FutureWarning, stacklevel=2)
    if not isinstance(actual, Tensor):
        actual = Tensor(actual)
    if not isinstance(expected, Tensor):
        expected = Tensor(np.asarray(expected, dtype=actual.data.dtype))
    if rtol is None and atol is None:
        defaults = [_ALLCLOSE_TOLERANCES.get(t.data.dtype, (0.0, 0.0)) for t in (actual, expected)]
        rtol, atol = max(r for r, _ in defaults), max(a for _, a in defaults)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=False,
                 msg=msg or None)
