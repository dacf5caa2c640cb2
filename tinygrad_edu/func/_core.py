"""What every transform of tg.func shares: fresh variables to differentiate by, deciding
whether the results must stay differentiable, and gradients with zeros for unused inputs.

PyTorch's functorch gives each transform its own "level"; here the same effect comes from the
ordinary tape: a transform differentiates with respect to its own fresh variables, and records
the backward pass (create_graph) only when the function's graph also reaches some *other* leaf
that requires grad -- a variable of an enclosing transform (grad of grad, hessian) or a tensor
the user will call .backward() on later. Otherwise its results are plain tensors, as PyTorch's.
"""
from __future__ import annotations

from ..autograd.function import Node
from ..autograd.functional import _constant_zeros as zeros_like  # (zeros of x's shape and dtype, no graph)
from ..autograd.functional import _grad
from ..tensor import Tensor


def check_tensors(values: list, api: str = "transform API") -> None:
    """Only Tensors can be differentiated (PyTorch's ValueError)."""
    for v in values:
        if not isinstance(v, Tensor):
            raise ValueError(f"Thing passed to {api} must be Tensor, got {type(v)}")


def check_outputs(values: list, api: str) -> None:
    """What f returns must be Tensors (PyTorch's RuntimeError, naming the transform)."""
    for v in values:
        if not isinstance(v, Tensor):
            raise RuntimeError(f"{api}: expected f(*primals) to return only tensors, got unsupported type {type(v)}")


def check_aux(aux) -> None:
    """The auxiliary output of has_aux=True must be Tensors too (a tuple/list/dict of them)."""
    from ._tree import flatten
    for v in flatten(aux)[0]:
        if not isinstance(v, Tensor):
            raise RuntimeError(f"Expected tensors, got unsupported type {type(v)} in the auxiliary output "
                               f"(has_aux=True: f returns (output, aux), and aux must hold only Tensors)")


def variables(values: list[Tensor], outer_grad: bool) -> list[Tensor]:
    """A fresh tensor per value to differentiate by: a copy (clone) that stays connected to the value when
    the value itself requires grad (and grad mode was on outside), else a new leaf."""
    result = []
    for v in values:
        if not v.is_floating_point():
            raise RuntimeError(f"only Tensors of floating point dtype can require gradients; got an input of "
                               f"dtype {v.dtype} and shape {tuple(v.shape)}")
        result.append(v.clone() if outer_grad and v.requires_grad else v.detach().requires_grad_(True))
    return result


def reaches_other_leaf(outputs: list, own: list[Tensor]) -> bool:
    """Does the graph of `outputs` reach a leaf that requires grad and is not one of `own`?"""
    own_ids = {id(t) for t in own}
    stack, seen = [], set()
    for out in outputs:
        if isinstance(out, Tensor) and out.requires_grad:
            if out.grad_fn is None:
                if id(out) not in own_ids:
                    return True
            else:
                stack.append(out.grad_fn)
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for edge in getattr(node, "edges", ()):
            if edge is None:
                continue
            if isinstance(edge, Tensor):
                if id(edge) not in own_ids:
                    return True
            elif isinstance(edge, Node):
                stack.append(edge)
            elif edge.__class__ is tuple:
                stack.append(edge[0])
    return False


def gradients(outputs: list[Tensor], inputs: list[Tensor], seeds: list, create_graph: bool) -> list[Tensor]:
    """Σ seedᵀ ∂output/∂input for every input (zeros where an input was not used); detached unless
    create_graph."""
    grads = _grad(outputs, inputs, seeds, create_graph)
    grads = [zeros_like(x) if g is None else g for g, x in zip(grads, inputs)]
    return grads if create_graph else [g.detach() for g in grads]


def maybe_detach(value, keep: bool):
    """`value` (a Tensor or anything else) detached unless `keep`."""
    return value if keep or not isinstance(value, Tensor) else value.detach()


def aux_output(aux, own: list[Tensor], outer: bool):
    """has_aux's auxiliary output, each tensor detached unless its graph reaches a leaf other than
    the transform's `own` variables (an enclosing transform's, or one the user will differentiate):
    as in PyTorch, enclosing transforms see through aux. Decided per tensor, apart from the main
    output, which may not depend on the inputs that aux depends on."""
    from ._tree import flatten, unflatten
    leaves, spec = flatten(aux)
    return unflatten([maybe_detach(a, outer and reaches_other_leaf([a], own)) for a in leaves], spec)
