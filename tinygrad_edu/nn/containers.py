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
    if isinstance(values, Mapping):
        return values.items()
    if isinstance(values, (ModuleDict, ParameterDict)):
        return values.items()
    try:
        return [(k, v) for k, v in values]
    except (TypeError, ValueError):
        raise TypeError(f"{container}.update: expected a mapping or an iterable of (key, value) pairs, "
                        f"got {type(values).__name__}") from None


class ModuleDict(Module):
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

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(str(key), _check_module(module, "ModuleDict"))

    def __delitem__(self, key: str) -> None:
        del self._modules[key]
        object.__delattr__(self, key)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: str) -> bool:
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()

    def update(self, modules) -> None:
        for key, module in _pairs(modules, "ModuleDict"):
            self[key] = module

    def pop(self, key: str) -> Module:
        module = self._modules[key]
        del self[key]
        return module

    def clear(self) -> None:
        for key in list(self._modules):
            del self[key]

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ModuleDict has no forward(): call the modules it holds")


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
        raise NotImplementedError("ParameterList has no forward(): use the parameters it holds")

    def __repr__(self) -> str:
        return _listing(self, self._parameters.items())


class ParameterDict(Module):
    """Parameters by name, like a dict; plain tensors become Parameters."""

    def __init__(self, parameters: Mapping | Iterable | None = None) -> None:
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Tensor:
        return self._parameters[key]

    def __setitem__(self, key: str, value) -> None:
        self.register_parameter(str(key), _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        del self._parameters[key]
        object.__delattr__(self, key)

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[str]:
        return iter(self._parameters)

    def __contains__(self, key: str) -> bool:
        return key in self._parameters

    def keys(self):
        return self._parameters.keys()

    def values(self):
        return self._parameters.values()

    def items(self):
        return self._parameters.items()

    def update(self, parameters) -> None:
        for key, value in _pairs(parameters, "ParameterDict"):
            self[key] = value

    def pop(self, key: str) -> Tensor:
        value = self._parameters[key]
        del self[key]
        return value

    def get(self, key: str, default=None):
        return self._parameters.get(key, default)

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ParameterDict has no forward(): use the parameters it holds")

    def __repr__(self) -> str:
        return _listing(self, self._parameters.items())


def _listing(container: Module, items) -> str:
    """PyTorch's layout: one line per parameter, its dtype and its size as 2x3."""
    lines = [f"    ({key}): Parameter containing: [{p.dtype} of size {'x'.join(map(str, p.shape)) or '()'}]"
             for key, p in items]
    return f"{type(container).__name__}(" + "".join("\n" + line for line in lines) + ("\n)" if lines else ")")
