"""`explain`: the backward pass as a table, one op at a time, with the numbers.

It runs the same steps as autograd/engine.py -- nodes in reverse creation order, each called once
with the sum of what reached it, gradients reduced to each input's shape -- but it writes no
`.grad`, frees nothing and runs no hooks: it only reads the graph and prints what flows through it.
"""
from __future__ import annotations

import sys
from typing import IO, Iterable, Mapping

import numpy as np

from ..autograd.engine import _fit_shape
from ..autograd.function import Node
from ..autograd.grad_mode import no_grad
from ..tensor import Tensor
from . import text
from .dot import _op_label
from .walk import Names, walk


def _formula(node: Node) -> str | None:
    """The op's math from its docstring: the first line, and any later line with a ∂ in it."""
    doc = node.fn.__doc__
    if not doc:
        return None
    lines = [line.strip() for line in doc.strip().splitlines() if line.strip()]
    if not lines:
        return None
    return "   ".join([lines[0]] + [line for line in lines[1:] if "∂" in line])


def _local_derivative(sent: Tensor, incoming: Tensor, digits: int, max_elems: int) -> str:
    """∂output/∂input elementwise, as sent / incoming: defined when the two have the same shape
    (no reduction in between) and the incoming gradient has no zeros; else see the op's formula."""
    if sent.data.shape != incoming.data.shape:
        return "(see formula)"
    if not np.all(incoming.data != 0):
        return "—"
    with np.errstate(all="ignore"):
        ratio = sent.data / incoming.data
    return _numbers(ratio, digits, max_elems)


def _numbers(array: np.ndarray, digits: int, max_elems: int) -> str:
    if array.size <= max_elems:
        return text.values(array, digits)
    return text.shape_and_norm(array, digits)


def _table(rows: list, header: list[str]) -> list[str]:
    """Rows of cells padded into columns; a row that is a plain string is a note line."""
    cells = [header] + [r for r in rows if not isinstance(r, str)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()

    out = [line(header), "  ".join("-" * w for w in widths)]
    out += [r if isinstance(r, str) else line(r) for r in rows]
    return out


def explain(
    loss: Tensor,
    params: Mapping[str, Tensor] | Iterable[tuple[str, Tensor]] | None = None,
    file: IO[str] | None = None,
    max_elems: int = 6,
    digits: int = 9,
) -> str:
    """Print the backward pass of `loss` step by step, and return the same text.

    One row per (op, input), in tape order (the reverse of creation order): the op, its output,
    the gradient arriving at that output (∂loss/∂output), the local derivative ∂output/∂input,
    and what the op sends to the input (∂loss/∂input = incoming × local, summed back to the
    input's shape). When a tensor feeds several ops, a note shows the sum it receives. Tensors of
    at most `max_elems` values are printed in full with `digits` significant digits, bigger ones as
    shape and norm. `params` names tensors: parameters, and intermediate results too
    (e.g. {"out_o1": out_o1}); unnamed results are called after their op (`Mul#3`).

    Call it before `loss.backward()` (or after `loss.backward(retain_graph=True)`): backward frees
    the values the ops saved. It changes no `.grad` and runs no hooks.

    >>> import tinygrad_edu as tg
    >>> from tinygrad_edu import viz
    >>> w = tg.tensor(3.0, requires_grad=True, name="w")
    >>> _ = viz.explain((w * w).sigmoid(), file=open("/dev/null", "w"))  # doctest: +SKIP
    """
    if not isinstance(loss, Tensor):
        raise TypeError(f"explain: expected the loss Tensor, got {type(loss).__name__}")
    if loss.grad_fn is None:
        raise RuntimeError(
            "explain: this tensor was not computed by recorded ops (it has no grad_fn), so there is "
            "no backward pass to show. Give its inputs requires_grad=True, outside tg.no_grad()."
        )
    if loss.data.size != 1:
        raise RuntimeError(
            f"explain: the loss must hold one number (as for loss.backward() without a gradient), "
            f"got shape {loss.shape}; reduce it first, e.g. loss.sum()"
        )
    names = Names(params, "explain")
    names.add(loss, loss.name or "loss")
    graph = walk([loss])
    root = loss.grad_fn

    first_use: dict[int, int] = {}  # id(leaf) -> order of first use, in creation order
    leaf_numbers: dict[int, int] = {}  # unnamed leaves are called leaf#1, leaf#2, ...
    for node in graph.nodes:
        for edge in node.edges:
            if isinstance(edge, Tensor):
                first_use.setdefault(id(edge), len(first_use))
                if names.leaf(edge) is None:
                    leaf_numbers.setdefault(id(edge), len(leaf_numbers) + 1)

    def op_name(node: Node) -> str:
        return f"{_op_label(node)}#{graph.rank[node] + 1}"

    def result_name(node: Node, nr: int) -> str:
        name = names.result(node, nr)[0]
        if name:
            return name
        return op_name(node) if node.n_outputs == 1 else f"{op_name(node)}[{nr}]"

    def input_name(edge) -> str:
        if isinstance(edge, Tensor):
            return names.leaf(edge) or f"leaf#{leaf_numbers[id(edge)]}"
        return result_name(*edge)

    loss_name = result_name(root, loss._output_nr)
    seed = Tensor._make(np.ones_like(loss.data), None, False)
    buffers: dict[Node, list] = {root: [None] * root.n_outputs}
    buffers[root][loss._output_nr] = seed
    arrivals: dict[object, list[tuple[str, Tensor]]] = {}  # where each piece of a sum came from
    leaf_totals: dict[int, tuple[Tensor, Tensor]] = {}
    rows: list = []
    formulas: dict[str, str] = {}

    with no_grad():
        for step, node in enumerate(reversed(graph.nodes), 1):
            slots = buffers.pop(node, None)
            label = op_name(node)
            outputs = ", ".join(result_name(node, nr) for nr in range(node.n_outputs))
            if slots is None:
                rows.append([str(step), label, outputs, "(no gradient reaches it)", "", "", ""])
                continue
            formula = _formula(node)
            if formula:
                formulas.setdefault(_op_label(node), formula)
            for nr in range(len(slots)):
                pieces = arrivals.get((node, nr), [])
                if len(pieces) > 1:
                    parts = " + ".join(f"{_numbers(g.data, digits, max_elems)} (from {who})"
                                       for who, g in pieces)
                    rows.append(f"      ∂{loss_name}/∂{result_name(node, nr)} is a sum: {parts}")
            if node.n_outputs > 1:
                slots = [g if g is not None else Tensor._make(np.zeros(s), None, False)
                         for g, s in zip(slots, node.output_shapes)]
            incoming = "; ".join(_numbers(g.data, digits, max_elems) for g in slots)
            grads = _call_backward(node, slots)
            first = True
            for edge, grad, shape in zip(node.edges, grads, node.input_shapes):
                if edge is None or grad is None:
                    continue
                if not isinstance(grad, Tensor):
                    grad = Tensor._make(np.asarray(grad), None, False)
                local = (_local_derivative(grad, slots[0], digits, max_elems)
                         if node.n_outputs == 1 else "(see formula)")
                if grad.data.shape != shape:
                    grad = _fit_shape(node, grad, shape)
                lead = [str(step), label, outputs, incoming] if first else ["", "", "", ""]
                rows.append(lead + [input_name(edge), local, _numbers(grad.data, digits, max_elems)])
                first = False
                if isinstance(edge, Tensor):
                    known = leaf_totals.get(id(edge))
                    leaf_totals[id(edge)] = (edge, grad if known is None else known[1] + grad)
                    arrivals.setdefault(id(edge), []).append((label, grad))
                else:
                    producer, nr = edge
                    slots_of = buffers.setdefault(producer, [None] * producer.n_outputs)
                    slots_of[nr] = grad if slots_of[nr] is None else slots_of[nr] + grad
                    arrivals.setdefault(edge, []).append((label, grad))

    lines = [
        f"Backward pass of {loss_name}, in tape order (the reverse of creation order).",
        f"Each op receives ∂{loss_name}/∂output, multiplies it by its local derivative "
        f"∂output/∂input,",
        f"and sends ∂{loss_name}/∂input to each input (the chain rule).",
        "",
    ]
    lines += _table(rows, ["step", "op", "output", f"∂{loss_name}/∂output",
                           "input", "local ∂output/∂input", f"∂{loss_name}/∂input"])
    lines += ["", f"Gradients reaching the leaves (what {loss_name}.backward() adds to their .grad):"]
    for leaf, total in sorted(leaf_totals.values(), key=lambda pair: first_use[id(pair[0])]):
        pieces = arrivals[id(leaf)]
        how = f"  (sum of {len(pieces)})" if len(pieces) > 1 else ""
        lines.append(f"  ∂{loss_name}/∂{input_name(leaf)} = {_numbers(total.data, digits, max_elems)}{how}")
    if formulas:
        lines += ["", "Local derivatives of these ops (from their docstrings):"]
        lines += [f"  {op}: {formula}" for op, formula in formulas.items()]
    report = "\n".join(lines) + "\n"
    print(report, end="", file=sys.stdout if file is None else file)
    return report


def _call_backward(node: Node, slots: list) -> tuple:
    try:
        grads = node.fn.backward(node, *slots)
    except RuntimeError as err:
        if node._freed:
            raise RuntimeError(
                f"explain: {node.name()} no longer has the values it saved for backward: a "
                f"backward() already ran through this graph and freed them. Call explain(loss) "
                f"before loss.backward(), or call loss.backward(retain_graph=True)."
            ) from err
        raise
    grads = grads if isinstance(grads, tuple) else (grads,)
    if len(grads) > len(node.edges):
        raise RuntimeError(
            f"{node.name()}: backward returned {len(grads)} gradients, but forward had only "
            f"{len(node.edges)} arguments (return one gradient per forward argument)"
        )
    return grads
