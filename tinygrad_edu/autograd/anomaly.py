"""Anomaly mode: remember where each op was created, and stop at the first NaN/inf in backward."""
from __future__ import annotations

import threading
import traceback

import numpy as np


class _AnomalyState(threading.local):
    enabled = False


_state = _AnomalyState()


def is_anomaly_enabled() -> bool:
    return _state.enabled


class detect_anomaly:
    """Context manager: a NaN or inf produced by a backward formula raises `RuntimeError`
    naming the op and showing the forward-pass line that created it.

    Costs a stack capture per op, so use it to hunt a bug, not for training.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan

    def __enter__(self) -> "detect_anomaly":
        self._previous = _state.enabled
        _state.enabled = self.check_nan
        return self

    def __exit__(self, *exc) -> None:
        _state.enabled = self._previous


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
