"""PyTorch's switch for deterministic algorithms (`torch.use_deterministic_algorithms`), which
reproducible-training code sets next to `manual_seed`. Every op here is a numpy call on the CPU,
and each gives the same result for the same inputs every time, so the switch only records what it
was told (its queries answer as PyTorch's would).

>>> import tinygrad_edu as tg
>>> tg.use_deterministic_algorithms(True)
>>> tg.are_deterministic_algorithms_enabled()
True
>>> tg.use_deterministic_algorithms(False)
"""
from __future__ import annotations

import numpy as np

_state = {"mode": False, "warn_only": False}
_DEBUG_MODES = ("default", "warn", "error")


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Ask for deterministic algorithms; they always are here (numpy on one CPU)."""
    for name, value in (("mode", mode), ("warn_only", warn_only)):
        if value.__class__ is not bool:
            raise TypeError(f"use_deterministic_algorithms(): argument '{name}' must be bool, "
                            f"not {type(value).__name__}")
    _state["mode"], _state["warn_only"] = mode, warn_only


def are_deterministic_algorithms_enabled() -> bool:
    """What `use_deterministic_algorithms` was last told (False at start)."""
    return _state["mode"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """The `warn_only` that `use_deterministic_algorithms` was last given (False at start)."""
    return _state["warn_only"]


def set_deterministic_debug_mode(debug_mode: str | int) -> None:
    """The same switch by name: "default" (0, off), "warn" (1, warn only) or "error" (2, on)."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError(f"invalid value of debug_mode, expected one of `default`, `warn`, `error`, "
                               f"but got {debug_mode}")
        debug_mode = _DEBUG_MODES.index(debug_mode)
    if debug_mode not in (0, 1, 2) or isinstance(debug_mode, bool):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode() -> int:
    """0, 1 or 2, as `set_deterministic_debug_mode` takes them."""
    return 0 if not _state["mode"] else 1 if _state["warn_only"] else 2


def fill_uninitialized(array: np.ndarray) -> np.ndarray:
    """`array` (fresh memory no one wrote), filled as PyTorch fills such memory when deterministic
    algorithms are on and `tg.utils.deterministic.fill_uninitialized_memory` is True: NaN for
    floats, the largest value for integers, True for bool. Otherwise left as it is (zeros)."""
    if _state["mode"]:
        from .utils import deterministic
        if deterministic.fill_uninitialized_memory and array.size:
            kind = array.dtype.kind
            array[...] = np.nan if kind == "f" else True if kind == "b" else np.iinfo(array.dtype).max
    return array
