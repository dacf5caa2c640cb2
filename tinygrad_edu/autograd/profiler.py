"""`tg.autograd.profiler`: PyTorch's older profiler API, `torch.autograd.profiler`, on top of
`tg.profiler` (which records the events; see tinygrad_edu/profiler/).

    from tinygrad_edu.autograd import profiler
    with profiler.profile(record_shapes=True) as prof:
        with profiler.record_function("forward"):
            loss = model(x).sum()
    print(prof.key_averages().table(sort_by="self_cpu_time_total"))

The differences from `tg.profiler.profile` are PyTorch's: options are flags (`use_device`,
`use_cpu`) instead of a list of activities, there is no schedule (a profile records one `with`
block and cannot be entered twice), `enabled=False` turns it into a no-op whose `with ... as`
gives None, the events can be read once the block has ended (inside it they are an empty
list, as in PyTorch), and `prof.function_events` / `prof.self_cpu_time_total` are properties.

`emit_itt` is accepted and does nothing (there are no Intel VTune ranges to emit); `emit_nvtx`
needs CUDA, which tinygrad_edu does not have, and raises as PyTorch built without CUDA does.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, Iterable

from ..profiler.events import EventList, FunctionEvent, FunctionEventAvg
from ..profiler.profiler import ProfilerActivity, warn_unavailable
from ..profiler.profiler import profile as _recording_profile
from ..profiler.user_annotation import record_function

__all__ = ["profile", "record_function", "emit_itt", "emit_nvtx", "EventList", "FunctionEvent", "FunctionEventAvg"]

_DEVICES = ("cuda", "xpu", "mtia", "hpu")  # PyTorch's valid use_device values (none is available here)
_UNFINISHED = "<unfinished tinygrad_edu.autograd.profile>"


class profile:
    """Record the ops (and `record_function` blocks) run in a `with` block, with their times:
    PyTorch's `torch.autograd.profiler.profile`, on the CPU.

    >>> import tinygrad_edu as tg
    >>> from tinygrad_edu.autograd import profiler
    >>> x = tg.ones(2, 3)
    >>> with profiler.profile(record_shapes=True) as prof:
    ...     y = (x * 2) @ tg.ones(3, 4)
    >>> [(e.name, e.input_shapes) for e in prof.function_events]
    [('aten::mul', [[2, 3], []]), ('aten::matmul', [[2, 3], [3, 4]])]
    >>> print(prof.key_averages().table(sort_by="self_cpu_time_total"))  # doctest: +SKIP

    `record_shapes` keeps each op's input shapes (`with_flops` implies it); `profile_memory` the
    bytes of the arrays each op returned; `with_flops` the floating-point operations of add, mul,
    matmul, linear and convolution; `with_stack` the calling lines outside this library;
    `with_modules` an event per module call. `use_device` names a device to time too: none is
    available here, so it warns and times the CPU alone, as PyTorch does on a machine without
    that device. `use_kineto`, `experimental_config`, `custom_trace_id_callback`,
    `post_processing_timeout_s` and `activity_filters` serve PyTorch's tracer and change nothing.
    """

    def __init__(self, enabled: bool = True, *, use_cuda: bool = False, use_device: str | None = None,
                 record_shapes: bool = False, with_flops: bool = False, profile_memory: bool = False,
                 with_stack: bool = False, with_modules: bool = False, use_kineto: bool = False,
                 use_cpu: bool = True, experimental_config: Any = None, acc_events: bool = False,
                 custom_trace_id_callback: Callable[[], str] | None = None,
                 post_processing_timeout_s: float | None = None, activity_filters: dict | None = None) -> None:
        self.enabled = enabled
        if not enabled:
            return
        if use_cuda:
            warnings.warn("The attribute `use_cuda` will be deprecated soon, please use ``use_device = 'cuda'`` "
                          "instead.", FutureWarning, stacklevel=2)
            use_device = "cuda"
        if use_device is not None:
            if use_device not in _DEVICES:
                warnings.warn(f"The {use_device} is not a valid device option.", stacklevel=2)
            else:
                warn_unavailable(use_device, stacklevel=2)
        self.use_cuda = False  # (no device is ever profiled here, so neither flag stays on)
        self.use_device = None
        self.record_shapes = record_shapes or with_flops  # (FLOPs are counted from the input shapes)
        self.with_flops = with_flops
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.with_modules = with_modules
        self.use_cpu = use_cpu
        self.acc_events = acc_events
        self.experimental_config = experimental_config
        self.custom_trace_id_callback = custom_trace_id_callback
        self.post_processing_timeout_s = post_processing_timeout_s
        self.activity_filters = activity_filters or {}
        self.entered = False
        if not use_cpu:
            if not use_kineto:
                raise AssertionError("Device-only events supported only with Kineto (use_kineto=True)")
            raise AssertionError("No activities specified for the profiler (use_cpu=False leaves only devices, "
                                 "and tinygrad_edu has none: it computes on the CPU)")
        if post_processing_timeout_s is not None and post_processing_timeout_s < 0:
            raise ValueError(f"post_processing_timeout_s must be non-negative, got {post_processing_timeout_s}")
        self._recorder = _recording_profile(activities=[ProfilerActivity.CPU], record_shapes=self.record_shapes,
                                            profile_memory=profile_memory, with_stack=with_stack,
                                            with_flops=with_flops, with_modules=with_modules)
        self._recording = False

    # ---- the block -------------------------------------------------------------------------------
    def __enter__(self) -> "profile | None":
        if not self.enabled:
            return None
        if self.entered:
            raise RuntimeError("Profiler context manager is not reentrant (a profile records one `with` block: "
                               "make a new profile for the next one)")
        self.entered = True
        self._recorder.start()
        self._recording = True
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if not self.enabled:
            return False
        self._recorder.stop()
        self._recording = False
        return False

    def toggle_collection_dynamic(self, enabled: bool, activities: Iterable[ProfilerActivity]) -> None:
        """Pause (`enabled=False`) or resume the recording of the CPU ops inside the block."""
        if ProfilerActivity.CPU in set(activities) and self._recording:
            (self._recorder.start_trace if enabled else self._recorder.stop_trace)()

    # ---- results ---------------------------------------------------------------------------------
    @property
    def _finished(self) -> bool:
        """Whether the block has ended (the events can be read then, as in PyTorch)."""
        return self.entered and not self._recording

    @property
    def function_events(self) -> EventList:
        """Every recorded event, in the order they started (empty before the block has ended)."""
        if not self._finished:
            return EventList([], profile_memory=self.profile_memory, with_flops=self.with_flops)
        return self._recorder.events()

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0,
                     group_by_overload_name: bool = False) -> EventList:
        """The events added up per name (see `tg.profiler.profile.key_averages`)."""
        return self.function_events.key_averages(group_by_input_shape, group_by_stack_n, group_by_overload_name)

    def total_average(self) -> FunctionEventAvg:
        """All events added up, under the key "Total"."""
        return self.function_events.total_average()

    @property
    def self_cpu_time_total(self) -> float:
        """The self CPU time of all events added up (µs): the time spent in recorded ops."""
        return self.function_events.self_cpu_time_total

    def table(self, sort_by: str | None = None, row_limit: int = 100, max_src_column_width: int = 75,
              max_name_column_width: int = 55, max_shapes_column_width: int = 80, header: str | None = None,
              top_level_events_only: bool = False) -> str:
        """The events as PyTorch's text table, one row per event (`key_averages().table(...)`
        has one row per op name)."""
        return self.function_events.table(sort_by=sort_by, row_limit=row_limit,
                                          max_src_column_width=max_src_column_width,
                                          max_name_column_width=max_name_column_width,
                                          max_shapes_column_width=max_shapes_column_width, header=header,
                                          top_level_events_only=top_level_events_only)

    def export_chrome_trace(self, path: str, metadata: dict | None = None, use_python_export: bool = False) -> None:
        """Write the events as a Chrome trace JSON file (chrome://tracing, ui.perfetto.dev)."""
        if not self.entered:
            raise AssertionError("export_chrome_trace: the profile has recorded nothing yet (use it in a `with` "
                                 "block first)")
        for key, value in (metadata or {}).items():
            self._recorder.add_metadata(key, value)
        self._recorder.export_chrome_trace(path)

    def export_stacks(self, path: str, metric: str = "self_cpu_time_total") -> None:
        """Write the calling lines of each event as folded stacks (needs `with_stack=True`)."""
        if not self.with_stack:
            raise AssertionError("export_stacks() requires with_stack=True")
        self.function_events.export_stacks(path, metric)

    def __str__(self) -> str:
        """The table of all events, once the block has ended."""
        return str(self.function_events) if self._finished else _UNFINISHED

    def __repr__(self) -> str:
        return repr(self.function_events) if self._finished else _UNFINISHED


class _AnnotationRanges:
    """What emit_itt and emit_nvtx share: PyTorch's flags and its one-`with`-block rule."""

    _ranges = ""  # the kind of ranges the subclass would emit ("ITT", "NVTX")

    def __init__(self, enabled: bool = True, record_shapes: bool = False) -> None:
        self.enabled = enabled
        self.entered = False
        self.record_shapes = record_shapes

    def __enter__(self):
        if not self.enabled:
            return None
        if self.entered:
            raise RuntimeError(f"{self._ranges} annotation context manager is not reentrant")
        self._check_available()
        self.entered = True
        return self

    def _check_available(self) -> None:
        """Raise if the ranges cannot be emitted here."""

    def __exit__(self, exc_type, exc, tb) -> bool:
        return False


class emit_itt(_AnnotationRanges):
    """PyTorch's context manager that labels each op with an ITT range for Intel VTune Profiler.
    tinygrad_edu emits no ITT ranges, so this does nothing (use `profile` to time the ops)."""

    _ranges = "ITT"


class emit_nvtx(_AnnotationRanges):
    """PyTorch's context manager that labels each op with an NVTX range for NVIDIA's profilers.
    It needs CUDA: entering it raises AssertionError, as in PyTorch built without CUDA
    (`enabled=False` makes it a no-op)."""

    _ranges = "NVTX"

    def _check_available(self) -> None:
        raise AssertionError("emit_nvtx: NVTX ranges need CUDA, and tinygrad_edu computes on the CPU only "
                             "(PyTorch without CUDA raises 'Torch not compiled with CUDA enabled' here); "
                             "time the ops with profile() instead")
