"""Containers that register what they hold, as PyTorch's: `ModuleDict` (sub-modules by name),
`ParameterList` and `ParameterDict` (parameters by position or by name). What they hold appears
in `parameters()`, `state_dict()` ("experts.0.weight", "scales.a") and moves with `.to()`.
(`Sequential` and `ModuleList` are in module.py.)"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from ..tensor import Tensor
from .module import Module, _check_module, _list_index
from .parameter import Parameter


def _pairs(values, container: str) -> Iterable:
    """(key, value) pairs from a mapping (anything with .items()) or an iterable of pairs."""
    if hasattr(values, "items"):
        return values.items()
    try:
        return [(k, v) for k, v in values]
    except (TypeError, ValueError):
        raise TypeError(f"{container}.update: expected a mapping or an iterable of (key, value) pairs, "
                        f"got {type(values).__name__}") from None


class _NamedItems(Module):
    """What ModuleDict and ParameterDict share: dict methods over one of the module's registries
    (`_modules` or `_parameters`, named by `_registry`); `__setitem__` registers a value."""

    _registry = "_modules"

    def _items(self) -> dict:
        return getattr(self, self._registry)

    def __getitem__(self, key: str):
        return self._items()[key]

    def __delitem__(self, key: str) -> None:
        del self._items()[key]
        object.__delattr__(self, key)

    def __len__(self) -> int:
        return len(self._items())

    def __iter__(self) -> Iterator[str]:
        return iter(self._items())

    def __contains__(self, key: str) -> bool:
        return key in self._items()

    def keys(self):
        return self._items().keys()

    def values(self):
        return self._items().values()

    def items(self):
        return self._items().items()

    def get(self, key: str, default=None):
        return self._items().get(key, default)

    def update(self, values) -> None:
        for key, value in _pairs(values, type(self).__name__):
            self[key] = value

    def pop(self, key: str):
        value = self._items()[key]
        del self[key]
        return value

    def clear(self) -> None:
        for key in list(self._items()):
            del self[key]

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} has no forward(): use what it holds")


class ModuleDict(_NamedItems):
    """Sub-modules by name, like a dict (insertion order is kept):

    >>> import tinygrad_edu.nn as nn
    >>> heads = nn.ModuleDict({"sentiment": nn.Linear(4, 2), "topic": nn.Linear(4, 5)})
    >>> heads["topic"].out_features, list(heads.state_dict())[:2]
    (5, ['sentiment.weight', 'sentiment.bias'])
    """

    def __init__(self, modules: Mapping[str, Module] | Iterable | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(str(key), _check_module(module, "ModuleDict"))


def _as_parameter(value) -> Tensor:
    """A Parameter as it is; any other tensor (or array) made a Parameter, as PyTorch does."""
    if isinstance(value, Parameter):
        return value
    if isinstance(value, Tensor):
        return Parameter(value, requires_grad=value.requires_grad or value.data.dtype.kind == "f")
    return Parameter(value)


class ParameterList(Module):
    """Parameters by position, named "0", "1", ...; plain tensors become Parameters.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> scales = nn.ParameterList([tg.ones(3) for _ in range(2)])
    >>> len(scales), [name for name, _ in scales.named_parameters()]
    (2, ['0', '1'])
    """

    def __init__(self, values: Iterable | None = None) -> None:
        super().__init__()
        if values is not None:
            self.extend(values)

    def append(self, value) -> "ParameterList":
        self.register_parameter(str(len(self._parameters)), _as_parameter(value))
        return self

    def extend(self, values: Iterable) -> "ParameterList":
        for value in values:
            self.append(value)
        return self

    def __getitem__(self, index):
        items = list(self._parameters.values())
        if isinstance(index, slice):
            return ParameterList(items[index])
        return items[_list_index(index, len(items), "ParameterList")]

    def __setitem__(self, index: int, value) -> None:
        i = _list_index(index, len(self._parameters), "ParameterList")
        self.register_parameter(str(i), _as_parameter(value))

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[Tensor]:
        return iter(self._parameters.values())

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ParameterList has no forward(): use what it holds")

    def __repr__(self) -> str:
        return _listing(self, self._parameters.items())


class ParameterDict(_NamedItems):
    """Parameters by name, like a dict; plain tensors become Parameters."""

    _registry = "_parameters"

    def __init__(self, parameters: Mapping | Iterable | None = None) -> None:
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __setitem__(self, key: str, value) -> None:
        self.register_parameter(str(key), _as_parameter(value))

    def __repr__(self) -> str:
        return _listing(self, self._parameters.items())

    def copy(self) -> "ParameterDict":
        """A new ParameterDict holding the same Parameters (a shallow copy)."""
        return ParameterDict(self._parameters.items())

    def fromkeys(self, keys: Iterable[str], default=None) -> "ParameterDict":
        """A new ParameterDict with every key mapped to `default` (one Parameter shared)."""
        return ParameterDict((key, default) for key in keys)

    def setdefault(self, key: str, default=None):
        """The parameter under `key`, after setting it to `default` if it was missing."""
        if key not in self:
            self[key] = default
        return self[key]

    def popitem(self) -> tuple:
        """Remove and return the last (key, parameter) pair."""
        if not self._parameters:
            raise KeyError("popitem(): ParameterDict is empty")
        key = next(reversed(self._parameters))
        return key, self.pop(key)


def _listing(container: Module, items) -> str:
    """PyTorch's layout: one line per parameter, its dtype and its size as 2x3."""
    lines = [f"    ({key}): Parameter containing: [{p.dtype} of size {'x'.join(map(str, p.shape)) or '()'}]"
             for key, p in items]
    return f"{type(container).__name__}(" + "".join("\n" + line for line in lines) + ("\n)" if lines else ")")
