"""The two entry points of the backward pass: `Tensor.backward` and `tg.grad`."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..errors import ArgumentValueError
from ..tensor import Tensor
from .engine import run_backward


def seed_gradient(output: Tensor, gradient, op: str, create_graph: bool):
    """dL/d(output) to start from: 1 for a one-element output, else it must be given. An array,
    or a Tensor when the backward pass is recorded (the engine's two kinds of gradient)."""
    if output.data.__class__ is not np.ndarray:  # a lazy value of tg.autobatch: compute it first
        np.asarray(output.data)
    if gradient is None:
        if output.data.size != 1:
            raise RuntimeError(
                f"{op}: a gradient can only be created implicitly for an output with one element; "
                f"this output has shape {output.shape}. Reduce it first (e.g. .sum() or .mean()) or "
                f"pass gradient=... of shape {output.shape} (e.g. tg.ones_like(output))."
            )
        ones = np.ones_like(output.data)
        return Tensor._make(ones, None, False) if create_graph else ones
    if not isinstance(gradient, Tensor):
        gradient = Tensor(gradient, dtype=output.dtype)
    if gradient.shape != output.shape:
        raise RuntimeError(
            f"{op}: the gradient has shape {gradient.shape}, but the output it belongs to has shape "
            f"{output.shape}; they must match"
        )
    return gradient if create_graph else gradient.data


def outputs_and_gradients(outputs, gradients, op: str, name: str) -> tuple[list, list]:
    """One output or a sequence of them, and one dL/d(output) per output (None: implicit ones)."""
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    if gradients is None or isinstance(gradients, Tensor):
        gradients = [gradients] * len(outputs) if gradients is None else [gradients]
    gradients = list(gradients)
    if len(gradients) != len(outputs):
        raise ArgumentValueError(f"{op}: got {len(gradients)} {name} for {len(outputs)} outputs")
    return outputs, gradients


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Tensor | Sequence[Tensor | None] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """Gradients of `outputs` with respect to `inputs`, returned (not stored in `.grad`).

    `grad_outputs` plays the role of `gradient` in `backward` (needed for outputs with more
    than one element). With `create_graph=True` the results are themselves differentiable:

    >>> import tinygrad_edu as tg
    >>> x = tg.tensor(3.0, requires_grad=True)
    >>> dy, = tg.grad(x ** 3, x, create_graph=True)   # 3x² = 27
    >>> d2y, = tg.grad(dy, x)                          # 6x = 18
    >>> float(dy), float(d2y)
    (27.0, 18.0)
    """
    outputs, grad_outputs = outputs_and_gradients(outputs, grad_outputs, "grad", "grad_outputs")
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"grad: input {i} is a {type(t).__name__}, not a Tensor")
        if not t.requires_grad:
            raise RuntimeError(f"grad: input {i} (shape {t.shape}) does not require grad")
    for i, out in enumerate(outputs):
        if not out.requires_grad:
            raise RuntimeError(
                f"grad: output {i} (shape {out.shape}) does not require grad and has no grad_fn; "
                f"it does not depend on any input that requires grad"
            )
    seeds = [seed_gradient(o, g, "grad", create_graph) for o, g in zip(outputs, grad_outputs)]
    if retain_graph is None:
        retain_graph = create_graph
    results = run_backward(outputs, seeds, retain_graph, create_graph, inputs=inputs)
    for i, (t, g) in enumerate(zip(inputs, results)):
        if g is None and not allow_unused:
            raise RuntimeError(
                f"grad: input {i} (shape {t.shape}) was not used to compute the outputs, so it has "
                f"no gradient; pass allow_unused=True to get None for it"
            )
    return tuple(results)
