"""`backward_steps`: the backward pass of a loss as plain records, one per op, in the engine's order.

This is the one place where the viz package walks the backward pass. `explain` prints these
records as a table and `stepper` puts them, as JSON, into an interactive page, so both always
show the same numbers.

The engine itself runs the pass (autograd/engine.py's `run_backward`, with an observer called
after each node): the gradients are returned instead of written to `.grad`, nothing is freed and
no hook runs, so reading the graph changes nothing; this module only records what flows through.

The records (all arrays are numpy arrays, copies owned by the record):

    BackwardPass   loss (its name), steps (one Step per op, engine order), leaves (LeafGrad, in
                   order of first use), nodes (the ops, creation order: nodes[step.node])
    Step           number (1-based, engine order), node (the op's index in creation order within
                   this graph: "Mul#12" is node 11), seq (the op's global creation number, what the
                   engine sorts by), op ("Mul"), label ("Mul#12"), formula (from the op's
                   docstring, or None), outputs (one OutputGrad per output of the op), inputs (one
                   InputGrad per input that gets a gradient; none when no gradient reaches the op)
    OutputGrad     name, grad (∂loss/∂output: the sum of `pieces`; the seed 1 for the loss itself,
                   zeros for an output of a multi-output op that no gradient reached, None for
                   every output when no gradient reaches the op at all),
                   pieces (the gradients that met here, in the order they were sent: a sum when
                   there are two or more)
    InputGrad      name, leaf (index into BackwardPass.leaves, or None), result ((node, output_nr)
                   of the op that made this input, or None), local (∂output/∂input elementwise,
                   or None), local_kind ("elementwise", "see formula" when the op reduces or
                   reshapes or has several outputs, "undefined" when the incoming gradient has a
                   zero), sent (∂loss/∂input, reduced to the input's shape)
    LeafGrad       name, grad (the total: what backward() adds to .grad; None if nothing reached
                   it), pieces (what was summed), tensor (the leaf itself)
    Piece          sender (label of the op that sent it), step (its Step.number), grad
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Literal, Mapping

import numpy as np

from ..autograd.engine import run_backward
from ..autograd.function import Node, edge_source
from ..tensor import Tensor
from .dot import _numbered_op_label, _op_label
from .walk import Names, walk


@dataclass
class Piece:
    """One gradient arriving at a tensor: which op sent it, at which step, and its value."""

    sender: str
    step: int
    grad: np.ndarray


@dataclass
class OutputGrad:
    """The gradient arriving at one output of an op: ∂loss/∂output, and the pieces summed into it."""

    name: str
    grad: np.ndarray | None
    pieces: list[Piece] = field(default_factory=list)


@dataclass
class InputGrad:
    """What an op sends to one input: the local derivative and ∂loss/∂input."""

    name: str
    leaf: int | None
    result: tuple[int, int] | None
    local: np.ndarray | None
    local_kind: Literal["elementwise", "see formula", "undefined"]
    sent: np.ndarray


@dataclass
class Step:
    """One op of the backward pass, in the engine's order."""

    number: int
    node: int
    seq: int
    op: str
    label: str
    formula: str | None
    outputs: list[OutputGrad]
    inputs: list[InputGrad]

    @property
    def reached(self) -> bool:
        """False when no gradient reaches this op (e.g. only an unused output of it leads to the loss)."""
        return self.outputs[0].grad is not None


@dataclass
class LeafGrad:
    """A leaf that requires grad, and the total gradient backward() would add to its `.grad`."""

    name: str
    grad: np.ndarray | None
    pieces: list[Piece]
    tensor: Tensor


@dataclass
class BackwardPass:
    """The whole backward pass: the loss's name, the steps in engine order, the leaves."""

    loss: str
    steps: list[Step]
    leaves: list[LeafGrad]
    nodes: list[Node]


def formula(node: Node) -> str | None:
    """The op's math from its docstring: the first line, and any later line with a ∂ in it."""
    doc = node.fn.__doc__
    if not doc:
        return None
    lines = [line.strip() for line in doc.strip().splitlines() if line.strip()]
    if not lines:
        return None
    return "   ".join([lines[0]] + [line for line in lines[1:] if "∂" in line])


def check_loss(loss: Tensor, caller: str) -> None:
    """A scalar tensor made by recorded ops, or an error that says what is wrong."""
    if not isinstance(loss, Tensor):
        raise TypeError(f"{caller}: expected the loss Tensor, got {type(loss).__name__}")
    if loss.grad_fn is None:
        raise RuntimeError(
            f"{caller}: this tensor was not computed by recorded ops (it has no grad_fn), so there is "
            "no backward pass to show. Give its inputs requires_grad=True, outside tg.no_grad()."
        )
    if loss.data.size != 1:
        raise RuntimeError(
            f"{caller}: the loss must hold one number (as for loss.backward() without a gradient), "
            f"got shape {loss.shape}; reduce it first, e.g. loss.sum()"
        )


def backward_steps(
    loss: Tensor,
    params: Mapping[str, Tensor] | Iterable[tuple[str, Tensor]] | None = None,
    caller: str = "backward_steps",
) -> BackwardPass:
    """Run the backward pass of `loss` without touching `.grad` and return what flows through it.

    `params` names tensors (parameters and intermediate results); unnamed results are called after
    their op (`Mul#3`), unnamed leaves `leaf#1`, `leaf#2`, ... Needs the values the ops saved, so
    call it before `loss.backward()` or after `loss.backward(retain_graph=True)`.
    """
    check_loss(loss, caller)
    names = Names(params, caller)
    names.add(loss, loss.name or "loss")
    graph = walk([loss])
    root = loss.grad_fn

    leaf_index: dict[int, int] = {}  # id(leaf) -> index in `leaves` (order of first use)
    leaves: list[LeafGrad] = []
    unnamed = 0
    for node in graph.nodes:
        for edge in node.edges:
            if isinstance(edge, Tensor) and id(edge) not in leaf_index:
                name = names.leaf(edge)
                if name is None:
                    unnamed += 1
                    name = f"leaf#{unnamed}"
                leaf_index[id(edge)] = len(leaves)
                leaves.append(LeafGrad(name, None, [], edge))

    def op_label(node: Node) -> str:
        return _numbered_op_label(node, graph.rank[node])

    def result_name(node: Node, nr: int) -> str:
        name = names.result(node, nr)[0]
        if name:
            return name
        return op_label(node) if node.n_outputs == 1 else f"{op_label(node)}[{nr}]"

    if any(node._freed for node in graph.nodes):
        raise RuntimeError(
            f"{caller}: the graph no longer has the values its ops saved for backward: a backward() "
            f"already ran through it and freed them. Call {caller}(loss) before loss.backward(), "
            f"or call loss.backward(retain_graph=True)."
        )
    arrivals: dict[tuple[Node, int], list[Piece]] = {}  # where each piece of a sum came from
    steps: list[Step] = []

    def record(node: Node, grads_in, grads_out, sent) -> None:
        """The engine's observer: one Step per node, in the order the engine runs them."""
        number = len(steps) + 1
        step = Step(number, graph.rank[node], node.seq, _op_label(node), op_label(node),
                    formula(node), [], [])
        steps.append(step)
        if grads_in is None:
            step.outputs = [OutputGrad(result_name(node, nr), None) for nr in range(node.n_outputs)]
            return
        step.outputs = [OutputGrad(result_name(node, nr), np.array(g), arrivals.get((node, nr), []))
                        for nr, g in enumerate(grads_in)]
        for edge, raw, grad in zip(node.edges, grads_out, sent):
            if edge is None or grad is None:
                continue
            local, kind = _local_derivative(np.asarray(raw), grads_in[0]) if node.n_outputs == 1 \
                else (None, "see formula")
            piece = Piece(step.label, number, np.array(grad))
            if isinstance(edge, Tensor):
                leaf = leaves[leaf_index[id(edge)]]
                leaf.pieces.append(piece)
                step.inputs.append(InputGrad(leaf.name, leaf_index[id(edge)], None, local, kind, piece.grad))
            else:
                producer, nr = edge = edge_source(edge)
                arrivals.setdefault(edge, []).append(piece)
                step.inputs.append(InputGrad(result_name(producer, nr), None, (graph.rank[producer], nr),
                                             local, kind, piece.grad))

    # The engine itself runs the pass: gradients returned for the leaves instead of summed into
    # .grad, nothing freed, no hooks run; `record` sees every step.
    seed = np.ones_like(loss.data)
    totals = run_backward([loss], [seed], retain_graph=True, create_graph=False,
                          inputs=[leaf.tensor for leaf in leaves], observer=record, hooks=False)
    for leaf, total in zip(leaves, totals):
        leaf.grad = None if total is None else np.array(total.data)
    return BackwardPass(result_name(root, loss._output_nr), steps, leaves, graph.nodes)


def _local_derivative(sent: np.ndarray, incoming: np.ndarray) -> tuple[np.ndarray | None, str]:
    """∂output/∂input elementwise, as sent / incoming: defined when the two have the same shape
    (no reduction in between) and the incoming gradient has no zeros; else see the op's formula."""
    if sent.shape != incoming.shape:
        return None, "see formula"
    if not np.all(incoming != 0):
        return None, "undefined"
    with np.errstate(all="ignore"):
        return sent / incoming, "elementwise"
