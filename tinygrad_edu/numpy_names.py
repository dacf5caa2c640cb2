"""numpy's argument names, `axis=` and `keepdims=`, accepted wherever `dim=` and `keepdim=` are.

PyTorch's own functions and Tensor methods take them as aliases (`t.sum(axis=1, keepdims=True)`,
`torch.cat(ts, axis=0)`), and code written by people who know numpy uses them -- e.g.
`counts.sum(1, keepdims=True)`. Each function or method that has a `dim` or `keepdim` parameter
is wrapped once, at import, by `accept_numpy_names`; a call without those names goes straight
through (one extra Python call).
"""
from __future__ import annotations

import functools
import inspect

_ALIASES = (("axis", "dim"), ("keepdims", "keepdim"))


def _renamed(kwargs: dict, name: str) -> dict:
    """The keyword arguments with numpy's names replaced by PyTorch's."""
    kwargs = dict(kwargs)
    for numpy_name, torch_name in _ALIASES:
        if numpy_name in kwargs:
            if torch_name in kwargs:
                raise TypeError(f"{name}() got multiple values for argument '{torch_name}' "
                                f"({numpy_name}= is another name for {torch_name}=)")
            kwargs[torch_name] = kwargs.pop(numpy_name)
    return kwargs


def _with_numpy_names(fn):
    @functools.wraps(fn)
    def accepting_numpy_names(*args, **kwargs):
        if "axis" in kwargs or "keepdims" in kwargs:
            kwargs = _renamed(kwargs, fn.__name__)
        return fn(*args, **kwargs)

    return accepting_numpy_names


def _takes_dim(fn) -> bool:
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return "dim" in parameters or "keepdim" in parameters


def accept_numpy_names(namespace, names) -> None:
    """Wrap each of `names` in `namespace` (a class, or a module's globals() dict) that takes
    `dim` or `keepdim`, so that it also takes `axis` and `keepdims`."""
    is_dict = isinstance(namespace, dict)
    for name in names:
        if name.startswith("_"):
            continue
        if is_dict:
            fn = namespace[name]
        else:  # plain methods only (a staticmethod or property would change meaning if wrapped)
            fn = inspect.getattr_static(namespace, name)
            if isinstance(fn, (staticmethod, classmethod, property)):
                continue
        if not inspect.isfunction(fn) or not _takes_dim(fn):
            continue
        if is_dict:
            namespace[name] = _with_numpy_names(fn)
        else:
            setattr(namespace, name, _with_numpy_names(fn))
