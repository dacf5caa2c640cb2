"""`tg.cpu`: PyTorch's `torch.cpu`, the CPU's side of the device-neutral calls that code written
for GPUs makes (`getattr(torch, device_type).synchronize()`, `torch.cpu.stream(s)`). The CPU is
the one device here and numpy runs each op to the end before returning, so there is always one
device, nothing to wait for, and a stream is only a name for "in order".

>>> import tinygrad_edu as tg
>>> tg.cpu.is_available(), tg.cpu.device_count(), tg.cpu.current_device()
(True, 1, 'cpu')
>>> with tg.cpu.stream(tg.cpu.Stream()):
...     tg.cpu.synchronize()
"""
from __future__ import annotations

import os
import platform
from contextlib import AbstractContextManager
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Mapping

__all__ = ["is_available", "is_initialized", "synchronize", "current_device", "current_stream", "stream",
           "set_device", "device_count", "Stream", "StreamContext", "Event", "get_capabilities"]


def is_available() -> bool:
    """True: the CPU is always there."""
    return True


def is_initialized() -> bool:
    """True: the CPU needs no initialization."""
    return True


def device_count() -> int:
    """1: the CPU counts as one device (not one per core), as in PyTorch."""
    return 1


def current_device() -> str:
    """'cpu'."""
    return "cpu"


def set_device(device) -> None:
    """Does nothing: there is only one CPU device."""


def synchronize(device=None) -> None:
    """Does nothing: every op has finished when it returns (numpy runs synchronously)."""


class Stream:
    """PyTorch's stand-in for a CUDA stream on the CPU: work runs in order anyway, so it has
    nothing to order; its methods do nothing."""

    def __init__(self, priority: int = -1) -> None:
        pass

    def wait_stream(self, stream: "Stream") -> None:
        pass

    def record_event(self) -> None:
        pass

    def wait_event(self, event: "Event") -> None:
        pass


class Event:
    """PyTorch's stand-in for a CUDA event on the CPU: always complete (`query()` is True)."""

    def query(self) -> bool:
        return True

    def record(self, stream: Stream | None = None) -> None:
        pass

    def synchronize(self) -> None:
        pass

    def wait(self, stream: Stream | None = None) -> None:
        pass


_default_stream = Stream()
_current_stream = _default_stream


def current_stream(device=None) -> Stream:
    """The stream chosen by the innermost `stream(...)` block (a default one outside any)."""
    return _current_stream


class StreamContext(AbstractContextManager):
    """Make `stream` the current stream inside a `with` block (None: leave it as it is)."""

    def __init__(self, stream: Stream | None) -> None:
        self.stream = stream
        self.prev_stream = _default_stream

    def __enter__(self) -> None:
        global _current_stream
        if self.stream is not None:
            self.prev_stream, _current_stream = _current_stream, self.stream

    def __exit__(self, exc_type, exc, tb) -> None:
        global _current_stream
        if self.stream is not None:
            _current_stream = self.prev_stream


def stream(stream: Stream | None) -> AbstractContextManager:
    """`with tg.cpu.stream(s): ...` -- `StreamContext(s)`."""
    return StreamContext(stream)


# numpy's names of the instruction sets it detects at import -> PyTorch's names of the same
_FEATURE_NAMES = {"SSE": "sse", "SSE2": "sse2", "SSE3": "sse3", "SSSE3": "ssse3", "SSE41": "sse4_1",
                  "SSE42": "sse4_2", "POPCNT": "popcnt", "AVX": "avx", "F16C": "f16c", "FMA3": "fma3",
                  "FMA4": "fma4", "AVX2": "avx2", "BMI": "bmi", "BMI2": "bmi2", "LZCNT": "lzcnt",
                  "AVX512F": "avx512_f", "AVX512CD": "avx512_cd", "AVX512DQ": "avx512_dq", "AVX512BW": "avx512_bw",
                  "AVX512VL": "avx512_vl", "AVX512IFMA": "avx512_ifma", "AVX512VBMI": "avx512_vbmi",
                  "AVX512VBMI2": "avx512_vbmi2", "AVX512BITALG": "avx512_bitalg",
                  "AVX512VPOPCNTDQ": "avx512_vpopcntdq", "AVX512VNNI": "avx512_vnni", "AVX512BF16": "avx512_bf16",
                  "AVX512FP16": "avx512_fp16", "AVX5124VNNIW": "avx512_4vnniw", "AVX5124FMAPS": "avx512_4fmaps",
                  "NEON": "neon", "SVE": "sve"}


@lru_cache(None)
def get_capabilities() -> Mapping[str, Any]:
    """A read-only mapping of what this CPU supports, with PyTorch's keys: "architecture"
    (e.g. 'x86_64'), "num_logical_cores", and True/False for each instruction set numpy detected
    ("avx2", "avx512_f", "neon", ...). PyTorch asks the cpuinfo library and lists more (cache
    sizes, every feature it knows); a key missing here is unknown, so read it with
    `.get(name, False)`, as PyTorch's documentation does."""
    capabilities: dict[str, Any] = {"architecture": platform.machine(), "num_logical_cores": os.cpu_count()}
    try:  # (numpy's detection is not public API: without it, the features are simply not listed)
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:
        features = {}
    for numpy_name, name in _FEATURE_NAMES.items():
        if numpy_name in features:
            capabilities[name] = bool(features[numpy_name])
    return MappingProxyType(capabilities)
