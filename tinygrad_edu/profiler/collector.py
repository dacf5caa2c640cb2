"""The part of a profile that sees every op: a `Collector` placed in the thread's batching slot
(`_grad_state.batching`, the same slot `tg.autobatch()` uses, see autobatch/recorder.py).

`Function.apply` hands each call to the object in that slot, so while a profile records, ops come
here: `record` notes the time, empties the slot, runs the op with `cls.apply(*args)` and puts
itself back. Nothing is added to the op path when no profile records: the slot is None then, and
`apply` checks it anyway. `Module.__call__` hands module calls to `call_module` the same way
(events "nn.Module: Linear_0" with `with_modules=True`).

An event is kept as a small list while recording and becomes a `FunctionEvent` when the trace
stops, with its parent: the event that was open when it started."""
from __future__ import annotations

import os
import sys
import threading
from time import perf_counter_ns

import numpy as np

from ..autograd.grad_mode import _state as _grad_state
from ..tensor import Tensor
from .events import FunctionEvent
from .names import _known, op_name

# fields of a raw event (a list: filled in while recording, read once at the end)
NAME, START, END, PARENT, SHAPES, STACK, BYTES, FLOPS, ANNOTATION, TRACE_NAME = range(10)
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _raw_event(name: str, parent: list | None, shapes: list | None = None, stack: list | None = None,
               annotation: bool = False, trace_name: str | None = None) -> list:
    """A new raw event, its fields in the order NAME, START, END, ... above (times set by the caller)."""
    return [name, 0, None, parent, shapes, stack, 0, 0, annotation, trace_name]


def input_shapes(args: tuple) -> list:
    """PyTorch's "Input Shapes": one list per argument, [] for what is not a tensor."""
    return [list(a.shape) if isinstance(a, Tensor) else [] for a in args]


def user_stack() -> list[str]:
    """The calling Python frames outside this package, innermost first: "file.py(12): f"."""
    frames = []
    frame = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if not code.co_filename.startswith(_PACKAGE):
            frames.append(f"{code.co_filename}({frame.f_lineno}): {code.co_name}")
        frame = frame.f_back
    return frames


def _outputs(out) -> tuple:
    return out if out.__class__ is tuple else (out,)


def new_bytes(out, args: tuple) -> int:
    """Bytes of the arrays an op returned that own their memory (a view, or an input handed
    back by an in-place op, allocates nothing)."""
    inputs = {id(a.data) for a in args if isinstance(a, Tensor)}
    total = 0
    for t in _outputs(out):
        if isinstance(t, Tensor) and t.data.__class__ is np.ndarray and t.data.base is None \
                and id(t.data) not in inputs:
            total += t.data.nbytes
    return total


def flops(name: str, out, args: tuple) -> int:
    """Floating-point operations, counted as PyTorch's profiler counts them: one per output
    element for add and mul, 2·m·n·k for a product of (m, k) and (k, n) matrices (per batch),
    2·(output size)·(weights per output) for a convolution; 0 for ops PyTorch does not count."""
    result = _outputs(out)[0]
    if not isinstance(result, Tensor):
        return 0
    size = result.data.size
    if name in ("aten::add", "aten::mul"):
        return size
    if name == "aten::matmul" and isinstance(args[0], Tensor):
        return 2 * size * args[0].shape[-1]
    if name == "aten::linear" and isinstance(args[1], Tensor):
        return 2 * size * args[1].shape[-1]  # (weight: (out_features, in_features))
    if name == "aten::convolution" and isinstance(args[1], Tensor):
        return 2 * size * int(np.prod(args[1].shape[1:]))  # (weight: (out, in / groups, *kernel))
    return 0


class Collector:
    """The events of one recording stretch of a profile, in one thread."""

    def __init__(self, record_shapes: bool = False, profile_memory: bool = False, with_stack: bool = False,
                 with_flops: bool = False, with_modules: bool = False) -> None:
        self.record_shapes = record_shapes
        self.with_stack = with_stack
        self.measure = profile_memory or with_flops
        self.with_modules = with_modules
        self.raw: list[list] = []
        self.open: list[list] = []  # the events running now, outermost first
        self.module_numbers: dict[int, tuple] = {}  # id(module) -> (module, its number in its class)
        self.module_counts: dict[str, int] = {}
        self.thread = threading.get_native_id()
        self.start_ns = None
        self.previous = None
        self.active = False  # in the slot (or taken out of it only while one of its ops runs)

    # ---- the slot ------------------------------------------------------------------------------
    def install(self) -> None:
        """Put this collector in the calling thread's slot; ops are recorded from here on."""
        slot = _grad_state.batching
        if slot is self:
            return
        if slot is not None:
            if slot.__class__ is Collector:
                raise RuntimeError("profile: another profiler is already recording in this thread; "
                                   "stop it before starting this one (profilers do not nest)")
            raise RuntimeError("profile: cannot record inside tg.autobatch(): autobatch runs ops later, in "
                               "batches, so there would be no op calls to time. Start the profiler outside "
                               "the autobatch block.")
        if self.start_ns is None:
            self.start_ns = perf_counter_ns()
        self.previous = slot
        self.active = True
        _grad_state.batching = self

    def uninstall(self) -> None:
        """Take this collector out of the slot (also when called inside one of its ops; called
        from another thread, the recording thread's next op takes it out, see `record`).
        Blocks still open (a record_function around the stop) end here."""
        self.active = False
        if self.open:
            self.end(self.open[0])
        if _grad_state.batching is self:
            _grad_state.batching = self.previous

    # ---- events ----------------------------------------------------------------------------------
    def begin(self, name: str, args: tuple = (), annotation: bool = False, trace_name: str | None = None) -> list:
        """Open an event (its start time is taken last, so this bookkeeping is not in it)."""
        open_events = self.open
        entry = _raw_event(name, open_events[-1] if open_events else None,
                           input_shapes(args) if self.record_shapes else None,
                           user_stack() if self.with_stack else None, annotation, trace_name)
        self.raw.append(entry)
        open_events.append(entry)
        entry[START] = perf_counter_ns()
        return entry

    def end(self, entry: list) -> None:
        """Close an event (and any opened inside it that were left open)."""
        if entry[END] is not None:  # (already closed: when the trace stopped inside it)
            return
        now = perf_counter_ns()
        open_events = self.open
        while open_events:
            inner = open_events.pop()
            inner[END] = now
            if inner is entry:
                break

    def record(self, cls, args: tuple):
        """One op call (Function.apply sends it here): time `cls.apply(*args)`."""
        if not self.active:  # (the profile was stopped from another thread)
            _grad_state.batching = self.previous
            return cls.apply(*args)
        name = _known.get(cls) or op_name(cls)
        entry = self.begin(name, args)
        _grad_state.batching = None  # (so that apply runs the op instead of sending it back here)
        try:
            out = cls.apply(*args)
        finally:
            end = perf_counter_ns()
            if self.active:  # (not if the op itself stopped the profile)
                _grad_state.batching = self
            open_events = self.open
            if open_events and open_events[-1] is entry:
                open_events.pop()
                entry[END] = end
            else:  # record_function blocks the op opened and left open end with it
                self.end(entry)
        if self.measure:
            entry[BYTES] = new_bytes(out, args)
            entry[FLOPS] = flops(name, out, args)
        return out

    def backward_observer(self):
        """The engine asks for this at the start of a backward pass (autograd/engine.py): an
        observer it calls after each node, which records the node's step as an event named as
        PyTorch names it ("autograd::engine::evaluate_function: MulBackward0"), from the end of
        the previous step to now. Ops a user's backward formula calls are recorded as usual."""
        if not self.active:
            return None
        last = [perf_counter_ns()]

        def observe(node, grads_in, grads_out, sent) -> None:
            now = perf_counter_ns()
            if grads_in is not None:  # (a node no gradient reached did nothing)
                open_events = self.open
                entry = _raw_event(f"autograd::engine::evaluate_function: {node.name()}",
                                   open_events[-1] if open_events else None)
                entry[START], entry[END] = last[0], now
                self.raw.append(entry)
            last[0] = perf_counter_ns()
        return observe

    def call_module(self, module, args: tuple, kwargs: dict):
        """A module call (Module.__call__ sends it here): an event of its own with `with_modules`."""
        if not (self.with_modules and self.active):
            return module.forward(*args, **kwargs)
        entry = self.begin(f"nn.Module: {self._module_name(module)}", args, annotation=True)
        try:
            return module.forward(*args, **kwargs)
        finally:
            self.end(entry)

    def _module_name(self, module) -> str:
        """"Linear_0", "Linear_1", ...: a number per module of a class, in order of first call."""
        cls = type(module).__name__
        known = self.module_numbers.get(id(module))
        if known is None:  # (the module is kept with its number, so that its id is not reused)
            known = self.module_numbers[id(module)] = (module, self.module_counts.get(cls, 0))
            self.module_counts[cls] = known[1] + 1
        return f"{cls}_{known[1]}"

    def events(self) -> list[FunctionEvent]:
        """The events recorded so far, as FunctionEvents with parents and children (events still
        open end now)."""
        now = perf_counter_ns()
        made: dict[int, FunctionEvent] = {}
        events = []
        for number, entry in enumerate(self.raw, 1):
            end = now if entry[END] is None else entry[END]
            event = FunctionEvent(number, entry[NAME], self.thread, (entry[START] - self.start_ns) / 1000.0,
                                  (end - self.start_ns) / 1000.0, input_shapes=entry[SHAPES], stack=entry[STACK],
                                  cpu_memory_usage=entry[BYTES], flops=entry[FLOPS],
                                  is_user_annotation=entry[ANNOTATION], trace_name=entry[TRACE_NAME])
            made[id(entry)] = event
            parent = entry[PARENT]
            if parent is not None:
                event.cpu_parent = made[id(parent)]
                event.cpu_parent.cpu_children.append(event)
            events.append(event)
        for event in reversed(events):  # (children after parents:) memory counts what runs inside
            if event.cpu_children:
                event.cpu_memory_usage += sum(child.cpu_memory_usage for child in event.cpu_children)
        return events
