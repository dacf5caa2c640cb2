"""Anomaly mode: remember where each op was created, and stop at the first NaN/inf in backward."""
from __future__ import annotations

import threading
import traceback

import numpy as np


class _AnomalyState(threading.local):
    enabled = False    # record where each op was created (the forward stack)
    check_nan = True   # and, while enabled, stop at a NaN/inf in backward


_state = _AnomalyState()


def is_anomaly_enabled() -> bool:
    """Is anomaly mode on (in this thread)? As `torch.is_anomaly_enabled`."""
    return _state.enabled


def is_anomaly_check_nan_enabled() -> bool:
    """Does anomaly mode check gradients for NaN/inf? True unless switched off with
    `check_nan=False`. As `torch.is_anomaly_check_nan_enabled`."""
    return _state.check_nan


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """Switch anomaly mode on or off from now on (in this thread), as
    `torch.set_anomaly_enabled`; prefer `with tg.detect_anomaly():`.

    >>> import tinygrad_edu as tg
    >>> tg.set_anomaly_enabled(True, check_nan=False)
    >>> tg.is_anomaly_enabled(), tg.is_anomaly_check_nan_enabled()
    (True, False)
    >>> tg.set_anomaly_enabled(False)
    """
    for position, (name, value) in enumerate((("enabled", enabled), ("check_nan", check_nan)), 1):
        if value.__class__ is not bool:
            raise TypeError(f"set_anomaly_enabled(): argument '{name}' (position {position}) must be bool, "
                            f"not {type(value).__name__}")
    _state.enabled, _state.check_nan = enabled, check_nan


class detect_anomaly:
    """Context manager: a NaN or inf produced by a backward formula raises `RuntimeError`
    naming the op and showing the forward-pass line that created it.

    Costs a stack capture per op, so use it to hunt a bug, not for training.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan

    def __enter__(self) -> "detect_anomaly":
        self._previous = (_state.enabled, _state.check_nan)
        _state.enabled, _state.check_nan = True, bool(self.check_nan)
        return self

    def __exit__(self, *exc) -> None:
        _state.enabled, _state.check_nan = self._previous


def forward_stack() -> list[traceback.FrameSummary]:
    """The user's frames at the moment an op is created (our own frames dropped)."""
    frames = traceback.extract_stack()[:-1]
    package = __file__.rsplit("autograd", 1)[0]
    return [f for f in frames if not f.filename.startswith(package)] or frames


def check_gradients(node, grads) -> None:
    """Raise if any gradient the node just produced holds NaN or inf."""
    for i, g in enumerate(grads):
        if g is None:
            continue
        data = np.asarray(g.data if hasattr(g, "grad_fn") else g)  # a Tensor, or an array
        if data.dtype.kind in "fc" and not np.isfinite(data).all():
            where = "".join(traceback.format_list(node.forward_stack or []))
            raise RuntimeError(
                f"detect_anomaly: {node.name()} returned nan/inf values in its gradient for input {i} "
                f"(shape {data.shape}).\nThe op was created in the forward pass here:\n{where}"
            )
