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


def run_hooks(hooks: list, grad, what: str = "tensor", shape: tuple | None = None):
    """Each hook sees the grad; one that returns a tensor replaces it for the hooks after it.
    A replacement must have the gradient's shape: PyTorch refuses anything else, and so do we,
    naming the hook (a wrong shape would otherwise surface later, blamed on another op)."""
    for hook in hooks:
        result = hook(grad)
        if result is not None:
            if shape is not None and tuple(result.shape) != tuple(shape):
                name = getattr(hook, "__qualname__", repr(hook))
                raise RuntimeError(
                    f"hook {name!r} on a {what} of shape {tuple(shape)} returned a gradient of shape "
                    f"{tuple(result.shape)}; a hook must return a gradient of the same shape (or None)"
                )
            grad = result
    return grad
