"""Higher-level derivatives of a whole function, as `torch.autograd.functional`: `vjp`, `jvp`,
`jacobian`, `hessian`, `vhp`, `hvp`. Each calls `func` on copies of the inputs that require grad
and differentiates with `tg.grad`, so it works for every op that has a backward (twice, for jvp,
hessian, vhp and hvp).

    vjp(f, x, v) = vᵀ J          (one backward pass)
    jvp(f, x, v) = J v           (two backward passes: the "double-vjp trick" below)
    jacobian(f, x) = J           (one backward pass per output element; shape out.shape + x.shape)
    hessian(f, x) = ∇²f          (the Jacobian of the gradient)
    vhp(f, x, v) = vᵀ H,  hvp(f, x, v) = H v   (equal, as H is symmetric)

Structures are PyTorch's: `inputs` (and `v`) are a Tensor or a tuple of Tensors, and so are
func's outputs; a result has the structure of what it is indexed by (a Tensor for a Tensor,
a tuple for a tuple; the Jacobian of tuple outputs by tuple inputs is a tuple of tuples).
Unless `create_graph=True` the results are not differentiable. An input that an output does not
depend on gets zeros (or, with `strict=True`, a RuntimeError).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..tensor import Tensor
from .differentiate import grad as _autograd_grad
from .grad_mode import enable_grad

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]


# ---- structures ---------------------------------------------------------------------------------
def _as_tuple(value, arg_name: str, fn_name: str) -> tuple[bool, tuple[Tensor, ...]]:
    """(was it a tuple?, the Tensors as a tuple); anything but Tensors is a TypeError, as PyTorch."""
    is_tuple = isinstance(value, tuple)
    values = value if is_tuple else (value,)
    for i, item in enumerate(values):
        if not isinstance(item, Tensor):
            where = f"the value at index {i}" if is_tuple else f"the given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but "
                            f"{where} has type {type(item)}.")
    return is_tuple, values


def _unpack(result: tuple, is_tuple: bool | tuple[bool, bool]):
    """Undo `_as_tuple` on a result: (outer, inner) for a tuple of tuples."""
    if isinstance(is_tuple, tuple):
        outer, inner = is_tuple
        if not inner:
            result = tuple(row[0] for row in result)
        return result if outer else result[0]
    return result if is_tuple else result[0]


def _prepare_inputs(inputs: tuple[Tensor, ...], create_graph: bool) -> tuple[Tensor, ...]:
    """Fresh leaves that require grad; with create_graph, views of inputs that already require
    grad, so the results stay connected to them (and can be differentiated again)."""
    for x in inputs:
        if not x.is_floating_point():
            raise RuntimeError(f"only Tensors of floating point dtype can require gradients; got an input of dtype "
                               f"{x.dtype} and shape {tuple(x.shape)} (convert it first, e.g. x.double())")
    return tuple(x.view_as(x) if create_graph and x.requires_grad else x.detach().requires_grad_(True)
                 for x in inputs)


def _finish(values: tuple, create_graph: bool) -> tuple:
    """Detach results unless their graph was asked for (PyTorch's `_grad_postprocess`)."""
    if create_graph:
        return values
    return tuple(v.detach() if isinstance(v, Tensor) else _finish(v, create_graph) for v in values)


def _check_v(v, other: tuple[Tensor, ...], is_other_tuple: bool, what: str, fn_name: str) -> tuple[Tensor, ...]:
    """`v` as a tuple matching `other` in number and shapes (PyTorch's RuntimeErrors otherwise);
    None (meaning 1) only when `other` is one Tensor of one element."""
    if v is None:
        if len(other) != 1 or other[0].numel() != 1:
            raise RuntimeError(f"The vector v can only be None if {what} is a single Tensor with a single element.")
        return (Tensor._make(other[0].data * 0 + 1, None, False),)
    _, v = _as_tuple(v, "v", fn_name)
    if len(v) != len(other):
        if is_other_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (v_i, o_i) in enumerate(zip(v, other)):
        if v_i.shape != o_i.shape:
            prefix = f"Entry {i} in " if is_other_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {o_i.shape} but got {v_i.shape}.")
    return v


# ---- differentiation with PyTorch's tolerance of unused inputs -----------------------------------
def _grad(outputs, inputs, grad_outputs, create_graph: bool) -> list:
    """tg.grad, but outputs that do not require grad are skipped (they contribute nothing) and an
    unused input gets None; the graph is kept for the next call."""
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if not pairs:
        return [None] * len(inputs)
    return list(_autograd_grad([o for o, _ in pairs], inputs, [g for _, g in pairs], retain_graph=True,
                               create_graph=create_graph, allow_unused=True))


def _constant_zeros(x: Tensor) -> Tensor:
    """Zeros of x's shape and dtype, connected to nothing: the derivative by an unused input."""
    return Tensor._make(x.data * 0, None, False)


def _zeros_for_none(grads: list, like: tuple[Tensor, ...], strict: bool, message: str,
                    create_graph: bool = False, what: str = "jacobian") -> tuple[Tensor, ...]:
    """None (an unused input) becomes zeros; in strict mode it is an error, and so is -- with
    create_graph -- a derivative that does not depend on the inputs (PyTorch's `_fill_in_zeros`)."""
    result = []
    for i, (g, x) in enumerate(zip(grads, like)):
        if g is None:
            if strict:
                raise RuntimeError(message.format(i=i))
            g = _constant_zeros(x)
        elif strict and create_graph and not g.requires_grad:
            raise RuntimeError(_CONSTANT.format(what=what, i=i))
        result.append(g)
    return tuple(result)


_CONSTANT = ("The {what} of the user-provided function is independent of input {i}. This is not allowed in strict "
             "mode when create_graph=True.")


def _check_outputs(outputs: tuple[Tensor, ...], strict: bool) -> None:
    if strict:
        for i, out in enumerate(outputs):
            if not out.requires_grad:
                raise RuntimeError(f"Output {i} of the user-provided function does not require gradients. The "
                                   f"outputs must be computed in a differentiable manner from the input when "
                                   f"running in strict mode.")


def _call(func: Callable, inputs: tuple[Tensor, ...], fn_name: str) -> tuple[Any, bool, tuple[Tensor, ...]]:
    with enable_grad():
        raw = func(*inputs)
    is_tuple, outputs = _as_tuple(raw, "outputs of the user-provided function", fn_name)
    return raw, is_tuple, outputs


_INDEPENDENT = ("The output of the user-provided function is independent of input {i}. This is not allowed in "
                "strict mode.")


# ---- the functions ----------------------------------------------------------------------------------
def vjp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), vᵀ J): the vector-Jacobian product, J = ∂func/∂inputs, v shaped like func's
    outputs (None for a one-element output: v = 1, the gradient). The vjp is shaped like `inputs`."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare_inputs(inputs, create_graph)
        _, is_outputs_tuple, outputs = _call(func, inputs, "vjp")
        _check_outputs(outputs, strict)
        v = _check_v(v, outputs, is_outputs_tuple, "the user-provided function returns", "vjp")
        grads = _grad(outputs, inputs, v, create_graph)
        vjp_value = _zeros_for_none(grads, inputs, strict, _INDEPENDENT, create_graph)
    return _unpack(_finish(outputs, create_graph), is_outputs_tuple), _unpack(_finish(vjp_value, create_graph),
                                                                              is_inputs_tuple)


def jvp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), J v): the Jacobian-vector product, v shaped like `inputs` (None for a
    one-element input); the jvp is shaped like func's outputs.

    Computed by the double-vjp trick: g(u) = uᵀ J is linear in u, so the vjp of g with v,
    ∂(g(u)·v)/∂u = J v, is the jvp -- two backward passes, no forward mode needed.
    """
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare_inputs(inputs, create_graph)
        v = _check_v(v, inputs, is_inputs_tuple, "the input to the user-provided function", "jvp")
        _, is_outputs_tuple, outputs = _call(func, inputs, "jvp")
        _check_outputs(outputs, strict)
        # u: a dummy "gradient of the outputs" (its value does not matter: g is linear in it)
        dummies = tuple(_constant_zeros(out).requires_grad_(True) for out in outputs)
        g = _grad(outputs, inputs, dummies, create_graph=True)
        used = [(g_i, v_i) for g_i, v_i in zip(g, v) if g_i is not None]
        if strict and len(used) < len(inputs):
            raise RuntimeError(_INDEPENDENT.format(i=next(i for i, g_i in enumerate(g) if g_i is None)))
        if used:
            jvp_grads = _grad([g_i for g_i, _ in used], dummies, [v_i for _, v_i in used], create_graph)
        else:
            jvp_grads = [None] * len(outputs)
        jvp_value = _zeros_for_none(jvp_grads, outputs, strict, "The jvp of the user-provided function does not "
                                    "depend on output {i}. This is not allowed in strict mode.", create_graph)
    return _unpack(_finish(outputs, create_graph), is_outputs_tuple), _unpack(_finish(jvp_value, create_graph),
                                                                              is_outputs_tuple)


def _jacobian_rows(outputs, inputs, create_graph: bool, strict: bool) -> list[list[Tensor]]:
    """rows[i][j] = ∂outputs[i]/∂inputs[j], shape outputs[i].shape + inputs[j].shape, one backward
    pass per element of each output (reverse mode)."""
    rows = []
    for i, out in enumerate(outputs):
        per_element = [[] for _ in inputs]
        flat = out.reshape(-1)
        for k in range(out.numel()):
            grads = _grad([flat[k]], inputs, [None], create_graph) if out.requires_grad else [None] * len(inputs)
            for j, (g, x) in enumerate(zip(grads, inputs)):
                if g is None:
                    if strict:
                        raise RuntimeError(f"Output {i} of the user-provided function is independent of input {j}. "
                                           f"This is not allowed in strict mode.")
                    g = _constant_zeros(x)
                elif strict and create_graph and not g.requires_grad:
                    raise RuntimeError(_CONSTANT.format(what="jacobian", i=j))
                per_element[j].append(g)
        rows.append([_stack(per_element[j], out.shape + x.shape, x) for j, x in enumerate(inputs)])
    return rows


def _stack(parts: list[Tensor], shape: tuple, like: Tensor) -> Tensor:
    """Stack per-element derivatives into one tensor of `shape` (differentiably)."""
    from ..functions import stack  # (imported late: the functions module needs the autograd package)
    if not parts:  # an output with no elements
        return Tensor._make(np.zeros(shape, dtype=like.dtype), None, False)
    return stack(parts).reshape(shape)


def jacobian(func: Callable, inputs, create_graph: bool = False, strict: bool = False, vectorize: bool = False,
             strategy: str = "reverse-mode"):
    """The Jacobian of `func` at `inputs`: for output i and input j, a tensor of shape
    outputs[i].shape + inputs[j].shape holding ∂outputs[i][a]/∂inputs[j][b] at [a, b].

    A Tensor for one output and one input, a tuple over inputs (or over outputs) when only that
    side is a tuple, a tuple of tuples [i][j] when both are. Computed with one backward pass per
    output element. `vectorize` and `strategy` choose how PyTorch computes the same numbers
    (batched with vmap; forward-mode AD, which needs vectorize=True): they are checked as
    PyTorch checks them and otherwise do not change anything here.
    """
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function '
                             'has more outputs than inputs, "forward-mode" tends to be more performant. Otherwise, '
                             'prefer to use "reverse-mode".')
    if strategy == "forward-mode":  # (PyTorch's checks, in its order)
        if create_graph:
            raise NotImplementedError('torch.autograd.functional.jacobian: `create_graph=True` and '
                                      '`strategy="forward-mode"` are not supported together (yet). Please either set '
                                      '`create_graph=False` or `strategy="reverse-mode"`.')
        if strict:
            raise RuntimeError('torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are '
                               'not supported together (yet). Please either set `strict=False` or '
                               '`strategy="reverse-mode"`.')
        _as_tuple(inputs, "inputs", "jacobian")
        if not vectorize:
            raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian is only "
                                      "implemented for `vectorize=True`.")
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare_inputs(inputs, create_graph)
        _, is_outputs_tuple, outputs = _call(func, inputs, "jacobian")
        _check_outputs(outputs, strict)
        if strict and vectorize:
            raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
                               "supported together. Please either set `strict=False` or `vectorize=False`.")
        rows = _jacobian_rows(outputs, inputs, create_graph, strict)
    result = _finish(tuple(tuple(row) for row in rows), create_graph)
    return _unpack(result, (is_outputs_tuple, is_inputs_tuple))


def _single_element_output(func: Callable, fn_name: str) -> Callable:
    """func, checked to return one Tensor with one element."""
    def checked(*inputs):
        out = func(*inputs)
        is_tuple, _ = _as_tuple(out, "outputs of the user-provided function", fn_name)
        if is_tuple:
            raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
        if out.numel() != 1:
            raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain a single "
                               f"element")
        return out
    return checked


def hessian(func: Callable, inputs, create_graph: bool = False, strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode"):
    """The Hessian of a function with one output element: for inputs i and j, a tensor of shape
    inputs[i].shape + inputs[j].shape holding ∂²f/∂inputs[i][a]∂inputs[j][b]. A Tensor for one
    input, a tuple of tuples for a tuple of inputs. It is the Jacobian of the gradient."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    scalar_func = _single_element_output(func, "hessian")

    def gradient(*xs):
        return jacobian(lambda *ys: scalar_func(*ys).reshape(()), xs, create_graph=True, strict=strict)

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                      strategy=outer_jacobian_strategy)
    return _unpack(result, (is_inputs_tuple, is_inputs_tuple))


def vhp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), vᵀ H): the vector-Hessian product of a function with one output element,
    v shaped like `inputs` (None for a one-element input); two backward passes."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vhp")
        inputs = _prepare_inputs(inputs, create_graph)
        v = _check_v(v, inputs, is_inputs_tuple, "the input to the user-provided function", "vhp")
        out = _single_element_output(func, "vhp")(*inputs)
        _check_outputs((out,), strict)
        first = _grad([out], inputs, [None], create_graph=True)
        if strict and any(g is None for g in first):
            raise RuntimeError(_INDEPENDENT.format(i=next(i for i, g in enumerate(first) if g is None)))
        used = [(g, v_i) for g, v_i in zip(first, v) if g is not None and g.requires_grad]
        second = (_grad([g for g, _ in used], inputs, [v_i for _, v_i in used], create_graph) if used
                  else [None] * len(inputs))
        value = _zeros_for_none(second, inputs, strict, "The hessian of the user-provided function is independent "
                                "of entry {i} in the grad_jacobian. This is not allowed in strict mode as it "
                                "prevents from using the double backward trick to replace forward mode AD.",
                                create_graph, "hessian")
    return _finish((out,), create_graph)[0], _unpack(_finish(value, create_graph), is_inputs_tuple)


def hvp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), H v): the Hessian-vector product; H is symmetric for the twice
    continuously differentiable functions this is meant for, so H v = (vᵀ H)ᵀ = vhp."""
    with enable_grad():
        _as_tuple(inputs, "inputs", "hvp")  # (the argument errors name hvp)
    return vhp(func, inputs, v, create_graph=create_graph, strict=strict)
