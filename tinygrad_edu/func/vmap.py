"""torch.func.vmap, as a Python loop: call func on each slice along the mapped dimension and
stack the results. Same values as PyTorch's batching transform, none of its speed; nested vmap
and vmap of grad work because each call is an ordinary call. (For real batching of whole
programs see `tg.autobatch`.)"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..autograd.grad_mode import no_grad
from ..random import generator
from ..tensor import Tensor
from ._tree import broadcast, flatten, unflatten

__all__ = ["vmap"]


def _name(func: Callable) -> str:
    return getattr(func, "__name__", type(func).__name__)


def _in_dims_per_leaf(func: Callable, in_dims, args: tuple) -> list:
    if isinstance(in_dims, int):
        return broadcast(in_dims, args, "in_dims", ValueError)
    if not isinstance(in_dims, tuple):
        raise ValueError(f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be int or a "
                         f"(potentially nested) tuple matching the structure of inputs, got: {type(in_dims)}.")
    if len(in_dims) != len(args):
        raise ValueError(f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with the "
                         f"structure of `inputs`: {len(in_dims)} in_dims for {len(args)} inputs")
    return broadcast(in_dims, args, f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>): in_dims", ValueError)


def vmap(func: Callable, in_dims: int | tuple | None = 0, out_dims: int | tuple | None = 0, randomness: str = "error",
         *, chunk_size: int | None = None) -> Callable:
    """func mapped over dimension `in_dims` of its arguments (None: an argument passed whole to
    every call; a nested tuple for nested arguments), results stacked at `out_dims` (None: an
    output that is the same for every slice, returned once).

    A loop, not a batching transform: `randomness='different'` is what a loop does anyway,
    'same' restores the random state before each call, 'error' does not detect random ops here.
    `chunk_size` changes nothing. Keyword arguments are passed unmapped, as in PyTorch.
    """
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")

    def wrapped(*args, **kwargs):
        leaves, spec = flatten(args)
        dims = _in_dims_per_leaf(func, in_dims, args)
        sizes = []
        for leaf, d in zip(leaves, dims):
            if d is None:
                continue
            if not isinstance(leaf, Tensor):
                raise ValueError(f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input "
                                 f"but the input is of type {type(leaf)}. We cannot vmap over non-Tensor arguments, "
                                 f"please use None as the respective in_dim")
            if not -leaf.dim() <= d < leaf.dim():
                raise ValueError(f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for some "
                                 f"input, but that input is a Tensor of dimensionality {leaf.dim()} so expected in_dim "
                                 f"to satisfy -{leaf.dim()} <= in_dim < {leaf.dim()}.")
            sizes.append(leaf.shape[d])
        if not sizes:
            raise ValueError(f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>): at least one input must be "
                             f"batched (a Tensor with an in_dim that is not None); got no batched inputs")
        if len(set(sizes)) != 1:
            raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                             f"{sizes} for the mapped dimension")
        state = generator().bit_generator.state if randomness == "same" else None

        def call(index: int | None):
            if state is not None:
                generator().bit_generator.state = state
            parts = [leaf if d is None else
                     leaf.select(d, index) if index is not None else  # size 0: learn the shapes from zeros
                     Tensor(np.zeros(tuple(np.delete(np.array(leaf.shape, dtype=int), d)), dtype=leaf.data.dtype))
                     for leaf, d in zip(leaves, dims)]
            return func(*unflatten(parts, spec), **kwargs)

        size = sizes[0]
        if size == 0:
            with no_grad():
                results = [call(None)]
        else:
            results = [call(i) for i in range(size)]
        return _stack_outputs(func, results, out_dims, size)
    return wrapped


def _stack_outputs(func: Callable, results: list, out_dims, size: int) -> Any:
    from ..functions import stack
    flat = [flatten(r) for r in results]
    out_spec = flat[0][1]
    if isinstance(out_dims, int) or out_dims is None:
        dims = [out_dims] * len(flat[0][0])
    else:
        outputs = results[0]
        if not isinstance(outputs, (tuple, list)) or not isinstance(out_dims, tuple):
            raise ValueError(f"vmap({_name(func)}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible "
                             f"with the structure of `outputs`: {type(outputs).__name__} output")
        if len(out_dims) != len(outputs):
            raise ValueError(f"vmap({_name(func)}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible "
                             f"with the structure of `outputs`: {len(out_dims)} out_dims for {len(outputs)} outputs")
        dims = broadcast(out_dims, outputs, f"vmap({_name(func)}, ..., out_dims={out_dims}): out_dims", ValueError)
    stacked = []
    for k, d in enumerate(dims):
        if d is None:
            stacked.append(flat[0][0][k])
            continue
        values = [leaves[k] for leaves, _ in flat]
        if not isinstance(values[0], Tensor):
            raise ValueError(f"vmap({_name(func)}, ...): `{_name(func)}` must only return Tensors, got type "
                             f"{type(values[0])}. Did you mean to set out_dims= to None for output?")
        n = values[0].dim() + 1
        if not -n <= d < n:
            raise IndexError(f"vmap: out_dims={d} is out of range for an output of {n - 1} dimensions (plus the "
                             f"mapped one): it must satisfy -{n} <= out_dim < {n}")
        if size == 0:
            shape = list(values[0].shape)
            shape.insert(d % n, 0)
            stacked.append(Tensor(np.zeros(shape, dtype=values[0].data.dtype)))
        else:
            stacked.append(stack(values, dim=d))
    return unflatten(stacked, out_spec)
