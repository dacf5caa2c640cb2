"""`profile`: PyTorch's `torch.profiler.profile` for our ops, on the CPU.

A profile goes through the actions of its schedule step by step (`step()`), as PyTorch's does:
a cycle prepares a new trace when it leaves NONE, records while in RECORD/RECORD_AND_SAVE, and
at the end of RECORD_AND_SAVE (or at `stop()` while recording) stops the trace and calls
`on_trace_ready(prof)`. Without a schedule it records from `start()` to `stop()`.

Only the thread that starts a recording is recorded (the slot the ops are seen through is per
thread, like grad mode), where PyTorch's records every thread."""
from __future__ import annotations

import enum
import json
import os
import socket
import time
import warnings
from typing import Any, Callable, Iterable

from .chrome_trace import export_chrome_trace
from .collector import Collector
from .events import EventList
from .scheduling import ProfilerAction, default_schedule
from .user_annotation import record_function


class ProfilerActivity(enum.Enum):
    """What to profile. Only CPU is here: asking for a device warns and profiles the CPU alone."""

    CPU = 0
    XPU = 1
    CUDA = 2
    HPU = 3
    MTIA = 4
    PrivateUse1 = 5


def supported_activities() -> set[ProfilerActivity]:
    """The activities this library can profile: {ProfilerActivity.CPU}."""
    return {ProfilerActivity.CPU}


def warn_unavailable(device: str, stacklevel: int) -> None:
    """Warn, as PyTorch on a machine without `device`, that only the CPU will be profiled
    (`stacklevel` counted from the caller, as for warnings.warn)."""
    name = device.upper()
    warnings.warn(f"{name} is not available, disabling {name} profiling (tinygrad_edu computes on the CPU only)",
                  stacklevel=stacklevel + 1)


_warned_clearing = False  # (PyTorch warns once per process that a new cycle drops the last's events)


class profile:
    """Record the ops (and `record_function` blocks) run inside, with their times.

    >>> import tinygrad_edu as tg
    >>> from tinygrad_edu.profiler import profile, ProfilerActivity
    >>> x = tg.ones(2, 3)
    >>> with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
    ...     y = (x + x + x) @ tg.ones(3, 4)
    >>> [(a.key, a.count) for a in prof.key_averages()]
    [('aten::add', 2), ('aten::matmul', 1)]
    >>> prof.key_averages(group_by_input_shape=True)[1].input_shapes
    [[2, 3], [3, 4]]
    >>> print(prof.key_averages().table(sort_by="cpu_time_total"))  # doctest: +SKIP

    `schedule` (see `schedule(...)`) and `step()` profile chosen steps of a loop;
    `on_trace_ready(prof)` is called when each recorded cycle ends (`tensorboard_trace_handler`
    writes its trace to a folder). `record_shapes` keeps each op's input shapes;
    `profile_memory` the bytes of the arrays each op returned (frees are not counted);
    `with_flops` the floating-point operations of add, mul, matmul, linear and convolution;
    `with_stack` the calling lines outside this library; `with_modules` an event per module call.
    """

    def __init__(self, *, activities: Iterable | None = None, schedule: Callable[[int], ProfilerAction] | None = None,
                 on_trace_ready: Callable[..., Any] | None = None, record_shapes: bool = False,
                 profile_memory: bool = False, with_stack: bool = False, with_flops: bool = False,
                 with_modules: bool = False, experimental_config: Any = None, execution_trace_observer: Any = None,
                 acc_events: bool = False, use_cuda: bool | None = None,
                 custom_trace_id_callback: Callable[[], str] | None = None,
                 post_processing_timeout_s: float | None = None) -> None:
        # (experimental_config, execution_trace_observer, custom_trace_id_callback and
        # post_processing_timeout_s serve PyTorch's Kineto tracer; they change nothing here)
        if activities is not None:
            chosen = set()
            for item in activities:
                chosen.update(item.keys() if isinstance(item, dict) else [item])
        else:
            chosen = supported_activities()
        if use_cuda is not None:
            warnings.warn("`use_cuda` is deprecated, use `activities` argument instead", FutureWarning, stacklevel=2)
            if use_cuda:
                chosen.add(ProfilerActivity.CUDA)
            else:
                chosen.discard(ProfilerActivity.CUDA)
        if not chosen:
            raise AssertionError("No valid profiler activities found")
        for activity in chosen:
            if not isinstance(activity, ProfilerActivity):
                raise TypeError(f"profile: activities must be ProfilerActivity members, got {activity!r}")
        self.activities = chosen
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.with_flops = with_flops
        self.with_modules = with_modules
        self.acc_events = acc_events
        self.record_steps = schedule is not None  # a schedule marks each step as "ProfilerStep#N"
        self.schedule = schedule if schedule is not None else default_schedule
        self.on_trace_ready = on_trace_ready
        self.step_num = 0
        self.step_rec_fn: record_function | None = None
        self.current_action = self._scheduled(self.step_num)
        self._collector: Collector | None = None
        self._events: EventList | None = None
        self._trace_metadata: dict[str, str] = {}
        A = ProfilerAction
        prepare, start, stop, ready = self.prepare_trace, self.start_trace, self.stop_trace, self._trace_ready

        def complain(message):
            return lambda: warnings.warn(message, stacklevel=4)

        # (previous action, next action) -> what to do, PyTorch's table; None: stop() was called
        self.action_map: dict[tuple, list] = {
            (A.NONE, A.NONE): [], (A.NONE, A.WARMUP): [prepare],
            (A.NONE, A.RECORD): [prepare, start], (A.NONE, A.RECORD_AND_SAVE): [prepare, start],
            (A.WARMUP, A.NONE): [complain("Incorrect schedule: WARMUP followed by NONE"), start, stop],
            (A.WARMUP, A.WARMUP): [], (A.WARMUP, A.RECORD): [start], (A.WARMUP, A.RECORD_AND_SAVE): [start],
            (A.RECORD, A.NONE): [complain("Incorrect schedule: RECORD followed by NONE"), stop],
            (A.RECORD, A.WARMUP): [complain("Incorrect schedule: RECORD followed by WARMUP"), stop],
            (A.RECORD, A.RECORD): [], (A.RECORD, A.RECORD_AND_SAVE): [],
            (A.RECORD_AND_SAVE, A.NONE): [stop, ready],
            (A.RECORD_AND_SAVE, A.WARMUP): [stop, ready, prepare],
            (A.RECORD_AND_SAVE, A.RECORD): [stop, ready, prepare, start],
            (A.RECORD_AND_SAVE, A.RECORD_AND_SAVE): [stop, ready, prepare, start],
            (A.WARMUP, None): [start, stop], (A.RECORD, None): [stop, ready],
            (A.RECORD_AND_SAVE, None): [stop, ready],
        }

    # ---- the context manager and the steps ----------------------------------------------------------
    def __enter__(self) -> "profile":
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.stop()

    def start(self) -> None:
        self._transit_action(ProfilerAction.NONE, self.current_action)
        self._begin_step()

    def stop(self) -> None:
        self._end_step()
        self._transit_action(self.current_action, None)

    def step(self) -> None:
        """Say that the next step of the loop begins: the schedule decides what happens in it."""
        self._end_step()
        previous, action = self.current_action, self._scheduled(self.step_num + 1)
        self.step_num += 1
        self.current_action = action
        self._transit_action(previous, action)
        self._begin_step()

    def _begin_step(self) -> None:
        """With a schedule, open the block "ProfilerStep#<step_num>" around the step's ops."""
        if self.record_steps:
            self.step_rec_fn = record_function(f"ProfilerStep#{self.step_num}")
            self.step_rec_fn.__enter__()

    def _end_step(self) -> None:
        if self.step_rec_fn is not None:
            self.step_rec_fn.__exit__(None, None, None)
            self.step_rec_fn = None

    def _scheduled(self, step: int) -> ProfilerAction:
        action = self.schedule(step)
        if action == ProfilerAction.DEVICE_STOPPED:
            raise ValueError("ProfilerAction.DEVICE_STOPPED is set internally by the profiler and must not be "
                             "returned by a user-provided schedule")
        return action

    def _transit_action(self, previous: ProfilerAction, current: ProfilerAction | None) -> None:
        for action in self.action_map.get((previous, current), ()):
            action()

    # ---- one trace -----------------------------------------------------------------------------------
    def prepare_trace(self) -> None:
        """Make a new, empty trace (keep the last one's events with `acc_events=True`)."""
        global _warned_clearing
        if self._collector is not None and not self.acc_events and not _warned_clearing:
            _warned_clearing = True
            warnings.warn("Warning: Profiler clears events at the end of each cycle. Only events from the current "
                          "cycle will be reported. To keep events across cycles, set acc_events=True.",
                          stacklevel=4)
        for activity in sorted(self.activities - {ProfilerActivity.CPU}, key=lambda a: a.value):
            warn_unavailable(activity.name, stacklevel=4)
        if ProfilerActivity.CPU not in self.activities:
            raise AssertionError("No activities specified for the profiler: tinygrad_edu computes on the CPU "
                                 "only, so profile with activities=[ProfilerActivity.CPU]")
        if self._collector is None or not self.acc_events:
            self._collector = Collector(record_shapes=self.record_shapes, profile_memory=self.profile_memory,
                                        with_stack=self.with_stack, with_flops=self.with_flops,
                                        with_modules=self.with_modules)
            self._start_time_ns = time.time_ns()
        self._events = None

    def start_trace(self) -> None:
        """Start recording the ops of this thread."""
        self._collector.install()
        self._events = None

    def stop_trace(self) -> None:
        """Stop recording: ops run as if no profiler existed again."""
        self._collector.uninstall()
        self._events = None

    def _trace_ready(self) -> None:
        if self.on_trace_ready:
            self.on_trace_ready(self)

    # ---- results -------------------------------------------------------------------------------------
    def _require(self, what: str) -> Collector:
        if self._collector is None:
            raise AssertionError(f"Profiler must be initialized before {what} (start it, or use it in a `with` block)")
        return self._collector

    def events(self) -> EventList:
        """Every recorded event (a list of FunctionEvent), in the order they started."""
        collector = self._require("accessing events")
        if self._events is None or collector.active:
            self._events = EventList(collector.events(), profile_memory=self.profile_memory,
                                     with_flops=self.with_flops)
        return self._events

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0,
                     group_by_overload_name: bool = False) -> EventList:
        """The events added up per name (and per input shapes with `group_by_input_shape`, per
        the first `group_by_stack_n` calling lines): an EventList of FunctionEventAvg."""
        self._require("getting key averages")
        return self.events().key_averages(group_by_input_shape, group_by_stack_n, group_by_overload_name)

    def export_chrome_trace(self, path: str, use_python_export: bool = False) -> None:
        """Write the events as a Chrome trace JSON file (a ".gz" path is compressed)."""
        self._require("exporting chrome trace")
        metadata = {"baseTimeNanoseconds": self._start_time_ns, "traceName": str(path)}
        for key, value in self._trace_metadata.items():
            metadata[key] = json.loads(value)
        for flag in ("record_shapes", "profile_memory", "with_stack", "with_flops", "with_modules"):
            if getattr(self, flag):
                metadata[flag] = 1
        export_chrome_trace(self.events(), path, metadata)

    def export_stacks(self, path: str, metric: str = "self_cpu_time_total") -> None:
        """Write the calling lines of each event (`with_stack=True`) as folded stacks."""
        self._require("exporting stacks")
        self.events().export_stacks(path, metric)

    def add_metadata(self, key: str, value: str) -> None:
        """Add `key: value` (strings) to the exported trace."""
        self._trace_metadata[key] = json.dumps(str(value))

    def add_metadata_json(self, key: str, value: str) -> None:
        """Add `key: value`, with value a JSON text, to the exported trace."""
        json.loads(value)  # (a bad JSON text fails here, not in the exported file)
        self._trace_metadata[key] = value


def tensorboard_trace_handler(dir_name: str, worker_name: str | None = None, use_gzip: bool = False,
                              use_python_export: bool = False) -> Callable[[profile], None]:
    """An `on_trace_ready` that writes each trace into the folder `dir_name` as
    "<worker_name>.<time in ns>.pt.trace.json" (worker_name: "<host>_<pid>" by default), a
    Chrome trace JSON file, which TensorBoard's profiler plugin also reads."""

    def handler_fn(prof: profile) -> None:
        nonlocal worker_name
        if not os.path.isdir(dir_name):
            try:
                os.makedirs(dir_name, exist_ok=True)
            except Exception as e:
                raise RuntimeError("Can't create directory: " + dir_name) from e
        if not worker_name:
            worker_name = f"{socket.gethostname()}_{os.getpid()}"
        file_name = f"{worker_name}.{time.time_ns()}.pt.trace.json" + (".gz" if use_gzip else "")
        prof.export_chrome_trace(os.path.join(dir_name, file_name), use_python_export=use_python_export)

    return handler_fn
