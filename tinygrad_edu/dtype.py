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


def default_dtype_hint(*dtypes) -> str:
    """For an error about float32 meeting float64: the usual reason in code written for PyTorch
    (`.float()` makes float32, while tensors and layers made with the default float dtype are
    float64 here and float32 there) and the one line that fixes it. Empty for other dtypes."""
    if {np.dtype(d) for d in dtypes} != {np.dtype(np.float32), np.dtype(np.float64)}:
        return ""
    return (" (code written for PyTorch meets this when .float() makes float32 and other tensors or "
            "layers have the default float dtype, float64 here and float32 in PyTorch: "
            "tg.set_default_dtype(tg.float32) at the start makes them agree)")


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
    return combine_categories(dims, zero)


def combine_categories(higher: np.dtype, lower: np.dtype) -> np.dtype:
    """PyTorch's `combine_categories`: the dtype of the operand of higher priority (a tensor with
    dimensions over a 0-d one, a 0-d one over a Python number) wins, unless `lower` is of a
    higher category (float over integer over bool) -- then, or when `higher` is bool, both promote."""
    if _category(lower) > _category(higher) or higher.kind == "b":
        return promote_types(higher, lower)
    return higher


def can_cast(source: np.dtype, target: np.dtype) -> bool:
    """PyTorch's canCast: a value of dtype `source` may be stored as `target` unless that lowers
    its category (a float never becomes an integer or bool, an integer never a bool)."""
    return _category(source) <= _category(target)


# ---- PyTorch's dtype names --------------------------------------------------------------------
# Here a dtype is a numpy dtype, so `x.dtype == tg.float64` and `x.dtype is tg.float64` hold and
# numpy accepts them. The aliases that would hide Python builtins inside this module
# (tg.float, tg.int, tg.bool, ...) are made in tinygrad_edu/__init__.py.
float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int8 = np.dtype(np.int8)
int16 = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
uint8 = np.dtype(np.uint8)
bool_ = np.dtype(np.bool_)


class UnavailableDtype:
    """A PyTorch dtype that numpy has no counterpart of, so no tensor here can hold it. It can be
    named -- `tg.autocast("cpu", dtype=tg.bfloat16)` is PyTorch's usual CPU mixed precision, and
    is accepted (autocast casts nothing here: amp.py) -- but making a tensor of it raises a
    TypeError that says so. It equals its name as a string ("bfloat16")."""

    __slots__ = ("name", "itemsize")
    is_floating_point = True
    is_complex = False
    is_signed = True

    def __init__(self, name: str, itemsize: int) -> None:
        self.name = name
        self.itemsize = itemsize

    def __eq__(self, other) -> bool:
        return other is self or (isinstance(other, str) and other == self.name)

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"tinygrad_edu.{self.name}"


# Brain floating point (8 exponent bits, 7 fraction bits): PyTorch's torch.bfloat16.
bfloat16 = UnavailableDtype("bfloat16", 2)

# PyTorch's legacy tensor type names, e.g. t.type() == "tinygrad_edu.FloatTensor".
LEGACY_NAMES = {float32: "FloatTensor", float64: "DoubleTensor", float16: "HalfTensor",
                int64: "LongTensor", int32: "IntTensor", int16: "ShortTensor", int8: "CharTensor",
                uint8: "ByteTensor", bool_: "BoolTensor"}


def as_dtype(dtype, op: str) -> np.dtype:
    """A dtype argument (tg.float32, np.float32, "float32", or Python's float/int/bool, which
    mean float64/int64/bool as in PyTorch) as a numpy dtype of numbers."""
    if isinstance(dtype, UnavailableDtype):
        raise TypeError(f"{op}: numpy has no {dtype.name}, so no tensor here can hold it; use tg.float32 "
                        f"(or tg.float16 for 16-bit floats). tg.autocast('cpu', dtype=tg.{dtype.name}) is "
                        f"accepted, and computes in the tensors' own dtypes")
    try:
        d = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{op}: dtype must be a dtype such as tg.float32 or tg.int64, got {dtype!r}") from None
    if d.kind not in "biuf":
        raise TypeError(f"{op}: tensors hold bool, integer or float numbers, not dtype {d}")
    return d


def is_floating_point(t) -> bool:
    """True when `t` holds floating point numbers (float16, float32 or float64)."""
    return t.dtype.kind == "f"


def finfo(dtype=None) -> np.finfo:
    """Limits of a float dtype (`eps`, `max`, `min`, `tiny`, `resolution`, `bits`), as
    `torch.finfo`; without an argument, of the default float dtype."""
    return np.finfo(_default_float if dtype is None else as_dtype(dtype, "finfo"))


def iinfo(dtype) -> np.iinfo:
    """Limits of an integer dtype (`min`, `max`, `bits`), as `torch.iinfo`."""
    return np.iinfo(as_dtype(dtype, "iinfo"))
