"""`record_function(name)`: a labelled block (or function) that shows in the profile as one event,
with the ops run inside it as its children."""
from __future__ import annotations

import functools

from ..autograd.grad_mode import _state as _grad_state
from .collector import Collector


class record_function:
    """Label a block of code (`with`) or every call of a function (decorator) in the profile.
    Outside a recording profile (or in another thread than the profiler's) it does nothing.

    >>> import tinygrad_edu as tg
    >>> from tinygrad_edu.profiler import profile, record_function
    >>> with profile() as prof:
    ...     with record_function("forward"):
    ...         y = tg.ones(3) * 2 + 1
    >>> [(e.name, e.cpu_parent.name if e.cpu_parent else None) for e in prof.events()]
    [('forward', None), ('aten::mul', 'forward'), ('aten::add', 'forward')]
    """

    def __init__(self, name: str, args: str | None = None) -> None:
        self.name = name
        self.args = args
        self._collector = self._entry = None

    def __enter__(self) -> "record_function":
        collector = _grad_state.batching
        if collector.__class__ is Collector and collector.active:
            name, trace_name = self.name, None
            if name.startswith("ProfilerStep#"):  # PyTorch's steps: one row for all in the table
                name, trace_name = "ProfilerStep*", self.name
            self._collector = collector
            self._entry = collector.begin(name, annotation=True, trace_name=trace_name)
        return self

    def __exit__(self, *exc) -> None:
        if self._collector is not None:
            self._collector.end(self._entry)
            self._collector = self._entry = None

    def __call__(self, fn):
        name, args = self.name, self.args

        @functools.wraps(fn)
        def wrapper(*a, **kw):
            with record_function(name, args):  # (a new one per call: calls may nest or recurse)
                return fn(*a, **kw)

        return wrapper
