"""Walking the recorded graph without recursion, and giving its tensors names.

The tape stores, for each node, where its inputs came from (`node.edges`): a leaf Tensor, the
node of another op whose result it is (a `(node, output_nr)` pair for output 1 and up of an op
with several; `edge_source` reads both as a pair), or None for a constant or a non-tensor
argument (the node keeps weak references to constants in `node.constants`). Results of ops are
not kept alive by the graph, so a result's values are known only when the caller hands the tensor
in (as an output, or in `params`).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np

from ..autograd.function import Node, edge_source
from ..tensor import Tensor


class Names:
    """Names and tensors that the caller told us about.

    Leaves are matched by identity; results of ops by the `(node, output_nr)` that produced them,
    which is how the graph refers to them. A name from `params` wins over a tensor's `.name`.
    """

    def __init__(self, params: Mapping[str, Tensor] | Iterable[tuple[str, Tensor]] | None,
                 caller: str) -> None:
        # id(leaf) -> (name, leaf); the tensor is kept here, so its id cannot be reused meanwhile.
        self._leaves: dict[int, tuple[str | None, Tensor]] = {}
        self._results: dict[tuple[Node, int], tuple[str | None, Tensor]] = {}
        if params is None:
            return
        pairs = params.items() if isinstance(params, Mapping) else params
        for pair in pairs:
            try:
                name, tensor = pair
            except (TypeError, ValueError):
                raise TypeError(f"{caller}: params must be a dict name -> Tensor (e.g. "
                                f"dict(model.named_parameters())), got an item {pair!r}") from None
            if not isinstance(tensor, Tensor):
                raise TypeError(f"{caller}: params[{name!r}] must be a Tensor, got "
                                f"{type(tensor).__name__}")
            self.add(tensor, str(name))

    def add(self, tensor: Tensor, name: str | None = None) -> None:
        """Know `tensor` (e.g. an output), under `name` or else its own `.name`."""
        name = name or tensor.name
        if tensor.grad_fn is None:
            key, table = id(tensor), self._leaves
        else:
            key, table = (tensor.grad_fn, tensor._output_nr), self._results
        known = table.get(key)
        if known is None or (known[0] is None and name is not None):
            table[key] = (name, tensor)

    def leaf(self, tensor: Tensor) -> str | None:
        known = self._leaves.get(id(tensor))
        return known[0] if known is not None and known[0] else tensor.name

    def result(self, node: Node, output_nr: int) -> tuple[str | None, Tensor | None]:
        """The name and the tensor of an op's result, if the caller handed it in."""
        return self._results.get((node, output_nr), (None, None))


@dataclass
class Walk:
    """The ops to show: `nodes` in creation order, `rank[node]` its position (a stable id),
    and how many more ops were reachable but left out because of `max_nodes`."""

    nodes: list[Node]
    rank: dict[Node, int]
    hidden: int


def walk(outputs: Iterable[Tensor], max_nodes: int | None = None) -> Walk:
    """The ops reachable from `outputs`, at most `max_nodes` of them, nearest to the outputs first.

    Breadth-first with an explicit queue (no recursion, so a chain of 100,000 ops is fine);
    the whole graph is still visited once to count what was left out.
    """
    roots = []
    for out in outputs:
        if out.grad_fn is not None and out.grad_fn not in roots:
            roots.append(out.grad_fn)
    seen = set(roots)
    queue = deque(roots)
    kept: list[Node] = []
    while queue:
        node = queue.popleft()
        if max_nodes is None or len(kept) < max_nodes:
            kept.append(node)
        for edge in node.edges:
            producer = edge_source(edge)
            if producer is not None and producer[0] not in seen:
                seen.add(producer[0])
                queue.append(producer[0])
    kept.sort(key=lambda n: n.seq)
    return Walk(kept, {node: i for i, node in enumerate(kept)}, len(seen) - len(kept))


def constant_inputs(node: Node, numbers: dict) -> list[Tensor]:
    """The constant tensors an op received and that still exist.

    The node holds weak references to them (the graph does not keep constants alive), and also
    strong ones to those it saved for its backward (Mul keeps both factors) until a backward
    without retain_graph frees them. A Python number mixed into an op (`0.5 * x`) becomes a
    constant that nobody keeps, so it shows only if the op saved it -- as its array: it is shown
    through one Tensor per array, kept in `numbers` (id(array) -> Tensor) for the whole picture.
    """
    found: list[Tensor] = []
    saved = getattr(node, "_saved", None) or ()
    alive = [ref() for ref in getattr(node, "constants", ())]
    for t in [*alive, *saved]:
        if isinstance(t, np.ndarray):
            entry = numbers.get(id(t))
            if entry is None:
                entry = numbers[id(t)] = (t, Tensor._make(t, None, False))
            t = entry[1]
        if isinstance(t, Tensor) and not t.requires_grad and not any(t is f for f in found):
            found.append(t)
    return found
