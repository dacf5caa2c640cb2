"""torch.func.functional_call: run a module with some parameters and buffers replaced by given
tensors (e.g. detached copies to differentiate by), putting the originals back afterwards."""
from __future__ import annotations

from typing import Any, Sequence

__all__ = ["functional_call"]

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
