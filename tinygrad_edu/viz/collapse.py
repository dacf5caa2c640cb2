"""The collapsed view of the stepper page, for graphs too big to step through op by op.

Every top-level `viz.scope` block becomes one box, and one step runs the whole block: a `with`
block records its ops one after the other (creation numbers in one unbroken run), so in the
engine's order -- the reverse -- its ops are processed one after the other too. A step shows the
gradients that enter the block from outside and those it sends out of it; the numbers are the
records of `backward_steps`, as in the full view. Ops outside any scope stay one step each.
"""
from __future__ import annotations

from ..autograd.function import edge_source
from ..tensor import Tensor
from . import text
from .dot import COLOURS, _graphviz, _new_graph, _numbered_op_label, _record
from .explain import _numbers
from .steps import BackwardPass


def _units(passes: BackwardPass, max_units: int) -> tuple[list[str], dict[str, dict]]:
    """For each op (creation order) the DOT id of its unit, and the units: a scope block or one op.
    Beyond `max_units`, the units farthest from the loss are merged into one ("earlier ops")."""
    unit_of, units = [], {}
    for rank, node in enumerate(passes.nodes):
        if node.scope:
            key, label = node.scope[0], node.scope[0].rsplit("#", 1)[0]
        else:
            key, label = rank, _numbered_op_label(node, rank)
        if key not in units:
            units[key] = {"id": f"unit{len(units)}", "label": label, "ops": [], "block": bool(node.scope)}
        units[key]["ops"].append(rank)
        unit_of.append(units[key]["id"])
    by_id = {u["id"]: u for u in units.values()}
    if len(by_id) > max_units:
        nearest = sorted(by_id, key=lambda u: by_id[u]["ops"][-1])[-(max_units - 1):]
        earlier = {"id": "earlier", "ops": [], "block": True}
        for rank, unit_id in enumerate(unit_of):
            if unit_id not in nearest:
                unit_of[rank] = "earlier"
                earlier["ops"].append(rank)
        earlier["label"] = f"… {len(earlier['ops'])} earlier ops"
        by_id = {u: by_id[u] for u in nearest}
        by_id["earlier"] = earlier
    return unit_of, by_id


def _runs(order: list[int], unit_of: list[str]) -> list[tuple[str, list[int]]]:
    """Consecutive ops of `order` that belong to the same unit, grouped."""
    runs: list[tuple[str, list[int]]] = []
    for rank in order:
        if runs and runs[-1][0] == unit_of[rank]:
            runs[-1][1].append(rank)
        else:
            runs.append((unit_of[rank], [rank]))
    return runs


def collapsed_page_data(loss: Tensor, passes: BackwardPass, max_nodes: int, max_elems: int,
                        digits: int, rankdir: str):
    """The picture and JSON of the collapsed page (same JSON layout as the full view)."""
    _graphviz()  # (without the graphviz package: the error now, before any work)
    fmt = lambda a: _numbers(a, digits, max_elems)  # noqa: E731  (the numbers of explain)
    unit_of, units = _units(passes, max_nodes)
    n_ops = len(passes.nodes)
    note = (f"This graph has {n_ops} ops, more than max_nodes={max_nodes}: too many to step through one "
            f"by one. It is shown collapsed: each top-level tg.viz.scope block is one box, and one step "
            f"runs a whole block (stepper(loss, max_nodes=...) draws every op).")
    if "earlier" in units:
        note += (f" Even so there are more than {max_nodes} boxes, so the ops farthest from the loss are "
                 f"one box; record parts of the model inside `with tg.viz.scope(name):` to collapse them.")

    graph = _new_graph(rankdir)
    ops: dict[str, dict] = {}
    for unit_id, unit in units.items():
        first = passes.nodes[unit["ops"][0]]
        count = len(unit["ops"])
        if unit["block"]:
            words = unit["label"] if unit_id == "earlier" else f"{unit['label']}\n{count} op{'s' if count > 1 else ''}"
            graph.node(unit_id, label=words,
                       shape="box", style="rounded,dashed,filled", fillcolor=COLOURS["op"])
        else:
            graph.node(unit_id, label=unit["label"], shape="ellipse", style="filled",
                       fillcolor=COLOURS["op"], fontsize="9", height="0.3")
        ops[unit_id] = {"label": unit["label"] if not unit["block"] else f"{unit['label']} ({count} ops)",
                        "seq": first.seq, "formula": None, "line": None,
                        "ops": ", ".join(_numbered_op_label(passes.nodes[r], r) for r in unit["ops"][:12])
                               + (", …" if count > 12 else "")}

    boxes: dict[str, dict] = {}
    leaf_box: dict[int, str] = {}
    for index, leaf in enumerate(passes.leaves):
        box_id = f"leaf{index}"
        leaf_box[index] = box_id
        grad_line = None if leaf.grad is None else "grad " + text.summary(leaf.grad, max_elems, 4)[0]
        shape = text.shape_dtype(leaf.tensor.shape, leaf.tensor.dtype)
        boxes[box_id] = {"name": leaf.name, "kind": "parameter", "shape": shape, "dataLine": None,
                         "gradLine": grad_line, "line": None,
                         "data": "\n".join(text.summary(leaf.tensor.data, max_elems, digits)),
                         "grad": None if leaf.grad is None else "\n".join(text.summary(leaf.grad, max_elems, digits))}
    rank_of = {node: rank for rank, node in enumerate(passes.nodes)}
    leaf_of = {id(leaf.tensor): index for index, leaf in enumerate(passes.leaves)}
    edges: dict[tuple[str, str], None] = {}
    for rank, node in enumerate(passes.nodes):
        for edge in node.edges:
            producer = edge_source(edge)
            if producer is not None:
                source = unit_of[rank_of[producer[0]]]
            elif isinstance(edge, Tensor):
                source = leaf_box[leaf_of[id(edge)]]
            else:
                continue
            if source != unit_of[rank]:
                edges[(source, unit_of[rank])] = None
    used_leaves = {s for s, _ in edges if s in boxes}
    for box_id in list(boxes):
        if box_id not in used_leaves:
            del boxes[box_id]
            continue
        box = boxes[box_id]
        fields = [[box["name"]], [box["shape"]]] + ([[box["gradLine"]]] if box["gradLine"] else [])
        graph.node(box_id, label=_record(fields, rankdir), shape="record", style="filled",
                   fillcolor=COLOURS["parameter"])
    for source, target in edges:
        graph.edge(source, target)

    forward = [{"node": unit_id, "label": ops[unit_id]["label"], "formula": f"runs {ops[unit_id]['ops']}",
                "inputs": [], "outputs": []}
               for unit_id, _ in _runs(list(range(n_ops)), unit_of)]
    step_of_rank = {step.node: step for step in passes.steps}
    backward, collapsed_step = [], {}
    for unit_id, ranks in _runs([step.node for step in passes.steps], unit_of):
        steps = [step_of_rank[rank] for rank in ranks]
        for step in steps:
            collapsed_step[step.number] = len(backward) + 1
        outputs, inputs = [], []
        for step in steps:
            for out in step.outputs:  # gradients that enter the block (or the loss's seed)
                outside = [p for p in out.pieces if unit_of[passes.steps[p.step - 1].node] != unit_id]
                if out.grad is not None and (outside or not out.pieces):
                    outputs.append({"box": None, "name": out.name, "grad": fmt(out.grad),
                                    "pieces": [{"sender": p.sender, "grad": fmt(p.grad)} for p in out.pieces]})
            for given in step.inputs:  # gradients that leave it
                source = leaf_box[given.leaf] if given.leaf is not None else unit_of[given.result[0]]
                if source != unit_id:
                    inputs.append({"box": source, "name": given.name, "local": "—",
                                   "sent": fmt(given.sent), "edge": 0,
                                   "short": text.summary(given.sent, max_elems, 4)[0]})
        backward.append({"number": len(backward) + 1, "node": unit_id, "seq": steps[0].seq,
                         "label": ops[unit_id]["label"], "formula": f"runs {ops[unit_id]['ops']}",
                         "reached": any(step.reached for step in steps), "outputs": outputs, "inputs": inputs})
    for index, leaf in enumerate(passes.leaves):  # leaves end with their .grad
        box_id = leaf_box[index]
        if box_id in boxes and leaf.pieces:
            last = boxes[box_id]["gradStep"] = collapsed_step[max(p.step for p in leaf.pieces)]
            backward[last - 1].setdefault("completes", []).append(
                {"box": box_id, "name": leaf.name, "leaf": True, "grad": fmt(leaf.grad),
                 "pieces": len(leaf.pieces)})
    data = {"view": "scopes", "loss": passes.loss, "note": note, "boxes": boxes, "ops": ops,
            "forward": forward, "backward": backward}
    return data, graph

