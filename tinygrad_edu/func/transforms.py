"""torch.func's derivative transforms, composed from `tg.grad` (no backward formula of their own):

    grad(f)(x)          = ∇f(x)                    (f returns one element)
    vjp(f, x)           = (f(x), v ↦ vᵀ J)
    jvp(f, (x,), (v,))  = (f(x), J v)                (the double-vjp trick, as autograd.functional.jvp)
    jacrev(f)(x) = jacfwd(f)(x) = J                  (shape f(x).shape + x.shape; one backward per element)
    hessian(f)(x) = jacfwd(jacrev(f))(x)

Arguments and results may be nested tuples, lists and dicts of Tensors, as in PyTorch. The
transforms compose (grad of grad, vmap of grad) because each records its backward pass exactly
when something outside it may differentiate the result (see `_core.py`).
"""
from __future__ import annotations

from typing import Any, Callable

from ..autograd.functional import _stack
from ..autograd.grad_mode import enable_grad, is_grad_enabled
from ..tensor import Tensor
from . import _core
from ._tree import flatten, same_structure, unflatten

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian"]


def _argnums(argnums, n_args: int) -> tuple[bool, tuple[int, ...]]:
    """(was it a tuple?, the positions, made non-negative); PyTorch's RuntimeErrors otherwise."""
    is_tuple = isinstance(argnums, tuple)
    nums = argnums if is_tuple else (argnums,)
    if is_tuple and not nums:
        raise RuntimeError("argnums must be non-empty")
    for a in nums:
        if not isinstance(a, int) or isinstance(a, bool):
            raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(a)}")
        if not -n_args <= a < n_args:
            raise RuntimeError(f"Got argnum={a}, but only {n_args} positional inputs")
    nums = tuple(a % n_args for a in nums)
    if len(set(nums)) != len(nums):
        raise RuntimeError(f"argnums elements must be unique, got {argnums}")
    return is_tuple, nums


def _with_variables(args: tuple, argnums, outer: bool):
    """(args with fresh variables at argnums, the variables, per argnum (spec, count), is_tuple)."""
    is_tuple, nums = _argnums(argnums, len(args))
    args, variables, specs = list(args), [], []
    for i in nums:
        leaves, spec = flatten(args[i])
        _core.check_tensors(leaves)
        fresh = _core.variables(leaves, outer)
        args[i] = unflatten(fresh, spec)
        variables += fresh
        specs.append((spec, len(fresh)))
    return tuple(args), variables, specs, is_tuple


def _per_argnum(values: list, specs: list, is_tuple: bool):
    """Split values (one per variable) back into the argnums' structures."""
    parts, start = [], 0
    for spec, n in specs:
        parts.append(unflatten(values[start:start + n], spec))
        start += n
    return tuple(parts) if is_tuple else parts[0]


def _split_aux(out, has_aux: bool, api: str):
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{api}: output of function f should be a tuple: (output, aux) if has_aux is True")
    _core.check_aux(out[1])
    return out


def grad_and_value(func: Callable, argnums: int | tuple[int, ...] = 0, has_aux: bool = False) -> Callable:
    """A function returning (∇func, func) at its arguments: ((gradient, value), aux) with has_aux.
    func must return a 0-d Tensor (and, with has_aux, (value, aux)). The gradient has the
    structure of the argument at `argnums` (a tuple of them when argnums is a tuple)."""
    def wrapper(*args, **kwargs):
        outer = is_grad_enabled()
        with enable_grad():
            args, variables, specs, is_tuple = _with_variables(args, argnums, outer)
            out, aux = _split_aux(func(*args, **kwargs), has_aux, "grad_and_value(f)(*args)")
            if not isinstance(out, Tensor):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got {type(out)}")
            if out.dim() != 0:
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor "
                                   f"with {out.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?")
            keep = outer and _core.reaches_other_leaf([out], variables)
            grads = _core.gradients([out], variables, [None], keep)
        gradient = _per_argnum(grads, specs, is_tuple)
        value = _core.maybe_detach(out, keep)
        if has_aux:
            return gradient, (value, _core.aux_output(aux, variables, outer))
        return gradient, value
    return wrapper


def grad(func: Callable, argnums: int | tuple[int, ...] = 0, has_aux: bool = False) -> Callable:
    """A function returning ∇func at its arguments (with has_aux: (gradient, aux)); see grad_and_value.

    >>> import tinygrad_edu as tg
    >>> float(tg.func.grad(lambda x: x ** 3)(tg.tensor(2.0)))        # 3x² at 2
    12.0
    >>> float(tg.func.grad(tg.func.grad(lambda x: x ** 3))(tg.tensor(2.0)))  # 6x at 2
    12.0
    """
    inner = grad_and_value(func, argnums, has_aux)

    def wrapper(*args, **kwargs):
        gradient, rest = inner(*args, **kwargs)
        return (gradient, rest[1]) if has_aux else gradient
    return wrapper


def vjp(func: Callable, *primals: Any, has_aux: bool = False):
    """(func(*primals), vjp_fn[, aux]): vjp_fn(cotangents) = cotangentsᵀ J, a tuple with one
    entry per primal; cotangents have the structure and shapes of func's output."""
    outer = is_grad_enabled()
    with enable_grad():
        leaves, primal_spec = flatten(primals)
        _core.check_tensors(leaves)
        variables = _core.variables(leaves, outer)
        out, aux = _split_aux(func(*unflatten(variables, primal_spec)), has_aux, "vjp(f, *primals)")
        out_leaves, out_spec = flatten(out)
        _core.check_outputs(out_leaves, "vjp(f, *primals)")
        keep = outer and _core.reaches_other_leaf(out_leaves, variables)

    def vjp_fn(cotangents, retain_graph: bool = True, create_graph: bool | None = None):
        """cotangentsᵀ J, one entry per primal (a tuple)."""
        cot_leaves, cot_spec = flatten(cotangents)
        if not same_structure(cot_spec, out_spec):
            raise RuntimeError("Expected pytree structure of cotangents to be the same as pytree structure of "
                               f"outputs to the function: {len(cot_leaves)} cotangent(s) for {len(out_leaves)} "
                               f"output(s)")
        _core.check_tensors(cot_leaves, "vjp_fn")
        for i, (c, o) in enumerate(zip(cot_leaves, out_leaves)):
            if c.shape != o.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {c.shape} and output[{i}] "
                                   f"has a shape of {o.shape}.")
        record = is_grad_enabled() if create_graph is None else create_graph
        record = record and (keep or any(c.requires_grad for c in cot_leaves))
        with enable_grad():
            grads = _core.gradients(out_leaves, variables, cot_leaves, record)
        return unflatten(grads, primal_spec)

    result = unflatten([_core.maybe_detach(o, keep) for o in out_leaves], out_spec)
    if has_aux:
        return result, vjp_fn, _core.aux_output(aux, variables, outer)
    return result, vjp_fn


def jvp(func: Callable, primals: tuple, tangents: tuple, *, strict: bool = False, has_aux: bool = False):
    """(func(*primals), J·tangents[, aux]): the Jacobian-vector product, tangents shaped like
    primals. By the double-vjp trick: u ↦ uᵀJ is linear, so its vjp with the tangents is J·tangents
    (two backward passes instead of forward mode). `strict` is accepted and changes nothing."""
    for name, value in (("primals", primals), ("tangents", tangents)):
        if not isinstance(value, tuple):
            raise RuntimeError(f"jvp(f, primals, tangents): Expected {name} to be a tuple. E.g. it should be valid "
                               f"to call f(*primals).")
    p_leaves, p_spec = flatten(primals)
    t_leaves, t_spec = flatten(tangents)
    if not same_structure(p_spec, t_spec):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have the same python "
                           "structure.")
    _core.check_tensors(p_leaves)
    _core.check_tensors(t_leaves)
    for p in p_leaves:
        if not p.is_floating_point():
            raise ValueError(f"Expected primal to be floating point or complex, but got: {p.dtype} (a primal of "
                             f"shape {tuple(p.shape)}; only floating point tensors have derivatives)")
    for p, t in zip(p_leaves, t_leaves):
        if p.shape != t.shape:
            raise RuntimeError(f"Trying to set a forward gradient that has a different size than that of the original "
                               f"Tensor, this is not supported. Tensor is of size {list(p.shape)} while the given "
                               f"forward gradient is of size {list(t.shape)}.")
    outer = is_grad_enabled()
    with enable_grad():
        variables = _core.variables(p_leaves, outer)
        out, aux = _split_aux(func(*unflatten(variables, p_spec)), has_aux, "jvp(f, primals, tangents)")
        out_leaves, out_spec = flatten(out)
        _core.check_outputs(out_leaves, "jvp(f, primals, tangents)")
        keep = outer and (_core.reaches_other_leaf(out_leaves, variables) or any(t.requires_grad for t in t_leaves))
        dummies = [_core.zeros_like(o).requires_grad_(True) for o in out_leaves]  # u (its value does not matter)
        first = _core._grad(out_leaves, variables, dummies, True)  # uᵀ J, linear in u
        used = [(g, t) for g, t in zip(first, t_leaves) if g is not None and g.requires_grad]
        if used:
            tangent_out = _core.gradients([g for g, _ in used], dummies, [t for _, t in used], keep)
        else:
            tangent_out = [_core.zeros_like(o) for o in out_leaves]
    result = (unflatten([_core.maybe_detach(o, keep) for o in out_leaves], out_spec), unflatten(tangent_out, out_spec))
    if has_aux:
        return result + (_core.aux_output(aux, variables, outer),)
    return result


def _jacobian(func: Callable, argnums, has_aux: bool, api: str) -> Callable:
    """The Jacobian transform behind jacrev and jacfwd: one backward pass per output element."""
    def wrapper(*args, **kwargs):
        outer = is_grad_enabled()
        with enable_grad():
            args, variables, specs, is_tuple = _with_variables(args, argnums, outer)
            out, aux = _split_aux(func(*args, **kwargs), has_aux, f"{api}(f, ...)(*args)")
            out_leaves, out_spec = flatten(out)
            _core.check_outputs(out_leaves, f"{api}(f, ...)(*args)")
            keep = outer and _core.reaches_other_leaf(out_leaves, variables)
            per_output = []
            for out_t in out_leaves:
                rows = [[] for _ in variables]  # rows[j][k] = ∂out_t.flat[k] / ∂variables[j]
                flat = out_t.reshape(-1)
                for k in range(out_t.numel()):
                    for j, g in enumerate(_core.gradients([flat[k]], variables, [None], keep)):
                        rows[j].append(g)
                jac = [_stack(rows[j], tuple(out_t.shape) + tuple(v.shape), v) for j, v in enumerate(variables)]
                per_output.append(_per_argnum(jac, specs, is_tuple))
        result = unflatten(per_output, out_spec)
        if has_aux:
            return result, _core.aux_output(aux, variables, outer)
        return result
    return wrapper


def jacrev(func: Callable, argnums: int | tuple[int, ...] = 0, *, has_aux: bool = False,
           chunk_size: int | None = None) -> Callable:
    """A function returning the Jacobian of func at its arguments: for each output, a tensor of shape
    output.shape + argument.shape (a tuple over argnums when argnums is a tuple). `chunk_size`
    (how PyTorch batches its backward passes) changes nothing here."""
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")
    return _jacobian(func, argnums, has_aux, "jacrev")


def jacfwd(func: Callable, argnums: int | tuple[int, ...] = 0, has_aux: bool = False, *,
           randomness: str = "error") -> Callable:
    """The Jacobian like jacrev (same values and structure). PyTorch computes it in forward mode;
    here it is computed by backward passes too (there is no forward-mode AD)."""
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")
    return _jacobian(func, argnums, has_aux, "jacfwd")


def hessian(func: Callable, argnums: int | tuple[int, ...] = 0) -> Callable:
    """A function returning the Hessian of a scalar func: jacfwd(jacrev(func, argnums), argnums),
    shape argument.shape + argument.shape for one argument."""
    return jacfwd(jacrev(func, argnums), argnums)
