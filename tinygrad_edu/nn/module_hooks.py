"""Forward hooks of a Module, as PyTorch's `register_forward_pre_hook` / `register_forward_hook`:
functions called around `forward` each time the module is called, to look at (or replace) its
inputs and output -- e.g. to record activations, or to print shapes while debugging.

    activations = {}
    handle = model.fc1.register_forward_hook(lambda module, args, output: activations.update(fc1=output))
    model(x)
    handle.remove()
"""
from __future__ import annotations

import itertools
import warnings
from typing import Any, Callable

_next_id = itertools.count()


class RemovableHandle:
    """Returned by the `register_*_hook` methods; `handle.remove()` unregisters the hook (also as a
    context manager: the hook is removed when the `with` block ends)."""

    def __init__(self, hooks: dict, *extra: set) -> None:
        self.id = next(_next_id)
        self._hooks, self._extra = hooks, extra

    def remove(self) -> None:
        """Unregister the hook (removing it twice does nothing)."""
        self._hooks.pop(self.id, None)
        for keys in self._extra:
            keys.discard(self.id)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


def insert_hook(module, kind: str, hook: Callable, prepend: bool = False, *extra: set) -> RemovableHandle:
    """Put `hook` in `module.<kind>` (a dict id -> hook, run in order; made at the first one, as most
    modules have none), first if `prepend`. `extra`: sets of hook ids that removing it also clears."""
    if not callable(hook):
        raise TypeError(f"register{kind[:-1]}: the hook must be a function, got {type(hook).__name__}")
    hooks = module.__dict__.setdefault(kind, {})
    handle = RemovableHandle(hooks, *extra)
    hooks[handle.id] = hook
    if prepend:
        items = list(hooks.items())
        hooks.clear()
        hooks.update([items[-1]] + items[:-1])
    return handle


def make_call_hook_state(module) -> None:
    """The dicts and sets that call_with_hooks reads, made at the first forward or backward hook:
    once they exist, Module.__call__ goes through call_with_hooks (most modules never get a hook,
    and their calls check one key)."""
    for name, empty in (("_forward_pre_hooks", dict), ("_forward_hooks", dict), ("_backward_pre_hooks", dict),
                        ("_backward_hooks", dict), ("_forward_pre_hooks_with_kwargs", set),
                        ("_forward_hooks_with_kwargs", set), ("_forward_hooks_always_called", set)):
        module.__dict__.setdefault(name, empty())


def add_hook(module, kind: str, hook: Callable, prepend: bool, with_kwargs: bool,
             always_call: bool = False) -> RemovableHandle:
    """Register a forward pre-hook or forward hook (`kind`) of `module`, first if `prepend`."""
    make_call_hook_state(module)
    with_kwargs_ids = module.__dict__[kind + "_with_kwargs"]
    always_ids = module.__dict__["_forward_hooks_always_called"]
    handle = insert_hook(module, kind, hook, prepend, with_kwargs_ids, always_ids)
    if with_kwargs:
        with_kwargs_ids.add(handle.id)
    if always_call:
        always_ids.add(handle.id)
    return handle


def call_with_hooks(module, args: tuple, kwargs: dict) -> Any:
    """`module.forward(*args, **kwargs)` with its hooks, by PyTorch's rules:

    - a pre-hook `hook(module, args)` may return new args (a non-tuple is made a 1-tuple);
      with `with_kwargs=True` it is `hook(module, args, kwargs)` and may return (args, kwargs);
    - a forward hook `hook(module, args, output)` (`hook(module, args, kwargs, output)` with
      `with_kwargs`) may return a new output;
    - hooks registered with `always_call=True` run even if forward raised (the error is then raised);
    - with backward hooks (backward_hooks.py), the inputs are wrapped after the pre-hooks and the
      output after the forward hooks.
    """
    state = module.__dict__
    pre_hooks, forward_hooks = state.get("_forward_pre_hooks", {}), state.get("_forward_hooks", {})
    for hook_id, hook in list(pre_hooks.items()):
        if hook_id in module._forward_pre_hooks_with_kwargs:
            result = hook(module, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                                       f"but got {result}.")
                args, kwargs = result
        else:
            result = hook(module, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
    backward = None
    if state.get("_backward_hooks") or state.get("_backward_pre_hooks"):
        from .backward_hooks import ModuleCall

        backward = ModuleCall(module)
        args = backward.wrap_inputs(args)
    called = set()
    try:
        output = module.forward(*args, **kwargs)
        for hook_id, hook in list(forward_hooks.items()):
            called.add(hook_id)
            output = _run_forward_hook(module, hook_id, hook, args, kwargs, output)
        return output if backward is None else backward.wrap_outputs(output)
    except Exception:
        for hook_id, hook in list(forward_hooks.items()):
            if hook_id in module._forward_hooks_always_called and hook_id not in called:
                try:
                    _run_forward_hook(module, hook_id, hook, args, kwargs, None)
                except Exception as err:
                    warnings.warn(f"forward hook with ``always_call=True`` raised an exception that was silenced as "
                                  f"another error was raised in forward: {err}", stacklevel=2)
        raise


def _run_forward_hook(module, hook_id: int, hook: Callable, args: tuple, kwargs: dict, output: Any) -> Any:
    if hook_id in module._forward_hooks_with_kwargs:
        result = hook(module, args, kwargs, output)
    else:
        result = hook(module, args, output)
    return output if result is None else result
