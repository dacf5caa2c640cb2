"""Which steps of a training loop a profile records: `schedule(...)` turns a step number into an
action, PyTorch's `torch.profiler.schedule` step for step."""
from __future__ import annotations

import enum
import warnings
from typing import Callable


class ProfilerAction(enum.Enum):
    """What the profiler does during one step."""

    NONE = 0  # nothing is recorded
    WARMUP = 1  # the step before recording (nothing is recorded here: there is no tracer to warm)
    RECORD = 2  # ops are recorded
    RECORD_AND_SAVE = 3  # ops are recorded, and the cycle ends: on_trace_ready is called
    DEVICE_STOPPED = 4  # (PyTorch's, for devices that stop collecting early; never happens here)


def schedule(*, wait: int, warmup: int, active: int, repeat: int = 0, skip_first: int = 0,
             skip_first_wait: int = 0) -> Callable[[int], ProfilerAction]:
    """The action for each step: skip `skip_first` steps, then cycles of `wait` steps doing
    nothing, `warmup` steps, and `active` recorded steps, the last of which saves the trace (calls
    `on_trace_ready`); `repeat` cycles (0: as long as the loop goes on). `skip_first_wait=1` drops
    the first cycle's wait.

    >>> from tinygrad_edu.profiler import schedule
    >>> import warnings
    >>> plan = schedule(wait=1, warmup=1, active=2, repeat=1)
    >>> [plan(step).name for step in range(5)]
    ['NONE', 'WARMUP', 'RECORD', 'RECORD_AND_SAVE', 'NONE']
    """
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError(
            f"Invalid profiler schedule arguments. Got wait={wait} (need >= 0), warmup={warmup} (need >= 0), "
            f"active={active} (need > 0), repeat={repeat} (need >= 0), skip_first={skip_first} (need >= 0).")
    if warmup == 0:
        warnings.warn("Profiler won't be using warmup, this can skew profiler results", stacklevel=2)
    cycle = wait + warmup + active

    def schedule_fn(step: int) -> ProfilerAction:
        if step < 0:
            raise AssertionError(f"Step must be non-negative. Got {step}.")
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait != 0:
            step += wait  # (start the first cycle at its warmup)
        if repeat > 0 and step / cycle >= repeat:
            return ProfilerAction.NONE
        place = step % cycle
        if place < wait:
            return ProfilerAction.NONE
        if place < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if place < cycle - 1 else ProfilerAction.RECORD_AND_SAVE

    return schedule_fn


def default_schedule(_: int) -> ProfilerAction:
    """Without a schedule: record from start() to stop()."""
    return ProfilerAction.RECORD
