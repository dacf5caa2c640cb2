"""Named scopes: `with tg.viz.scope("Reduce"): ...` tags every op recorded inside with the
scope's name, so a graph picture can draw each scope as one box. Scopes nest; per thread."""
from __future__ import annotations

import threading


class _ScopeState(threading.local):
    current: tuple[str, ...] | None = None  # names from outermost to innermost, plus a unique id


_state = _ScopeState()
_counter = 0


class scope:
    """Context manager: ops recorded inside belong to a scope called `name`.

    Each `with` block is its own scope instance (two compositions named "Reduce" are two boxes).
    """

    def __init__(self, name: str) -> None:
        self.name = str(name)

    def __enter__(self) -> "scope":
        global _counter
        _counter += 1
        self._previous = _state.current
        self.path = (self._previous or ()) + (f"{self.name}#{_counter}",)
        _state.current = self.path
        return self

    def __exit__(self, *exc) -> None:
        _state.current = self._previous


def current_scope() -> tuple[str, ...] | None:
    return _state.current
