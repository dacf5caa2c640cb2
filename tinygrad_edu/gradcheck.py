"""Checking gradients against finite differences.

The numerical derivative of f at x along coordinate i is the central difference
    (f(x + ε·eᵢ) - f(x - ε·eᵢ)) / 2ε,   accurate to O(ε²),
and the analytical one is what backward computes. `gradcheck` compares the two full Jacobians
(every output element against every input element) and, on a mismatch, prints where.
"""
from __future__ import annotations

import warnings
from typing import Callable, Sequence

import numpy as np

from .autograd.differentiate import grad as autograd_grad
from .autograd.grad_mode import no_grad
from .tensor import Tensor


class GradcheckError(RuntimeError):
    """Raised by `gradcheck` when an analytical gradient differs from the numerical one."""


def _as_tuple(inputs) -> tuple:
    return (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)


def _outputs(fn: Callable, inputs: tuple) -> tuple[Tensor, ...]:
    out = fn(*inputs)
    outs = (out,) if isinstance(out, Tensor) else tuple(out)
    return tuple(o for o in outs if isinstance(o, Tensor) and o.dtype.kind == "f")


def _differentiable(inputs: tuple) -> list[int]:
    return [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]


def numerical_jacobians(fn: Callable, inputs: tuple, eps: float) -> list[list[np.ndarray]]:
    """jac[k][j][:, e]: d output k / d element e of differentiable input j, by central differences.

    `fn` runs with grad mode on: it may itself differentiate (gradgradcheck's does)."""
    outputs = _outputs(fn, inputs)
    indices = _differentiable(inputs)
    jac = [[np.zeros((o.data.size, inputs[j].data.size)) for j in indices] for o in outputs]
    for col, j in enumerate(indices):
        x = inputs[j].data
        flat = x.reshape(-1)  # a view, so writing into it perturbs the input in place
        if flat.size and not np.shares_memory(flat, x):  # (an empty input has no elements to perturb)
            raise ValueError(f"gradcheck: input {j} is not contiguous; pass a contiguous array")
        for e in range(flat.size):
            original = flat[e]
            flat[e] = original + eps
            plus = [o.data.astype(np.float64).reshape(-1) for o in _outputs(fn, inputs)]
            flat[e] = original - eps
            minus = [o.data.astype(np.float64).reshape(-1) for o in _outputs(fn, inputs)]
            flat[e] = original
            if len(plus) != len(outputs) or len(minus) != len(outputs):
                raise GradcheckError("gradcheck: fn returned a different number of outputs when its input changed")
            for k in range(len(outputs)):
                jac[k][col][:, e] = (plus[k] - minus[k]) / (2 * eps)
    return jac


def analytical_jacobians(fn: Callable, inputs: tuple) -> list[list[np.ndarray]]:
    """jac[k][j][r, :]: the gradient of element r of output k, one backward pass per row."""
    outputs = _outputs(fn, inputs)
    indices = _differentiable(inputs)
    wrt = [inputs[j] for j in indices]
    jac = [[np.zeros((o.data.size, inputs[j].data.size)) for j in indices] for o in outputs]
    for k, out in enumerate(outputs):
        if not out.requires_grad:
            continue  # the output does not depend on any input: its Jacobian is zero
        for r in range(out.data.size):
            seed = np.zeros(out.data.size, dtype=out.dtype)
            seed[r] = 1
            grads = autograd_grad(out, wrt, Tensor(seed.reshape(out.shape)), retain_graph=True,
                                  allow_unused=True)
            for col, g in enumerate(grads):
                if g is not None:
                    if g.shape != wrt[col].shape:
                        raise GradcheckError(
                            f"gradcheck: the gradient for input {indices[col]} has shape {g.shape}, "
                            f"but the input has shape {wrt[col].shape}"
                        )
                    jac[k][col][r, :] = g.data.reshape(-1)
    return jac


def _mismatch_table(k, j, shape, analytical, numerical, atol, rtol, limit=8) -> str:
    error = np.abs(analytical - numerical)
    bad = np.argwhere(error > atol + rtol * np.abs(numerical))
    rows = [f"{'output':>6} {'input':>5} {'element':>14} {'analytical':>14} {'numerical':>14} "
            f"{'abs err':>10} {'rel err':>10}"]
    for r, e in bad[:limit]:
        element = np.unravel_index(e, shape) if shape else ()
        a, n = analytical[r, e], numerical[r, e]
        rel = abs(a - n) / max(abs(n), 1e-12)
        rows.append(f"{k:>6} {j:>5} {str(tuple(int(i) for i in element)):>14} {a:>14.6g} {n:>14.6g} "
                    f"{abs(a - n):>10.3g} {rel:>10.3g}")
    if len(bad) > limit:
        rows.append(f"... and {len(bad) - limit} more mismatching entries")
    return "\n".join(rows)


def gradcheck(
    fn: Callable,
    inputs: Tensor | Sequence,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    *,
    nondet_tol: float = 0.0,
    fast_mode: bool = False,
) -> bool:
    """Check the gradients of `fn(*inputs)` against central finite differences.

    Every input Tensor that requires grad is checked, for every element of every output.
    Use float64 inputs: in float32, finite differences are too coarse to be trusted.
    `fast_mode=True` compares one number per input and output instead of whole Jacobians (see
    `_fast_check`). `nondet_tol` is accepted for PyTorch's signature: backward here is
    deterministic, so two backward passes agree exactly.

    >>> import tinygrad_edu as tg
    >>> x = tg.randn(3, dtype="float64", requires_grad=True)
    >>> tg.gradcheck(lambda x: (x * x.sin()).sum(), x)
    True
    """
    inputs = _as_tuple(inputs)
    indices = _differentiable(inputs)
    if not indices:
        raise ValueError("gradcheck: no input requires grad, so there is nothing to check")
    if not _outputs(fn, inputs):
        raise ValueError("gradcheck: fn returned no floating point Tensor, so there is nothing to check")
    for j in indices:
        if inputs[j].dtype != np.float64:
            warnings.warn(
                f"gradcheck: input {j} is {inputs[j].dtype}, not float64; finite differences in low "
                f"precision are unreliable and the check may fail for no real error",
                stacklevel=2,
            )
    if fast_mode:
        return _fast_check(fn, inputs, indices, eps, atol, rtol, raise_exception)
    numerical = numerical_jacobians(fn, inputs, eps)
    analytical = analytical_jacobians(fn, inputs, )
    for k in range(len(numerical)):
        for col, j in enumerate(indices):
            a, n = analytical[k][col], numerical[k][col]
            if not np.allclose(a, n, rtol=rtol, atol=atol, equal_nan=False):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"gradcheck: the analytical gradient of output {k} with respect to input {j} "
                    f"(shape {inputs[j].shape}) does not match the numerical one "
                    f"(atol={atol}, rtol={rtol}):\n"
                    + _mismatch_table(k, j, inputs[j].shape, a, n, atol, rtol)
                )
    return True


def _fast_check(fn: Callable, inputs: tuple, indices: list[int], eps: float, atol: float, rtol: float,
                raise_exception: bool) -> bool:
    """PyTorch's fast mode (its "Gradcheck mechanics" notes): for a random unit vector u per input
    and v per output, compare the one number vᵀ·J·u computed two ways -- analytically, as the
    backward pass with grad_output v dotted with u; numerically, as v dotted with the central
    difference of f along u, (f(x + ε·u) - f(x - ε·u)) / 2ε. A wrong Jacobian entry shows up in
    vᵀ·J·u unless u and v happen to hide it, which random vectors do with probability zero."""
    rng = np.random.default_rng(0)
    outputs = _outputs(fn, inputs)
    vs = [_unit(rng, o.shape) for o in outputs]
    for j in indices:
        x = inputs[j].data
        u = _unit(rng, x.shape)
        original = x.copy()
        x[...] = original + eps * u
        plus = _outputs(fn, inputs)
        x[...] = original - eps * u
        minus = _outputs(fn, inputs)
        x[...] = original
        for k, (out, v) in enumerate(zip(outputs, vs)):
            numerical = float(np.sum(v * (plus[k].data.astype(np.float64) - minus[k].data) / (2 * eps)))
            analytical = 0.0
            if out.requires_grad:
                (g,) = autograd_grad(out, [inputs[j]], Tensor(v.astype(out.dtype)), retain_graph=True,
                                     allow_unused=True)
                analytical = 0.0 if g is None else float(np.sum(g.data * u))
            if not abs(analytical - numerical) <= atol + rtol * abs(numerical):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"gradcheck (fast mode): for output {k} with respect to input {j} (shape "
                    f"{inputs[j].shape}), vᵀ·J·u along random directions is {analytical:.6g} "
                    f"analytically but {numerical:.6g} numerically (atol={atol}, rtol={rtol}). "
                    f"Run with fast_mode=False to see which elements differ.")
    return True


def _unit(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    vector = rng.standard_normal(shape)
    norm = np.linalg.norm(vector)
    return vector / norm if norm > 0 else vector


def gradgradcheck(
    fn: Callable,
    inputs: Tensor | Sequence,
    grad_outputs: Sequence[Tensor] | None = None,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    *,
    nondet_tol: float = 0.0,
    fast_mode: bool = False,
) -> bool:
    """Check second derivatives: gradcheck the function (inputs, v) -> vᵀ·J(inputs), which is
    computed by a backward pass recorded with `create_graph=True`. `v` is random unless given.
    `fast_mode` and `nondet_tol` as in `gradcheck`."""
    inputs = _as_tuple(inputs)
    indices = _differentiable(inputs)
    outputs = _outputs(fn, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = [Tensor(rng.standard_normal(o.shape), dtype=o.dtype, requires_grad=True)
                        for o in outputs]
    grad_outputs = list(grad_outputs)
    n = len(inputs)

    def first_derivatives(*args):
        xs, vs = args[:n], args[n:]
        outs = _outputs(fn, xs)
        live = [(o, v) for o, v in zip(outs, vs) if o.requires_grad]
        if not live:
            return ()
        grads = autograd_grad([o for o, _ in live], [xs[j] for j in indices], [v for _, v in live],
                              create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivatives, inputs + tuple(grad_outputs), eps, atol, rtol, raise_exception,
                     fast_mode=fast_mode)


def numerical_grad(fn: Callable, inputs: Tensor | Sequence, eps: float = 1e-6) -> tuple[np.ndarray, ...]:
    """The gradient of a scalar-valued `fn(*inputs)` by central differences, one array per
    input Tensor (for teaching: compare it with what `backward` gives)."""
    inputs = _as_tuple(inputs)
    result = []
    for x in inputs:
        if not isinstance(x, Tensor):
            result.append(None)
            continue
        g = np.zeros(x.shape, dtype=np.float64)
        flat, gflat = x.data.reshape(-1), g.reshape(-1)
        for e in range(flat.size):
            original = flat[e]
            with no_grad():
                flat[e] = original + eps
                plus = float(_scalar(fn(*inputs)))
                flat[e] = original - eps
                minus = float(_scalar(fn(*inputs)))
            flat[e] = original
            gflat[e] = (plus - minus) / (2 * eps)
        result.append(g)
    return tuple(result)


def _scalar(value) -> float:
    data = value.data if isinstance(value, Tensor) else np.asarray(value)
    if data.size != 1:
        raise ValueError(f"numerical_grad: fn must return one number, it returned shape {data.shape}")
    return data.reshape(())
