"""Containers that register what they hold, as PyTorch's: `ModuleDict` (sub-modules by name),
`ParameterList` and `ParameterDict` (parameters by position or by name). What they hold appears
in `parameters()`, `state_dict()` ("experts.0.weight", "scales.a") and moves with `.to()`.
(`Sequential` and `ModuleList` are in module.py.)"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping

import numpy as np

from ..tensor import Tensor
from .module import Module, _list_index
from .parameter import Parameter


def _pairs(values, container: str) -> Iterable:
    """(key, value) pairs from a mapping (in its order) or an iterable of pairs, checked as
    PyTorch checks them."""
    if not isinstance(values, Iterable):
        raise TypeError(f"{container}.update should be called with an iterable of key/value pairs, but got "
                        f"{type(values).__name__}")
    if isinstance(values, Mapping) or hasattr(values, "items"):
        return list(values.items())
    pairs = []
    for j, pair in enumerate(values):
        if not isinstance(pair, Iterable):
            raise TypeError(f"{container} update sequence element #{j} should be Iterable; is"
                            f"{type(pair).__name__}")  # (PyTorch's words, without the space)
        pair = list(pair)
        if len(pair) != 2:
            raise ValueError(f"{container} update sequence element #{j} has length {len(pair)}; 2 is required")
        pairs.append(pair)
    return pairs


class _NamedItems(Module):
    """What ModuleDict and ParameterDict share: dict methods over their names (`_names()`, in
    order), each value read with `self[name]`; the subclass says how a value is stored."""

    def _names(self) -> dict:
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self._names())

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __contains__(self, key) -> bool:
        return key in self._names()

    def keys(self):
        return self._names().keys()

    def get(self, key: str, default=None):
        return self[key] if key in self else default

    def update(self, values) -> None:
        for key, value in _pairs(values, type(self).__name__):
            self[key] = value

    def pop(self, key: str):
        value = self[key]
        del self[key]
        return value

    def clear(self) -> None:
        for key in list(self._names()):
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

    def _names(self) -> dict:
        return self._modules

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)  # (checks the key and the module, as PyTorch's)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]
        object.__delattr__(self, key)

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()


def _as_parameter(value):
    """What the parameter containers store: a Parameter as it is, any other tensor (or ndarray)
    made a Parameter (requiring grad: an integer tensor raises, as in PyTorch), any other object
    (a number, a string, None) as it is, as a plain attribute."""
    if isinstance(value, Parameter):
        return value
    if isinstance(value, (Tensor, np.ndarray)):
        return Parameter(value)
    return value


class _MissingKey(KeyError, AttributeError):
    """A key that a ParameterDict does not hold: a KeyError as for any mapping, and also the
    AttributeError that PyTorch's ParameterDict raises (it looks keys up as attributes)."""


def _describe(key, value, type_name) -> str:
    """One line of a parameter container's repr, PyTorch's: `  (key): Parameter containing:
    [float64 of size 2x3]` (the size of a 0-d tensor is empty)."""
    if isinstance(value, Tensor):
        kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
        return f"  ({key}): {kind} containing: [{type_name(value)} of size {'x'.join(map(str, value.shape))}]"
    return f"  ({key}): Object of type: {type(value).__name__}"


class ParameterList(Module):
    """A list whose tensors are registered as parameters, named "0", "1", ...: tensors become
    Parameters, other objects are kept as they are (as PyTorch's).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> scales = nn.ParameterList([tg.ones(3) for _ in range(2)])
    >>> len(scales), [name for name, _ in scales.named_parameters()]
    (2, ['0', '1'])
    """

    def __init__(self, values: Iterable | None = None) -> None:
        super().__init__()
        self._size = 0
        if values is not None:
            self.extend(values)

    def _key(self, index) -> str:
        return str(_list_index(index, self._size, "ParameterList"))

    def append(self, value) -> "ParameterList":
        self._size += 1
        self[self._size - 1] = value
        return self

    def extend(self, values: Iterable) -> "ParameterList":
        if not isinstance(values, Iterable) or isinstance(values, Tensor):
            raise TypeError(f"ParameterList.extend should be called with an iterable, but got {type(values).__name__}")
        for value in values:
            self.append(value)
        return self

    def __iadd__(self, values: Iterable) -> "ParameterList":
        return self.extend(values)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return type(self)([self[i] for i in range(*index.indices(self._size))])
        return getattr(self, self._key(index))

    def __setitem__(self, index: int, value) -> None:
        setattr(self, self._key(index), _as_parameter(value))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator:
        return (self[i] for i in range(self._size))

    def __call__(self, *args, **kwargs):
        raise RuntimeError("ParameterList should not be called.")

    def extra_repr(self) -> str:
        return "\n".join(_describe(i, value, lambda t: t.dtype) for i, value in enumerate(self))


class ParameterDict(_NamedItems):
    """A dict whose tensors are registered as parameters under their keys (strings): tensors
    become Parameters, other objects are kept as they are. As PyTorch's, `update` (and the
    constructor) take an OrderedDict, a ParameterDict or pairs in their order, but a plain
    dict's items in sorted key order.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> scales = nn.ParameterDict({"b": tg.ones(2), "a": tg.zeros(2)})
    >>> list(scales), list(scales.state_dict())
    (['a', 'b'], ['a', 'b'])
    """

    def __init__(self, parameters: Mapping | Iterable | None = None) -> None:
        super().__init__()
        self._keys: dict[str, None] = {}
        if parameters is not None:
            self.update(parameters)

    @staticmethod
    def _attr(key) -> str:
        if not isinstance(key, str):
            raise TypeError(f"Index given to ParameterDict cannot be used as a key as it is not a string "
                            f"(type is '{type(key).__name__}'). Open an issue on github if you need non-string keys.")
        return key

    def __getitem__(self, key: str):
        attr = self._attr(key)
        if key not in self._keys:
            raise _MissingKey(key)
        return getattr(self, attr)

    def __setitem__(self, key: str, value) -> None:
        attr = self._attr(key)
        self._keys[key] = None
        setattr(self, attr, _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        attr = self._attr(key)
        if key not in self._keys:
            raise _MissingKey(key)
        del self._keys[key]
        delattr(self, attr)

    def _names(self) -> dict:
        return self._keys

    def __reversed__(self) -> Iterator[str]:
        return reversed(self._keys)

    def items(self):
        return ((key, self[key]) for key in self._keys)

    def values(self):
        return (self[key] for key in self._keys)

    def update(self, parameters) -> None:
        """Set each (key, value) of `parameters`; a plain dict's in sorted key order (PyTorch's
        rule; an OrderedDict, a ParameterDict or a sequence of pairs keep their order)."""
        pairs = _pairs(parameters, "ParameterDict")
        if isinstance(parameters, Mapping) and not isinstance(parameters, (OrderedDict, ParameterDict)):
            pairs = sorted(pairs, key=lambda pair: pair[0])
        for key, value in pairs:
            self[key] = value

    def popitem(self) -> tuple:
        """Remove and return the last (key, value) pair."""
        if not self._keys:
            raise KeyError("popitem(): ParameterDict is empty")
        key = next(reversed(self._keys))
        return key, self.pop(key)

    def copy(self) -> "ParameterDict":
        """A new ParameterDict holding the same Parameters (a shallow copy), in the same order."""
        return ParameterDict(OrderedDict((key, self[key]) for key in self._keys))

    def fromkeys(self, keys: Iterable[str], default=None) -> "ParameterDict":
        """A new ParameterDict with every key mapped to `default` (one Parameter shared)."""
        return ParameterDict((key, default) for key in keys)

    def setdefault(self, key: str, default=None):
        """The value under `key`, after setting it to `default` if it was missing."""
        if key not in self:
            self[key] = default
        return self[key]

    def __call__(self, *args, **kwargs):
        raise RuntimeError("ParameterDict should not be called.")

    def extra_repr(self) -> str:
        # (PyTorch names the dtype here by the legacy type, 'DoubleTensor', unlike ParameterList)
        return "\n".join(_describe(key, value, lambda t: t.type()) for key, value in self.items())
