"""The backward pass.

    1. collect every node reachable from the outputs (an explicit stack: no recursion, so a
       chain of a million ops is fine);
    2. visit them in reverse creation order -- a node is always created after the nodes of its
       inputs, so every node is visited after all the nodes that send it a gradient;
    3. call each node's backward once, with the sum of the gradients that reached it, and pass
       the results along its edges: into another node's buffer, or into a leaf's `.grad`.

Broadcasting is undone here, in `unbroadcast`, for every op at once.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..tensor import Tensor
from . import anomaly
from .function import Node
from .grad_mode import _state as _grad_state
from .hooks import run_hooks


def unbroadcast(grad: Tensor, shape: tuple) -> Tensor:
    """Sum `grad` down to `shape`, undoing numpy broadcasting.

    If y = f(x) broadcast x from shape (3, 1) to (2, 3, 4), each x[i, 0] was used 2·4 times,
    so its gradient is the sum of the gradients of all its copies.
    """
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and grad.shape[extra + i] != 1
    )
    if axes:
        grad = grad.sum(dim=axes, keepdim=True)
    if extra or grad.shape != shape:
        grad = grad.reshape(shape)
    return grad


def _collect(roots: Sequence[Node]) -> list[Node]:
    """All nodes reachable from `roots`, latest-created first."""
    seen = set()
    stack = list(roots)
    nodes = []
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        nodes.append(node)
        for edge in node.edges:
            if edge is not None and edge.__class__ is tuple and edge[0] not in seen:
                stack.append(edge[0])
    nodes.sort(key=lambda n: n.seq, reverse=True)
    return nodes


def _accumulate_leaf(leaf: Tensor, grad: Tensor, create_graph: bool) -> None:
    """leaf.grad += grad (a new tensor the first time, so no two leaves share one array)."""
    if leaf._hooks:
        grad = run_hooks(leaf._hooks, grad)
    if grad.data.dtype != leaf.data.dtype:
        grad = Tensor._make(grad.data.astype(leaf.data.dtype), grad.grad_fn, grad.requires_grad)
    if leaf.grad is None:
        leaf.grad = grad if create_graph else Tensor._make(np.array(grad.data, copy=True), None, False)
    elif create_graph or leaf.grad.requires_grad:
        leaf.grad = leaf.grad + grad
    else:
        np.add(leaf.grad.data, grad.data, out=leaf.grad.data, casting="unsafe")


def run_backward(
    outputs: Sequence[Tensor],
    grad_outputs: Sequence[Tensor],
    retain_graph: bool,
    create_graph: bool,
    inputs: Sequence[Tensor] | None = None,
) -> list[Tensor | None] | None:
    """Backpropagate `grad_outputs` from `outputs`.

    With `inputs` (tg.grad): return the gradient reaching each input and leave `.grad` alone.
    Without: accumulate into the `.grad` of every leaf that requires grad (Tensor.backward).
    """
    # Gradients waiting to be passed into a node, one slot per output of that node.
    buffers: dict[Node, list] = {}
    leaf_grads: dict[int, Tensor] = {}  # only for tg.grad: id(leaf input) -> gradient
    wanted_leaves = {id(t) for t in inputs if t.grad_fn is None} if inputs is not None else None
    wanted_outputs = (
        {(t.grad_fn, t._output_nr): None for t in inputs if t.grad_fn is not None}
        if inputs is not None else {}
    )

    # Leaves whose gradient is summed before it is used: tg.grad's inputs, and leaves with hooks,
    # which must see the total gradient once (as in PyTorch), not each contribution.
    held: dict[int, list] = {}

    def send_to_leaf(leaf: Tensor, grad: Tensor) -> None:
        if wanted_leaves is None and not leaf._hooks:
            _accumulate_leaf(leaf, grad, create_graph)
        elif wanted_leaves is None or id(leaf) in wanted_leaves:
            entry = held.get(id(leaf))
            if entry is None:
                held[id(leaf)] = [leaf, grad]
            else:
                entry[1] = entry[1] + grad

    roots = []
    for out, grad in zip(outputs, grad_outputs):
        if out.grad_fn is None:
            send_to_leaf(out, grad)  # a leaf's gradient is the seed itself
        else:
            roots.append(out.grad_fn)
            _add_to_buffer(buffers, out.grad_fn, out._output_nr, grad)

    check_anomaly = anomaly._state.enabled
    previous_mode = _grad_state.enabled
    _grad_state.enabled = create_graph  # backward formulas record only for higher derivatives
    try:
        for node in _collect(roots):
            slots = buffers.pop(node, None)
            if slots is None:  # no gradient reached it (e.g. only through unused outputs)
                if not retain_graph:
                    node.release()
                continue
            if node.pre_hooks is not None or node.retained is not None:
                slots = _run_output_hooks(node, slots, create_graph)
            if wanted_outputs:
                for nr, g in enumerate(slots):
                    if (node, nr) in wanted_outputs and g is not None:
                        wanted_outputs[(node, nr)] = g
            if node.n_outputs > 1:
                slots = [g if g is not None else Tensor._make(np.zeros(shape), None, False)
                         for g, shape in zip(slots, node.output_shapes)]

            grads = node.fn.backward(node, *slots)

            if grads.__class__ is not tuple:
                grads = (grads,)
            if check_anomaly:
                anomaly.check_gradients(node, grads)
            if not retain_graph and (node._saved is not None or node._saved_output is not None):
                node.release()
            edges = node.edges
            if len(grads) > len(edges):
                raise RuntimeError(
                    f"{node.name()}: backward returned {len(grads)} gradients, but forward had only "
                    f"{len(edges)} arguments (return one gradient per forward argument)"
                )
            # Pass each input's gradient along its edge, reduced to the input's shape.
            for edge, grad, shape in zip(edges, grads, node.input_shapes):
                if edge is None or grad is None:
                    continue
                if grad.__class__ is not Tensor:
                    grad = Tensor._make(np.asarray(grad), None, False)
                if grad.data.shape != shape:
                    grad = _fit_shape(node, grad, shape)
                if edge.__class__ is tuple:
                    _add_to_buffer(buffers, edge[0], edge[1], grad)
                else:
                    send_to_leaf(edge, grad)
        for leaf, grad in held.values():
            if wanted_leaves is None:
                _accumulate_leaf(leaf, grad, create_graph)  # runs the hooks
            else:
                leaf_grads[id(leaf)] = run_hooks(leaf._hooks, grad) if leaf._hooks else grad
    finally:
        _grad_state.enabled = previous_mode

    if inputs is None:
        return None
    return [
        leaf_grads.get(id(t)) if t.grad_fn is None else wanted_outputs.get((t.grad_fn, t._output_nr))
        for t in inputs
    ]


def _add_to_buffer(buffers: dict, node: Node, nr: int, grad: Tensor) -> None:
    """Sum a gradient into what is waiting for output `nr` of `node`."""
    pending = buffers.get(node)
    if pending is None:
        pending = buffers[node] = [None] * node.n_outputs
    pending[nr] = grad if pending[nr] is None else pending[nr] + grad


def _fit_shape(node: Node, grad: Tensor, shape: tuple) -> Tensor:
    """Undo broadcasting; anything else is a bug in a backward formula and is named as such."""
    try:
        # grad must be shape broadcast to something bigger, e.g. (3, 1) is not (2,) broadcast
        if np.broadcast_shapes(shape, grad.data.shape) != grad.data.shape:
            raise ValueError
    except ValueError:
        raise RuntimeError(
            f"{node.name()}: backward returned a gradient of shape {grad.shape} for an input of "
            f"shape {shape}; a gradient must have its input's shape (or a broadcast of it)"
        ) from None
    return unbroadcast(grad, shape)


def _run_output_hooks(node: Node, slots: list, create_graph: bool) -> list:
    """Tensor hooks on non-leaf outputs, then retain_grad (last, so it sees the hooked grad)."""
    slots = list(slots)
    if node.pre_hooks is not None:
        for nr, hooks in node.pre_hooks.items():
            if slots[nr] is not None and hooks:
                slots[nr] = run_hooks(hooks, slots[nr])
    if node.retained is not None:
        for nr, ref in node.retained.items():
            tensor = ref()
            if tensor is not None and slots[nr] is not None:
                g = slots[nr]
                if tensor.grad is None:
                    tensor.grad = g if create_graph else Tensor._make(np.array(g.data), None, False)
                else:
                    tensor.grad = tensor.grad + g.detach()
    return slots
