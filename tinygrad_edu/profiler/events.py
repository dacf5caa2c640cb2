"""What a profile recorded: one `FunctionEvent` per op call or `record_function` block, with its
time range and the events that ran inside it, and `FunctionEventAvg`, the sum of the events that
share a key (`key_averages`). PyTorch's classes of `torch.autograd.profiler_util`, for the CPU.

Times are microseconds (floats). An event's *total* time is its whole time range; its *self* time
is that minus its children's total times, so the self times of all events add up to the time
spent inside top-level events, counted once."""
from __future__ import annotations

from collections import defaultdict

from .chrome_trace import export_chrome_trace
from .table import build_table, device_attribute, format_time


class Interval:
    """A time range in microseconds since the trace started."""

    __slots__ = ("start", "end")

    def __init__(self, start: float, end: float) -> None:
        self.start = start
        self.end = end

    def elapsed_us(self) -> float:
        return self.end - self.start


class _TimesMixin:
    """Average time per call, and the times as text ("1.234ms"), for events and averages."""

    count: int
    cpu_time_total: float
    self_cpu_time_total: float
    # no device here: PyTorch's device columns are zero
    device_time_total = 0.0
    self_device_time_total = 0.0
    device_memory_usage = 0
    self_device_memory_usage = 0
    use_device = None
    node_id = -1
    is_async = False
    is_remote = False
    is_legacy = False
    overload_name = ""
    device_type = "CPU"

    @property
    def cpu_time(self) -> float:
        """Average CPU time of one call (µs)."""
        return 0.0 if self.count == 0 else self.cpu_time_total / self.count

    @property
    def device_time(self) -> float:
        return 0.0

    cuda_time = cuda_time_total = self_cuda_time_total = device_time

    @property
    def cpu_time_str(self) -> str:
        return format_time(self.cpu_time)

    @property
    def cpu_time_total_str(self) -> str:
        return format_time(self.cpu_time_total)

    @property
    def self_cpu_time_total_str(self) -> str:
        return format_time(self.self_cpu_time_total)


class FunctionEvent(_TimesMixin):
    """One op call or `record_function` block: `name`, `time_range` (µs), `input_shapes` (with
    `record_shapes=True`), `stack` (with `with_stack=True`), `cpu_parent` and `cpu_children`."""

    count = 1

    def __init__(self, id: int, name: str, thread: int, start_us: float, end_us: float,
                 input_shapes: list | None = None, stack: list | None = None, cpu_memory_usage: int = 0,
                 flops: int = 0, is_user_annotation: bool = False, trace_name: str | None = None) -> None:
        self.id = id
        self.name = name
        self.trace_name = name if trace_name is None else trace_name
        self.thread = thread
        self.time_range = Interval(start_us, end_us)
        self.input_shapes = [] if input_shapes is None else input_shapes
        self.stack = [] if stack is None else stack
        self.cpu_memory_usage = cpu_memory_usage
        self.flops = flops
        self.is_user_annotation = is_user_annotation
        self.scope = 0  # forward (PyTorch's at::RecordScope::FUNCTION)
        self.cpu_children: list[FunctionEvent] = []
        self.cpu_parent: FunctionEvent | None = None

    @property
    def key(self) -> str:
        return self.name

    @property
    def cpu_time_total(self) -> float:
        return self.time_range.elapsed_us()

    @property
    def self_cpu_time_total(self) -> float:
        return self.cpu_time_total - sum(child.cpu_time_total for child in self.cpu_children)

    @property
    def self_cpu_memory_usage(self) -> int:
        return self.cpu_memory_usage - sum(child.cpu_memory_usage for child in self.cpu_children)

    def __repr__(self) -> str:
        return (f"<FunctionEvent id={self.id} name={self.name} cpu_time={self.cpu_time_str} "
                f"start_us={self.time_range.start:.3f} end_us={self.time_range.end:.3f} "
                f"cpu_children={[child.id for child in self.cpu_children]} thread={self.thread} "
                f"input_shapes={self.input_shapes} cpu_memory_usage={self.cpu_memory_usage}>")


class FunctionEventAvg(_TimesMixin):
    """The events of one key added up: `count` calls, `cpu_time_total`, `self_cpu_time_total`,
    and `cpu_time`, the average per call."""

    def __init__(self) -> None:
        self.key: str | None = None
        self.count = 0
        self.cpu_time_total = 0.0
        self.self_cpu_time_total = 0.0
        self.cpu_memory_usage = 0
        self.self_cpu_memory_usage = 0
        self.flops = 0
        self.input_shapes = None
        self.stack = None
        self.scope = None
        self.is_user_annotation = False
        self.cpu_children = None
        self.cpu_parent = None

    def add(self, other: "FunctionEvent | FunctionEventAvg") -> "FunctionEventAvg":
        if self.key is None:  # the first event added: its description stands for the group
            self.key = other.key
            self.input_shapes = other.input_shapes
            self.stack = other.stack
            self.scope = other.scope
            self.is_user_annotation = other.is_user_annotation
            self.cpu_children = other.cpu_children
            self.cpu_parent = other.cpu_parent
        elif other.key != self.key:
            raise ValueError(f"FunctionEventAvg.add: keys differ ({other.key!r} is not {self.key!r})")
        self.count += other.count
        self.cpu_time_total += other.cpu_time_total
        self.self_cpu_time_total += other.self_cpu_time_total
        self.cpu_memory_usage += other.cpu_memory_usage
        self.self_cpu_memory_usage += other.self_cpu_memory_usage
        self.flops += other.flops
        return self

    __iadd__ = add

    def __repr__(self) -> str:
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={self.self_cpu_time_total_str} "
                f"cpu_time={self.cpu_time_str} input_shapes={self.input_shapes} "
                f"cpu_memory_usage={self.cpu_memory_usage}>")


class EventList(list):
    """A list of events (or of averages) that can average itself and print itself as a table."""

    def __init__(self, *args, use_device=None, profile_memory: bool = False, with_flops: bool = False) -> None:
        super().__init__(*args)
        self._use_device = use_device
        self._profile_memory = profile_memory
        self._with_flops = with_flops

    def _like(self, events) -> "EventList":
        return EventList(events, profile_memory=self._profile_memory, with_flops=self._with_flops)

    @property
    def self_cpu_time_total(self) -> float:
        return sum(event.self_cpu_time_total for event in self)

    def key_averages(self, group_by_input_shapes: bool = False, group_by_stack_n: int = 0,
                     group_by_overload_name: bool = False) -> "EventList":
        """One `FunctionEventAvg` per event name (and input shapes, and the first
        `group_by_stack_n` stack entries, when asked), in the order the names first appear."""
        groups: dict[tuple, FunctionEventAvg] = defaultdict(FunctionEventAvg)
        for event in self:
            key = (event.key, event.is_user_annotation)
            if group_by_input_shapes:
                key += (str(event.input_shapes),)
            if group_by_stack_n > 0:
                key += tuple(event.stack[:group_by_stack_n])
            groups[key].add(event)
        averages = self._like(groups.values())
        for average in averages:
            average.stack = average.stack[:group_by_stack_n]
            if not group_by_input_shapes:
                average.input_shapes = ""  # (as PyTorch's: no shapes column then)
        return averages

    def total_average(self) -> FunctionEventAvg:
        """All events added up, under the key "Total"."""
        total = FunctionEventAvg()
        for event in self:
            total.key = event.key  # (add checks keys: every event joins)
            total.add(event)
        total.key = "Total"
        return total

    def table(self, sort_by: str | None = None, row_limit: int = 100, max_src_column_width: int = 75,
              max_name_column_width: int = 55, max_shapes_column_width: int = 80, header: str | None = None,
              top_level_events_only: bool = False, time_unit: str | None = None) -> str:
        """The events as a text table, PyTorch's: one row per event (per key after
        `key_averages()`), sorted by the attribute `sort_by` ("cpu_time_total",
        "self_cpu_time_total", "cpu_time", "count", ...), largest first, at most `row_limit` rows,
        and a last line with the self CPU time of all events. `time_unit` ("s", "ms", "us") fixes
        the unit of every time."""
        return build_table(self, sort_by=sort_by, header=header, row_limit=row_limit,
                           max_src_column_width=max_src_column_width,
                           max_name_column_width=max_name_column_width,
                           max_shapes_column_width=max_shapes_column_width,
                           with_flops=self._with_flops, profile_memory=self._profile_memory,
                           top_level_events_only=top_level_events_only, time_unit=time_unit)

    def export_chrome_trace(self, path: str) -> None:
        """Write the events as a Chrome trace (open it at chrome://tracing or ui.perfetto.dev)."""
        export_chrome_trace([event for event in self if isinstance(event, FunctionEvent)], path)

    def supported_export_stacks_metrics(self) -> list[str]:
        return ["self_cpu_time_total", "self_cuda_time_total", "self_xpu_time_total",
                "self_privateuse1_time_total"]

    def export_stacks(self, path: str, metric: str) -> None:
        """Write one line per event recorded `with_stack`: its frames, outermost first, joined
        by ";", then the metric as a whole number of µs (Gregg's "folded stacks" for flame graphs,
        B. Gregg, "The Flame Graph", 2016)."""
        if metric not in self.supported_export_stacks_metrics():
            raise ValueError("metric should be one of: " + str(self.supported_export_stacks_metrics()))
        blanks = str.maketrans(" ;\t\n", "____")
        with open(path, "w", encoding="utf-8") as f:
            for event in self:
                value = int(getattr(event, device_attribute(metric)))
                if event.stack and value > 0:
                    f.write(";".join(entry.translate(blanks) for entry in reversed(event.stack)) + f" {value}\n")

    def __str__(self) -> str:
        return self.table()
