"""`explain`: the backward pass as a table, one op at a time, with the numbers.

The numbers come from `backward_steps` (steps.py), the same records the interactive `stepper`
page shows; this module only lays them out as text.
"""
from __future__ import annotations

import sys
from typing import IO, Iterable, Mapping

import numpy as np

from ..tensor import Tensor
from . import text
from .steps import BackwardPass, InputGrad, backward_steps

LOCAL_TEXT = {"see formula": "(see formula)", "undefined": "—"}


def _numbers(array: np.ndarray, digits: int, max_elems: int) -> str:
    if array.size <= max_elems:
        return text.values(array, digits)
    return text.shape_and_norm(array, digits)


def _local(given: InputGrad, digits: int, max_elems: int) -> str:
    if given.local is None:
        return LOCAL_TEXT[given.local_kind]
    return _numbers(given.local, digits, max_elems)


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
    report = format_steps(backward_steps(loss, params, caller="explain"), max_elems, digits)
    print(report, end="", file=sys.stdout if file is None else file)
    return report


def format_steps(run: BackwardPass, max_elems: int = 6, digits: int = 9) -> str:
    """The text of `explain` for the records of `backward_steps`."""
    loss_name = run.loss
    rows: list = []
    formulas: dict[str, str] = {}
    for step in run.steps:
        outputs = ", ".join(out.name for out in step.outputs)
        if not step.reached:
            rows.append([str(step.number), step.label, outputs, "(no gradient reaches it)", "", "", ""])
            continue
        if step.formula:
            formulas.setdefault(step.op, step.formula)
        for out in step.outputs:
            if len(out.pieces) > 1:
                parts = " + ".join(f"{_numbers(p.grad, digits, max_elems)} (from {p.sender})"
                                   for p in out.pieces)
                rows.append(f"      ∂{loss_name}/∂{out.name} is a sum: {parts}")
        incoming = "; ".join(_numbers(out.grad, digits, max_elems) for out in step.outputs)
        for i, given in enumerate(step.inputs):
            lead = [str(step.number), step.label, outputs, incoming] if i == 0 else ["", "", "", ""]
            rows.append(lead + [given.name, _local(given, digits, max_elems),
                                _numbers(given.sent, digits, max_elems)])

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
    for leaf in run.leaves:
        if leaf.grad is None:
            continue
        how = f"  (sum of {len(leaf.pieces)})" if len(leaf.pieces) > 1 else ""
        lines.append(f"  ∂{loss_name}/∂{leaf.name} = {_numbers(leaf.grad, digits, max_elems)}{how}")
    if formulas:
        lines += ["", "Local derivatives of these ops (from their docstrings):"]
        lines += [f"  {op}: {formula}" for op, formula in formulas.items()]
    return "\n".join(lines) + "\n"
