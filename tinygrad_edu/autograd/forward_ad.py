"""Forward-mode AD, PyTorch's `torch.autograd.forward_ad`: Jacobian-vector products J·t.

    >>> import tinygrad_edu as tg
    >>> import tinygrad_edu.autograd.forward_ad as fwAD
    >>> x, t = tg.tensor([1.0, 2.0]), tg.tensor([1.0, 0.5])
    >>> with fwAD.dual_level():
    ...     dual = fwAD.make_dual(x, t)          # x, carrying the direction t
    ...     out = dual ** 2                      # d(x²) = 2x·t
    ...     fwAD.unpack_dual(out).tangent
    tensor([2., 2.])

PyTorch carries a tangent along with every op (a JVP rule per op). This engine has backward
formulas only, and gets J·t from them with the double-backward trick (Townsend, "A new trick
for calculating Jacobian vector products", 2017): for any v, g(v) = Jᵀv is linear in v, so
d/dv ⟨g(v), t⟩ = J·t. `make_dual` therefore returns a tensor that requires grad (a fresh leaf
sharing x's memory, or a view of x when x requires grad itself), ops record a graph from it as
usual, and `unpack_dual(out)` runs two backward passes: g = Jᵀv with create_graph=True, then
the gradient of Σ⟨gᵢ, tᵢ⟩ with respect to v. Every op here has a double backward, so every
op works. What differs from PyTorch, because of that:
  - a dual tensor requires grad (`requires_grad=True`, and ops on it get a grad_fn);
  - ops run under `no_grad()` record nothing, so their results carry no tangent;
  - a dual tensor cannot be changed in place (unpack_dual then raises RuntimeError);
  - only one level at a time (PyTorch has the same rule: nested levels raise).
"""
from __future__ import annotations

import weakref
from typing import NamedTuple

import numpy as np

from ..tensor import Tensor
from .engine import run_backward
from .function import Node
from .grad_mode import enable_grad

__all__ = ["UnpackedDualTensor", "dual_level", "enter_dual_level", "exit_dual_level", "make_dual",
           "unpack_dual"]


class UnpackedDualTensor(NamedTuple):
    """What `unpack_dual` returns: the value, and its tangent (None if it has none)."""

    primal: Tensor
    tangent: Tensor | None


class _Dual:
    """One dual tensor of the level: the tensor, its tangent, and its version when made."""

    __slots__ = ("tensor", "tangent", "version")

    def __init__(self, tensor: Tensor, tangent: Tensor) -> None:
        self.tensor, self.tangent, self.version = tensor, tangent, tensor._version


_level: list[_Dual] | None = None  # the dual tensors of the level that is open (None: no level)
_fresh_leaves: weakref.WeakValueDictionary = weakref.WeakValueDictionary()  # id -> leaf made by make_dual


def enter_dual_level() -> int:
    """Open the (only) level of forward AD and return its number, 0."""
    global _level
    if _level is not None:
        raise RuntimeError("Nested forward mode AD is not supported at the moment (dual_level: a "
                           "level is already open)")
    _level = []
    return 0


def exit_dual_level(*, level: int | None = None) -> None:
    """Close the level: every dual tensor loses its tangent."""
    global _level
    if _level is None:
        raise RuntimeError("exit_dual_level: no dual level is open")
    _check_level(level, "exit_dual_level")
    _level = None


class dual_level:  # noqa: N801 (PyTorch's name)
    """`with dual_level():` -- forward AD happens inside; leaving the block drops the tangents."""

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, *exc) -> None:
        exit_dual_level()


def _check_level(level, op: str) -> None:
    if level is not None and level != 0:
        raise RuntimeError(f"{op}: invalid level {level}; the open level is 0")


def make_dual(tensor: Tensor, tangent: Tensor, *, level: int | None = None) -> Tensor:
    """`tensor` with the direction `tangent` attached (same shape): the results of ops on it
    carry J·tangent, read with `unpack_dual`. Only inside `dual_level()`."""
    if _level is None:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, make sure to "
                           "enter_dual_level() first (with fwAD.dual_level(): ...)")
    _check_level(level, "make_dual")
    for what, t in (("primal", tensor), ("tangent", tangent)):
        if not isinstance(t, Tensor):
            raise TypeError(f"make_dual: the {what} must be a Tensor, not a {type(t).__name__}")
        if t.data.dtype.kind != "f":
            raise ValueError(f"Expected {what} to be floating point or complex, but got: {t.dtype}")
    if tangent.shape != tensor.shape:
        raise RuntimeError(f"make_dual: the tangent has shape {tangent.shape} but the primal has shape "
                           f"{tensor.shape}; a forward gradient must have its tensor's shape")
    if _dual_entry(tensor) is not None:
        raise RuntimeError("Making a dual Tensor based on a Tensor that already has a forward gradient at the "
                           "same level 0 is not supported.")
    if tensor.requires_grad:  # a view of it: backward still reaches it, J·t is taken at the view
        dual = tensor.view_as(tensor)
    else:  # a leaf of its own, sharing the memory (and version counter) of `tensor`
        dual = tensor.detach().requires_grad_()
        _fresh_leaves[id(dual)] = dual
    _level.append(_Dual(dual, tangent))
    return dual


def unpack_dual(tensor: Tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """(primal, tangent) of `tensor`: its value (without the graph forward AD added) and J·t,
    the derivative of `tensor` along the tangents of the dual tensors it was computed from
    (None outside the level, or if it was not computed from any)."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"unpack_dual: expected a Tensor, got a {type(tensor).__name__}")
    _check_level(level, "unpack_dual")
    primal = tensor if not tensor.requires_grad or _reaches_other_leaves(tensor) else tensor.detach()
    if _level is None:
        return UnpackedDualTensor(primal, None)
    entry = _dual_entry(tensor)
    if entry is not None and entry.version == tensor._version:
        return UnpackedDualTensor(primal, entry.tangent)
    return UnpackedDualTensor(primal, _jvp(tensor))


def _dual_entry(tensor: Tensor) -> _Dual | None:
    for entry in _level or ():
        if entry.tensor is tensor:
            return entry
    return None


def _graph(tensor: Tensor) -> tuple[list[Node], list[Tensor]]:
    """The nodes `tensor` was computed by, and the leaves that require grad it depends on."""
    if tensor.grad_fn is None:
        return [], [tensor] if tensor.requires_grad else []
    nodes, leaves, stack = {tensor.grad_fn}, [], [tensor.grad_fn]
    while stack:
        for edge in stack.pop().edges:
            if edge.__class__ is tuple:
                edge = edge[0]
            if isinstance(edge, Tensor):
                leaves.append(edge)
            elif isinstance(edge, Node) and edge not in nodes:
                nodes.add(edge)
                stack.append(edge)
    return list(nodes), leaves


def _reaches_other_leaves(tensor: Tensor) -> bool:
    """Whether `tensor` depends on a tensor that requires grad other than the leaves make_dual
    made: then its value keeps its graph, as in PyTorch (e.g. a model's parameters)."""
    return any(_fresh_leaves.get(id(leaf)) is not leaf for leaf in _graph(tensor)[1])


def _jvp(out: Tensor) -> Tensor | None:
    """J·t by the double-backward trick (see the module docstring)."""
    if not out.requires_grad or out.data.dtype.kind != "f":
        return None
    for entry in _level:
        if entry.version != entry.tensor._version:
            raise RuntimeError(f"unpack_dual: a dual tensor of shape {entry.tensor.shape} was changed in place "
                               f"after make_dual; forward AD here does not follow in-place changes of dual tensors")
    duals = [entry.tensor for entry in _level]
    if not duals:
        return None
    if any(node._freed for node in _graph(out)[0]):
        raise RuntimeError("unpack_dual: the graph of this tensor was freed by a backward pass; forward AD here "
                           "computes tangents from that graph (see tinygrad_edu.autograd.forward_ad), so call "
                           "unpack_dual before backward(), or pass retain_graph=True to backward()")
    with enable_grad():
        v = Tensor._make(np.zeros_like(out.data), None, True)  # any v: g(v) = Jᵀv is linear in it
        grads = run_backward([out], [v], retain_graph=True, create_graph=True, inputs=duals, hooks=False)
        used = [(g, entry.tangent) for g, entry in zip(grads, _level) if g is not None]
        if not used:
            return None  # it does not depend on any dual tensor
        total = (used[0][0] * used[0][1]).sum()
        for g, tangent in used[1:]:
            total = total + (g * tangent).sum()
        # the tangent is itself differentiable if a tangent or something else in the graph requires grad
        keep_graph = any(tangent.requires_grad for _, tangent in used) or _reaches_other_leaves(out)
        jvp = None
        if total.requires_grad:
            seed = Tensor._make(np.ones_like(total.data), None, False) if keep_graph else np.ones_like(total.data)
            jvp, = run_backward([total], [seed], retain_graph=True, create_graph=keep_graph, inputs=[v], hooks=False)
    if jvp is None:  # (out depends on the duals only through ops whose derivative is 0)
        return Tensor._make(np.zeros_like(out.data), None, False)
    return jvp
