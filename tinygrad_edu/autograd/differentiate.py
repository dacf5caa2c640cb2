"""The two entry points of the backward pass: `Tensor.backward` and `tg.grad`."""
from __future__ import annotations

import warnings
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


def refresh_views(tensors) -> None:
    """A view whose base was changed in place since the view's history was recorded takes that
    history again (as Tensor.backward and every op do), so that backward and tg.grad start from,
    or stop at, the node PyTorch would use."""
    for t in tensors:
        if isinstance(t, Tensor):
            view_of = t._view_of
            if view_of is not None and view_of[2] != t._version_counter[0]:
                t._reread_view()


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
    only_inputs: bool = True,
    allow_unused: bool | None = None,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
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

    An input the outputs do not depend on is an error, unless `allow_unused=True` (its gradient
    is then None) or `materialize_grads=True` (zeros). With `is_grads_batched=True` each
    grad_output has an extra leading dimension and each row gives one vector-Jacobian product
    (one backward pass per row here), stacked in the result:

    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> tg.grad(x ** 2, x, tg.eye(2), is_grads_batched=True)[0]   # the Jacobian, row by row
    tensor([[2., 0.],
            [0., 4.]])

    `only_inputs` is accepted for old code and ignored (deprecated in PyTorch too).
    """
    if not only_inputs:
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to True). To "
                      "accumulate gradient for other parts of the graph, please use torch.autograd.backward.",
                      FutureWarning, stacklevel=2)
    if materialize_grads and allow_unused is False:
        raise ValueError("grad: expected allow_unused to be True or not passed when materialize_grads=True, "
                         "but got: allow_unused=False")
    if allow_unused is None:
        allow_unused = materialize_grads
    outputs, grad_outputs = outputs_and_gradients(outputs, grad_outputs, "grad", "grad_outputs")
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    refresh_views(outputs + inputs)
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
    if retain_graph is None:
        retain_graph = create_graph
    if is_grads_batched:
        results = _batched_grad(outputs, grad_outputs, inputs, retain_graph, create_graph)
    else:
        seeds = [seed_gradient(o, g, "grad", create_graph) for o, g in zip(outputs, grad_outputs)]
        results = run_backward(outputs, seeds, retain_graph, create_graph, inputs=inputs)
    results = list(results)
    for i, (t, g) in enumerate(zip(inputs, results)):
        if g is not None:
            continue
        if materialize_grads:  # zeros (requiring grad under create_graph, as in PyTorch)
            results[i] = Tensor._make(np.zeros_like(t.data), None, create_graph)
        elif not allow_unused:
            raise RuntimeError(
                f"grad: input {i} (shape {t.shape}) was not used to compute the outputs, so it has "
                f"no gradient; pass allow_unused=True to get None for it"
            )
    return tuple(results)


def _batched_grad(outputs: list, grad_outputs: list, inputs: list, retain_graph: bool,
                  create_graph: bool) -> list:
    """is_grads_batched: one backward pass per row of the grad_outputs, results stacked."""
    sizes = set()
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if g is None:
            if out.data.size != 1:
                seed_gradient(out, None, "grad", create_graph)  # (raises: names the shape)
            raise ValueError(f"grad: is_grads_batched=True needs a batched grad_output for output {i}, got None")
        g = g if isinstance(g, Tensor) else Tensor(g, dtype=out.dtype)
        if g.ndim == 0 or g.shape[1:] != out.shape:
            raise RuntimeError(
                f"grad: with is_grads_batched=True the first dimension of each grad_output is the batch "
                f"dimension and the rest must match its output's shape, but grad_output[{i}] has shape "
                f"{g.shape} (rows of shape {g.shape[1:]}) and output[{i}] has shape {out.shape}")
        sizes.add(g.shape[0])
        grad_outputs[i] = g
    if len(sizes) > 1:
        raise ValueError(f"grad: with is_grads_batched=True all grad_outputs must have the same batch size "
                         f"(first dimension), got sizes {sorted(sizes)}")
    n = sizes.pop()
    if n == 0:
        raise IndexError("grad: with is_grads_batched=True the batch dimension of grad_outputs is empty")
    rows = []  # rows[b][j]: the gradient for input j from row b
    for b in range(n):
        seeds = [seed_gradient(o, g[b], "grad", create_graph) for o, g in zip(outputs, grad_outputs)]
        rows.append(run_backward(outputs, seeds, retain_graph or b < n - 1, create_graph, inputs=inputs))
    results = []
    for j in range(len(inputs)):
        column = [row[j] for row in rows]
        if any(g is None for g in column):
            results.append(None)
        elif create_graph:
            from ..functions import stack  # (functions.py needs this package first)
            results.append(stack(column))
        else:
            results.append(Tensor._make(np.stack([g.data for g in column]), None, False))
    return results
