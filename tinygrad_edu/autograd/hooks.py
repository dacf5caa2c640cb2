"""Handles that let a registered hook be removed again."""
from __future__ import annotations


class RemovableHandle:
    """Returned by `register_hook`; `handle.remove()` unregisters the hook."""

    __slots__ = ("_hooks", "_hook")

    def __init__(self, hooks: list, hook) -> None:
        self._hooks = hooks
        self._hook = hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


def run_hooks(hooks: list, grad):
    """Each hook sees the grad; one that returns a tensor replaces it for the hooks after it."""
    for hook in hooks:
        result = hook(grad)
        if result is not None:
            grad = result
    return grad
