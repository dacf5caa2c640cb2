"""`tg.autograd.graph`: hooks on the tensors that the graph saves for backward, and PyTorch's
names for some of them (`grad_fn._saved_self`, ...).

Inside `with saved_tensors_hooks(pack_hook, unpack_hook):` every tensor an op saves for
backward is handed to `pack_hook`, and the graph keeps whatever it returns (a copy on disk, a
compressed array...) instead of the tensor; backward calls `unpack_hook` on it to get the tensor
back. Outside such a block nothing here runs: saving costs one check of a counter
(`function._hooks_open`).

    >>> import tinygrad_edu as tg
    >>> def pack(t):
    ...     print("pack", tuple(t.shape))
    ...     return t.detach().numpy().copy()    # keep a copy of the numbers only
    >>> def unpack(array):
    ...     print("unpack", array.shape)
    ...     return tg.from_numpy(array)
    >>> a = tg.ones(3, requires_grad=True)
    >>> with tg.autograd.graph.saved_tensors_hooks(pack, unpack):
    ...     y = (a * 2.0).exp()
    pack (3,)
    >>> y.sum().backward()
    unpack (3,)
    >>> a.grad
    tensor([14.7781, 14.7781, 14.7781])

As in PyTorch: only the innermost pair of hooks applies; a Python number (the 2.0 above) is not a
saved tensor; tensors saved with hooks are not checked for in-place changes (the graph no longer
holds them); `unpack_hook` must return a Tensor.
"""
from __future__ import annotations

import contextlib
import threading
import weakref
from typing import Any, Callable, Iterator

import numpy as np

from ..tensor import Number, Tensor
from . import function
from .function import _FREED_MESSAGE, PACKED, Function, Node, Packed
from .grad_mode import _state as _grad_state

__all__ = ["saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks"]


class _HooksState(threading.local):
    hooks: tuple | None = None  # the innermost (pack_hook, unpack_hook) of this thread
    disabled: str | None = None  # disable_saved_tensors_hooks's message, while it is on


_state = _HooksState()
_count_lock = threading.Lock()


def _count_open(change: int) -> None:
    with _count_lock:
        function._hooks_open += change


class saved_tensors_hooks:  # noqa: N801 (PyTorch's name)
    """Context manager: tensors saved for backward inside the block go through
    `pack_hook(tensor) -> anything`, and backward gets them back with `unpack_hook(that) -> Tensor`.
    `unpack_hook(pack_hook(t))` should equal `t` in value, shape and dtype. Per thread; nested
    blocks: the innermost pair applies."""

    def __init__(self, pack_hook: Callable[[Tensor], Any], unpack_hook: Callable[[Any], Tensor]) -> None:
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook
        self._previous: list = []

    def __enter__(self) -> None:
        if _state.disabled is not None:
            raise RuntimeError(_state.disabled)
        self._previous.append(_state.hooks)
        _state.hooks = (self.pack_hook, self.unpack_hook)
        _count_open(+1)

    def __exit__(self, *exc) -> None:
        _state.hooks = self._previous.pop()
        _count_open(-1)


class save_on_cpu(saved_tensors_hooks):  # noqa: N801 (PyTorch's name)
    """Keep saved tensors in CPU memory until backward (PyTorch's way to save GPU memory). Every
    tensor here is on the CPU already, so the hooks only record the device and give the tensor
    back; `pin_memory` and `device_type` are accepted for PyTorch code and change nothing."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        def pack_to_cpu(tensor: Tensor) -> tuple:
            return (tensor.device, tensor.cpu())

        def unpack_from_cpu(packed: tuple) -> Tensor:
            device, tensor = packed
            return tensor.to(device)

        super().__init__(pack_to_cpu, unpack_from_cpu)


@contextlib.contextmanager
def disable_saved_tensors_hooks(error_message: str) -> Iterator[None]:
    """Inside the block, entering `saved_tensors_hooks` (or `save_on_cpu`) raises RuntimeError
    with `error_message`; so does entering this block while such hooks are on, as in PyTorch."""
    if _state.hooks is not None:
        raise RuntimeError(error_message)
    previous = _state.disabled
    _state.disabled = str(error_message)
    try:
        yield
    finally:
        _state.disabled = previous


# ---- packing and unpacking (called by Node, in function.py) --------------------------------

def pack_saved(node: Node, tensors: tuple) -> bool:
    """Node.save_for_backward inside saved_tensors_hooks: keep what pack_hook returns for each
    tensor. False if this thread has no hooks (the block that is open is another thread's)."""
    hooks = _state.hooks
    if hooks is None:
        return False
    items = []
    for t in tensors:
        if t is None or t.__class__ is Number:  # a Python number is kept as its array, unpacked
            items.append(None if t is None else t.data)
        else:
            items.append(_pack(t, *hooks))
    node._saved = tuple(items)
    node._saved_versions = PACKED
    return True


def pack_output(node: Node, out: Tensor) -> None:
    """The result that an op saved (exp, tanh, sigmoid: save_output) goes through pack_hook too."""
    hooks = _state.hooks
    if hooks is not None:
        node._saved_output = _pack(out, *hooks, output=True)


def _pack(t: Tensor, pack_hook, unpack_hook, output: bool = False) -> Packed:
    version = t._version
    value = pack_hook(t)
    if t._version != version:
        raise RuntimeError(
            "saved_tensors_hooks: the pack hook changed its input in place; a pack hook must not "
            "modify the tensor it is given (return a changed copy instead)")
    # where the tensor sat in the graph, so that the unpacked copy can take its place (an output's
    # node is the node that saved it: not kept here, which would make a reference cycle)
    grad_fn = None if output else t.grad_fn
    leaf = weakref.ref(t) if grad_fn is None and t.requires_grad and not output else None
    return Packed(value, unpack_hook, grad_fn, t._output_nr, leaf)


def _unpack(item: Packed) -> Tensor:
    value = item.unpack_hook(item.value)
    if not isinstance(value, Tensor):
        raise TypeError(f"Output of saved tensor unpack_hook expected to be a Tensor but got result of "
                        f"type {type(value).__name__}")
    return value


def _in_graph(item: Packed, value: Tensor) -> Tensor:
    """The unpacked tensor in the place of the one that was packed, so that a backward recorded
    with create_graph=True differentiates through it, as through the original."""
    if item.grad_fn is not None:
        t = Tensor._make(value.data, item.grad_fn, True)
        if item.output_nr:
            t._output_nr = item.output_nr
        return t
    leaf = item.leaf() if item.leaf is not None else None
    if leaf is None:
        return value
    if value.data is leaf.data:  # given back as it was: the leaf itself
        return leaf
    return SavedLeaf.apply(leaf, value.data) if _grad_state.enabled else Tensor._make(value.data, None, False)


class SavedLeaf(Function):
    """An unpacked copy of a leaf that requires grad: its value, with the leaf's gradient edge."""

    forward_records = False
    xp_backward = True

    @staticmethod
    def forward(ctx, leaf, data):
        return data

    @staticmethod
    def backward(ctx, grad):
        return grad, None


def unpack_saved(node: Node) -> tuple:
    """ctx.saved_tensors of a node whose tensors pack hooks keep: arrays for a formula written
    against ctx.xp (when not recorded), else Tensors."""
    as_arrays = node.fn.xp_backward and not _grad_state.enabled
    values = []
    for item in node._saved:
        if item is None or item.__class__ is np.ndarray:  # (nothing, or a saved number's array)
            values.append(item if as_arrays or item is None else Tensor._make(item, None, False))
        elif as_arrays:
            values.append(_unpack(item).data)
        else:
            values.append(_in_graph(item, _unpack(item)))
    return tuple(values)


def unpack_output(node: Node):
    """ctx.saved_output of a node whose output a pack hook keeps (see Node.saved_output)."""
    value = _unpack(node._saved_output)
    if _grad_state.enabled:
        return Tensor._make(value.data, node, True)  # differentiable, via this node
    return value.data if node.fn.xp_backward else Tensor._make(value.data, None, False)


# ---- grad_fn._saved_self and the like ------------------------------------------------------

def _saved_names() -> dict:
    """PyTorch's attribute names for what some built-in ops save: an index into the saved
    tensors, or "result" for the saved output. Only ops whose saved values are exactly PyTorch's."""
    from .. import ops
    inputs = {"_saved_self": 0, "_saved_other": 1}
    result = {"_saved_result": "result"}
    return {ops.Mul: inputs, ops.Pow: {"_saved_self": 0, "_saved_exponent": 1},
            ops.Exp: result, ops.Sigmoid: result, ops.Tanh: result}


def saved_attribute(node: Node, name: str):
    """`grad_fn._saved_self` (Mul, Pow), `_saved_other` (Mul), `_saved_exponent` (Pow),
    `_saved_result` (Exp, Sigmoid, Tanh): a saved value as a Tensor (None if the op did not need
    to save it, as in PyTorch; a number for a Python-number exponent)."""
    where = _saved_names().get(node.fn, {}).get(name)
    if where is None:
        raise AttributeError(f"'{node.name()}' object has no attribute '{name}'")
    if node._saved_versions is function._FREED:
        raise RuntimeError(_FREED_MESSAGE.format(name=node.name()))
    if where == "result":
        if node._saved_output.__class__ is Packed:
            return Tensor._make(_unpack(node._saved_output).data, node, True)
        if node._output_version[0] != 0:
            raise RuntimeError(f"{node.name()}._saved_result: the result was modified by an in-place "
                               f"operation after it was saved")
        result = Tensor._make(node._saved_output, node, True)  # the output again, sharing its version
        result._version_counter = node._output_version
        return result
    item = node._saved[where]
    if item is None:
        return None
    if item.__class__ is np.ndarray:  # a Python number the op was given
        return item.item() if name == "_saved_exponent" else Tensor._make(item, None, False)
    if item.__class__ is Packed:
        return _in_graph(item, _unpack(item))
    version = node._saved_versions[where]
    if item._version_counter is not None and item._version_counter[0] != version:
        raise RuntimeError(f"{node.name()}.{name}: the tensor of shape {item.shape} was modified by an "
                           f"in-place operation after it was saved (version {version}, now {item._version})")
    return item
