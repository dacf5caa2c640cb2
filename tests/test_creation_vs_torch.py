# ruff: noqa: E501  (the case tables keep one case per entry; wrapping them would hide their structure)
"""Tensor creation and conversion against PyTorch 2.13, case by case.

Each case is a function of the library (`tg` or `torch`, whose names agree) and a hand-written
expectation for tinygrad_edu: a value in the `simple` form below, or an exception type.
`test_case` checks the expectation (no torch needed); `test_case_matches_torch` runs the same
function with torch and compares values, dtypes, shapes, requires_grad, Python types, warning
classes and exception types.

The default float dtype differs by contract (docs/from-pytorch.md): ours is float64, PyTorch's
float32. `run_both` runs torch with float64 as its default, so a float result made *by default*
compares as float64 on both sides, while an explicit `dtype=` must match exactly.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_edu as tg
from tests.torch_sides import assert_expected, outcome, run_both

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


# ---- normal forms --------------------------------------------------------------------------------

def _is_tensor(x) -> bool:
    return isinstance(x, tg.Tensor) or (torch is not None and isinstance(x, torch.Tensor))


def _dtype_name(dtype) -> str:
    return str(dtype).replace("torch.", "")


def simple(x):
    """A tensor as ("T", dtype name, shape, values, requires_grad); a Python number with its type;
    containers element by element; an ndarray as ("ndarray", dtype, values)."""
    if _is_tensor(x):
        return ("T", _dtype_name(x.dtype), tuple(x.shape), x.tolist(), bool(x.requires_grad))
    if isinstance(x, (list, tuple)):
        inner = [simple(v) for v in x]
        return inner if isinstance(x, list) else tuple(inner)
    if isinstance(x, (np.generic, np.ndarray)):
        return ("ndarray", str(x.dtype), np.asarray(x).tolist())
    if isinstance(x, (bool, int, float)):
        return (type(x).__name__, x)
    return x


def _close(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def _run(fn, lib):
    """(simple result or exception type, the warning categories)."""
    return outcome(fn, lib, simple)


def T(dtype, shape, values, requires_grad=False):
    return ("T", dtype, shape, values, requires_grad)


F64, F32, F16, I64, I32, I16, I8, U8, B = "float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"
NAN, INF = float("nan"), float("inf")


def _dt(L, name):
    return getattr(L, name)


# ---- the cases: name -> (fn(L), expected) ---------------------------------------------------------

FROM_DATA = {
    "tensor_bool_int_mix": (lambda L: L.tensor([True, 2]), T(I64, (2,), [1, 2])),
    "tensor_bool_float_mix": (lambda L: L.tensor([True, 2.5]), T(F64, (2,), [1.0, 2.5])),
    "tensor_int_float_nested": (lambda L: L.tensor([[1, 2.0], [False, 3]]), T(F64, (2, 2), [[1.0, 2.0], [0.0, 3.0]])),
    "tensor_bools": (lambda L: L.tensor([[True], [False]]), T(B, (2, 1), [[True], [False]])),
    "tensor_big_int": (lambda L: L.tensor([2 ** 62, 1]), T(I64, (2,), [2 ** 62, 1])),
    "tensor_int_too_big": (lambda L: L.tensor([2 ** 64]), ValueError),
    "tensor_int_past_int64": (lambda L: L.tensor([1, 2 ** 63]), ValueError),  # (numpy: float64; before: uint64)
    "tensor_int_below_int64": (lambda L: L.tensor([[-2 ** 63 - 1]]), ValueError),
    "tensor_float_and_big_int": (lambda L: L.tensor([1.5, 2 ** 63]), T(F64, (2,), [1.5, 2.0 ** 63])),
    "tensor_tuple": (lambda L: L.tensor((1.5, (2, 3))), TypeError),
    "tensor_tuple_of_tuples": (lambda L: L.tensor(((1, 2), (3, 4))), T(I64, (2, 2), [[1, 2], [3, 4]])),
    "tensor_empty_list": (lambda L: L.tensor([]), T(F64, (0,), [])),
    "tensor_empty_nested": (lambda L: L.tensor([[]]), T(F64, (1, 0), [[]])),
    "tensor_empty_nested_2": (lambda L: L.tensor([[], []]), T(F64, (2, 0), [[], []])),
    "tensor_empty_int_dtype": (lambda L: L.tensor([], dtype=L.int64), T(I64, (0,), [])),
    "tensor_ragged": (lambda L: L.tensor([[1, 2], [3]]), ValueError),
    "tensor_ragged_depth": (lambda L: L.tensor([[1, 2], 3]), TypeError),
    "tensor_string": (lambda L: L.tensor(["a"]), TypeError),
    "tensor_none": (lambda L: L.tensor(None), TypeError),
    "tensor_scalar_float": (lambda L: L.tensor(2.5), T(F64, (), 2.5)),
    "tensor_scalar_bool_float_dtype": (lambda L: L.tensor(True, dtype=L.float32), T(F32, (), 1.0)),
    "tensor_float_to_int_dtype": (lambda L: L.tensor([-1.7, 2.9], dtype=L.int32), T(I32, (2,), [-1, 2])),
    "tensor_int_to_bool_dtype": (lambda L: L.tensor([0, 3, -1], dtype=L.bool), T(B, (3,), [False, True, True])),
    "tensor_float32_explicit": (lambda L: L.tensor([0.1], dtype=L.float32), T(F32, (1,), [float(np.float32(0.1))])),
    "tensor_float16_explicit": (lambda L: L.tensor([0.1], dtype=L.float16), T(F16, (1,), [float(np.float16(0.1))])),
    "tensor_requires_grad": (lambda L: L.tensor([1.0, 2.0], requires_grad=True), T(F64, (2,), [1.0, 2.0], True)),
    "tensor_requires_grad_float32": (lambda L: L.tensor([1, 2], dtype=L.float32, requires_grad=True), T(F32, (2,), [1.0, 2.0], True)),
    "tensor_int_requires_grad": (lambda L: L.tensor([1, 2], requires_grad=True), RuntimeError),
    "tensor_int_dtype_requires_grad": (lambda L: L.tensor([1.0, 2.0], dtype=L.int64, requires_grad=True), RuntimeError),
    "tensor_bool_requires_grad": (lambda L: L.tensor(True, requires_grad=True), RuntimeError),
    "Tensor_int_list": (lambda L: L.Tensor([1, 2]), T(I64, (2,), [1, 2])),
    "Tensor_bool_list": (lambda L: L.Tensor([True, False]), T(B, (2,), [True, False])),
    "Tensor_sizes": (lambda L: L.Tensor(2, 3).shape, (("int", 2), ("int", 3))),
    "Tensor_empty": (lambda L: L.Tensor(), T(F64, (0,), [])),
    "Tensor_empty_list": (lambda L: L.Tensor([]), T(F64, (0,), [])),
    # numpy scalars keep their dtype (a 0-d tensor of it)
    **{f"tensor_np_scalar_{name}": (lambda L, name=name: L.tensor(getattr(np, name)(3)), T(name, (), 3 if name[0] in "iu" else (True if name == "bool" else 3.0)))
       for name in ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool")},
    "tensor_np_float32_scalar_in_list": (lambda L: L.tensor([np.float32(1.5), 2.0]), T(F64, (2,), [1.5, 2.0])),
    "tensor_np_float32_scalars_list": (lambda L: L.tensor([np.float32(1.5), np.float32(2.0)]), T(F32, (2,), [1.5, 2.0])),
    "tensor_np_int32_scalars_list": (lambda L: L.tensor([np.int32(1), np.int32(2)]), T(I32, (2,), [1, 2])),
    "tensor_np_int32_and_int": (lambda L: L.tensor([np.int32(1), 2]), T(I64, (2,), [1, 2])),
    "tensor_np_float16_and_bool": (lambda L: L.tensor([np.float16(1), True]), T(F16, (2,), [1.0, 1.0])),
    "tensor_np_uint8_scalars_list": (lambda L: L.tensor([[np.uint8(1)], [np.uint8(255)]]), T(U8, (2, 1), [[1], [255]])),
    "tensor_np_int8_array_in_list": (lambda L: L.tensor([np.array([1, 2], dtype=np.int8)]), T(I8, (1, 2), [[1, 2]])),
    # arrays of every dtype keep it, through tensor, as_tensor, from_numpy and Tensor(...)
    **{f"{maker}_np_array_{name}": (lambda L, name=name, maker=maker: getattr(L, maker)(np.array([0, 1], dtype=name)),
                                    T(name, (2,), [False, True] if name == "bool" else ([0, 1] if name[0] in "iu" else [0.0, 1.0])))
       for name in ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool")
       for maker in ("tensor", "as_tensor", "from_numpy")},
    "Tensor_np_array_int32": (lambda L: L.Tensor(np.array([1, 2], dtype=np.int32)), T(I32, (2,), [1, 2])),
    "tensor_np_array_dtype": (lambda L: L.tensor(np.array([1.5, 2.5]), dtype=L.float32), T(F32, (2,), [1.5, 2.5])),
    "tensor_np_complex": (lambda L: L.tensor(np.array([1 + 1j])).dtype == L.complex128, TypeError),
    "tensor_np_object": (lambda L: L.tensor(np.array([1, "a"], dtype=object)), TypeError),
    "from_numpy_list": (lambda L: L.from_numpy([1, 2]), TypeError),
    "from_numpy_0d": (lambda L: L.from_numpy(np.array(2.5)), T(F64, (), 2.5)),
    "from_numpy_noncontiguous": (lambda L: L.from_numpy(np.arange(6.0).reshape(2, 3).T), T(F64, (3, 2), [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]])),
    "as_tensor_list": (lambda L: L.as_tensor([1, 2.5]), T(F64, (2,), [1.0, 2.5])),
    "as_tensor_dtype": (lambda L: L.as_tensor(np.array([1, 2]), dtype=L.float32), T(F32, (2,), [1.0, 2.0])),
    "as_tensor_scalar": (lambda L: L.as_tensor(3), T(I64, (), 3)),
    # lists of tensors
    "tensor_list_of_0d": (lambda L: L.tensor([L.tensor(1.5), L.tensor(2.5)]), T(F64, (2,), [1.5, 2.5])),
    "tensor_list_of_0d_int": (lambda L: L.tensor([L.tensor(1), L.tensor(2)]), T(I64, (2,), [1, 2])),
    "tensor_list_of_0d_float32": (lambda L: L.tensor([L.tensor(1.5, dtype=L.float32), L.tensor(2.5, dtype=L.float32)]), T(F32, (2,), [1.5, 2.5])),
    "tensor_list_of_0d_mixed": (lambda L: L.tensor([L.tensor(1), L.tensor(2.5)]), T(F64, (2,), [1.0, 2.5])),
    "tensor_list_of_0d_and_number": (lambda L: L.tensor([L.tensor(1), 2.5]), T(F64, (2,), [1.0, 2.5])),
    "tensor_list_of_1elem": (lambda L: L.tensor([L.tensor([1.0]), L.tensor([2.0])]), T(F64, (2,), [1.0, 2.0])),  # (each read as a number)
    "tensor_list_of_vectors": (lambda L: L.tensor([L.tensor([1.0, 2.0]), L.tensor([3.0, 4.0])]), ValueError),
    "tensor_list_of_0d_requires_grad": (lambda L: _warn_always(L, lambda: L.tensor([L.tensor(1.0, requires_grad=True)])), T(F64, (1,), [1.0])),
    "as_tensor_list_of_0d": (lambda L: L.as_tensor([L.tensor(1), L.tensor(2)]), T(I64, (2,), [1, 2])),
    # tg.tensor(t): a copy, detached, with a warning
    "tensor_of_tensor": (lambda L: L.tensor(L.tensor([1.0, 2.0], requires_grad=True)), T(F64, (2,), [1.0, 2.0])),
    "tensor_of_tensor_dtype": (lambda L: L.tensor(L.tensor([1.5, 2.5]), dtype=L.int64), T(I64, (2,), [1, 2])),
    "tensor_of_tensor_is_copy": (lambda L: _copy_is_independent(L, lambda t: L.tensor(t)), ("bool", True)),
    "as_tensor_of_tensor_is_same": (lambda L: _same_object(L, lambda t: L.as_tensor(t)), ("bool", True)),
    "as_tensor_of_tensor_dtype": (lambda L: L.as_tensor(L.tensor([1.5, -2.5]), dtype=L.int32), T(I32, (2,), [1, -2])),
    "as_tensor_ndarray_shares": (lambda L: _shares_ndarray(L, L.as_tensor), ("bool", True)),
    "from_numpy_shares": (lambda L: _shares_ndarray(L, L.from_numpy), ("bool", True)),
    "tensor_ndarray_copies": (lambda L: _shares_ndarray(L, L.tensor), ("bool", False)),
    "as_tensor_ndarray_other_dtype_copies": (lambda L: _shares_ndarray(L, lambda a: L.as_tensor(a, dtype=L.float32)), ("bool", False)),
}


def _warn_always(L, fn):
    """fn() with warn-once warnings shown every time (PyTorch's and ours warn once per process)."""
    before = L.is_warn_always_enabled()
    L.set_warn_always(True)
    try:
        return fn()
    finally:
        L.set_warn_always(before)


def _copy_is_independent(L, make):
    t = L.tensor([1.0, 2.0])
    u = make(t)
    u[0] = 9.0
    return t[0].item() == 1.0


def _same_object(L, make):
    t = L.tensor([1.0, 2.0])
    return make(t) is t


def _shares_ndarray(L, make):
    a = np.array([1.0, 2.0])
    t = make(a)
    a[0] = 9.0
    return t[0].item() == 9.0


FILLED = {
    "zeros_ints": (lambda L: L.zeros(2, 1), T(F64, (2, 1), [[0.0], [0.0]])),
    "zeros_tuple": (lambda L: L.zeros((1, 2)), T(F64, (1, 2), [[0.0, 0.0]])),
    "zeros_list": (lambda L: L.zeros([2]), T(F64, (2,), [0.0, 0.0])),
    "zeros_size": (lambda L: L.zeros(L.Size([1, 1])), T(F64, (1, 1), [[0.0]])),
    "zeros_of_shape": (lambda L: L.zeros(L.ones(2, 1).shape), T(F64, (2, 1), [[0.0], [0.0]])),
    "zeros_empty_tuple": (lambda L: L.zeros(()), T(F64, (), 0.0)),
    "zeros_no_args": (lambda L: L.zeros(), T(F64, (), 0.0)),
    "zeros_size_kw_empty": (lambda L: L.zeros(size=()), T(F64, (), 0.0)),
    "zeros_zero_size": (lambda L: L.zeros(0, 3), T(F64, (0, 3), [])),
    "zeros_negative": (lambda L: L.zeros(2, -1), RuntimeError),
    "ones_negative_tuple": (lambda L: L.ones((-2,)), RuntimeError),
    "empty_negative": (lambda L: L.empty(-1), RuntimeError),
    "zeros_float_size": (lambda L: L.zeros(2.0), TypeError),
    "zeros_np_int_size": (lambda L: L.zeros(np.int64(2)), T(F64, (2,), [0.0, 0.0])),
    "zeros_tensor_size": (lambda L: L.zeros(L.tensor(2)), T(F64, (2,), [0.0, 0.0])),
    "zeros_size_kw": (lambda L: L.zeros(size=(1, 2)), T(F64, (1, 2), [[0.0, 0.0]])),
    "ones_int_dtype": (lambda L: L.ones(2, dtype=L.int32), T(I32, (2,), [1, 1])),
    "ones_bool_dtype": (lambda L: L.ones(2, dtype=L.bool), T(B, (2,), [True, True])),
    "ones_requires_grad": (lambda L: L.ones(1, requires_grad=True), T(F64, (1,), [1.0], True)),
    "ones_int_requires_grad": (lambda L: L.ones(1, dtype=L.int64, requires_grad=True), RuntimeError),
    "empty_shape": (lambda L: L.empty(2, 0, dtype=L.float32), T(F32, (2, 0), [[], []])),
    "empty_tuple_shape": (lambda L: L.empty((3,)).shape, (("int", 3),)),
    "full_int": (lambda L: L.full((2,), 3), T(I64, (2,), [3, 3])),
    "full_bool": (lambda L: L.full((2,), True), T(B, (2,), [True, True])),
    "full_float": (lambda L: L.full((2,), 1.5), T(F64, (2,), [1.5, 1.5])),
    "full_int_size": (lambda L: L.full(2, 1.5), T(F64, (2,), [1.5, 1.5])),
    "full_list_size": (lambda L: L.full([1, 2], 0), T(I64, (1, 2), [[0, 0]])),
    "full_empty_shape": (lambda L: L.full((), 7), T(I64, (), 7)),
    "full_np_float32": (lambda L: L.full((1,), np.float32(2.5)), T(F64, (1,), [2.5])),
    "full_np_int32": (lambda L: L.full((1,), np.int32(2)), T(I64, (1,), [2])),
    "full_tensor_fill": (lambda L: L.full((2,), L.tensor(2)), T(I64, (2,), [2, 2])),
    "full_float_into_int": (lambda L: L.full((2,), 2.7, dtype=L.int64), T(I64, (2,), [2, 2])),
    "full_nan_into_int": (lambda L: L.full((2,), NAN, dtype=L.int64), RuntimeError),
    "full_big_into_int32": (lambda L: L.full((2,), 2 ** 31, dtype=L.int32), RuntimeError),
    "full_inf_into_float32": (lambda L: L.full((1,), INF, dtype=L.float32), T(F32, (1,), [INF])),
    "full_big_into_float16": (lambda L: L.full((1,), 1e5, dtype=L.float16), T(F16, (1,), [INF])),
    "full_int_into_bool": (lambda L: L.full((1,), 2, dtype=L.bool), T(B, (1,), [True])),
    "full_nan": (lambda L: L.full((1,), float("nan")), T(F64, (1,), [NAN])),
    "full_big_into_float32": (lambda L: L.full((1,), 1e300, dtype=L.float32), RuntimeError),
    "full_negative": (lambda L: L.full((-1,), 1.0), RuntimeError),
    "full_requires_grad": (lambda L: L.full((1,), 2.0, requires_grad=True), T(F64, (1,), [2.0], True)),
    "full_int_requires_grad": (lambda L: L.full((1,), 2, requires_grad=True), RuntimeError),
    "eye_n": (lambda L: L.eye(2), T(F64, (2, 2), [[1.0, 0.0], [0.0, 1.0]])),
    "eye_n_m": (lambda L: L.eye(2, 3), T(F64, (2, 3), [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])),
    "eye_tall": (lambda L: L.eye(3, 1, dtype=L.int64), T(I64, (3, 1), [[1], [0], [0]])),
    "eye_zero": (lambda L: L.eye(0), T(F64, (0, 0), [])),
    "eye_bool": (lambda L: L.eye(2, dtype=L.bool), T(B, (2, 2), [[True, False], [False, True]])),
    "eye_negative": (lambda L: L.eye(-1), RuntimeError),
    "eye_negative_m": (lambda L: L.eye(2, -1), RuntimeError),
    "eye_requires_grad": (lambda L: L.eye(1, requires_grad=True), T(F64, (1, 1), [[1.0]], True)),
    "zeros_like_int": (lambda L: L.zeros_like(L.tensor([1, 2])), T(I64, (2,), [0, 0])),
    "zeros_like_bool": (lambda L: L.zeros_like(L.tensor([True])), T(B, (1,), [False])),
    "zeros_like_dtype": (lambda L: L.zeros_like(L.tensor([1, 2]), dtype=L.float32), T(F32, (2,), [0.0, 0.0])),
    "ones_like_dtype": (lambda L: L.ones_like(L.tensor([1.5]), dtype=L.int8), T(I8, (1,), [1])),
    "ones_like_keeps_no_grad": (lambda L: L.ones_like(L.tensor([1.5], requires_grad=True)), T(F64, (1,), [1.0])),
    "full_like_int_float_fill": (lambda L: L.full_like(L.tensor([1, 2]), 2.7), T(I64, (2,), [2, 2])),
    "full_like_dtype": (lambda L: L.full_like(L.tensor([1, 2]), 2.5, dtype=L.float32), T(F32, (2,), [2.5, 2.5])),
    "full_like_bool_fill": (lambda L: L.full_like(L.tensor([1.0]), True), T(F64, (1,), [1.0])),
    "empty_like_dtype": (lambda L: L.empty_like(L.tensor([1, 2]), dtype=L.float16).shape, (("int", 2),)),
    "zeros_like_requires_grad": (lambda L: L.zeros_like(L.tensor([1.0]), requires_grad=True), T(F64, (1,), [0.0], True)),
    "zeros_like_int_requires_grad": (lambda L: L.zeros_like(L.tensor([1]), requires_grad=True), RuntimeError),
    "zeros_like_list": (lambda L: L.zeros_like([1, 2]), TypeError),
}

RANGES = {
    "arange_int": (lambda L: L.arange(3), T(I64, (3,), [0, 1, 2])),
    "arange_int_start_end": (lambda L: L.arange(2, 5), T(I64, (3,), [2, 3, 4])),
    "arange_int_step": (lambda L: L.arange(0, 7, 3), T(I64, (3,), [0, 3, 6])),
    "arange_negative_step": (lambda L: L.arange(5, 0, -2), T(I64, (3,), [5, 3, 1])),
    "arange_float_end": (lambda L: L.arange(2.0), T(F64, (2,), [0.0, 1.0])),
    "arange_float_step": (lambda L: L.arange(0, 1, 0.25), T(F64, (4,), [0.0, 0.25, 0.5, 0.75])),
    "arange_float_near_end": (lambda L: L.arange(0, 0.3, 0.1).shape, (("int", 3),)),
    "arange_float_near_end_2": (lambda L: L.arange(1, 1.3, 0.1).shape, (("int", 4),)),
    "arange_float_near_end_3": (lambda L: L.arange(0, 1, 0.1).shape, (("int", 10),)),
    "arange_float_near_end_float32": (lambda L: L.arange(1, 1.3, 0.1, dtype=L.float32), T(F32, (4,), [1.0, float(np.float32(1.1)), float(np.float32(1.2)), float(np.float32(1.3))])),
    "arange_negative_float_step": (lambda L: L.arange(1.0, 0.0, -0.5), T(F64, (2,), [1.0, 0.5])),
    "arange_zero_step": (lambda L: L.arange(0, 3, 0), RuntimeError),
    "arange_wrong_sign": (lambda L: L.arange(0, 3, -1), RuntimeError),
    "arange_empty": (lambda L: L.arange(3, 3), T(I64, (0,), [])),
    "arange_int_dtype_float_args": (lambda L: L.arange(0.5, 3, dtype=L.int64), T(I64, (3,), [0, 1, 2])),
    "arange_float_dtype": (lambda L: L.arange(3, dtype=L.float32), T(F32, (3,), [0.0, 1.0, 2.0])),
    "arange_tensor_args": (lambda L: L.arange(L.tensor(3)), T(I64, (3,), [0, 1, 2])),
    "arange_float_tensor_args": (lambda L: L.arange(L.tensor(2.0)), T(F64, (2,), [0.0, 1.0])),
    "arange_np_int": (lambda L: L.arange(np.int32(2)), T(I64, (2,), [0, 1])),
    "arange_np_float": (lambda L: L.arange(np.float32(2)), T(F64, (2,), [0.0, 1.0])),
    "arange_requires_grad": (lambda L: L.arange(2.0, requires_grad=True), T(F64, (2,), [0.0, 1.0], True)),
    "arange_int_requires_grad": (lambda L: L.arange(2, requires_grad=True), RuntimeError),
    "arange_inf": (lambda L: L.arange(0, float("inf")), RuntimeError),
    "arange_nan": (lambda L: L.arange(0, float("nan")), RuntimeError),
    "arange_bool_dtype": (lambda L: L.arange(2, dtype=L.bool), RuntimeError),
    "linspace_0": (lambda L: L.linspace(0, 1, 0), T(F64, (0,), [])),
    "linspace_1": (lambda L: L.linspace(2, 5, 1), T(F64, (1,), [2.0])),
    "linspace_2": (lambda L: L.linspace(2, 5, 2), T(F64, (2,), [2.0, 5.0])),
    "linspace_int_dtype": (lambda L: L.linspace(0, 5, 4, dtype=L.int64), T(I64, (4,), [0, 1, 3, 5])),
    "linspace_negative": (lambda L: L.linspace(0, 1, -1), RuntimeError),
    "logspace_0": (lambda L: L.logspace(0, 2, 0), T(F64, (0,), [])),
    "logspace_1": (lambda L: L.logspace(2, 5, 1), T(F64, (1,), [100.0])),
    "logspace_base2": (lambda L: L.logspace(0, 3, 4, base=2), T(F64, (4,), [1.0, 2.0, 4.0, 8.0])),
    "logspace_1_float32": (lambda L: L.logspace(1, 5, 1, dtype=L.float32), T(F32, (1,), [10.0])),
    "linspace_requires_grad": (lambda L: L.linspace(0, 1, 2, requires_grad=True), T(F64, (2,), [0.0, 1.0], True)),
}

TO_PYTHON = {
    "tolist_0d": (lambda L: L.tensor(2.5).tolist(), ("float", 2.5)),
    "tolist_0d_int": (lambda L: L.tensor(3).tolist(), ("int", 3)),
    "tolist_0d_bool": (lambda L: L.tensor(True).tolist(), ("bool", True)),
    "tolist_float32": (lambda L: L.tensor([0.1], dtype=L.float32).tolist(), [("float", float(np.float32(0.1)))]),
    "tolist_int8": (lambda L: L.tensor([-1], dtype=L.int8).tolist(), [("int", -1)]),
    "tolist_empty": (lambda L: L.zeros(0, 2).tolist(), []),
    "item_1elem": (lambda L: L.tensor([[2.5]]).item(), ("float", 2.5)),
    "item_int32": (lambda L: L.tensor([7], dtype=L.int32).item(), ("int", 7)),
    "item_uint8": (lambda L: L.tensor([200], dtype=L.uint8).item(), ("int", 200)),
    "item_float16": (lambda L: L.tensor(0.1, dtype=L.float16).item(), ("float", float(np.float16(0.1)))),
    "item_bool": (lambda L: L.tensor([False]).item(), ("bool", False)),
    "item_many": (lambda L: L.tensor([1.0, 2.0]).item(), RuntimeError),
    "item_empty": (lambda L: L.zeros(0).item(), RuntimeError),
    "item_requires_grad": (lambda L: L.tensor(1.5, requires_grad=True).item(), ("float", 1.5)),
    "int_0d": (lambda L: int(L.tensor(2.9)), ("int", 2)),
    "int_negative": (lambda L: int(L.tensor(-2.9)), ("int", -2)),
    "int_1elem": (lambda L: int(L.tensor([[3]])), ("int", 3)),
    "int_many": (lambda L: int(L.tensor([1, 2])), ValueError),
    "int_nan": (lambda L: int(L.tensor(float("nan"))), ValueError),
    "int_inf": (lambda L: int(L.tensor(float("inf"))), OverflowError),
    "float_0d_int": (lambda L: float(L.tensor(3)), ("float", 3.0)),
    "float_1elem": (lambda L: float(L.tensor([1.5])), ("float", 1.5)),
    "float_many": (lambda L: float(L.tensor([1.5, 2.5])), ValueError),
    "float_empty": (lambda L: float(L.zeros(0)), ValueError),
    "float_requires_grad": (lambda L: _warn_always(L, lambda: float(L.tensor(1.5, requires_grad=True))), ("float", 1.5)),
    "float_1elem_requires_grad": (lambda L: _warn_always(L, lambda: float(L.tensor([1.5], requires_grad=True))), ("float", 1.5)),
    "int_requires_grad": (lambda L: _warn_always(L, lambda: int(L.tensor(1.5, requires_grad=True))), ("int", 1)),
    "item_requires_grad_warn_always": (lambda L: _warn_always(L, lambda: L.tensor([1.5], requires_grad=True).item()), ("float", 1.5)),
    "bool_0d": (lambda L: bool(L.tensor(0.0)), ("bool", False)),
    "bool_1elem": (lambda L: bool(L.tensor([2])), ("bool", True)),
    "bool_nan": (lambda L: bool(L.tensor(float("nan"))), ("bool", True)),
    "bool_many": (lambda L: bool(L.tensor([1, 2])), RuntimeError),
    "bool_empty": (lambda L: bool(L.zeros(0)), RuntimeError),
    "index_0d_int": (lambda L: [10, 20, 30][L.tensor(1)], ("int", 20)),
    "index_1elem": (lambda L: [10, 20, 30][L.tensor([1])], ("int", 20)),
    "index_float": (lambda L: [10, 20, 30][L.tensor(1.0)], TypeError),
    "complex_0d": (lambda L: complex(L.tensor(1.5)), (1.5 + 0j)),
    "numpy_requires_grad": (lambda L: L.tensor([1.0], requires_grad=True).numpy(), ("ndarray", F64, [1.0])),
    "numpy_force": (lambda L: L.tensor([1.0], requires_grad=True).numpy(force=True), ("ndarray", F64, [1.0])),
    "numpy_detach": (lambda L: L.tensor([1.0], requires_grad=True).detach().numpy(), ("ndarray", F64, [1.0])),
    "numpy_int": (lambda L: L.tensor([1, 2], dtype=L.int16).numpy(), ("ndarray", I16, [1, 2])),
    "numpy_0d": (lambda L: L.tensor(2.5).numpy(), ("ndarray", F64, 2.5)),
    "asarray_requires_grad": (lambda L: np.asarray(L.tensor([1.0], requires_grad=True)), ("ndarray", F64, [1.0])),
    "asarray_dtype": (lambda L: np.asarray(L.tensor([1.5]), dtype=np.float32), ("ndarray", F32, [1.5])),
    "asarray_int": (lambda L: np.asarray(L.tensor([1, 2])), ("ndarray", I64, [1, 2])),
    "numpy_shares": (lambda L: _numpy_shares(L), ("bool", True)),
    "asarray_shares": (lambda L: _asarray_shares(L), ("bool", True)),
}


def _numpy_shares(L):
    t = L.tensor([1.0, 2.0])
    t.numpy()[0] = 9.0
    return t[0].item() == 9.0


def _asarray_shares(L):
    t = L.tensor([1.0, 2.0])
    np.asarray(t)[0] = 9.0
    return t[0].item() == 9.0


CONVERSIONS = {
    "to_dtype": (lambda L: L.tensor([1.5, -1.5]).to(L.float32), T(F32, (2,), [1.5, -1.5])),
    "to_same_is_self": (lambda L: _to_same(L), ("bool", True)),
    "to_int_truncates": (lambda L: L.tensor([2.7, -2.7, -0.5]).to(L.int64), T(I64, (3,), [2, -2, 0])),
    "long_truncates": (lambda L: L.tensor([1.9, -1.9]).long(), T(I64, (2,), [1, -1])),
    "int_truncates": (lambda L: L.tensor([1.9, -1.9]).int(), T(I32, (2,), [1, -1])),
    "double_of_int": (lambda L: L.tensor([1, 2]).double(), T(F64, (2,), [1.0, 2.0])),
    "float_of_int": (lambda L: L.tensor([1, 2]).float(), T(F32, (2,), [1.0, 2.0])),
    "half_of_float": (lambda L: L.tensor([0.1]).half(), T(F16, (1,), [float(np.float16(0.1))])),
    "bool_of_floats": (lambda L: L.tensor([0.0, -0.0, 0.5, NAN, -INF]).bool(), T(B, (5,), [False, False, True, True, True])),
    "bool_of_ints": (lambda L: L.tensor([0, -3]).bool(), T(B, (2,), [False, True])),
    "float_of_bool": (lambda L: L.tensor([True, False]).double(), T(F64, (2,), [1.0, 0.0])),
    "long_of_bool": (lambda L: L.tensor([True, False]).long(), T(I64, (2,), [1, 0])),
    "uint8_of_negative_int": (lambda L: L.tensor([-1, 256]).to(L.uint8), T(U8, (2,), [255, 0])),
    "int8_wraps": (lambda L: L.tensor([200, -129]).to(L.int8), T(I8, (2,), [-56, 127])),
    "int32_wraps": (lambda L: L.tensor([2 ** 31]).int(), T(I32, (1,), [-2 ** 31])),
    "float32_overflow": (lambda L: L.tensor([1e300, -1e300]).float(), T(F32, (2,), [INF, -INF])),
    "float16_overflow": (lambda L: L.tensor([1e5]).half(), T(F16, (1,), [INF])),
    "float_nan_inf_keep": (lambda L: L.tensor([NAN, INF, -INF]).float(), T(F32, (3,), [NAN, INF, -INF])),
    "to_requires_grad_float": (lambda L: L.tensor([1.5], requires_grad=True).float(), T(F32, (1,), [1.5], True)),
    "to_requires_grad_int": (lambda L: L.tensor([1.5], requires_grad=True).long(), T(I64, (1,), [1], False)),
    "to_requires_grad_bool": (lambda L: L.tensor([1.5], requires_grad=True).bool(), T(B, (1,), [True], False)),
    "to_positional_device_dtype": (lambda L: L.tensor([1]).to("cpu", L.float16), T(F16, (1,), [1.0])),
    "to_dtype_kw": (lambda L: L.tensor([1]).to(dtype=L.float64), T(F64, (1,), [1.0])),
    "to_tensor": (lambda L: L.tensor([1.5]).to(L.tensor([1], dtype=L.int16)), T(I16, (1,), [1])),
    "to_python_float": (lambda L: L.tensor([1]).to(float), T(F64, (1,), [1.0])),
    "to_python_int": (lambda L: L.tensor([1.5]).to(int), T(I64, (1,), [1])),
    "to_python_bool": (lambda L: L.tensor([1.5]).to(bool), T(B, (1,), [True])),
    "to_copy": (lambda L: _to_copy(L), ("bool", True)),
    "type_name": (lambda L: L.tensor([1.5]).type().split(".")[-1], "DoubleTensor"),
    "type_name_int": (lambda L: L.tensor([1]).type().split(".")[-1], "LongTensor"),
    "type_name_bool": (lambda L: L.tensor([True]).type().split(".")[-1], "BoolTensor"),
    "type_name_float32": (lambda L: L.tensor([1.0], dtype=L.float32).type().split(".")[-1], "FloatTensor"),
    "type_dtype": (lambda L: L.tensor([1.5]).type(L.int32), T(I32, (1,), [1])),
    "type_legacy": (lambda L: L.tensor([1.5]).type(L.LongTensor), T(I64, (1,), [1])),
    "type_string": (lambda L: L.tensor([1.5]).type(L.__name__ + ".IntTensor"), T(I32, (1,), [1])),
    "type_string_float": (lambda L: L.tensor([1]).type(L.__name__ + ".FloatTensor"), T(F32, (1,), [1.0])),
    "type_bad_string": (lambda L: L.tensor([1]).type("nonsense"), ValueError),
    "type_as": (lambda L: L.tensor([1.5]).type_as(L.tensor([1], dtype=L.int8)), T(I8, (1,), [1])),
    "double_requires_grad_same": (lambda L: _double_same(L), ("bool", True)),
}


def _to_same(L):
    t = L.tensor([1.5])
    return t.to(L.float64) is t and t.double() is t and t.type(L.float64) is t


def _to_copy(L):
    t = L.tensor([1.5])
    u = t.to(L.float64, copy=True)
    u[0] = 2.0
    return u is not t and t.item() == 1.5


def _double_same(L):
    t = L.tensor([1.5], requires_grad=True)
    return t.double() is t


# float -> int conversions of values no int represents (NaN, ±inf, out of range): C leaves
# them undefined, so the result depends on the CPU and the compiler; PyTorch 2.13 on x86-64
# and numpy give INT64_MIN for int64 there. Only the defined cases are in CONVERSIONS; these
# check just the dtype, shape and that no exception or warning is raised.
UNDEFINED = {
    "long_of_nan_inf": (lambda L: _dtype_shape(L.tensor([NAN, INF, -INF, 1e300]).long()), (I64, (("int", 4),))),
    "int_of_nan_inf": (lambda L: _dtype_shape(L.tensor([NAN, INF, -INF]).int()), (I32, (("int", 3),))),
    "uint8_of_negative_float": (lambda L: _dtype_shape(L.tensor([-1.0, 300.0]).to(L.uint8)), (U8, (("int", 2),))),
}


def _dtype_shape(t):
    return (_dtype_name(t.dtype), tuple(t.shape))


SHARING = {
    "clone_is_copy": (lambda L: _copy_is_independent(L, lambda t: t.clone()), ("bool", True)),
    "detach_shares": (lambda L: _detach_shares(L), ("bool", True)),
    "clone_keeps_graph": (lambda L: _clone_graph(L), (("bool", True), ("bool", False))),
    "detach_no_grad": (lambda L: L.tensor([1.0], requires_grad=True).detach(), T(F64, (1,), [1.0])),
    "clone_requires_grad": (lambda L: L.tensor([1.0], requires_grad=True).clone(), T(F64, (1,), [1.0], True)),
    "clone_int": (lambda L: L.tensor([1, 2]).clone(), T(I64, (2,), [1, 2])),
    "detach_clone_float32": (lambda L: L.tensor([1.0], dtype=L.float32).detach().clone(), T(F32, (1,), [1.0])),
    "detach_version_shared": (lambda L: _detach_version(L), ("bool", True)),
}


def _detach_shares(L):
    t = L.tensor([1.0, 2.0], requires_grad=True)
    d = t.detach()
    d[0] = 5.0
    return t[0].item() == 5.0


def _clone_graph(L):
    t = L.tensor([1.0], requires_grad=True)
    c = t.clone()
    return (c.grad_fn is not None, c.is_leaf)


def _detach_version(L):
    t = L.tensor([1.0, 2.0])
    d = t.detach()
    before = t._version
    d.add_(1)
    return t._version == before + 1


# Deliberate differences from PyTorch 2.13, each a row of docs/from-pytorch.md (the torch
# comparison checks that they still differ, so a row cannot outlive its reason)
DIFFERENT = {
    "Tensor_int_list": "tg.Tensor(data) is tg.tensor(data): ints stay ints",
    "Tensor_bool_list": "tg.Tensor(data) is tg.tensor(data)",
    "Tensor_np_array_int32": "tg.Tensor(data) is tg.tensor(data)",
    "numpy_requires_grad": ".numpy() on a tensor that requires grad",
    "asarray_requires_grad": "np.asarray(t) of a tensor that requires grad, as .numpy()",
    "tensor_np_complex": "complex dtypes are out of scope",
    "tensor_np_int8_array_in_list": "no 'list of ndarrays is extremely slow' warning",
    "tensor_none": "malformed data: TypeError",
    "tensor_string": "malformed data: TypeError",
    "full_int_size": "full(3, v): a size may be one int",
    "zeros_no_args": "zeros() with no size is 0-d",
    "float32_overflow": "numpy's RuntimeWarning for a cast that overflows",
    "float16_overflow": "numpy's RuntimeWarning for a cast that overflows",
    "long_of_nan_inf": "numpy's RuntimeWarning for a cast of nan/inf to an integer",
    "int_of_nan_inf": "numpy's RuntimeWarning for a cast of nan/inf to an integer",
    "full_big_into_float16": "numpy's RuntimeWarning for a cast that overflows",
}


CASES = {**FROM_DATA, **FILLED, **RANGES, **TO_PYTHON, **CONVERSIONS, **UNDEFINED, **SHARING}


@pytest.mark.parametrize("name", list(CASES))
def test_case(name):
    fn, expected = CASES[name]
    result, _ = _run(fn, tg)
    assert_expected(name, result, expected, _close)


def _agrees(ours, our_warnings, theirs, their_warnings) -> bool:
    if isinstance(theirs, type):
        return isinstance(ours, type) and issubclass(ours, theirs)
    return _close(ours, theirs) and our_warnings == their_warnings


@needs_torch
@pytest.mark.parametrize("name", list(CASES))
def test_case_matches_torch(name):
    fn, _ = CASES[name]
    (ours, our_warnings), (theirs, their_warnings) = run_both(_run, fn, torch)
    agrees = _agrees(ours, our_warnings, theirs, their_warnings)
    if name in DIFFERENT:
        assert not agrees, f"{name} now agrees with torch: remove it from DIFFERENT and its docs row ({DIFFERENT[name]})"
    else:
        assert agrees, f"{name}:\n  ours  {ours} {our_warnings}\n  torch {theirs} {their_warnings}"


# ---- regressions (each failed before its fix; no torch needed) ------------------------------------

@pytest.mark.parametrize("make", [
    lambda: tg.zeros(2, -1), lambda: tg.full((-1,), 1.0), lambda: tg.empty(-3), lambda: tg.eye(2, -1),
    lambda: tg.arange(0, 3, 0), lambda: tg.arange(0, 3, -1), lambda: tg.arange(0, float("inf")),
    lambda: tg.arange(float("nan")),
])
def test_bad_sizes_and_ranges_raise_value_and_runtime_error(make):
    # PyTorch raises RuntimeError; these raised only ValueError (and numpy's for an infinite end)
    with pytest.raises(ValueError) as info:
        make()
    assert isinstance(info.value, RuntimeError)


def test_list_of_numpy_scalars_keeps_their_dtype():
    # PyTorch promotes the elements' dtypes (a Python float counting as the default float dtype);
    # the numpy scalars' float32 / int32 / uint8 used to become float64 / int64
    assert tg.tensor([np.float32(1.5), np.float32(2)]).dtype == np.float32
    assert tg.tensor([np.int32(1), np.int32(2)]).dtype == np.int32
    assert tg.tensor([[np.uint8(255)], [np.uint8(1)]]).tolist() == [[255], [1]]
    assert tg.tensor([np.array([1, 2], dtype=np.int8)]).dtype == np.int8
    assert tg.tensor([np.float16(1), True]).dtype == np.float16
    assert tg.tensor([np.float32(1.5), 2.0]).dtype == np.float64  # (the Python float's default dtype)
    assert tg.tensor([np.int32(1), 2]).dtype == np.int64
    tg.set_default_dtype(tg.float32)  # (the suite's fixture restores it)
    assert tg.tensor([1.5, 2]).dtype == np.float32 and tg.tensor([np.float16(1)]).dtype == np.float16


def test_full_infers_the_dtype_of_a_numpy_scalar_or_tensor_fill_value_as_a_number():
    # np.float32(2.5) gave a float32 tensor (PyTorch: the default float dtype) and a tensor fill
    # value raised TypeError
    assert tg.full((2,), np.float32(2.5)).dtype == np.float64
    assert tg.full((1,), np.int32(3)).dtype == np.int64
    t = tg.full((2,), tg.tensor(2))
    assert t.dtype == np.int64 and t.tolist() == [2, 2]


@pytest.mark.parametrize("value, dtype", [
    (float("nan"), tg.int64), (float("inf"), tg.int32), (2 ** 31, tg.int32), (1e300, tg.float32), (-1e39, tg.float32),
])
def test_full_refuses_a_value_its_dtype_cannot_hold(value, dtype):
    # it stored numpy's undefined conversion (INT64_MIN for nan) or inf, with a RuntimeWarning
    with pytest.raises(RuntimeError, match="without overflow"):
        tg.full((2,), value, dtype=dtype)
    assert tg.full((1,), float("inf"), dtype=tg.float32).tolist() == [float("inf")]
    assert tg.full((1,), 2.7, dtype=tg.int64).tolist() == [2]


def test_arange_refuses_bool():
    with pytest.raises(NotImplementedError, match="bool"):
        tg.arange(2, dtype=tg.bool)


def test_list_mixing_numbers_and_lists_is_a_type_error():
    # PyTorch: TypeError; a ragged list of lists stays a ValueError
    for data in ([[1, 2], 3], (1.5, (2, 3))):
        with pytest.raises(TypeError, match="mixes numbers and lists"):
            tg.tensor(data)
    with pytest.raises(ValueError, match="ragged"):
        tg.tensor([[1, 2], [3]])


def test_int_tensor_requiring_grad_raises_type_and_runtime_error():
    for make in (lambda: tg.tensor([1, 2], requires_grad=True), lambda: tg.ones(1, dtype=tg.int64, requires_grad=True)):
        with pytest.raises(TypeError) as info:
            make()
        assert isinstance(info.value, RuntimeError)


def test_list_of_tensors_requiring_grad_warns_as_float_does():
    tg.set_warn_always(True)
    try:
        with pytest.warns(UserWarning, match="requires_grad=True to a scalar"):
            t = tg.tensor([tg.tensor(1.5, requires_grad=True), tg.tensor(2.0)])
    finally:
        tg.set_warn_always(False)
    assert t.tolist() == [1.5, 2.0] and not t.requires_grad
