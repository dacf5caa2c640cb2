"""The functions of PyTorch's `torch.autograd` namespace that have no other home here:
`backward` over several outputs, `set_detect_anomaly`, the old `Variable` wrapper, and
`inference_mode`."""
from __future__ import annotations

import functools
import threading
from typing import Sequence

import numpy as np

from ..tensor import Tensor
from . import anomaly, function
from .differentiate import outputs_and_gradients, refresh_views, seed_gradient
from .engine import accumulate_into_leaf, run_backward
from .grad_mode import no_grad


def backward(tensors: Tensor | Sequence[Tensor], grad_tensors=None, retain_graph: bool | None = None,
             create_graph: bool = False, grad_variables=None, inputs=None) -> None:
    """Sum the gradients of several outputs into the leaves' `.grad`, in one backward pass
    (`torch.autograd.backward`). `grad_tensors` gives dL/d(output) for each output (None for an
    output with one element); `inputs`, if given, are the only tensors whose `.grad` changes.

    >>> import tinygrad_edu as tg
    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> tg.autograd.backward([(x * x).sum(), x], [None, tg.ones(2)])
    >>> x.grad                                   # 2x + 1
    tensor([3., 5.])
    """
    if grad_variables is not None:  # PyTorch's old name for grad_tensors
        grad_tensors = grad_variables
    tensors, grad_tensors = outputs_and_gradients(tensors, grad_tensors, "backward", "grad_tensors")
    if inputs is not None:
        inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    refresh_views(tensors + (inputs or []))
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"backward: element {i} of tensors is a {t.__class__.__name__}, not a Tensor")
        if not t.requires_grad:
            raise RuntimeError(f"backward: element {i} of tensors does not require grad and does not "
                               f"have a grad_fn")
    seeds = [seed_gradient(t, g, "backward", create_graph) for t, g in zip(tensors, grad_tensors)]
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is None:
        run_backward(tensors, seeds, retain_graph, create_graph)
        return
    if not inputs:
        raise RuntimeError("backward: inputs= was given but is empty")
    for t in inputs:
        if isinstance(t, Tensor) and t.grad_fn is not None:
            t.retain_grad()  # a non-leaf input gets its .grad as a retained one (PyTorch's rule, from now on)
    grads = run_backward(tensors, seeds, retain_graph, create_graph, inputs=inputs, run_input_nodes=True)
    for t, g in zip(inputs, grads):
        if g is not None and t.grad_fn is None:  # summed into a leaf's .grad as backward() does
            accumulate_into_leaf(t, g if create_graph else g.data, create_graph)


class set_detect_anomaly:  # noqa: N801 (PyTorch's name)
    """Switch anomaly detection on or off (`mode`), from now on or, used with `with`, until the
    block ends; see `tg.detect_anomaly`."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._previous = (anomaly._state.enabled, anomaly._state.check_nan)
        anomaly._state.enabled, anomaly._state.check_nan = bool(mode), bool(check_nan)

    def __enter__(self) -> "set_detect_anomaly":
        return self

    def __exit__(self, *exc) -> None:
        anomaly._state.enabled, anomaly._state.check_nan = self._previous


class _VariableMeta(type):
    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor)


class Variable(metaclass=_VariableMeta):
    """PyTorch's old wrapper (merged into Tensor in PyTorch 0.4), for old code:
    `Variable(t, requires_grad=True)` is a leaf sharing `t`'s numbers, and every Tensor is an
    instance of Variable."""

    def __new__(cls, data, requires_grad: bool = False, volatile: bool = False) -> Tensor:  # type: ignore[misc]
        tensor = data if isinstance(data, Tensor) else Tensor(data)
        return tensor.detach().requires_grad_(requires_grad)


class _InferenceState(threading.local):
    on = False  # inside inference_mode() (and not inside an inference_mode(False) in it)


_inference = _InferenceState()
_inference_lock = threading.Lock()


class inference_mode(no_grad):  # noqa: N801 (PyTorch's name)
    """`with tg.inference_mode():` (or as a decorator) -- nothing is recorded, as under
    `tg.no_grad()`, and the results of ops inside are *inference tensors*
    (`t.is_inference()` is True), as in PyTorch. `inference_mode(False)` records as usual.

    >>> import tinygrad_edu as tg
    >>> x = tg.ones(2, requires_grad=True)
    >>> with tg.inference_mode():
    ...     y = x * 2
    >>> y.requires_grad, y.is_inference(), x.is_inference()
    (False, True, False)
    """

    def __init__(self, mode: bool = True) -> None:
        self._mode = not mode  # the grad mode inside: off in inference mode
        self._previous_inference: list = []  # _inference.on before each (nested) entry

    def __enter__(self) -> None:
        super().__enter__()
        self._previous_inference.append(_inference.on)
        _inference.on = not self._mode
        if not self._mode:
            _count_inference(+1)

    def __exit__(self, *exc) -> None:
        super().__exit__(*exc)
        _inference.on = self._previous_inference.pop()
        if not self._mode:
            _count_inference(-1)

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(not self._mode):
                return fn(*args, **kwargs)
        return wrapper


def is_inference_mode_enabled() -> bool:
    """True inside `tg.inference_mode()` (and not inside an `inference_mode(False)` in it), in
    this thread -- PyTorch's `torch.is_inference_mode_enabled()`."""
    return _inference.on


def _count_inference(change: int) -> None:
    with _inference_lock:
        function._inference_open += change
        function._inference_made = True  # (from now on inference tensors may exist: see function.py)


def made(t: Tensor) -> Tensor:
    """`t`, a tensor just made from numbers (tg.tensor, tg.ones, a sample): an inference tensor
    when this thread is inside inference_mode."""
    if function._inference_open and _inference.on:
        t._inference = True
    return t


def mark_inference(cls: type, args: tuple, out) -> None:
    """Results of an op run inside inference_mode are inference tensors, and so are views of an
    inference tensor made outside it; a view of a normal tensor stays a normal tensor, as in
    PyTorch (called by Function.apply once some inference tensor exists)."""
    source = args[0] if args and isinstance(args[0], Tensor) else None
    view_of_inference = False
    if source is not None and (cls.returns_view or _shares_memory(out, source)):  # (t[0], t[1:] too)
        if not source.is_inference():
            return  # a view of a normal tensor stays normal, inside the mode too
        view_of_inference = True
    if not _inference.on and not view_of_inference:
        return  # outside the mode, only views of inference tensors are inference tensors
    for t in out if out.__class__ is tuple else (out,):
        if isinstance(t, Tensor):
            t._inference = True


def _shares_memory(out, source: Tensor) -> bool:
    """Is the (first) result a view of `source`'s memory (an op that returns a view only for some
    arguments, such as indexing with ints and slices)?"""
    first = out[0] if out.__class__ is tuple else out
    data = getattr(first, "data", None)
    return isinstance(data, np.ndarray) and data.base is not None and np.may_share_memory(data, source.data)


# ---- switches PyTorch has for its multithreaded engine, and a type test ---------------------------
class _EngineState(threading.local):
    multithreading = True  # (reported only: a backward pass here runs on the calling thread anyway)


_engine = _EngineState()


def is_multithreading_enabled() -> bool:
    """PyTorch's switch for running backward on device worker threads (True by default, per
    thread). Here backward always runs on the calling thread; the switch is only remembered."""
    return _engine.multithreading


class set_multithreading_enabled:  # noqa: N801 (PyTorch's name)
    """Set `is_multithreading_enabled()` now (as a call) or for a `with` block, as PyTorch's; it
    changes nothing else here (backward runs on the calling thread).

    >>> import tinygrad_edu as tg
    >>> with tg.autograd.set_multithreading_enabled(False):
    ...     tg.autograd.is_multithreading_enabled()
    False
    >>> tg.autograd.is_multithreading_enabled()
    True
    """

    def __init__(self, mode: bool) -> None:
        self.prev, self.mode = _engine.multithreading, bool(mode)
        _engine.multithreading = self.mode

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> None:
        _engine.multithreading = self.prev

    def clone(self) -> "set_multithreading_enabled":
        return self.__class__(self.mode)


def is_view_replay_enabled() -> bool:
    """PyTorch's view-replay switch (for backends without views): False, as by default there."""
    return False


def is_tensor_like(inp) -> bool:
    """True for a Tensor (or a subclass); False for numbers, None and other objects, as
    `torch.autograd.is_tensor_like` for classes without `__torch_function__`."""
    return isinstance(inp, Tensor)
