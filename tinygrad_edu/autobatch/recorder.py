"""The recorder: while `tg.autobatch()` is on, `Function.apply` hands every call here.

A call with a batching rule (rules.py) is *recorded*: it gets a `Record` and returns Tensors
holding `Pending` placeholders, at once. A call without one -- or whose arguments the rule cannot
handle -- runs eagerly, after computing whatever pending values it reads. `flush` runs all
pending records, group by group in the order the agenda chooses (agenda.py), each group as one
call (executor.py), and hands the numbers and graph nodes to the Tensors the user holds.
"""
from __future__ import annotations

import os
import sys

from ..autograd import anomaly
from ..autograd.function import edge_source
from ..autograd.grad_mode import _state as _grad_state
from ..autograd.scope import _state as _scope_state
from ..tensor import Number, Tensor
from .agenda import STRATEGIES
from .lazy import Pending
from .rules import RETURNS_TUPLE, RULES

# Tests set this: a batched call that fails is then a bug to see, not a reason to go one by one.
STRICT = False
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


class Record:
    """One recorded call: the op, its arguments, its key and outputs, and its place in the graph
    of waiting calls (depth, how many waiting inputs, who reads its outputs).

    Until it runs, it also stands in as the `grad_fn` of its outputs that require grad, so that a
    lazy Tensor is not taken for a leaf, and hooks or `retain_grad` asked for before the value
    exists are kept here and handed to the real node (`_hand_over`)."""

    # Every record pays for these slots only; hooks asked of a lazy value go to the dict.
    __slots__ = ("recorder", "cls", "args", "key", "metas", "info", "outputs", "depth", "waiting",
                 "consumers", "grad_enabled", "scope", "where", "stack", "__dict__")
    pre_hooks = None
    retained = None
    watched = False
    is_view = False

    def location(self) -> str:
        if self.where is None:
            return "an unknown line"
        return f"{self.where[0]}, line {self.where[1]}"

    def name(self) -> str:
        return self.cls.__name__ + "Backward"

    def __repr__(self) -> str:
        return f"<{self.name()}, not computed yet (tg.autobatch)>"


_new = object.__new__
_inside: dict = {}  # code object -> is it this package's code? (a cache: frames are walked per op)


_PACKAGE_FORWARD: dict = {}  # module class -> is its forward this package's code? (a cache)


def _is_package_code(code) -> bool:
    return code is not None and code.co_filename.startswith(_PACKAGE)


def _user_line(depth: int = 3):
    """(file, line) of the first frame outside this package: the user's line that made the op."""
    frame = sys._getframe(depth)
    inside = _inside
    while frame is not None:
        code = frame.f_code
        known = inside.get(code)
        if known is None:
            known = inside[code] = _is_package_code(code)
        if not known:
            return code.co_filename, frame.f_lineno
        frame = frame.f_back
    return None


def _has_pending(value) -> bool:
    if value.__class__ is Pending:
        return True
    if value.__class__ in (tuple, list):
        return any(_has_pending(v) for v in value)
    return False


def _concrete(value):
    """An argument with every computed placeholder replaced by its array."""
    if value.__class__ is Tensor:
        if value.data.__class__ is Pending:
            value.data = value.data.force()
        return value
    if value.__class__ is Pending:
        return value.force()
    if value.__class__ in (tuple, list) and _has_pending(value):
        return value.__class__(_concrete(v) for v in value)
    return value


class Recorder:
    """The pending calls of one `tg.autobatch()` block (one per thread)."""

    def __init__(self, strategy: str = "depth") -> None:
        self.pending: list[Record] = []
        self.schedule = STRATEGIES[strategy]
        self.track_consumers = strategy == "agenda"
        # The user's line that called the outermost module of this package now running, if any:
        # every op that module records comes from that line (see call_module).
        self.user_line = None
        # statistics, for tests and the docs: recorded calls run, batched calls, calls they ran
        self.ops_run = self.groups_run = self.batched_ops = 0

    # ---- recording ---------------------------------------------------------------------------
    def record(self, cls, args: tuple):
        rule = RULES.get(cls)
        if rule is not None:
            try:
                signature = rule(cls, args)
            except Exception:  # a rule that cannot tell: let the op itself decide, eagerly
                signature = None
            if signature is not None:
                return self._defer(cls, args, signature)
        return self.eager(cls, args)

    def _defer(self, cls, args: tuple, signature):
        key, metas, info = signature
        enabled = _grad_state.enabled
        r = _new(Record)
        r.recorder, r.cls, r.args, r.metas, r.info = self, cls, args, metas, info
        r.grad_enabled = enabled
        r.scope = _scope_state.current
        r.where = self.user_line or _user_line()
        r.stack = anomaly.forward_stack() if anomaly._state.enabled else None
        consumers = self.track_consumers
        r.consumers = [] if consumers else None
        requires_grad = False
        depth = 0
        producers = []  # the waiting calls this one reads (only the agenda needs to know them)
        for a in args:
            if a.__class__ is Tensor:
                if a.requires_grad:
                    requires_grad = enabled
                data = a.data
                if data.__class__ is Pending:
                    producer = data.record
                    if producer is not None:
                        if consumers:
                            producers.append(producer)
                        if producer.depth > depth:
                            depth = producer.depth
            elif a.__class__ is tuple and _has_pending(a):  # (before any producer knows of r)
                return self.eager(cls, args)
            elif a.__class__ is not Number and isinstance(a, Tensor):  # a user's Tensor subclass: run it now
                return self.eager(cls, args)
        # Whether the outputs require grad is part of the key: a batched result requires grad if
        # any call of the batch does, and a call on constants must not come out requiring grad
        # (in a graph it has no place in) because it ran next to one on weights.
        r.key = (key, enabled, requires_grad)
        for producer in producers:
            producer.consumers.append(r)
        r.depth = depth + 1
        r.waiting = len(producers)
        outputs = []
        for shape, dtype in metas:  # (Pending.__init__ and Tensor._make, inlined: this runs for every op)
            placeholder = _new(Pending)
            placeholder.shape, placeholder.dtype, placeholder.ndim = shape, dtype, len(shape)
            placeholder.base = placeholder.value = None
            placeholder.record = r
            needs = requires_grad and dtype.kind == "f"
            t = _new(Tensor)
            t.data, t.grad_fn, t.requires_grad, t._version_counter = placeholder, (r if needs else None), needs, None
            outputs.append(t)
        if len(outputs) > 1:
            for nr, t in enumerate(outputs):
                t._output_nr = nr
        r.outputs = outputs
        self.pending.append(r)
        return outputs[0] if len(outputs) == 1 and cls not in RETURNS_TUPLE else tuple(outputs)

    def call_module(self, module, args: tuple, kwargs: dict):
        """`module(*args)` inside the block (Module.__call__ sends it here). Finding the user's
        line means walking the stack up out of this package, once per recorded op; a module of
        this package (a TreeLSTMCell, a Linear) records all its ops for one line of the user's,
        so the walk is done once, here, for all of them. A module whose forward is the user's
        own code switches this off again while it runs: its ops have lines of their own."""
        cls = module.__class__
        ours = _PACKAGE_FORWARD.get(cls)
        if ours is None:
            ours = _PACKAGE_FORWARD[cls] = _is_package_code(getattr(cls.forward, "__code__", None))
        outer = self.user_line
        if ours == (outer is not None):  # nothing changes: inside one of ours already, or neither
            return module.forward(*args, **kwargs)
        self.user_line = _user_line(3) if ours else None  # (3: above Module.__call__)
        try:
            return module.forward(*args, **kwargs)
        finally:
            self.user_line = outer

    def eager(self, cls, args: tuple):
        """Run one call now, as without autobatch (its pending inputs are computed first)."""
        if any(a.__class__ is Tensor and a.data.__class__ is Pending or _has_pending(a) for a in args):
            self.flush()
            args = tuple(_concrete(a) for a in args)
        previous = _grad_state.batching
        _grad_state.batching = None
        try:
            return cls.apply(*args)
        finally:
            _grad_state.batching = previous

    # ---- running -------------------------------------------------------------------------------
    def flush(self) -> None:
        """Compute every pending value, batched."""
        pending = self.pending
        if not pending:
            return
        self.pending = []
        saved = (_grad_state.batching, _grad_state.enabled, _scope_state.current, anomaly._state.enabled)
        _grad_state.batching = None
        anomaly._state.enabled = False  # nodes get their records' creation stacks instead
        try:
            for group in self.schedule(pending):
                self._run(group)
        finally:
            _grad_state.batching, _grad_state.enabled, _scope_state.current, anomaly._state.enabled = saved

    def _run(self, group: list) -> None:
        first = group[0]
        _grad_state.enabled = first.grad_enabled
        _scope_state.current = _common_scope(group) if first.scope is not None else None
        batched = False
        if len(group) > 1:
            try:
                first.key[0][0](first.cls, group)
                batched = True
            except Exception:  # run them one by one: the failing call raises its own error
                if STRICT:
                    raise
        self.ops_run += len(group)
        if batched:
            self.groups_run += 1
            self.batched_ops += len(group)
            for r in group:
                if r.pre_hooks is not None or r.retained is not None:
                    _hand_over(r)
                if r.stack is not None:
                    for t in r.outputs:
                        if t.grad_fn is not None:
                            t.grad_fn.forward_stack = r.stack
                            producer = edge_source(t.grad_fn.edges[0])
                            if producer is not None:  # the batched op: where the first call was made
                                producer[0].forward_stack = producer[0].forward_stack or r.stack
                r.outputs = r.args = None
            return
        for r in group:
            for t, out in zip(r.outputs, self._run_one(r)):
                _settle(t, out)
                if r.stack is not None and out.grad_fn is not None:
                    out.grad_fn.forward_stack = r.stack
            if r.pre_hooks is not None or r.retained is not None:
                _hand_over(r)
            r.outputs = r.args = None

    def _run_one(self, r: Record) -> tuple:
        args = tuple(_concrete(a) for a in r.args)
        try:
            out = r.cls.apply(*args)
        except Exception as error:
            _locate(error, r)
            raise
        return out if out.__class__ is tuple else (out,)


def _settle(t: Tensor, out: Tensor) -> None:
    """The lazy Tensor `t` becomes the computed `out`: its numbers and its place on the tape."""
    placeholder = t.data
    if placeholder.__class__ is Pending:
        placeholder.value = out.data
        placeholder.record = None
    t.data = out.data
    t.grad_fn = out.grad_fn
    t.requires_grad = out.requires_grad
    t._output_nr = out._output_nr
    if t._version_counter is None:
        t._version_counter = out._version_counter


def _hand_over(r: Record) -> None:
    """Hooks and retain_grad asked of a lazy output go to the node that now computes it."""
    for nr, hooks in (r.pre_hooks or {}).items():
        t = r.outputs[nr]
        node = t.grad_fn
        if node is not None and hooks:
            if node.pre_hooks is None:
                node.pre_hooks = {}
            node.pre_hooks.setdefault(t._output_nr, []).extend(hooks)
            node.watched = True
    for nr, ref in (r.retained or {}).items():
        t = r.outputs[nr]
        node = t.grad_fn
        if node is not None:
            if node.retained is None:
                node.retained = {}
            node.retained[t._output_nr] = ref
            node.watched = True


def _common_scope(group: list):
    """The innermost `tg.viz.scope` that all calls of the group were made in (None: none)."""
    scope = group[0].scope
    for r in group:
        if r.scope is not scope and r.scope != scope:
            other = r.scope or ()
            mine = scope or ()
            n = 0
            while n < min(len(mine), len(other)) and mine[n] == other[n]:
                n += 1
            scope = mine[:n] or None
            if scope is None:
                break
    return scope


def _locate(error: Exception, r: Record) -> None:
    """Add the user's line to an error raised by a call that was recorded earlier."""
    note = (f"\n(this {r.cls.__name__} was recorded inside tg.autobatch() at {r.location()}, "
            f"and computed later)")
    if error.args and isinstance(error.args[0], str):
        error.args = (error.args[0] + note,) + error.args[1:]
    else:
        error.args = error.args + (note,)


def pending_count() -> int:
    recorder = _grad_state.batching
    return 0 if recorder is None else len(recorder.pending)

