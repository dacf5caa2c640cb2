"""`tg.utils.hooks` (PyTorch's `torch.utils.hooks`): `RemovableHandle`, what the `register_*_hook`
methods of a Module return; `handle.remove()` unregisters the hook, also as a context manager.

A library of one's own can hand out the same handles, as PyTorch code does:

>>> hooks = {}
>>> handle = RemovableHandle(hooks)
>>> hooks[handle.id] = print
>>> handle.remove()
>>> hooks
{}
"""
from ..nn.module_hooks import RemovableHandle

__all__ = ["RemovableHandle"]
