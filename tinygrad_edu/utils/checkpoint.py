"""`tg.utils.checkpoint`: PyTorch's activation checkpointing, with its names and arguments.

PyTorch's checkpoint saves memory by dropping a segment's intermediate results in the forward pass
and recomputing them in the backward pass. Here the function simply runs and its graph is kept:
results and gradients are the same as PyTorch's, but no memory is saved. The arguments are checked
and warned about as PyTorch does (a UserWarning when `use_reentrant` is not passed; with the
reentrant variant, the forward runs without recording when no input requires grad, as in PyTorch).
"""
from __future__ import annotations

import contextlib
import warnings
from typing import Any, Callable

from ..autograd.grad_mode import no_grad
from ..tensor import Tensor

__all__ = ["checkpoint", "checkpoint_sequential"]


def noop_context_fn():
    """The default `context_fn`: two contexts that do nothing (forward, recomputation)."""
    return contextlib.nullcontext(), contextlib.nullcontext()


def checkpoint(function: Callable, *args: Any, use_reentrant: bool | None = None,
               context_fn: Callable = noop_context_fn, determinism_check: str = "default", debug: bool = False,
               early_stop: bool = True, **kwargs: Any) -> Any:
    """function(*args, **kwargs), as torch.utils.checkpoint.checkpoint (no recomputation here: the
    graph is kept, so no memory is saved). `preserve_rng_state` is accepted in kwargs and has
    nothing to do, as nothing is recomputed. Keyword arguments for `function` need use_reentrant=False."""
    kwargs.pop("preserve_rng_state", True)
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in "
                      "PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
                      "use_reentrant=False is recommended, but if you need to preserve the current default behavior, "
                      "you can pass use_reentrant=True. Refer to docs for more details on the differences between "
                      "the two variants.", UserWarning, stacklevel=2)
        use_reentrant = True
    if determinism_check not in ("default", "none"):
        raise ValueError(f"determinism_check should be one of ['default', 'none'], but got {determinism_check}")
    if use_reentrant:
        if context_fn is not noop_context_fn or debug:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", UserWarning,
                          stacklevel=2)
            with no_grad():  # PyTorch's reentrant forward records nothing
                return function(*args)
        return function(*args)
    forward_context, _ = context_fn()
    with forward_context:
        return function(*args, **kwargs)


def checkpoint_sequential(functions, segments: int, input: Tensor, use_reentrant: bool | None = None,
                          **kwargs: Any) -> Tensor:
    """Run `functions` (a list of modules/functions, or an nn.Sequential) one after the other on
    `input`, in `segments` checkpointed pieces as PyTorch does (the last piece runs directly)."""
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be passed "
                      "explicitly. In version 2.9 we will raise an exception if use_reentrant is not passed. "
                      "use_reentrant=False is recommended, but if you need to preserve the current default behavior, "
                      "you can pass use_reentrant=True. Refer to docs for more details on the differences between "
                      "the two variants.", UserWarning, stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if hasattr(functions, "children") and not isinstance(functions, (list, tuple)):
        functions = list(functions.children())
    functions = list(functions)

    def run(start: int, end: int) -> Callable:
        def forward(x):
            for j in range(start, end + 1):
                x = functions[j](x)
            return x
        return forward

    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant, preserve_rng_state=preserve)
    return run(end + 1, len(functions) - 1)(input)
