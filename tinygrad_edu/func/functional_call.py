"""torch.func.functional_call: run a module with some parameters and buffers replaced by given
tensors (e.g. detached copies to differentiate by), putting the originals back afterwards; and
stack_module_state, which stacks the parameters of several models for `vmap(functional_call)`."""
from __future__ import annotations

from typing import Any, Sequence

__all__ = ["functional_call", "stack_module_state"]

_MISSING = object()


def _owner(module, name: str):
    """(the submodule that holds dotted `name`, its last part)."""
    *path, leaf = name.split(".")
    for part in path:
        module = getattr(module, part)
    return module, leaf


def functional_call(module, parameter_and_buffer_dicts: dict | Sequence[dict], args: Any = None,
                    kwargs: dict | None = None, *, tie_weights: bool = True, strict: bool = False) -> Any:
    """module(*args, **kwargs) with each named parameter/buffer in the dict(s) replaced by its value.

    `args` that is not a tuple is one positional argument. With `tie_weights`, a tensor shared
    under several names is replaced under all of them; with `strict`, every parameter and buffer
    must be given (RuntimeError otherwise).
    """
    dicts = [parameter_and_buffer_dicts] if isinstance(parameter_and_buffer_dicts, dict) \
        else list(parameter_and_buffer_dicts)
    values: dict = {}
    for d in dicts:
        repeated = [k for k in d if k in values]
        if repeated:
            raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of functional call is ambiguous")
        values.update(d)
    named = list(module.named_parameters(remove_duplicate=False)) + list(module.named_buffers(remove_duplicate=False))
    if tie_weights:
        by_tensor: dict = {}
        for name, t in named:
            by_tensor.setdefault(id(t), []).append(name)
        for names in by_tensor.values():
            given = [n for n in names if n in values]
            if given:
                for n in given[1:]:
                    if values[n] is not values[given[0]]:
                        raise ValueError(f"functional_call got multiple values for keys {given}, which are tied. "
                                         f"Consider using tie_weights=False")
                for n in names:
                    values.setdefault(n, values[given[0]])
    if strict:
        known = {n for n, _ in named}
        missing, unexpected = sorted(known - set(values)), sorted(set(values) - known)
        if missing or unexpected:
            lines = [f"Error(s) in reparametrizing for {type(module).__name__}:"]
            if unexpected:
                lines.append("\tUnexpected key(s): " + ", ".join(repr(k) for k in unexpected) + ".")
            if missing:
                lines.append("\tMissing key(s): " + ", ".join(repr(k) for k in missing) + ".")
            raise RuntimeError("\n".join(lines))
    saved = []
    try:
        for name, value in values.items():
            owner, leaf = _owner(module, name)
            saved.append((owner, leaf, owner.__dict__.get(leaf, _MISSING)))
            object.__setattr__(owner, leaf, value)  # the registries keep the originals
        if args is None:
            args = ()
        elif not isinstance(args, tuple):
            args = (args,)
        return module(*args, **(kwargs or {}))
    finally:
        for owner, leaf, old in reversed(saved):
            if old is _MISSING:
                object.__delattr__(owner, leaf)
            else:
                object.__setattr__(owner, leaf, old)


def _stacked_leaf(tensors: list, name: str):
    """The tensors stacked on a new first dimension; a fresh leaf that requires grad when all of
    them do (so an optimizer can train the stack), a plain tensor when none does."""
    from ..functions import stack

    wants_grad = [t.requires_grad for t in tensors]
    if any(wants_grad) and not all(wants_grad):
        raise RuntimeError(f"Expected {name} from each model to have the same .requires_grad")
    result = stack(tensors)
    return result.detach().requires_grad_() if all(wants_grad) else result


def stack_module_state(models) -> tuple[dict, dict]:
    """torch.func.stack_module_state: for M models of one class, `(params, buffers)`, two dicts
    that map each state_dict-style name ("fc1.weight") to the M tensors stacked on a new first
    dimension -- the input of `vmap(functional_call)` over an ensemble.

    The stacked parameters are new leaves that require grad (unconnected to the models' own
    parameters: an optimizer can train them directly); stacked buffers do not require grad.
    `models` is a list or an nn.ModuleList; they must all be in the same train/eval mode.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> from tinygrad_edu.func import functional_call, stack_module_state, vmap
    >>> models = [nn.Linear(3, 2) for _ in range(4)]
    >>> params, buffers = stack_module_state(models)
    >>> params["weight"].shape, params["weight"].is_leaf, params["weight"].requires_grad, buffers
    ((4, 2, 3), True, True, {})
    >>> out = vmap(lambda p, b, x: functional_call(models[0], (p, b), (x,)), in_dims=(0, 0, None))(
    ...     params, buffers, tg.ones(5, 3))
    >>> out.shape
    (4, 5, 2)
    """
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if len({m.training for m in models}) != 1:
        raise RuntimeError("stack_module_state: Expected all models to have the same training/eval mode.")
    if any(type(m) is not type(models[0]) for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    all_params = [dict(m.named_parameters()) for m in models]
    params = {name: _stacked_leaf([p[name] for p in all_params], name) for name in all_params[0]}
    all_buffers = [dict(m.named_buffers()) for m in models]
    buffers = {name: _stacked_leaf([b[name] for b in all_buffers], name) for name in all_buffers[0]}
    return params, buffers
