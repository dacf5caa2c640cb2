"""`tg.set_num_threads` / `tg.get_num_threads`: how many threads numpy's BLAS (matrix products)
may use -- the only place where tinygrad_edu computes in parallel.

The limit is applied with `threadpoolctl` when it is installed (an optional extra, not a
runtime requirement). Without it the number is remembered, `get_num_threads` returns it, and a
warning (once) says that it could not be applied.
"""
from __future__ import annotations

import os
import warnings

_state: dict = {"threads": None, "limiter": None, "warned": False}


def _threadpoolctl():
    try:
        import threadpoolctl
    except ImportError:
        return None
    return threadpoolctl


def set_num_threads(num: int) -> None:
    """Let numpy's BLAS use `num` threads (PyTorch's torch.set_num_threads)."""
    if not isinstance(num, int) or isinstance(num, bool):
        raise TypeError(f"set_num_threads: expects an int, got {type(num).__name__}")
    if num <= 0:
        raise RuntimeError(f"set_num_threads: the number of threads must be positive, got {num}")
    tpc = _threadpoolctl()
    if tpc is not None:
        _state["limiter"] = tpc.threadpool_limits(limits=num, user_api="blas")  # stays in force
    elif not _state["warned"]:
        _state["warned"] = True
        warnings.warn("set_num_threads: threadpoolctl is not installed, so the number of BLAS threads "
                      "cannot be changed from Python (pip install threadpoolctl, or set "
                      "OMP_NUM_THREADS before starting Python); the number is only remembered",
                      RuntimeWarning, stacklevel=2)
    _state["threads"] = num


def get_num_threads() -> int:
    """The number of threads numpy's BLAS uses: what set_num_threads set, else what the BLAS
    library reports (with threadpoolctl), else the number of CPUs."""
    if _state["threads"] is not None:
        return _state["threads"]
    tpc = _threadpoolctl()
    if tpc is not None:
        counts = [info["num_threads"] for info in tpc.threadpool_info() if info.get("user_api") == "blas"]
        if counts:
            return int(max(counts))
    return os.cpu_count() or 1
