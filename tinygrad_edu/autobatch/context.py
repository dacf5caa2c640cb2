"""`tg.autobatch()`: the context manager (and decorator) that turns batching on for a block."""
from __future__ import annotations

import functools

from ..autograd.grad_mode import _state as _grad_state
from .agenda import STRATEGIES
from .recorder import Recorder


class autobatch:
    """Write the model one example at a time; run it batched.

    Inside the block, ops are recorded instead of computed, and return Tensors whose numbers come
    later. Reading a value -- `.item()`, `.numpy()`, `.tolist()`, `bool(t)`, `print(t)`,
    `np.asarray(t)`, `backward()`, `tg.grad` -- or leaving the block computes everything pending:
    calls of the same op with the same non-tensor arguments, the same shapes and dtypes and the
    same shared tensors (a weight) run as one numpy call on stacked inputs, and are cut apart
    again. The tape then holds the batched calls, so backward is batched too. Values and
    gradients are those of the same code without autobatch. The method of Neubig, Goldberg & Dyer,
    "On-the-fly operation batching in dynamic computation graphs" (NeurIPS 2017).

    >>> import tinygrad_edu as tg
    >>> w = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> with tg.autobatch():
    ...     ys = [(tg.tensor([[float(i), 1.0]]) @ w).tanh().sum() for i in range(3)]
    ...     loss = tg.stack(ys).sum()
    >>> loss.backward()                  # one matmul, one tanh, one sum on the tape, not three each
    >>> w.grad.shape
    (2, 2)

    `strategy` picks the order of the batches: "depth" (default) or "agenda" (see
    docs/autobatch.md). `enabled=False` makes the block do nothing, so one code path can run
    both ways. The mode is per thread; a nested block joins the outer one.
    """

    def __new__(cls, *args, **kwargs):
        # `@tg.autobatch` without parentheses: the class receives the function
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return cls()(args[0])
        return super().__new__(cls)

    def __init__(self, strategy: str = "depth", enabled: bool = True) -> None:
        if strategy not in STRATEGIES:
            raise ValueError(f"autobatch: strategy must be one of {sorted(STRATEGIES)}, got {strategy!r}")
        self.strategy = strategy
        self.enabled = bool(enabled)
        self.recorder = None
        self._outer = []

    def __enter__(self) -> "autobatch":
        outer = _grad_state.batching
        if outer is not None and outer.__class__ is not Recorder and self.enabled:
            raise RuntimeError("autobatch: cannot batch while tg.profiler records ops in this thread (the "
                               "profiler times each op as it runs; autobatch runs ops later, together); "
                               "start the autobatch block outside the profile")
        self._outer.append(outer)
        if outer is None and self.enabled:
            _grad_state.batching = Recorder(self.strategy)
        self.recorder = _grad_state.batching  # its counters say how much was batched
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        outer = self._outer.pop()
        if outer is not None or not self.enabled:  # nested: the outer block computes what is pending
            return
        recorder = _grad_state.batching
        try:
            if exc_type is None:
                recorder.flush()
            else:  # the block already failed: compute what can be, but report the first error
                try:
                    recorder.flush()
                except Exception:
                    pass
        finally:
            _grad_state.batching = None

    def __call__(self, fn):
        strategy, enabled = self.strategy, self.enabled

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with autobatch(strategy, enabled):
                return fn(*args, **kwargs)

        return wrapper


def is_autobatch_enabled() -> bool:
    """True inside a `tg.autobatch()` block (in this thread)."""
    return _grad_state.batching is not None
