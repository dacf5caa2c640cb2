"""Grad mode: whether operations record themselves on the tape. One flag per thread."""
from __future__ import annotations

import functools
import threading


class _GradState(threading.local):
    enabled = True
    batching = None  # the recorder of tg.autobatch() while it is on (see autobatch/recorder.py)


_state = _GradState()


def is_grad_enabled() -> bool:
    """True when new operations are recorded for backward (the default)."""
    return _state.enabled


class _GradModeSwitch:
    """Sets grad mode for a `with` block or for every call of a decorated function."""

    _mode: bool

    def __new__(cls, *args):
        # `@tg.no_grad` without parentheses, as PyTorch allows: the class receives the function
        if len(args) == 1 and callable(args[0]):
            return cls()(args[0])
        return super().__new__(cls)

    def __enter__(self) -> None:
        self._previous = _state.enabled
        _state.enabled = self._mode

    def __exit__(self, *exc) -> None:
        _state.enabled = self._previous

    def __call__(self, fn):
        mode = self._mode  # (this switch's mode: set_grad_enabled(False), inference_mode(False))

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            previous = _state.enabled
            _state.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                _state.enabled = previous

        return wrapper


class no_grad(_GradModeSwitch):
    """Operations inside do not record a graph (for evaluation and weight updates).

    >>> import tinygrad_edu as tg
    >>> x = tg.ones(2, requires_grad=True)
    >>> with tg.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    _mode = False


class enable_grad(_GradModeSwitch):
    """Turn recording back on inside a `no_grad` block."""

    _mode = True


class set_grad_enabled(_GradModeSwitch):
    """Grad mode chosen by a flag, as PyTorch's: it takes effect at once, so it works as a plain
    call as well as in `with` (which restores the previous mode at its end) or as a decorator.

    >>> import tinygrad_edu as tg
    >>> x = tg.ones(1, requires_grad=True)
    >>> with tg.set_grad_enabled(False):
    ...     y = x * 2
    >>> y.requires_grad
    False
    >>> _ = tg.set_grad_enabled(False)   # a call: off from here on
    >>> (x * 2).requires_grad
    False
    >>> _ = tg.set_grad_enabled(True)
    >>> (x * 2).requires_grad
    True
    """

    def __init__(self, mode: bool = True) -> None:
        self._mode = bool(mode)
        self._previous = _state.enabled
        _state.enabled = self._mode

    def __enter__(self) -> None:  # (the mode is already set; __exit__ restores the one before)
        _state.enabled = self._mode

    def __call__(self, fn):
        _state.enabled = self._previous  # as a decorator it changes nothing until fn is called
        return super().__call__(fn)
