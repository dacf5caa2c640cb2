"""PyTorch's autocast state functions (`torch.is_autocast_enabled`, `torch.get_autocast_dtype`,
...): per device type, whether mixed precision is on and which dtype it would cast to, whether
casts are cached, and how deeply `autocast` regions are nested. `with tg.autocast(...)` sets and
restores this state (amp.py), so the functions answer inside a region as PyTorch's do; nothing is
ever cast here (see amp.py). The state is per thread, as in PyTorch.

numpy has no bfloat16, so the CPU's default autocast dtype is `tg.bfloat16`, a name that no
tensor can have (dtype.py; it also equals the string "bfloat16"); float16 is `tg.float16`.

>>> import tinygrad_edu as tg
>>> tg.is_autocast_enabled("cpu"), tg.get_autocast_dtype("cpu")
(False, tinygrad_edu.bfloat16)
>>> with tg.autocast("cpu", dtype=tg.float16, enabled=False):
...     tg.is_autocast_enabled("cpu"), tg.get_autocast_dtype("cpu")
(False, dtype('float16'))
"""
from __future__ import annotations

import threading
import warnings

import numpy as np

from . import dtype as _dtype
from .conversion import _is_dtype
from .devices import _KNOWN_TYPES

BFLOAT16 = _dtype.bfloat16  # torch.bfloat16, which numpy lacks: a name only (dtype.py)

# PyTorch's default autocast dtype per device type; the others have none ("unsupported scalarType")
_DEFAULT_DTYPES = {"cpu": BFLOAT16, "xla": BFLOAT16, "hpu": BFLOAT16, "maia": BFLOAT16,
                   "cuda": np.dtype(np.float16), "hip": np.dtype(np.float16), "ipu": np.dtype(np.float16),
                   "xpu": np.dtype(np.float16), "mps": np.dtype(np.float16), "mtia": np.dtype(np.float16),
                   "privateuseone": np.dtype(np.float16)}

# the device types that have an autocast switch at all (PyTorch raises for the others, e.g. "hip")
_AUTOCAST_TYPES = ("cpu", "cuda", "xla", "ipu", "xpu", "mps", "hpu", "mtia", "maia", "privateuseone")


class _AutocastState(threading.local):
    def __init__(self) -> None:
        self.enabled: dict = {}
        self.dtypes: dict = dict(_DEFAULT_DTYPES)
        self.cache_enabled = True
        self.nesting = 0


_state = _AutocastState()


def _device_type(device_type, op: str, position: int = 1) -> str:
    """'cpu', 'cuda', ... from a device type string ('cpu:0' counts as 'cpu'), checked as PyTorch."""
    if not isinstance(device_type, str):
        raise TypeError(f"{op}(): argument 'device_type' (position {position}) must be str, not "
                        f"{type(device_type).__name__}")
    kind = device_type.partition(":")[0]
    if kind not in _KNOWN_TYPES:
        raise RuntimeError(f"{op}: expected one of {', '.join(_KNOWN_TYPES)} device type at start of device "
                           f"string: {device_type}")
    return kind


def _switchable(device_type, op: str, position: int = 1) -> str:
    kind = _device_type(device_type, op, position)
    if kind not in _AUTOCAST_TYPES:
        raise RuntimeError(f"{op}: unknown device type for autocast: {kind!r} (autocast exists for "
                           f"{', '.join(_AUTOCAST_TYPES)})")
    return kind


def _flag(value, op: str, name: str, position: int) -> bool:
    if value.__class__ is not bool:
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be bool, not {type(value).__name__}")
    return value


def _autocast_dtype(value, op: str):
    if BFLOAT16 == value:  # (tg.bfloat16, or its name "bfloat16")
        return BFLOAT16
    if not _is_dtype(value):
        raise TypeError(f"{op}(): argument 'dtype' (position 2) must be a dtype (tg.float16, ... or "
                        f"tg.bfloat16), not {type(value).__name__}")
    return np.dtype(value)


# ---- enabled ---------------------------------------------------------------------------------
def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Is autocast on for `device_type` (None means "cuda", as in PyTorch)?"""
    kind = "cuda" if device_type is None else _switchable(device_type, "is_autocast_enabled")
    return _state.enabled.get(kind, False)


def set_autocast_enabled(*args) -> None:
    """`set_autocast_enabled(device_type, enabled)`, or `set_autocast_enabled(enabled)` for
    "cuda"; prefer `with tg.autocast(device_type):`."""
    if len(args) == 1:
        kind, enabled = "cuda", _flag(args[0], "set_autocast_enabled", "enabled", 1)
    elif len(args) == 2:
        kind = _switchable(args[0], "set_autocast_enabled")
        enabled = _flag(args[1], "set_autocast_enabled", "enabled", 2)
    else:
        raise TypeError(f"set_autocast_enabled() takes (device_type, enabled) or (enabled), got {len(args)} "
                        f"arguments")
    _state.enabled[kind] = enabled


# ---- dtype -----------------------------------------------------------------------------------
def get_autocast_dtype(device_type: str):
    """The dtype autocast would use on `device_type` ("bfloat16" on the CPU, float16 on CUDA)."""
    kind = _device_type(device_type, "get_autocast_dtype")
    if kind not in _state.dtypes:
        raise RuntimeError(f"get_autocast_dtype: autocast has no dtype for device type {kind!r} "
                           f"(unsupported scalarType)")
    return _state.dtypes[kind]


def set_autocast_dtype(device_type: str, dtype) -> None:
    """Set the dtype autocast uses on `device_type` (from now on, and for regions opened without
    `dtype=`)."""
    kind = _device_type(device_type, "set_autocast_dtype")
    _state.dtypes[kind] = _autocast_dtype(dtype, "set_autocast_dtype")


# ---- cache and nesting ---------------------------------------------------------------------
def is_autocast_cache_enabled() -> bool:
    """Whether autocast would cache its casts of leaf tensors (True at start)."""
    return _state.cache_enabled


def set_autocast_cache_enabled(enabled: bool) -> None:
    if enabled.__class__ is not bool:
        raise TypeError(f"set_autocast_cache_enabled: enabled must be a bool (got {type(enabled).__name__})")
    _state.cache_enabled = enabled


def clear_autocast_cache() -> None:
    """Drop autocast's cached casts: there are none here (nothing is cast)."""


def autocast_increment_nesting() -> int:
    """Count one more open autocast region; returns the new depth."""
    _state.nesting += 1
    return _state.nesting


def autocast_decrement_nesting() -> int:
    """Count one region fewer; returns the new depth (PyTorch's counter may go below 0 too)."""
    _state.nesting -= 1
    return _state.nesting


# ---- what `with tg.autocast(...)` does -------------------------------------------------------
def enter_region(device_type: str, enabled: bool, dtype, cache_enabled) -> tuple:
    """Set the state for an autocast region as PyTorch's `autocast.__enter__`; returns what to
    give `exit_region`."""
    kind = device_type.partition(":")[0]
    saved = (kind, _state.enabled.get(kind, False), _state.dtypes.get(kind), _state.cache_enabled)
    _state.enabled[kind] = bool(enabled)
    if dtype is not None or kind in _state.dtypes:
        _state.dtypes[kind] = _state.dtypes.get(kind) if dtype is None else dtype
    if cache_enabled is not None:
        _state.cache_enabled = bool(cache_enabled)
    autocast_increment_nesting()
    return saved


def exit_region(saved: tuple) -> None:
    kind, enabled, dtype, cache_enabled = saved
    if autocast_decrement_nesting() == 0:
        clear_autocast_cache()
    _state.enabled[kind] = enabled
    if dtype is None:
        _state.dtypes.pop(kind, None)
    else:
        _state.dtypes[kind] = dtype
    _state.cache_enabled = cache_enabled


# ---- PyTorch's older per-device names (deprecated there: they warn, as here) ---------------------
def _deprecated(old: str, new: str) -> None:
    warnings.warn(f"tg.{old} is deprecated. Please use tg.{new} instead.", DeprecationWarning, stacklevel=3)


def _old_names(name: str, device: str, kinds: tuple) -> dict:
    """PyTorch's deprecated per-device functions for one device (`name` as in their names:
    "gpu" for "cuda"): each warns, then calls the general one with the device."""
    def is_enabled() -> bool:
        _deprecated(f"is_autocast_{name}_enabled()", f"is_autocast_enabled('{device}')")
        return is_autocast_enabled(device)

    def set_enabled(enabled: bool) -> None:
        _deprecated(f"set_autocast_{name}_enabled(enabled)", f"set_autocast_enabled('{device}', enabled)")
        set_autocast_enabled(device, _flag(enabled, f"set_autocast_{name}_enabled", "enabled", 1))

    def get_dtype():
        _deprecated(f"get_autocast_{name}_dtype()", f"get_autocast_dtype('{device}')")
        return get_autocast_dtype(device)

    def set_dtype(dtype) -> None:
        _deprecated(f"set_autocast_{name}_dtype(dtype)", f"set_autocast_dtype('{device}', dtype)")
        set_autocast_dtype(device, dtype)

    made = {"is_{}_enabled": is_enabled, "set_{}_enabled": set_enabled, "get_{}_dtype": get_dtype,
            "set_{}_dtype": set_dtype}
    functions = {}
    for pattern, fn in made.items():
        if pattern.split("_", 1)[1] in kinds:  # (torch has no is/set_autocast_gpu_enabled)
            fn.__name__ = fn.__qualname__ = pattern.format(f"autocast_{name}")
            fn.__doc__ = f"Deprecated in PyTorch: warns, then `{pattern.format('autocast')}` with device '{device}'."
            functions[fn.__name__] = fn
    return functions


_ALL_KINDS = ("{}_enabled", "{}_dtype")
_OLD_NAMES: dict = {}
for _name, _device, _kinds in (("cpu", "cpu", _ALL_KINDS), ("gpu", "cuda", ("{}_dtype",)),
                               ("xla", "xla", _ALL_KINDS), ("ipu", "ipu", _ALL_KINDS)):
    _OLD_NAMES.update(_old_names(_name, _device, _kinds))
globals().update(_OLD_NAMES)


__all__ = ["autocast_decrement_nesting", "autocast_increment_nesting", "clear_autocast_cache", "get_autocast_dtype",
           "is_autocast_cache_enabled", "is_autocast_enabled", "set_autocast_cache_enabled", "set_autocast_dtype",
           "set_autocast_enabled", *sorted(_OLD_NAMES)]
