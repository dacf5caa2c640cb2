"""Making tensors: from data, filled with a constant, ranges, identity, random numbers.

Each function has PyTorch's name and signature: sizes as ints or one tuple (or `size=`), and the
keywords `dtype=`, `device=` (only the CPU exists here) and `requires_grad=`. `out=` is accepted
only as None. A bad argument (a negative size, a zero step) raises ArgumentValueError (tinygrad_edu.errors): a
ValueError, and a RuntimeError as PyTorch raises.

>>> import tinygrad_edu as tg
>>> tg.zeros(2, 3, dtype=tg.float32, device="cpu").shape
(2, 3)
>>> tg.randint(0, 10, (4,)).dtype == tg.int64
True
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from . import dtype as _dtype
from . import memory_formats as _formats
from .autograd.api import made
from .determinism import fill_uninitialized
from .devices import check_device
from .errors import ArgumentValueError, NotImplementedForDtype
from .linspace_values import linspace_values, logspace_values
from .random import rng_of
from .tensor import Tensor, _shape_args, _to_array, _warn_scalar_of_grad_tensor


def _finish(array: np.ndarray, requires_grad: bool, device, op: str, out=None) -> Tensor:
    """The common end of every creation function: check device and out, make the leaf."""
    check_device(device, op)
    if out is not None:
        raise TypeError(f"{op}: out= is not supported; assign the result instead (t = tg.{op}(...))")
    return Tensor(array, requires_grad=requires_grad)


def _size_args(size) -> tuple:
    """One size given as a value (`full(3, ...)`, `size=(2, 3)`) as the argument tuple of `_size`."""
    return (size,) if isinstance(size, (int, np.integer)) else (tuple(size),)


def _size(size: tuple, size_keyword, op: str) -> tuple:
    if size_keyword is not None:
        if size:
            raise TypeError(f"{op}: give the size either as arguments or as size=, not both")
        size = _size_args(size_keyword)
    shape = _shape_args(size, op)
    if any(n < 0 for n in shape):
        raise ArgumentValueError(f"{op}: a shape cannot have negative sizes, got {shape}")
    return shape


def _float_dtype(dtype, op: str) -> np.dtype:
    return _dtype.get_default_dtype() if dtype is None else _dtype.as_dtype(dtype, op)


# ---- from data ----------------------------------------------------------------------------------
def tensor(data, *, dtype=None, device=None, requires_grad: bool = False, pin_memory: bool = False,
           name: str | None = None) -> Tensor:
    """A new leaf tensor holding a copy of `data` (a number, a nested list, an array, a Tensor, or
    a list of one-element Tensors), as `torch.tensor`. Python floats become the default float
    dtype, ints int64, bools bool; an array keeps its dtype.

    >>> import tinygrad_edu as tg
    >>> tg.tensor([1.5, 2.0], requires_grad=True)
    tensor([1.5000, 2.0000], requires_grad=True)
    """
    check_device(device, "tensor")
    dtype = None if dtype is None else _dtype.as_dtype(dtype, "tensor")
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() "
                      "or sourceTensor.detach().clone().requires_grad_(True), rather than "
                      "tg.tensor(sourceTensor).", UserWarning, stacklevel=2)
    if isinstance(data, (list, tuple)) and _holds_tensors(data):
        dtype = dtype or _list_dtype(data)
        data = _tensor_list(data)
    array = _to_array(data, dtype)
    if isinstance(data, np.ndarray) and np.may_share_memory(array, data):
        array = array.copy()  # torch.tensor always copies (as_tensor and from_numpy share)
    t = made(Tensor._make(array, None, False))  # (inside tg.inference_mode(): an inference tensor)
    if name is not None:
        t.name = name
    return t.requires_grad_() if requires_grad else t


def _holds_tensors(data) -> bool:
    return any(isinstance(x, Tensor) or (isinstance(x, (list, tuple)) and _holds_tensors(x)) for x in data)


def _list_dtype(data) -> np.dtype:
    """PyTorch's dtype for a list mixing tensors and numbers: the promotion of the tensors'
    dtypes and of the numbers' (int64, bool, or the default float dtype)."""
    result = None
    for x in data:
        if isinstance(x, (list, tuple)):
            found = _list_dtype(x) if x else None
        elif isinstance(x, Tensor):
            found = x.data.dtype
        else:
            found = Tensor(x).data.dtype
        if found is not None:
            result = found if result is None else _dtype.promote_types(result, found)
    return result


def _tensor_list(data):
    """A list holding Tensors, with each (one-element) Tensor replaced by its 0-d array."""
    items = []
    for x in data:
        if isinstance(x, Tensor):
            if x.requires_grad:
                _warn_scalar_of_grad_tensor()  # (PyTorch reads each element as a Python number)
            if x.data.size != 1:
                raise ValueError(
                    f"tensor: only one element tensors can be converted to Python scalars, but the list "
                    f"holds one of shape {x.shape}; use tg.stack(list_of_tensors) to join tensors")
            items.append(x.data.reshape(()))
        elif isinstance(x, (list, tuple)):
            items.append(_tensor_list(x))
        else:
            items.append(x)
    return items


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """`data` as a tensor, sharing memory when it can (a Tensor of that dtype is returned as it is;
    an ndarray of that dtype is wrapped without a copy); other data is copied."""
    check_device(device, "as_tensor")
    dtype = None if dtype is None else _dtype.as_dtype(dtype, "as_tensor")
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, (list, tuple)) and _holds_tensors(data):
        dtype = dtype or _list_dtype(data)
        data = _tensor_list(data)
    return Tensor(data, dtype=dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor that shares memory with `array`: changing one changes the other (as
    `torch.from_numpy`). The dtype is the array's."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray (got {array.__class__.__name__})")
    return Tensor(array)


# ---- filled with a constant ---------------------------------------------------------------------
def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False, **kwargs) -> Tensor:
    """A tensor of zeros: `tg.zeros(2, 3)`, `tg.zeros((2, 3))` or `tg.zeros(size=(2, 3))`."""
    shape = _size(size, _size_keyword(kwargs, "zeros"), "zeros")
    return _finish(np.zeros(shape, _float_dtype(dtype, "zeros")), requires_grad, device, "zeros", out)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
         pin_memory: bool = False, **kwargs) -> Tensor:
    """A tensor of ones."""
    shape = _size(size, _size_keyword(kwargs, "ones"), "ones")
    return _finish(np.ones(shape, _float_dtype(dtype, "ones")), requires_grad, device, "ones", out)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False, memory_format=_formats.contiguous_format, **kwargs) -> Tensor:
    """A tensor whose values you will overwrite. PyTorch leaves them uninitialised; here they are
    zeros, so a run stays repeatable (do not rely on either) -- or, with
    `tg.use_deterministic_algorithms(True)`, NaN / the largest integer, as PyTorch fills them then
    (utils/deterministic.py). `memory_format=tg.channels_last`
    lays a 4-D tensor out as N, H, W, C (memory_formats.py).

    >>> import tinygrad_edu as tg
    >>> tg.empty(2, 3, 5, 7, memory_format=tg.channels_last).stride()
    (105, 1, 21, 3)
    """
    shape = _size(size, _size_keyword(kwargs, "empty"), "empty")
    fmt = _formats.as_format(memory_format, "empty", _formats.contiguous_format)
    array = _formats.strided_zeros(shape, _formats.format_strides(shape, fmt, "empty"), _float_dtype(dtype, "empty"))
    return _finish(fill_uninitialized(array), requires_grad, device, "empty", out)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """A tensor of `size` filled with `fill_value` (dtype inferred from it, as in PyTorch: bool,
    int64, or the default float dtype)."""
    fill_value = _number(fill_value)
    if dtype is None:  # a numpy scalar counts as the Python number it holds, as in PyTorch
        dtype = Tensor(fill_value.item() if isinstance(fill_value, np.generic) else fill_value).dtype
    shape = _size(_size_args(size), None, "full")
    dtype = _dtype.as_dtype(dtype, "full")
    _check_fill_fits(fill_value, dtype, "full")
    array = np.full(shape, fill_value, dtype)
    return _finish(array, requires_grad, device, "full", out)


def _check_fill_fits(fill_value, dtype: np.dtype, op: str) -> None:
    """PyTorch's refusal of a fill value its dtype cannot hold: a finite number beyond float32's
    range (it would become inf), or NaN, ±inf or a number out of range for a signed integer dtype
    (C leaves that conversion undefined). Like PyTorch, float16 overflows to inf unchecked."""
    if isinstance(fill_value, (bool, np.bool_)) or dtype.kind not in "fi" or dtype == np.float16:
        return
    value = float(fill_value)
    if dtype.kind == "f":  # (as Python floats: comparing with a float32 limit would cast the value)
        low, high = float(np.finfo(dtype).min), float(np.finfo(dtype).max)
    else:
        low, high = np.iinfo(dtype).min, np.iinfo(dtype).max  # (Python ints: exact comparisons)
    finite = math.isfinite(value)
    if (dtype.kind == "i" and not finite) or (finite and not low <= value <= high):
        raise ArgumentValueError(f"{op}: the value {fill_value} cannot be converted to {dtype} without overflow "
                                 f"({dtype} holds {low:g} to {high:g})")


def _size_keyword(kwargs: dict, op: str):
    size = kwargs.pop("size", None)
    if kwargs:
        raise TypeError(f"{op}() got unexpected keyword arguments {sorted(kwargs)}")
    return size


def _like(t, dtype, op: str) -> tuple[tuple, np.dtype]:
    if not isinstance(t, (Tensor, np.ndarray)):
        raise TypeError(f"{op}: expected a Tensor, got {t.__class__.__name__}")
    return t.shape, t.dtype if dtype is None else _dtype.as_dtype(dtype, op)


def _like_array(input, dtype, memory_format, op: str, values=None) -> np.ndarray:
    """An array shaped like `input`, in `dtype` (input's unless given), laid out in memory as
    `memory_format` says -- preserve_format (PyTorch's default): as input is -- holding `values`
    (a number or an array of the shape; zeros if None)."""
    _, dtype = _like(input, dtype, op)
    fmt = _formats.as_format(memory_format, op, _formats.preserve_format)
    array = _formats.zeros_in_format(input.data if isinstance(input, Tensor) else input, dtype, fmt, op)
    if values is not None:
        np.copyto(array, values, casting="unsafe")
    return array


def zeros_like(input: Tensor, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=_formats.preserve_format) -> Tensor:
    """Zeros with the shape (and dtype, unless `dtype` is given) of `input`, laid out in memory
    as input is (or as `memory_format` says: `tg.channels_last`, ...)."""
    array = _like_array(input, dtype, memory_format, "zeros_like")
    return _finish(array, requires_grad, device, "zeros_like")


def ones_like(input: Tensor, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
              memory_format=_formats.preserve_format) -> Tensor:
    """Ones with the shape (and dtype, and memory layout) of `input`."""
    array = _like_array(input, dtype, memory_format, "ones_like", 1)
    return _finish(array, requires_grad, device, "ones_like")


def empty_like(input: Tensor, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=_formats.preserve_format) -> Tensor:
    """A tensor shaped (and laid out in memory) like `input` whose values you will overwrite
    (zeros here; see `empty`)."""
    array = _like_array(input, dtype, memory_format, "empty_like")
    return _finish(fill_uninitialized(array), requires_grad, device, "empty_like")


def full_like(input: Tensor, fill_value, *, dtype=None, layout=None, device=None,
              requires_grad: bool = False, memory_format=_formats.preserve_format) -> Tensor:
    """`fill_value` everywhere, with the shape (and dtype, and memory layout) of `input`."""
    array = _like_array(input, dtype, memory_format, "full_like", fill_value)
    return _finish(array, requires_grad, device, "full_like")


# ---- ranges and the identity --------------------------------------------------------------------
def _number(value):
    return value.item() if isinstance(value, Tensor) else value


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad: bool = False) -> Tensor:
    """Numbers from `start` up to (not including) `end` in steps of `step`; int64 when all are
    ints, else the default float dtype."""
    start, end, step = _number(start), _number(end), _number(step)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ArgumentValueError("arange: step must be nonzero")
    if not all(math.isfinite(v) for v in (start, end)):
        raise ArgumentValueError(f"arange: start and end must be finite, got start={start}, end={end}")
    if (end - start) * step < 0:
        raise ArgumentValueError(f"arange: upper bound and lower bound inconsistent with step sign "
                                 f"(start={start}, end={end}, step={step})")
    all_int = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
    if dtype is None:
        dtype = np.int64 if all_int else _dtype.get_default_dtype()
    elif _dtype.as_dtype(dtype, "arange").kind == "b":  # (PyTorch has no bool kernel for it either)
        raise NotImplementedForDtype('arange: "arange_cpu" not implemented for dtype bool (use an integer dtype '
                                     "and compare, e.g. tg.arange(n) % 2 == 0)")
    # start + i·step in float64 (int64 for ints), then rounded to the dtype, as PyTorch does:
    # numpy's arange in float32 would accumulate float32 rounding (0.90000004 for 0.9)
    array = np.arange(start, end, step, dtype=np.int64 if all_int else np.float64)
    array = array.astype(_dtype.as_dtype(dtype, "arange"), copy=False)
    return _finish(array, requires_grad, device, "arange", out)


def _spacing_args(start, end, steps, dtype, op: str) -> tuple:
    """linspace's and logspace's arguments checked as PyTorch checks them: numbers or 0-d tensors,
    an int number of steps >= 0, a float or integer dtype (the default float dtype if None)."""
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, Tensor) and value.ndim:
            raise RuntimeError(f"{op} only supports 0-dimensional start and end tensors, but got {name} with "
                               f"{value.ndim} dimension(s)")
    steps = _number(steps)
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool):
        raise TypeError(f"{op}(): argument 'steps' must be an int, not {type(steps).__name__}")
    if steps < 0:
        raise RuntimeError(f"{op}: number of steps must be non-negative, got {steps}")
    dtype = _float_dtype(dtype, op)
    if dtype.kind not in "fiu":
        raise NotImplementedForDtype(f'{op}: "{op}_cpu" not implemented for dtype {dtype} (use a float or '
                                     f"integer dtype)")
    return _number(start), _number(end), int(steps), dtype


def linspace(start, end, steps: int, *, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False) -> Tensor:
    """`steps` evenly spaced numbers from `start` to `end`, both included; the same numbers as
    PyTorch's CPU linspace to the last bit (linspace_values.py).

    >>> import tinygrad_edu as tg
    >>> tg.linspace(-1, 1, 5)
    tensor([-1.0000, -0.5000,  0.0000,  0.5000,  1.0000])
    """
    start, end, steps, dtype = _spacing_args(start, end, steps, dtype, "linspace")
    return _finish(linspace_values(start, end, steps, dtype), requires_grad, device, "linspace", out)


def logspace(start, end, steps: int, base: float = 10.0, *, out=None, dtype=None, layout=None,
             device=None, requires_grad: bool = False) -> Tensor:
    """`base ** linspace(start, end, steps)`: `steps` numbers evenly spaced on a log scale; the
    same numbers as PyTorch's CPU logspace to the last bit (linspace_values.py)."""
    start, end, steps, dtype = _spacing_args(start, end, steps, dtype, "logspace")
    values = logspace_values(start, end, steps, _number(base), dtype)
    return _finish(values, requires_grad, device, "logspace", out)


def eye(n: int, m: int | None = None, *, out=None, dtype=None, layout=None, device=None,
        requires_grad: bool = False) -> Tensor:
    """The n×n (or n×m) identity matrix."""
    if n < 0 or (m is not None and m < 0):
        raise ArgumentValueError(f"eye: n and m must be non-negative, got n={n}, m={m}")
    return _finish(np.eye(n, m, dtype=_float_dtype(dtype, "eye")), requires_grad, device, "eye", out)


# ---- random -------------------------------------------------------------------------------------
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad: bool = False, pin_memory: bool = False, **kwargs) -> Tensor:
    """Uniform random numbers in [0, 1) from the framework's generator (see `tg.manual_seed`)."""
    shape = _size(size, _size_keyword(kwargs, "rand"), "rand")
    dtype = _float_dtype(dtype, "rand")
    array = rng_of(generator, "rand").random(shape).astype(dtype, copy=False)
    return _finish(array, requires_grad, device, "rand", out)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad: bool = False, pin_memory: bool = False, **kwargs) -> Tensor:
    """Standard normal random numbers from the framework's generator; `tg.randn(())` is 0-d."""
    shape = _size(size, _size_keyword(kwargs, "randn"), "randn")
    dtype = _float_dtype(dtype, "randn")
    array = rng_of(generator, "randn").standard_normal(shape).astype(dtype, copy=False)
    return _finish(array, requires_grad, device, "randn", out)


def _integers(low, high, shape, generator, dtype, op: str) -> np.ndarray:
    low, high = int(_number(low)), int(_number(high))
    if low >= high:
        raise ValueError(f"{op}: expects low < high, but got low={low} >= high={high}")
    return rng_of(generator, op).integers(low, high, size=shape).astype(dtype, copy=False)


def randint(*args, size=None, low=None, high=None, generator=None, out=None, dtype=None,
            layout=None, device=None, requires_grad: bool = False) -> Tensor:
    """Random integers in [low, high), PyTorch's signature: `randint(high, size)` or
    `randint(low, high, size)` (low defaults to 0), size a tuple; int64 unless `dtype` is given."""
    args = list(args)
    if size is None:
        if len(args) < 2:
            raise TypeError("randint: missing the size (a tuple), e.g. tg.randint(10, (3,)) or "
                            "tg.randint(0, 10, (3,))")
        size = args.pop()
    if len(args) == 2:
        low, high = args
    elif len(args) == 1:
        if high is None:
            high = args[0]
        else:
            low = args[0]
    elif args:
        raise TypeError(f"randint: expected (high, size) or (low, high, size), got {len(args) + 1} arguments")
    if high is None:
        raise TypeError("randint: missing high (the exclusive upper bound)")
    shape = _size(_size_args(size), None, "randint")
    dtype = np.dtype(np.int64) if dtype is None else _dtype.as_dtype(dtype, "randint")
    array = _integers(0 if low is None else low, high, shape, generator, dtype, "randint")
    return _finish(array, requires_grad, device, "randint", out)


def randperm(n: int, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """A random ordering of 0 .. n-1 (int64 unless `dtype` is given)."""
    dtype = np.dtype(np.int64) if dtype is None else _dtype.as_dtype(dtype, "randperm")
    if int(n) < 0:
        raise ValueError(f"randperm: n must be non-negative, got {n}")
    array = rng_of(generator, "randperm").permutation(int(n)).astype(dtype, copy=False)
    return _finish(array, requires_grad, device, "randperm", out)


def rand_like(input: Tensor, *, generator=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
              memory_format=_formats.preserve_format) -> Tensor:
    """Uniform random numbers in [0, 1) with the shape (and dtype, and memory layout) of `input`
    (drawn from `generator` if given, else the global one)."""
    shape, _ = _like(input, dtype, "rand_like")
    array = _like_array(input, dtype, memory_format, "rand_like", rng_of(generator, "rand_like").random(shape))
    return _finish(array, requires_grad, device, "rand_like")


def randn_like(input: Tensor, *, generator=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=_formats.preserve_format) -> Tensor:
    """Standard normal random numbers with the shape (and dtype, and memory layout) of `input`
    (drawn from `generator` if given, else the global one)."""
    shape, _ = _like(input, dtype, "randn_like")
    array = _like_array(input, dtype, memory_format, "randn_like",
                        rng_of(generator, "randn_like").standard_normal(shape))
    return _finish(array, requires_grad, device, "randn_like")


def randint_like(input: Tensor, low=0, high=None, *, generator=None, dtype=None, layout=None, device=None,
                 requires_grad: bool = False, memory_format=_formats.preserve_format) -> Tensor:
    """Random integers in [low, high) with the shape (and dtype, and memory layout) of `input`:
    `randint_like(t, high)` or `randint_like(t, low, high)`."""
    if high is None:
        low, high = 0, low
    shape, int_dtype = _like(input, dtype, "randint_like")
    values = _integers(low, high, shape, generator, int_dtype, "randint_like")
    return _finish(_like_array(input, dtype, memory_format, "randint_like", values), requires_grad, device,
                   "randint_like")
