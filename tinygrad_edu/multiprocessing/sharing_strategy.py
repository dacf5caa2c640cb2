"""PyTorch's sharing strategies, by name: `get_sharing_strategy()`, `set_sharing_strategy(name)`,
`get_all_sharing_strategies()`.

PyTorch shares CPU tensors in one of two ways: 'file_descriptor' (its default on Linux: the
memory's file descriptor is sent through a socket; the file has no name) or 'file_system' (the
default on macOS and Windows: the memory is a named file that the receiver opens). Here the names
are accepted and remembered, so that code which sets them runs, but every tensor is shared one
way, close to 'file_system': a named block of `multiprocessing.shared_memory.SharedMemory`, which
a spawned process opens by its name (see shared_arrays.py).
"""
from __future__ import annotations

import sys

if sys.platform in ("darwin", "win32"):
    _all_sharing_strategies = {"file_system"}
    _sharing_strategy = "file_system"
else:
    _all_sharing_strategies = {"file_descriptor", "file_system"}
    _sharing_strategy = "file_descriptor"


def set_sharing_strategy(new_strategy: str) -> None:
    """Choose the strategy for sharing CPU tensors: one of `get_all_sharing_strategies()`
    (AssertionError otherwise, as in PyTorch). Remembered only: see the module's docstring."""
    global _sharing_strategy
    if new_strategy not in _all_sharing_strategies:
        raise AssertionError(f"invalid sharing strategy {new_strategy!r}, expected one of {_all_sharing_strategies}")
    _sharing_strategy = new_strategy


def get_sharing_strategy() -> str:
    """The strategy last set ('file_descriptor' by default on Linux, 'file_system' elsewhere)."""
    return _sharing_strategy


def get_all_sharing_strategies() -> set[str]:
    """The strategies this system has: {'file_descriptor', 'file_system'} on Linux."""
    return _all_sharing_strategies
