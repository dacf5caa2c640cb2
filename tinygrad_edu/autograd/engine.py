"""The backward pass.

    1. collect every node reachable from the outputs (an explicit stack: no recursion, so a
       chain of a million ops is fine);
    2. visit them in reverse creation order -- a node is always created after the nodes of its
       inputs, so every node is visited after all the nodes that send it a gradient;
    3. call each node's backward once, with the sum of the gradients that reached it, and send
       the results along its edges: into another node's buffer, or out of the graph at a leaf.

Gradients travel as numpy arrays; they become Tensors only where a user sees them (`.grad`,
hooks, `tg.grad`'s results), or everywhere when the backward pass is itself recorded
(`create_graph=True`, for higher derivatives). A weight's gradient may travel as a sum kept in
pieces (deferred.py), computed once at the end. Broadcasting is undone here, in `unbroadcast`,
for every op at once. `run_backward` is the whole loop; the helpers below it are the details.
"""
from __future__ import annotations

import operator
import threading
from typing import Callable, Sequence

import numpy as np

from ..tensor import Tensor
from . import anomaly
from .deferred import Deferred
from .function import Node
from .grad_mode import _state as _grad_state
from .hooks import run_hooks

# observer(node, grads_in, grads_out, grads_sent), called for each node in order, after its
# backward: the gradients that reached its outputs (None if none did), what its formula returned,
# and what went along each edge after undoing broadcasting. viz.explain is built on it.
Observer = Callable[[Node, "list | None", "tuple | None", "list | None"], None]


def run_backward(
    outputs: Sequence[Tensor],
    grad_outputs: Sequence,
    retain_graph: bool,
    create_graph: bool,
    inputs: Sequence[Tensor] | None = None,
    observer: Observer | None = None,
    hooks: bool = True,
    run_input_nodes: bool = False,
) -> list | None:
    """Backpropagate `grad_outputs` (arrays, or Tensors under create_graph) from `outputs`.

    Without `inputs` (Tensor.backward): sum the gradients into the `.grad` of the leaves.
    With `inputs` (tg.grad): return the gradient reaching each input; `.grad` is left alone.
    Only the nodes on a path to an input run then (and, with `run_input_nodes`, as for
    backward(inputs=...), the nodes that made the inputs).
    """
    exits = _Exits(inputs, create_graph, hooks)  # where gradients leave the graph
    buffers, roots = _seed(outputs, grad_outputs, exits)  # gradients waiting for a node, one slot per output
    previous_mode = _grad_state.enabled
    _grad_state.enabled = create_graph  # formulas record only for higher derivatives
    try:
        nodes = _collect(roots)  # 1. every node the outputs reach, 2. newest first
        step = _Step(nodes, roots, exits, buffers, create_graph, observer, run_input_nodes, len(outputs) == 1)
        plain = step.plain  # (no tg.grad paths, anomaly checks or observer in this pass)
        for node in nodes:
            grads_in = buffers.pop(node, None)
            if plain and not node.watched:  # 3. call the node's formula, 4. send its results on
                if grads_in is not None:
                    grads_out = node.fn.backward(node, *grads_in) if node.fn.xp_backward or create_graph \
                        else _call_user_backward(node, grads_in)
                    _send(node, grads_in, grads_out if grads_out.__class__ is tuple else (grads_out,), buffers,
                          exits, create_graph, None)
            elif not step.run(node, grads_in):  # the same, with hooks, tg.grad's paths, checks, an observer
                continue  # (a node on no path to tg.grad's inputs: not run, and it keeps what it saved)
            if not retain_graph and (node._saved is not None or node._saved_output is not None):
                node.release()
        return exits.finish()
    finally:
        _grad_state.enabled = previous_mode


def _seed(outputs: Sequence[Tensor], grad_outputs: Sequence, exits: "_Exits") -> tuple[dict, list]:
    """The outputs' gradients, waiting at the nodes that made them (or leaving at once at a leaf)."""
    buffers: dict[Node, list] = {}
    roots = []
    for out, grad in zip(outputs, grad_outputs):
        if out.grad_fn is None:
            exits.leaf(out, grad)
        else:
            roots.append(out.grad_fn)
            _add_to_buffer(buffers, out.grad_fn, out._output_nr, grad)
    return buffers, roots


class _Step:
    """One node's turn when there is more to it than a formula and a send: the hooks of its
    tensors and its own (retain_grad too), tg.grad's captures and its pruning to the paths that
    lead to an input, detect_anomaly's checks of the results, and an observer of every step
    (viz.explain; a profiler times each node inside tg.autobatch())."""

    def __init__(self, nodes: list[Node], roots: list, exits: "_Exits", buffers: dict, create_graph: bool,
                 observer: Observer | None, run_input_nodes: bool, one_output: bool) -> None:
        if observer is None and _grad_state.batching is not None:  # a profiler may time each node (profiler/)
            observer = getattr(_grad_state.batching, "backward_observer", _no_observer)()
        self.exits, self.buffers, self.create_graph, self.observer = exits, buffers, create_graph, observer
        self.check_anomaly = anomaly._state.enabled and anomaly._state.check_nan
        self.needed = None if exits.inputs is None else _needed(nodes, exits, run_input_nodes)
        if self.needed is not None and one_output:  # (PyTorch's graph root: its tensors' hooks run)
            exits.capture_nodes.update(roots)
        self.plain = self.needed is None and observer is None and not self.check_anomaly

    def run(self, node: Node, grads_in: list | None) -> bool:
        """Run `node`; False if it is on no path to tg.grad's inputs (then it is only passed)."""
        exits, create_graph, observer = self.exits, self.create_graph, self.observer
        needed = self.needed
        if needed is not None and node not in needed:
            exits.passing(node, grads_in)
            return False
        grads_out = sent = None
        if grads_in is not None:  # (None: no gradient reached it)
            watched = node.watched or exits.capturing  # hooks, retain_grad, tg.grad's captures, several outputs
            if watched:
                arrived = exits.arriving(node, grads_in)  # (node hooks see None for an output without one)
                grads_in = _materialized(node, arrived, create_graph)
            if node.fn.xp_backward or create_graph:
                grads_out = node.fn.backward(node, *grads_in)  # the op's formula
            else:
                grads_out = _call_user_backward(node, grads_in)
            if grads_out.__class__ is not tuple:
                grads_out = (grads_out,)
            if needed is not None:  # (nothing for edges to nodes that will not run, as in PyTorch)
                grads_out = _only_needed(node, grads_out, needed, exits)
            if watched and node.node_hooks and exits.hooks:  # (grad_fn.register_hook)
                grads_out = _run_node_hooks(node, arrived, grads_out, create_graph)
            if self.check_anomaly:
                anomaly.check_gradients(node, grads_out)
            if observer is not None:  # (it reads the numbers: no sum kept in pieces)
                grads_out = tuple([g.value() if isinstance(g, Deferred) else g for g in grads_out])
                sent = []
            _send(node, grads_in, grads_out, self.buffers, exits, create_graph, sent)
        if observer is not None:
            observer(node, grads_in, grads_out, sent)
        return True


def _no_observer() -> None:
    return None


def _needed(nodes: list[Node], exits: "_Exits", run_input_nodes: bool) -> set:
    """With `inputs` (tg.grad, backward(inputs=...)): the nodes on a path from the outputs to an
    input -- the only ones PyTorch runs. Another node's backward would be wasted work, would call
    its hooks, and would free what it saved, which a later backward through it still needs.
    backward(inputs=...) also runs the nodes that made the inputs (PyTorch's rule)."""
    needed = {node for node, _ in exits.captured} if run_input_nodes else set()
    for node in reversed(nodes):  # oldest first: the nodes an edge leads to are decided before
        if any(_leads_to_input(edge, needed, exits) for edge in node.edges):
            needed.add(node)
    return needed


def _leads_to_input(edge, needed: set, exits: "_Exits") -> bool:
    """Whether a gradient along `edge` is wanted: it reaches a node that runs or made an input,
    or a leaf that is an input."""
    if edge.__class__ is tuple:
        edge = edge[0]
    elif edge.__class__ is not Node:  # a leaf or nothing
        return edge is not None and id(edge) in exits.wanted
    return edge in needed or edge in exits.capture_nodes


def _only_needed(node: Node, grads: tuple, needed: set, exits: "_Exits") -> tuple:
    """None for the gradients along edges that lead to no input (their node will not run)."""
    kept = tuple([grad if _leads_to_input(edge, needed, exits) else None for edge, grad in zip(node.edges, grads)])
    return kept + grads[len(kept):]


def _collect(roots: Sequence[Node]) -> list[Node]:
    """All nodes reachable from `roots`, latest-created first."""
    seen = set(roots)
    stack = list(seen)
    while stack:
        edges = stack.pop()._edges
        for edge in edges if edges.__class__ is tuple else (edges,):  # (one edge: see Node)
            if edge.__class__ is tuple:
                edge = edge[0]
            elif edge.__class__ is not Node:  # a leaf or nothing
                continue
            if edge not in seen:
                seen.add(edge)
                stack.append(edge)
    return sorted(seen, key=_creation_order, reverse=True)


_creation_order = operator.attrgetter("seq")


def _call_user_backward(node: Node, grads_in: list) -> tuple:
    """A user's Function written with Tensor ops (not `xp_backward`): Tensors in, arrays out."""
    grads = node.fn.backward(node, *[None if g is None else Tensor._make(np.asarray(g), None, False)
                                     for g in grads_in])  # (None: see set_materialize_grads)
    if grads.__class__ is not tuple:
        grads = (grads,)
    if len(grads) > len(node.edges) and any(g is not None for g in grads[len(node.edges):]):
        # (extra Nones are fine: PyTorch's own examples return one for an optional argument
        # that was not passed)
        raise RuntimeError(
            f"{node.name()}: backward returned {len(grads)} gradients, but forward had only "
            f"{len(node.edges)} arguments (return one gradient per forward argument)"
        )
    return tuple([g.data if g.__class__ is Tensor else g for g in grads])


def _send(node: Node, grads_in: list, grads: tuple, buffers: dict, exits: "_Exits", create_graph: bool,
          sent: list | None) -> None:
    """Pass each input's gradient along its edge, reduced to that input's shape (and, for an
    observer, list what went along each edge in `sent`)."""
    kind = Tensor if create_graph else np.ndarray
    edges = node._edges
    if edges.__class__ is not tuple:  # one edge, argument 0's (see Node); an observer hears of all
        edges = (edges,) if sent is None else node.edges
    for edge, grad, shape in zip(edges, grads, node.input_shapes):
        if edge is None or grad is None:
            if sent is not None:
                sent.append(None)
            continue
        if grad.__class__ is not kind:
            if isinstance(grad, Deferred) and _is_leaf(edge) and grad.shape == shape:  # (observers got numbers)
                exits.leaf(edge, grad)  # a weight's gradient in pieces, summed at the end (deferred.py)
                continue
            grad = _as_gradient(grad, create_graph)
        if grad.shape != shape:
            grad = _fit_shape(node, grad, shape)
        if edge.__class__ is Node:  # into the buffer of the node that made this input
            _add_to_buffer(buffers, edge, 0, grad)
        elif edge.__class__ is tuple:  # (output edge[1] of a node with several)
            _add_to_buffer(buffers, edge[0], edge[1], grad)
        else:  # a leaf may keep the array itself if nothing else can see it (a fresh result)
            exits.leaf(edge, grad, node.fn.fresh_gradients and _is_fresh(grad, grads_in))
        if sent is not None:
            sent.append(grad)


def _is_leaf(edge) -> bool:
    return edge.__class__ is not Node and edge.__class__ is not tuple


def _is_fresh(grad, grads_in: list) -> bool:
    """True for an array a built-in formula made just now: not a view, not a gradient it was
    given (Add passes its incoming gradient to both inputs unchanged), so not seen anywhere else."""
    if grad.__class__ is not np.ndarray or grad.base is not None:
        return False
    for g in grads_in:
        if g is grad:
            return False
    return True


def _as_gradient(grad, create_graph: bool):
    """An array (or, recording, a Tensor); numpy's 0-d results are scalars, made arrays here."""
    if create_graph:
        return grad if grad.__class__ is Tensor else Tensor._make(np.asarray(grad), None, False)
    if isinstance(grad, Deferred):  # (numbers needed now: for a node, a hook, or an observer)
        return grad.value()
    return grad if grad.__class__ is np.ndarray else np.asarray(grad.data if grad.__class__ is Tensor else grad)


def _add_to_buffer(buffers: dict, node: Node, nr: int, grad) -> None:
    """Sum a gradient into what is waiting for output `nr` of `node` (never in place: the
    same array may have been sent to several inputs)."""
    pending = buffers.get(node)
    if pending is None:  # the first gradient to reach this node
        if node.n_outputs == 1:
            buffers[node] = [grad]
            return
        pending = buffers[node] = [None] * node.n_outputs
    pending[nr] = grad if pending[nr] is None else pending[nr] + grad


def unbroadcast(grad, shape: tuple):
    """Sum `grad` (an array or a Tensor) down to `shape`, undoing numpy broadcasting.

    If y = f(x) broadcast x from shape (3, 1) to (2, 3, 4), each x[i, 0] was used 2·4 times,
    so its gradient is the sum of the gradients of all its copies.
    """
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and grad.shape[extra + i] != 1
    )
    if grad.__class__ is Tensor:
        if axes:
            grad = grad.sum(dim=axes, keepdim=True)
        return grad.reshape(shape) if grad.shape != shape else grad
    if axes:
        grad = np.add.reduce(grad, axis=axes, keepdims=True)
    return grad.reshape(shape) if grad.shape != shape else grad


def _fit_shape(node: Node, grad, shape: tuple):
    """Undo broadcasting; anything else is a bug in a backward formula and is named as such."""
    # grad must be shape broadcast to something bigger, e.g. (3, 1) is not (2,) broadcast:
    # counting from the right, each axis of `shape` is 1 or equal to grad's
    extra = grad.ndim - len(shape)
    if extra > 0 and shape and grad.shape[extra:] == shape and grad.__class__ is np.ndarray:
        return np.add.reduce(grad, axis=tuple(range(extra)))  # (only new leading axes, as for a bias)
    if extra < 0 or any(n != 1 and n != m for n, m in zip(shape, grad.shape[extra:])):
        raise RuntimeError(
            f"{node.name()}: backward returned a gradient of shape {grad.shape} for an input of "
            f"shape {shape}; a gradient must have its input's shape (or a broadcast of it)"
        )
    return unbroadcast(grad, shape)


# ---- where gradients leave the graph -------------------------------------------------------

_accumulate_lock = threading.Lock()  # two threads' backward into one parameter must both count


class _Exits:
    """Leaves' `.grad` (Tensor.backward), or the results of tg.grad; hooks and retain_grad.

    Leaves with hooks, and tg.grad's inputs, are summed first and handled once at the end:
    a hook sees the total gradient once (as in PyTorch), not each contribution.
    """

    def __init__(self, inputs, create_graph: bool, hooks: bool) -> None:
        self.create_graph = create_graph
        self.hooks = hooks
        self.held: dict[int, list] = {}  # id(leaf) -> [leaf, summed gradient, made here (fresh)]
        self.deferred: dict[int, list] = {}  # id(leaf) -> [leaf, a sum kept in pieces (deferred.py)]
        self.inputs = inputs
        self.wanted = None if inputs is None else {id(t) for t in inputs if t.grad_fn is None}
        # tg.grad of intermediate results: (node, output_nr) -> gradient, filled on arrival
        self.captured = {} if inputs is None else {
            (t.grad_fn, t._output_nr): None for t in inputs if t.grad_fn is not None}
        self.capturing = bool(self.captured)
        self.capture_nodes = {node for node, _ in self.captured}

    def leaf(self, leaf: Tensor, grad, fresh: bool = False) -> None:
        if self.wanted is not None and id(leaf) not in self.wanted:
            return  # (tg.grad was not asked for this one)
        if not leaf.requires_grad:
            return  # (detach_() since the graph was recorded: no .grad, as in PyTorch)
        if grad.__class__ is not np.ndarray and isinstance(grad, Deferred):
            entry = self.deferred.get(id(leaf))
            if entry is None:
                self.deferred[id(leaf)] = [leaf, grad]
                return
            if entry[1].add(grad):
                return
            grad, fresh = grad.value(), True  # (a sum of another kind: added now)
        # summed here and written to .grad when the pass ends: a backward that raises changes no .grad
        entry = self.held.get(id(leaf))
        if entry is None:
            self.held[id(leaf)] = [leaf, grad, fresh]
        else:
            entry[1], entry[2] = entry[1] + grad, True

    def passing(self, node: Node, grads: list | None) -> None:
        """A node that will not run (see _needed) but made an input or the output: its tensors'
        hooks and retain_grad still see their gradient, and tg.grad captures it."""
        if grads is not None and node in self.capture_nodes:
            self.arriving(node, grads, run=False)

    def arriving(self, node: Node, grads: list, run: bool = True) -> list:
        """The gradients reaching `node`'s outputs, after their hooks (None for an output that
        received none). `run=False`: the node will not run (see _needed), so its own prehooks do
        not either."""
        if self.hooks and (node.pre_hooks is not None or node.retained is not None):
            grads = _run_output_hooks(node, grads, self.create_graph)
        if self.capturing:  # (a tensor's gradient: after its hooks, before its node's prehooks)
            for nr, g in enumerate(grads):
                if (node, nr) in self.captured and g is not None:
                    self.captured[(node, nr)] = g
        if not run:
            return grads
        if self.hooks and node.node_prehooks:  # (grad_fn.register_prehook: after the tensors' hooks)
            grads = _run_node_prehooks(node, grads, self.create_graph)
        return grads

    def finish(self) -> list | None:
        for leaf, pieces in self.deferred.values():  # each weight's sum computed once (deferred.py)
            self.leaf(leaf, pieces.value(), fresh=True)
        for leaf, grad, fresh in self.held.values():
            if self.wanted is None:
                hooks = leaf._hooks if self.hooks else None
                accumulate_into_leaf(leaf, _hooked(hooks, grad, "leaf", leaf.shape), self.create_graph,
                                     fresh and not hooks, self.hooks)
            elif leaf._hooks and self.hooks:
                self.held[id(leaf)][1] = _hooked(leaf._hooks, grad, "leaf", leaf.shape)
        if self.inputs is None:
            return None
        results = []
        for t in self.inputs:
            if t.grad_fn is None:
                entry = self.held.get(id(t))
                g = None if entry is None else entry[1]
            else:
                g = self.captured.get((t.grad_fn, t._output_nr))
            results.append(None if g is None else _user_tensor(g, t.data.dtype, self.create_graph))
        return results


def _materialized(node: Node, grads: list, create_graph: bool) -> list:
    """Zeros for the outputs of a node with several that received no gradient (None if its
    Function asked for that: ctx.set_materialize_grads(False))."""
    if node.n_outputs == 1 or not node.materialize_grads or all(g is not None for g in grads):
        return grads
    return [_zeros(shape, dtype, create_graph) if g is None else g
            for g, shape, dtype in zip(grads, node.output_shapes, node.output_dtypes)]


def accumulate_into_leaf(leaf: Tensor, grad, create_graph: bool, fresh: bool = False, hooks: bool = True) -> None:
    """leaf.grad += grad, then the leaf's hooks registered with register_post_accumulate_grad_hook."""
    _accumulate(leaf, grad, create_graph, fresh)
    for hook in list(leaf._post_accumulate_hooks or ()) if hooks else ():
        hook(leaf)


def _accumulate(leaf: Tensor, grad, create_graph: bool, fresh: bool = False) -> None:
    """leaf.grad += grad. The first time, .grad gets its own array (a copy, unless `grad` is
    fresh: made by a formula just now and seen nowhere else), so no two tensors share one.
    (`_grad`, not the `.grad` property: shape and dtype are right by construction here.)"""
    if grad.dtype != leaf.data.dtype:
        grad = grad.to(leaf.data.dtype) if grad.__class__ is Tensor else grad.astype(leaf.data.dtype)
        fresh = True
    with _accumulate_lock:
        current = leaf._grad
        if current is None:
            if not create_graph:
                grad = Tensor._make(grad if fresh else np.array(grad, copy=True), None, False)
            leaf._grad = grad
        elif create_graph or current.requires_grad:
            leaf._grad = current + grad
        else:
            np.add(current.data, grad, out=current.data)


def _user_tensor(grad, dtype, create_graph: bool) -> Tensor:
    """A gradient as the Tensor a user receives, in its input's dtype."""
    if create_graph:
        return grad if grad.dtype == dtype else grad.to(dtype)
    return Tensor._make(np.asarray(grad, dtype=dtype), None, False)


def _zeros(shape: tuple, dtype, create_graph: bool):
    zeros = np.zeros(shape, dtype)
    return Tensor._make(zeros, None, False) if create_graph else zeros


def _hooked(hooks: list | None, grad, what: str, shape: tuple):
    """Run tensor hooks on a gradient: they see and may replace a Tensor."""
    if not hooks:
        return grad
    result = run_hooks(hooks, _seen(grad), what, shape)
    return result if grad.__class__ is Tensor else result.data


def _run_output_hooks(node: Node, grads: list, create_graph: bool) -> list:
    """Tensor hooks on non-leaf outputs, then retain_grad (last, so it sees the hooked grad)."""
    grads = list(grads)
    if node.pre_hooks is not None:
        for nr, hooks in node.pre_hooks.items():
            if grads[nr] is not None and hooks:
                grads[nr] = _hooked(hooks, grads[nr], f"output {nr} of {node.name()}", grads[nr].shape)
    if node.retained is not None:
        for nr, ref in node.retained.items():
            tensor = ref()
            if tensor is not None and grads[nr] is not None:
                g = grads[nr]
                if tensor.grad is None:
                    tensor.grad = g if create_graph else Tensor._make(np.array(g, copy=True), None, False)
                else:
                    tensor.grad = tensor.grad + (g.detach() if g.__class__ is Tensor else g)
    return grads


# ---- hooks on a node (grad_fn.register_prehook / register_hook) -------------------------------

def _run_node_prehooks(node: Node, grads: list, create_graph: bool) -> list:
    """hook(grad_outputs) for each prehook in turn; a returned tuple replaces grad_outputs."""
    outputs = tuple([_seen(g) for g in grads])
    for hook in list(node.node_prehooks):
        outputs = _hook_result(hook, hook(outputs), outputs)
    return [_carried(g, create_graph) for g in outputs]


def _run_node_hooks(node: Node, grads_in: list, grads_out: tuple, create_graph: bool) -> tuple:
    """hook(grad_inputs, grad_outputs) after the node's backward. grad_inputs has one entry per
    tensor input (next_functions' order); what a hook returns replaces them."""
    tensor_args = [i for i, shape in enumerate(node.input_shapes) if shape is not None]
    inputs = tuple([_seen(_reduced(node, grads_out[i], node.input_shapes[i], create_graph))
                    if i < len(grads_out) else None for i in tensor_args])
    outputs = tuple([_seen(g) for g in grads_in])
    for hook in list(node.node_hooks):
        inputs = _hook_result(hook, hook(inputs, outputs), inputs)
    new = list(grads_out) + [None] * (len(node.edges) - len(grads_out))
    for i, g in zip(tensor_args, inputs):
        new[i] = _carried(g, create_graph)
    return tuple(new)


def _reduced(node: Node, grad, shape: tuple, create_graph: bool):
    """A gradient as a node hook sees it: reduced to its input's shape (broadcasting undone), as
    PyTorch checks and reduces a node's results before its hooks run."""
    if grad is None or shape.__class__ is not tuple:  # (None for a constant: no gradient is asked of it)
        return None
    grad = _as_gradient(grad, create_graph)
    return grad if grad.shape == shape else _fit_shape(node, grad, shape)


def _hook_result(hook, result, before: tuple) -> tuple:
    if result is None:
        return before
    result = tuple(result)
    if len(result) != len(before):
        name = getattr(hook, "__qualname__", repr(hook))
        raise RuntimeError(f"hook {name!r} has returned an incorrect number of values (got {len(result)}, "
                           f"but expected {len(before)})")
    return result


def _seen(grad):
    """A gradient as a hook sees it: a Tensor (or None)."""
    return grad if grad is None or grad.__class__ is Tensor else Tensor._make(np.asarray(grad), None, False)


def _carried(grad, create_graph: bool):
    """What a hook gave back, as the engine carries it: an array, or a Tensor under create_graph."""
    return None if grad is None else _as_gradient(grad, create_graph)
