"""`tg.func.linearize`, PyTorch's `torch.func.linearize`: f's value at the primals and its
linear approximation there, as a function of the tangents, v ↦ J v (the Jacobian-vector product).

It is `jvp` (the double-vjp trick: u ↦ uᵀJ is linear in u, so its vjp with v is J v) split in two:
linearize runs f and the first backward pass (uᵀJ, recorded) once, and keeps that graph; each
call of the returned function runs only the second, cheap pass with its tangents. So it pays when
J v is wanted for many v at one point -- at the cost of keeping f's graph alive, as PyTorch warns.
"""
from __future__ import annotations

from typing import Any, Callable

from ..autograd.grad_mode import enable_grad, is_grad_enabled
from . import _core
from ._tree import flatten, same_structure, unflatten

__all__ = ["linearize"]


def linearize(func: Callable, *primals: Any) -> tuple[Any, Callable]:
    """(func(*primals), jvp_fn), where jvp_fn(*tangents) = J·tangents, the Jacobian of func at
    the primals times the tangents (shaped like the primals; the result is shaped like the output).

    >>> import tinygrad_edu as tg
    >>> output, jvp_fn = tg.func.linearize(lambda x: x.sin(), tg.zeros(3))
    >>> jvp_fn(tg.ones(3))
    tensor([1., 1., 1.])
    """
    output = func(*primals)  # (as PyTorch: func runs twice, once on the primals themselves)
    p_leaves, p_spec = flatten(primals)
    _core.check_tensors(p_leaves, "linearize")
    outer = is_grad_enabled()
    with enable_grad():
        # variables connected to the primals when these require grad (an enclosing transform's
        # variables, or tensors the user differentiates by later): J·t then depends on them too
        variables = _core.variables(p_leaves, outer)
        out_leaves, out_spec = flatten(func(*unflatten(variables, p_spec)))
        _core.check_tensors(out_leaves, "linearize(f, *primals): outputs of f")
        keep = outer and _core.reaches_other_leaf(out_leaves, variables)
        dummies = [_core.zeros_like(o).requires_grad_(True) for o in out_leaves]  # u (its value does not matter)
        first = _core._grad(out_leaves, variables, dummies, True)  # uᵀ J, linear in u; the graph is kept
    linear = [(i, g) for i, g in enumerate(first) if g is not None and g.requires_grad]
    meta = [(p.shape, p.dtype) for p in p_leaves]

    def jvp_fn(*tangents: Any) -> Any:
        """J·tangents at the primals linearize was given."""
        t_leaves, t_spec = flatten(tangents)
        if not same_structure(t_spec, p_spec):
            raise RuntimeError(f"linearize: expected the tangents to have the same structure as the primals "
                               f"({len(p_leaves)} tensor(s) in the same nesting), got {len(t_leaves)}")
        _core.check_tensors(t_leaves, "jvp_fn")
        for i, (t, (shape, dtype)) in enumerate(zip(t_leaves, meta)):
            if t.shape != shape:
                raise RuntimeError(f"tangent:{i} with shape {t.shape} in flattened pytree doesn't match the shape "
                                   f"{shape} of the corresponding primal.")
            if t.dtype != dtype:
                raise RuntimeError(f"tangent:{i} with dtype {t.dtype} in flattened pytree doesn't match the dtype "
                                   f"{dtype} of the corresponding primal.")
        if not linear:  # the output does not depend on the primals
            return unflatten([_core.zeros_like(o) for o in out_leaves], out_spec)
        record = is_grad_enabled() and (keep or any(t.requires_grad for t in t_leaves))
        with enable_grad():
            result = _core.gradients([g for _, g in linear], dummies, [t_leaves[i] for i, _ in linear], record)
        return unflatten(result, out_spec)

    return output, jvp_fn
