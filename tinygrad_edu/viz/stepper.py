"""`stepper`: an HTML page that steps through the forward and the backward pass on the picture.

The page is one self-contained file: the SVG that Graphviz draws for the graph, the steps as JSON,
and a small script (stepper.js) and style sheet (stepper.css) inline; it needs no network.
The backward numbers are the records of `backward_steps` (steps.py), the same that `explain`
prints, formatted by the same function, so the page and the table always agree.

Graphs with more than `max_nodes` ops are shown collapsed: each top-level `viz.scope` block is
one box, and one step runs a whole block (see collapse.py).
"""
from __future__ import annotations

import html
import itertools
import json
import os
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np

from ..autograd.function import Node, edge_source
from ..tensor import Tensor
from . import text
from .collapse import collapsed_page_data
from .dot import _RANKDIRS, COLOURS, _graphviz, _numbered_op_label, _Picture, _record, draw
from .explain import _local, _numbers
from .render import INSTALL_HINT, require_dot
from .steps import BackwardPass, backward_steps
from .walk import Names

_HERE = Path(__file__).parent
_instances = itertools.count()


class Stepper:
    """The page made by `stepper(loss)`: `.save(path)` writes it, Jupyter shows it inline.

    `passes` holds the records of `backward_steps` that the page shows; `view` is "ops" (one
    step per op) or "scopes" (collapsed: one step per top-level `viz.scope` block).
    """

    def __init__(self, passes: BackwardPass, data: dict, graph) -> None:
        self.passes = passes
        self.view: str = data["view"]
        self._data = data
        self._graph = graph
        self._svg: str | None = None

    def svg(self) -> str:
        """The picture as SVG text (laid out by Graphviz's `dot`, needed here)."""
        if self._svg is None:
            require_dot("stepper")
            try:
                svg = self._graph.pipe(format="svg").decode("utf-8")
            except _graphviz().ExecutableNotFound:
                raise RuntimeError(f"stepper: {INSTALL_HINT}") from None
            self._svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype: inlined in HTML
        return self._svg

    def html(self, standalone: bool = True) -> str:
        """The page: a whole HTML document (`standalone`), or a fragment for a notebook cell."""
        uid = "tg-stepper" if standalone else f"tg-stepper-{os.getpid()}-{next(_instances)}"
        payload = json.dumps(self._data, ensure_ascii=False, separators=(",", ":"))
        payload = payload.replace("</", "<\\/")  # no "</script>" inside the script element
        fragment = (_HERE / "stepper.html").read_text("utf-8").format(
            uid=uid, title=html.escape(self._data["title"]), note=self._data["note"],
            svg=self.svg(), data=payload, standalone="true" if standalone else "false",
            css=(_HERE / "stepper.css").read_text("utf-8"),
            js=(_HERE / "stepper.js").read_text("utf-8"))
        if not standalone:
            return fragment
        return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                f"<title>{html.escape(self._data['title'])}</title>\n</head>\n<body>\n"
                f"{fragment}\n</body>\n</html>\n")

    def _repr_html_(self) -> str:
        return self.html(standalone=False)

    def save(self, path: str | os.PathLike) -> str:
        """Write the page to `path` (one HTML file, opens from disk in any browser); returns it."""
        target = Path(path)
        page = self.html()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
        return os.fspath(path)

    def __repr__(self) -> str:
        return (f"<Stepper of {self.passes.loss}: {len(self._data['forward'])} forward and "
                f"{len(self._data['backward'])} backward steps, view={self.view!r}>")


def stepper(
    loss: Tensor,
    params: Mapping[str, Tensor] | Iterable[tuple[str, Tensor]] | None = None,
    max_nodes: int = 3000,
    max_elems: int = 6,
    digits: int = 9,
    rankdir: str = "LR",
) -> Stepper:
    """An interactive page that steps through the forward and backward pass of `loss`.

    **forward** (or →) runs the ops in creation order, filling in each value; **backward** runs
    the backward pass in the engine's order (the reverse of creation order): it highlights the
    op, the gradient arriving at its output, the local derivative(s) with the op's formula, and
    the gradient sent along each edge; where gradients meet it shows the sum, and each leaf ends
    with its `.grad`. ← goes back one step. Hovering a box or an op shows its value and gradient,
    shape, dtype and, if the forward pass ran under `tg.detect_anomaly()` (which records where
    each op is created), the line of code that made it. The numbers are those of `explain`.

    `params` names tensors as for `explain`; `rankdir` lays the picture out as `to_dot` does.
    Graphs of more than `max_nodes` ops are shown collapsed, one box and one step per top-level
    `viz.scope` block. Like `explain`, call it before `loss.backward()` or after
    `loss.backward(retain_graph=True)`.

    >>> page = tg.viz.stepper(E_total, params=names)   # doctest: +SKIP
    >>> page.save("backprop.html")                     # doctest: +SKIP
    'backprop.html'

    Writing the page needs Graphviz's `dot` (to lay out the picture) and the graphviz package.
    """
    for arg, value in (("max_nodes", max_nodes), ("max_elems", max_elems), ("digits", digits)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"stepper: {arg} must be a positive integer, got {value!r}")
    if rankdir not in _RANKDIRS:
        raise ValueError(f"stepper: rankdir must be one of {', '.join(_RANKDIRS)}, got {rankdir!r}")
    passes = backward_steps(loss, params, caller="stepper")
    names = Names(params, "stepper")
    names.add(loss, loss.name or "loss")
    if len(passes.nodes) > max_nodes:
        data, graph = collapsed_page_data(loss, passes, max_nodes, max_elems, digits, rankdir)
    else:
        data, graph = _page_data(loss, passes, names, max_elems, digits, rankdir)
    data["title"] = f"Backpropagation through {passes.loss}, step by step"
    return Stepper(passes, data, graph)


# ---- one step per op -----------------------------------------------------------------------------
class _StepperPicture(_Picture):
    """The boxes of `to_dot` with a data row and a grad row to fill in, ops named like `explain`
    ("Mul#12"), and a note of which DOT id each tensor and op got."""

    def __init__(self, values, grads, max_elems: int, digits: int, rankdir: str) -> None:
        super().__init__(False, False, max_elems, rankdir)
        self.values, self.grads, self.digits = values, grads, digits
        self.box_ids: dict = {}  # id(leaf) or (node, output_nr) -> DOT id
        self.boxes: dict[str, dict] = {}  # DOT id -> what the page needs to know about it
        self.op_ids: dict[Node, str] = {}

    def value(self, scope, node_id, kind, name, shape, tensor, key) -> None:
        dict_key = id(key) if isinstance(key, Tensor) else key
        self.box_ids[dict_key] = node_id
        array = tensor.data if tensor is not None else self.values(key)
        grad = self.grads(key)
        dtype = array.dtype if array is not None else (tensor.dtype if tensor is not None else None)
        fields = [[name]] if name else []
        fields.append([text.shape_dtype(shape, dtype)])
        box = {"name": name, "kind": kind, "shape": text.shape_dtype(shape, dtype),
               "data": None, "grad": None, "dataLine": None, "gradLine": None, "line": None}
        if array is not None:
            box["dataLine"] = "data " + text.summary(array, self.max_elems, 4)[0]
            box["data"] = "\n".join(text.summary(array, self.max_elems, self.digits))
            fields.append([box["dataLine"]])
        if grad is not None:
            box["gradLine"] = "grad " + text.summary(grad, self.max_elems, 4)[0]
            box["grad"] = "\n".join(text.summary(grad, self.max_elems, self.digits))
            fields.append([box["gradLine"]])
        if array is not None and text.has_nonfinite(array) or grad is not None and text.has_nonfinite(grad):
            kind = "nonfinite"
        self.boxes[node_id] = box
        self.add_node(scope, node_id, {"label": _record(fields, self.rankdir), "shape": "record",
                                       "style": "filled", "fillcolor": COLOURS[kind]})

    def op(self, scope, node_id, node, rank) -> None:
        self.op_ids[node] = node_id
        self.add_node(scope, node_id, {"label": _numbered_op_label(node, rank), "shape": "ellipse",
                                       "style": "filled", "fillcolor": COLOURS["op"], "fontsize": "9",
                                       "height": "0.3"})




def created_at(node: Node) -> str | None:
    """The user's line that created `node`, if the forward pass recorded it (`tg.detect_anomaly()`
    keeps the stack of every op it sees created)."""
    stack = [f for f in getattr(node, "forward_stack", None) or () if not f.filename.startswith("<")]
    if not stack:  # (not recorded, or only Python's own frames such as <frozen runpy>)
        return None
    frame = stack[-1]  # the innermost: the line that called the op
    where = f"{os.path.basename(frame.filename)}:{frame.lineno}"
    return f"{where}  {frame.line.strip()}" if frame.line else where


def _page_data(loss: Tensor, passes: BackwardPass, names: Names, max_elems: int, digits: int,
               rankdir: str):
    """The picture and the JSON of the page with one step per op."""
    nodes = passes.nodes
    rank = {node: i for i, node in enumerate(nodes)}
    step_of = {step.node: step for step in passes.steps}
    leaf_of = {id(leaf.tensor): leaf for leaf in passes.leaves}

    def known_value(key) -> np.ndarray | None:
        """A result's value: handed in through params, or saved by its op for backward."""
        if isinstance(key, Tensor):
            return key.data
        node, nr = key
        tensor = names.result(node, nr)[1]
        if tensor is not None:
            return tensor.data
        saved = getattr(node, "_saved_output", None)  # e.g. Sigmoid keeps σ(x) for σ(1 - σ)
        return np.asarray(saved) if saved is not None and node.n_outputs == 1 else None

    def final_grad(key) -> np.ndarray | None:
        if isinstance(key, Tensor):
            leaf = leaf_of.get(id(key))
            return leaf.grad if leaf is not None else None
        node, nr = key
        return step_of[rank[node]].outputs[nr].grad

    picture = _StepperPicture(known_value, final_grad, max_elems, digits, rankdir)
    graph = draw((loss,), names, picture, None, legend=False)
    boxes, box_ids, op_ids = picture.boxes, picture.box_ids, picture.op_ids

    def result_box(node_rank: int, nr: int) -> str | None:
        return box_ids.get((nodes[node_rank], nr))

    # When each box's gradient is complete: the step of the last piece that reaches it.
    fmt = lambda a: _numbers(a, digits, max_elems)  # noqa: E731  (the numbers of explain)
    completes: dict[int, list] = {}
    for leaf in passes.leaves:
        box_id = box_ids.get(id(leaf.tensor))
        if box_id is not None and leaf.pieces:
            last = boxes[box_id]["gradStep"] = max(p.step for p in leaf.pieces)
            completes.setdefault(last, []).append({"box": box_id, "name": leaf.name, "leaf": True,
                                                   "grad": fmt(leaf.grad), "pieces": len(leaf.pieces)})
    result_names: dict[tuple[int, int], str] = {}
    for step in passes.steps:
        for nr, out in enumerate(step.outputs):
            result_names[(step.node, nr)] = out.name
            box_id = result_box(step.node, nr)
            if box_id is not None and out.grad is not None:
                last = boxes[box_id]["gradStep"] = max((p.step for p in out.pieces), default=step.number)
                completes.setdefault(last, []).append({"box": box_id, "name": out.name, "leaf": False,
                                                       "grad": fmt(out.grad), "pieces": len(out.pieces)})
    for node in nodes:
        box_id = box_ids.get((node, 0))
        if box_id is not None:
            boxes[box_id]["dataStep"] = rank[node] + 1
            boxes[box_id]["line"] = created_at(node)
        for nr in range(1, node.n_outputs):
            if (node, nr) in box_ids:
                boxes[box_ids[(node, nr)]]["dataStep"] = rank[node] + 1

    ops = {op_ids[node]: {"label": _numbered_op_label(node, rank[node]), "seq": node.seq,
                          "formula": step_of[rank[node]].formula, "line": created_at(node)}
           for node in nodes}

    leaf_names = {id(leaf.tensor): leaf.name for leaf in passes.leaves}

    def item(box: str | None, name: str, value: np.ndarray | None) -> dict:
        return {"box": box, "name": name, "value": None if value is None else fmt(value)}

    forward = []
    for node in nodes:
        inputs = []
        constants = iter(getattr(node, "constants", ()))
        for edge, shape in zip(node.edges, node.input_shapes):
            producer = edge_source(edge)
            if producer is not None:
                inputs.append(item(box_ids.get(producer), result_names[(rank[producer[0]], producer[1])],
                                   known_value(producer)))
            elif isinstance(edge, Tensor):
                inputs.append(item(box_ids.get(id(edge)), leaf_names[id(edge)], edge.data))
            elif shape is not None:  # a constant tensor: the node holds a weak reference to it
                ref = next(constants, None)
                constant = ref() if ref is not None else None
                if constant is None:
                    inputs.append({"box": None, "name": "a constant", "value": "(no longer alive)"})
                else:
                    inputs.append(item(box_ids.get(id(constant)), names.leaf(constant) or "a constant",
                                       constant.data))
        outputs = [item(box_ids.get((node, nr)), result_names[(rank[node], nr)], known_value((node, nr)))
                   for nr in range(node.n_outputs)]
        forward.append({"node": op_ids[node], "label": ops[op_ids[node]]["label"],
                        "formula": (step_of[rank[node]].formula or "").split(";")[0].strip(),
                        "inputs": inputs, "outputs": outputs})

    backward = []
    for step in passes.steps:
        seen_edges: dict[tuple, int] = {}
        inputs = []
        for given in step.inputs:
            if given.leaf is not None:
                box = box_ids.get(id(passes.leaves[given.leaf].tensor))
            else:
                box = result_box(*given.result)
            edge_key = (box, op_ids[nodes[step.node]])
            occurrence = seen_edges[edge_key] = seen_edges.get(edge_key, -1) + 1
            inputs.append({"box": box, "name": given.name, "local": _local(given, digits, max_elems),
                           "sent": fmt(given.sent), "short": text.summary(given.sent, max_elems, 4)[0],
                           "edge": occurrence})
        outputs = [{"box": result_box(step.node, nr), "name": out.name,
                    "grad": None if out.grad is None else fmt(out.grad),
                    "pieces": [{"sender": p.sender, "grad": fmt(p.grad)} for p in out.pieces]}
                   for nr, out in enumerate(step.outputs)]
        backward.append({"number": step.number, "node": op_ids[nodes[step.node]], "seq": step.seq,
                         "label": step.label, "formula": step.formula, "reached": step.reached,
                         "outputs": outputs, "inputs": inputs})
    for number, done in completes.items():  # leaves end with their .grad
        backward[number - 1]["completes"] = done
    data = {"view": "ops", "loss": passes.loss, "note": "", "boxes": boxes, "ops": ops,
            "forward": forward, "backward": backward}
    return data, graph

