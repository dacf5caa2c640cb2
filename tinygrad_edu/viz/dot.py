"""`to_dot`: the recorded graph as a Graphviz `Digraph`, drawn forward (inputs on the left, the
loss on the right): a box per tensor, a grey ellipse per op, a dashed box per `scope`.

Ids come from creation order within the drawn graph (`op0`, `v0`, `leaf0`, ...), never from
`id()` or the global node counter, so the same program gives byte-identical DOT source.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from ..autograd.function import Node, edge_source
from ..tensor import Tensor
from . import text
from .walk import Names, constant_inputs, walk

COLOURS: dict[str, str] = {
    "parameter": "#a5d8ff",  # leaf that requires grad: what backward computes .grad for
    "constant": "#ffe8a3",   # leaf that does not require grad (inputs, targets, literals)
    "output": "#b2f2bb",     # a tensor passed to to_dot
    "result": "#ffffff",     # an intermediate result of an op
    "op": "#d9d9d9",         # an operation
    "nonfinite": "#ff6b6b",  # a NaN or an infinity in the values or in the gradient
}
_LEGEND_TEXT = {
    "parameter": "parameter (leaf, requires grad)",
    "constant": "constant (leaf, no grad)",
    "output": "output",
    "result": "result of an op",
    "op": "op",
    "nonfinite": "NaN or inf in data or grad",
}
_RANKDIRS = ("LR", "TB", "RL", "BT")
_RECORD_SPECIALS = '\\{}|<>"'


def _graphviz():
    try:
        import graphviz
    except ImportError:
        raise ImportError("tg.viz needs the graphviz Python package: pip install graphviz "
                          "(or pip install 'tinygrad_edu[viz]')") from None
    return graphviz


def _new_graph(rankdir: str):
    """An empty Digraph with the house style (layout direction, font, arrows)."""
    graph = _graphviz().Digraph(name="tinygrad_edu")
    graph.attr(rankdir=rankdir)
    graph.attr("node", fontname="Helvetica", fontsize="10")
    graph.attr("edge", arrowsize="0.6", color="#495057")
    return graph


def _escape(line: str) -> str:
    """Text for one field of a record label: braces, bars and angle brackets are syntax there."""
    for c in _RECORD_SPECIALS:
        line = line.replace(c, "\\" + c)
    return line


def _record(fields: list[list[str]], rankdir: str) -> str:
    """A record label with one field per list of lines, stacked top to bottom."""
    body = "|".join("\\n".join(_escape(line) for line in lines) for lines in fields)
    # A record's fields run across the rank direction: flip them in TB/BT so they stack.
    return body if rankdir in ("LR", "RL") else "{" + body + "}"


def _labelled(word: str, lines: list[str]) -> list[str]:
    return [f"{word} {lines[0]}"] + lines[1:]


def _op_label(node: Node) -> str:
    # the op's own class name (Mul, Linear, GetItem, a user's Cube), or the PyTorch name a composite
    # gave its result (MseLoss); printing a grad_fn gives PyTorch's names (AddmmBackward0, ...)
    name = node.fn.__name__ if node.label is None else node.name()
    label = name[: name.rfind("Backward")] if "Backward" in name else name
    batch = getattr(node, "batch_size", None)  # one call for a batch of examples (tg.autobatch)
    return label if batch is None else f"{label} ×{batch}"


def _numbered_op_label(node: Node, rank: int) -> str:
    """"Mul#12": the op and its place in creation order (from 1), as the stepper and the
    step-by-step explanation name it."""
    return f"{_op_label(node)}#{rank + 1}"


def _scope_label(scope_id: str) -> str:
    return scope_id.rsplit("#", 1)[0]


class _Picture:
    """Node and edge statements collected per cluster, then written in a fixed order."""

    def __init__(self, show_values: bool, show_grads: bool, max_elems: int, rankdir: str) -> None:
        self.show_values, self.show_grads = show_values, show_grads
        self.max_elems, self.rankdir = max_elems, rankdir
        self.nodes: dict[tuple, list[tuple[str, dict]]] = {(): []}  # scope path -> statements
        self.edges: list[tuple[str, str, dict]] = []

    def add_node(self, scope: tuple, node_id: str, attrs: dict) -> None:
        if scope not in self.nodes:
            for depth in range(1, len(scope) + 1):  # outer scopes first: stable cluster numbers
                self.nodes.setdefault(scope[:depth], [])
        self.nodes[scope].append((node_id, attrs))

    def value(self, scope: tuple, node_id: str, kind: str, name: str | None, shape: tuple,
              tensor: Tensor | None, key) -> None:
        """A box {name | shape dtype | data | grad}; data and grad only when asked and known.
        `key` is what the graph calls this tensor: the leaf itself, or (node, output_nr)."""
        fields = [[name]] if name else []
        fields.append([text.shape_dtype(shape, tensor.dtype if tensor is not None else None)])
        if tensor is not None:
            if self.show_values:
                fields.append(_labelled("data", text.summary(tensor.data, self.max_elems, 4)))
            if self.show_grads and tensor.requires_grad:  # constants never get a gradient
                grad = tensor._grad  # (not .grad: no warning for a non-leaf, whose .grad is None)
                fields.append(_labelled("grad", ["None"] if grad is None
                                        else text.summary(grad.data, self.max_elems, 4)))
            grad = tensor._grad
            if text.has_nonfinite(tensor.data) or (grad is not None and text.has_nonfinite(grad.data)):
                kind = "nonfinite"
        self.add_node(scope, node_id, {"label": _record(fields, self.rankdir), "shape": "record",
                                       "style": "filled", "fillcolor": COLOURS[kind]})

    def op(self, scope: tuple, node_id: str, node: Node, rank: int) -> None:
        self.add_node(scope, node_id, {"label": _op_label(node), "shape": "ellipse", "style": "filled",
                                       "fillcolor": COLOURS["op"], "fontsize": "9", "height": "0.3"})

    def write(self, graph) -> None:
        """Top-level nodes, then clusters (nested, innermost built first: no recursion), then edges."""
        graphviz = _graphviz()
        for node_id, attrs in self.nodes[()]:
            graph.node(node_id, **attrs)
        paths = [p for p in self.nodes if p]
        number = {p: i for i, p in enumerate(paths)}
        built: dict[tuple, object] = {}
        for path in sorted(paths, key=len, reverse=True):
            cluster = graphviz.Digraph(name=f"cluster_{number[path]}")
            cluster.attr(label=_scope_label(path[-1]), style="rounded,dashed", color="#868e96",
                         fontsize="10", fontcolor="#495057", fontname="Helvetica")
            for node_id, attrs in self.nodes[path]:
                cluster.node(node_id, **attrs)
            for child in paths:
                if len(child) == len(path) + 1 and child[:-1] == path:
                    cluster.subgraph(built.pop(child))
            built[path] = cluster
        for path in paths:
            if len(path) == 1:
                graph.subgraph(built.pop(path))
        for tail, head, attrs in self.edges:
            graph.edge(tail, head, **attrs)


def _check(outputs: tuple, max_elems: int, rankdir: str, max_nodes: int, caller: str) -> None:
    if not outputs:
        raise ValueError(f"{caller}: give at least one tensor to draw, e.g. {caller}(loss)")
    for out in outputs:
        if not isinstance(out, Tensor):
            raise TypeError(f"{caller}: expected Tensors to draw, got {type(out).__name__}")
    if rankdir not in _RANKDIRS:
        raise ValueError(f"{caller}: rankdir must be one of {', '.join(_RANKDIRS)}, got {rankdir!r}")
    for arg, value in (("max_elems", max_elems), ("max_nodes", max_nodes)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{caller}: {arg} must be a positive integer, got {value!r}")


def to_dot(
    *outputs: Tensor,
    params: Mapping[str, Tensor] | Iterable[tuple[str, Tensor]] | None = None,
    show_values: bool = False,
    show_grads: bool = False,
    max_elems: int = 6,
    rankdir: str = "LR",
    max_nodes: int = 2000,
    legend: bool = False,
):
    """The graph that produced `outputs`, as a `graphviz.Digraph` (its DOT text is `.source`).

    Boxes are tensors ({name | shape dtype | data | grad}), grey ellipses are ops; colours (see
    `COLOURS`, or `legend=True`): parameters (leaves that require grad), constants, outputs,
    results of ops, and red for NaN/inf. `params` names tensors, e.g.
    `dict(model.named_parameters())`; it may also hold intermediate results, which is the only
    way to show their values (the graph does not keep them) or their `.grad` (after
    `retain_grad()`). `show_values` / `show_grads` print data and `.grad`, all of it up to
    `max_elems` values, else the first few with min/max/mean. At most `max_nodes` ops are drawn,
    those nearest the outputs, and a note says how many more there are. Ops recorded inside
    `tg.viz.scope(name)` are drawn in one dashed box per `with` block.

    >>> import tinygrad_edu as tg
    >>> from tinygrad_edu import viz
    >>> w = tg.tensor(2.0, requires_grad=True, name="w")
    >>> graph = viz.to_dot((w * 3.0).sigmoid(), show_values=True)
    >>> print(graph.source.count("shape=ellipse"))   # Mul and Sigmoid
    2

    In Jupyter the returned Digraph shows itself as a picture; `tg.viz.render` writes a file.
    """
    _check(outputs, max_elems, rankdir, max_nodes, "to_dot")
    names = Names(params, "to_dot")
    picture = _Picture(show_values, show_grads, max_elems, rankdir)
    return draw(outputs, names, picture, max_nodes, legend)


def draw(outputs: tuple, names: Names, picture: _Picture, max_nodes: int | None, legend: bool):
    """The Digraph of `to_dot`, with the boxes and ellipses made by `picture` (the stepper page
    passes its own, which labels them for stepping)."""
    _graphviz()  # (without the graphviz package: the error now, before any work)
    for out in outputs:
        names.add(out)
    drawn = walk(outputs, max_nodes)
    output_keys = {(o.grad_fn, o._output_nr) for o in outputs if o.grad_fn is not None}
    output_leaves = {id(o) for o in outputs if o.grad_fn is None}
    leaf_ids: dict[int, str] = {}
    numbers: dict = {}  # saved Python numbers, shown as constants (see walk.constant_inputs)
    result_ids: dict[tuple[Node, int], str] = {}

    def leaf_id(t: Tensor, constant_hint: bool = False) -> str:
        node_id = leaf_ids.get(id(t))
        if node_id is None:
            prefix = "const" if constant_hint else "leaf"
            node_id = leaf_ids[id(t)] = f"{prefix}{len(leaf_ids)}"
            if id(t) in output_leaves:
                kind = "output"
            else:
                kind = "parameter" if t.requires_grad else "constant"
            picture.value((), node_id, kind, names.leaf(t), t.shape, t, t)
        return node_id

    def result_id(producer: Node, nr: int, shape: tuple | None) -> str:
        key = (producer, nr)
        node_id = result_ids.get(key)
        if node_id is None:
            rank = drawn.rank[producer]
            node_id = result_ids[key] = f"v{rank}" if producer.n_outputs == 1 else f"v{rank}_{nr}"
            name, tensor = names.result(producer, nr)
            if tensor is not None:
                shape = tensor.shape
            elif producer.output_shapes is not None:
                shape = producer.output_shapes[nr]
            kind = "output" if key in output_keys else "result"
            picture.value(producer.scope or (), node_id, kind, name, shape, tensor, key)
            picture.edges.append((f"op{rank}", node_id, {}))
        return node_id

    frontier: dict[str, None] = {}  # ops with an input beyond max_nodes (a dict keeps order)
    for node in drawn.nodes:
        op_id = f"op{drawn.rank[node]}"
        picture.op(node.scope or (), op_id, node, drawn.rank[node])
        for edge, shape in zip(node.edges, node.input_shapes):
            if edge is None:
                continue
            producer = edge_source(edge)
            if producer is not None:
                if producer[0] in drawn.rank:
                    picture.edges.append((result_id(producer[0], producer[1], shape), op_id, {}))
                else:
                    frontier[op_id] = None
            else:
                picture.edges.append((leaf_id(edge), op_id, {}))
        for constant in constant_inputs(node, numbers):
            picture.edges.append((leaf_id(constant, constant_hint=True), op_id, {}))
    for out in outputs:
        if out.grad_fn is None:
            leaf_id(out)
        elif out.grad_fn in drawn.rank:
            result_id(out.grad_fn, out._output_nr, out.shape)

    graph = _new_graph(picture.rankdir)
    picture.write(graph)
    if drawn.hidden:
        plural = "s" if drawn.hidden > 1 else ""
        graph.node("more", label=f"… {drawn.hidden} more node{plural}", shape="note", style="filled",
                   fillcolor="#f1f3f5", fontsize="10")
        for op_id in frontier:
            graph.edge("more", op_id, style="dashed")
    if legend:
        graph.subgraph(_legend_cluster())
    return graph


def _legend_cluster():
    cluster = _graphviz().Digraph(name="cluster_legend")
    cluster.attr(label="legend", style="rounded", color="#adb5bd", fontsize="10",
                 fontname="Helvetica")
    for kind, words in _LEGEND_TEXT.items():
        shape = "ellipse" if kind == "op" else "box"
        cluster.node(f"legend_{kind}", label=words, shape=shape, style="filled",
                     fillcolor=COLOURS[kind], fontname="Helvetica", fontsize="9")
    return cluster


def legend():
    """The colour key of `to_dot` pictures as a small `graphviz.Digraph` (shows inline in Jupyter)."""
    graph = _graphviz().Digraph(name="legend")
    graph.subgraph(_legend_cluster())
    return graph
