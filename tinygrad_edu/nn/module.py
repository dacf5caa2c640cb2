"""`Module`: a piece of a model that owns parameters and sub-modules, found by attribute
assignment, with PyTorch's names for everything (so a state_dict moves between the two).

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(2, 3)        # a sub-module: registered under "fc1"
            self.scale = nn.Parameter(tg.ones(3))   # a parameter: registered under "scale"
        def forward(self, x):
            return self.fc1(x).sigmoid() * self.scale

Registered things also live in the instance `__dict__`, so `self.fc1` in `forward` is an
ordinary attribute lookup (PyTorch finds them through a slower `__getattr__`).
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from .. import devices as _devices
from ..tensor import Tensor
from .module_hooks import RemovableHandle, add_hook, call_with_hooks
from .parameter import Parameter, mark_as_parameter

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class Module:
    """Base class of layers and models: subclass it, assign parameters and sub-modules in
    `__init__` (after `super().__init__()`), and define `forward`. Call the module to run it."""

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} has no forward(); define it in the subclass")

    def __call__(self, *args, **kwargs):
        if self.__dict__.get("_forward_pre_hooks") or self.__dict__.get("_forward_hooks"):
            return call_with_hooks(self, args, kwargs)  # (module_hooks.py)
        return self.forward(*args, **kwargs)

    def register_forward_pre_hook(self, hook: Callable, *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """Call `hook(module, args)` before each forward; a returned value replaces args (a
        non-tuple becomes a 1-tuple). With `with_kwargs`: `hook(module, args, kwargs)`, which may
        return `(args, kwargs)`. `prepend` runs it before the hooks already registered."""
        return add_hook(self, "_forward_pre_hooks", hook, prepend, with_kwargs)

    def register_forward_hook(self, hook: Callable, *, prepend: bool = False, with_kwargs: bool = False,
                              always_call: bool = False) -> RemovableHandle:
        """Call `hook(module, args, output)` after each forward (`hook(module, args, kwargs,
        output)` with `with_kwargs`); a returned value replaces the output. `always_call` runs it
        even when forward raises. Returns a handle: `handle.remove()` unregisters the hook."""
        return add_hook(self, "_forward_hooks", hook, prepend, with_kwargs, always_call)

    def __setstate__(self, state: dict) -> None:
        """After copy.deepcopy or pickle: the copied parameters are Parameters too."""
        self.__dict__.update(state)
        for param in self._parameters.values():
            if param is not None:
                mark_as_parameter(param)

    # ---- registration -------------------------------------------------------------------
    def _registries(self, name: str) -> dict:
        try:
            return self.__dict__["_parameters"]
        except KeyError:
            raise AttributeError(
                f"cannot assign {name!r} before Module.__init__() is called: put "
                f"super().__init__() first in {type(self).__name__}.__init__"
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        params = self._registries(name)
        modules, buffers = self._modules, self._buffers
        if isinstance(value, Parameter):
            modules.pop(name, None)
            buffers.pop(name, None)
            params[name] = value
        elif isinstance(value, Module):
            params.pop(name, None)
            buffers.pop(name, None)
            modules[name] = value
        elif name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign a {type(value).__name__} to {name!r}, which is a parameter: "
                    f"wrap it in nn.Parameter(...) or assign None"
                )
            params[name] = None
        elif name in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign a {type(value).__name__} to {name!r}, which is a sub-module "
                    f"(assign a Module or None)"
                )
            modules[name] = None
        elif name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign a {type(value).__name__} to buffer {name!r} (a Tensor or None)")
            buffers[name] = value
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        for registry in (self._parameters, self._modules, self._buffers):
            registry.pop(name, None)
        self._non_persistent.discard(name)
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Tensor | None) -> None:
        """Register `param` (a Parameter, or None for an absent one such as `bias=False`)."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: {name!r} must be an nn.Parameter or None, "
                            f"got {type(param).__name__}")
        self._registries(name)[name] = param
        object.__setattr__(self, name, param)

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """A tensor that belongs to the module's state but is not trained (e.g. running stats);
        it is in `state_dict()` unless `persistent=False`."""
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer: {name!r} must be a Tensor or None, got {type(tensor).__name__}")
        self._registries(name)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)
        object.__setattr__(self, name, tensor)

    def add_module(self, name: str, module: "Module | None") -> None:
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {name!r} must be a Module or None, got {type(module).__name__}")
        self._registries(name)
        self._modules[name] = module
        object.__setattr__(self, name, module)

    register_module = add_module

    # ---- walking the tree ---------------------------------------------------------------
    def named_modules(self, prefix: str = "", memo: set | None = None) -> Iterator[tuple[str, "Module"]]:
        """This module and every module inside it, each once, with dotted names ('' for self)."""
        if memo is None:
            memo = set()
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(f"{prefix}.{name}" if prefix else name, memo)

    def modules(self) -> Iterator["Module"]:
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, "Module"]]:
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator["Module"]:
        for _, module in self.named_children():
            yield module

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, parameter) pairs, e.g. ('fc1.weight', ...); a parameter shared by two
        modules is listed once, under the first name."""
        seen = set()
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, param in module._parameters.items():
                if param is None or id(param) in seen:
                    continue
                seen.add(id(param))
                yield (f"{module_prefix}.{name}" if module_prefix else name), param

    def parameters(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, buf in module._buffers.items():
                if buf is not None:
                    yield (f"{module_prefix}.{name}" if module_prefix else name), buf

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def apply(self, fn: Callable[["Module"], None]) -> "Module":
        """Call `fn` on every sub-module (children first) and then on self; returns self."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ---- training helpers ---------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of all parameters (`.grad = None`, PyTorch's default)."""
        for param in self.parameters():
            if set_to_none:
                param.grad = None
            elif param.grad is not None:
                param.grad = Tensor._make(np.zeros_like(param.data), None, False)

    def train(self, mode: bool = True) -> "Module":
        """Set training mode (Dropout drops) on this module and all inside it; returns self."""
        if not isinstance(mode, bool):
            raise TypeError(f"train: mode must be a bool, got {type(mode).__name__}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> "Module":
        """Evaluation mode (Dropout passes its input through); returns self."""
        return self.train(False)

    def to(self, *args, dtype=None, device=None, non_blocking: bool = False) -> "Module":
        """Convert every floating point parameter and buffer (and gradient) to a dtype, in place,
        as PyTorch's `Module.to`: `model.to(tg.float64)`, `model.to("cpu")`, `model.to(device,
        dtype)`, `model.to(tensor)`. The tensors stay the same objects, their arrays are replaced;
        returns self. The only device is the CPU (anything else raises RuntimeError). Create
        optimizers after converting."""
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg.dtype
            elif isinstance(arg, (str, _devices.device)) or (isinstance(arg, int) and not isinstance(arg, bool)):
                device = arg
            elif isinstance(arg, bool):
                continue  # non_blocking given positionally
            else:
                dtype = arg
        _devices.check_device(device, "Module.to")
        if dtype is None:
            return self
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"to: parameters must stay floating point, got dtype {dtype}")
        for module in self.modules():
            for t in list(module._parameters.values()) + list(module._buffers.values()):
                if t is not None and t.data.dtype.kind == "f" and t.data.dtype != dtype:
                    t.data = t.data.astype(dtype)
                    t._version += 1
                    if t.grad is not None:
                        t.grad = Tensor._make(t.grad.data.astype(dtype), None, False)
        return self

    def cpu(self) -> "Module":
        """Returns self: everything is on the CPU already."""
        return self

    def cuda(self, device=None) -> "Module":
        """Always fails: tinygrad_edu has no GPU support."""
        _devices.check_device(_devices.device("cuda", device), "Module.cuda")
        return self

    def float(self) -> "Module":
        """All floating point parameters to float32 (`to(tg.float32)`)."""
        return self.to(np.float32)

    def double(self) -> "Module":
        """All floating point parameters to float64 (`to(tg.float64)`)."""
        return self.to(np.float64)

    def half(self) -> "Module":
        """All floating point parameters to float16 (`to(tg.float16)`)."""
        return self.to(np.float16)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        """Freeze (False) or unfreeze all parameters; returns self."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    # ---- state ---------------------------------------------------------------------------
    def state_dict(self, prefix: str = "") -> dict[str, Tensor]:
        """Every parameter and persistent buffer by dotted name, in registration order: the
        same keys and shapes as the equivalent PyTorch model. The values share memory with the
        model (they are detached views, like PyTorch's)."""
        state: dict[str, Tensor] = {}
        self._save_to(state, prefix)
        return state

    def _save_to(self, state: dict, prefix: str) -> None:
        for name, param in self._parameters.items():
            if param is not None:
                state[prefix + name] = param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent:
                state[prefix + name] = buf.detach()
        for name, module in self._modules.items():
            if module is not None:
                module._save_to(state, f"{prefix}{name}.")

    def _state_targets(self) -> dict[str, Tensor]:
        """The tensors a state dict is loaded into, by key (shared ones under every name)."""
        targets: dict[str, Tensor] = {}

        def walk(module: Module, prefix: str) -> None:
            for name, param in module._parameters.items():
                if param is not None:
                    targets[prefix + name] = param
            for name, buf in module._buffers.items():
                if buf is not None and name not in module._non_persistent:
                    targets[prefix + name] = buf
            for name, child in module._modules.items():
                if child is not None:
                    walk(child, f"{prefix}{name}.")

        walk(self, "")
        return targets

    def load_state_dict(self, state_dict: dict, strict: bool = True) -> IncompatibleKeys:
        """Copy values (arrays, Tensors or nested lists) into the existing parameters, in place,
        so optimizers that hold them keep working.

        A shape mismatch, or a value that is not an array (such as a ragged nested list), always
        raises `RuntimeError` naming the key. Missing or unexpected keys raise it too
        when `strict` (the default); with `strict=False` they are returned as
        `(missing_keys, unexpected_keys)`.
        """
        if not isinstance(state_dict, dict):
            raise TypeError(f"load_state_dict: expected a dict of name -> array, got {type(state_dict).__name__}")
        targets = self._state_targets()
        missing = [key for key in targets if key not in state_dict]
        unexpected = [key for key in state_dict if key not in targets]
        values, mismatched = {}, []
        for key, target in targets.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            try:
                array = value.data if isinstance(value, Tensor) else np.asarray(value)
            except (ValueError, TypeError) as err:  # e.g. a ragged nested list: rows of different lengths
                mismatched.append(f"{key!r}: the value is not an array of numbers ({err})")
                continue
            if array.shape != target.data.shape:
                mismatched.append(f"{key!r}: the model has shape {target.data.shape}, the state dict "
                                  f"has shape {array.shape}")
            elif array.dtype.kind not in "biuf":
                mismatched.append(f"{key!r}: the state dict holds non-numeric data of dtype {array.dtype}")
            else:
                values[key] = array
        problems = []
        if strict and missing:
            problems.append("missing keys (in the model, not in the state dict): " + ", ".join(map(repr, missing)))
        if strict and unexpected:
            problems.append("unexpected keys (in the state dict, not in the model): "
                            + ", ".join(map(repr, unexpected)))
        if mismatched:
            problems.append("shape mismatch for " + "; ".join(mismatched))
        if problems:
            raise RuntimeError(f"load_state_dict: error(s) loading the state dict into "
                               f"{type(self).__name__} (nothing was changed):\n  " + "\n  ".join(problems))
        for key, array in values.items():
            target = targets[key]
            np.copyto(target.data, array, casting="unsafe")
            target._version += 1  # like an in-place copy: graphs that saved the old value notice
        return IncompatibleKeys(missing, unexpected)

    # ---- printing ------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's repr (override in layers)."""
        return ""

    def __repr__(self) -> str:
        lines = []
        for name, module in self._modules.items():
            body = repr(module).replace("\n", "\n  ")
            lines.append(f"  ({name}): {body}")
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        head = f"{type(self).__name__}(" + (f"\n  {extra}" if extra else "")
        return head + "\n" + "\n".join(lines) + "\n)"


class _ModuleSequence(Module):
    """What Sequential and ModuleList share: children named "0", "1", ... used like a list."""

    def append(self, module: Module):
        self.add_module(str(len(self._modules)), _check_module(module, type(self).__name__))
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, index: int | slice):
        items = list(self._modules.values())
        if isinstance(index, slice):
            return self._from_list(items[index])
        return items[_list_index(index, len(items), type(self).__name__)]

    @classmethod
    def _from_list(cls, modules: list[Module]):
        raise NotImplementedError


class Sequential(_ModuleSequence):
    """Modules applied one after another; children are named "0", "1", ... like PyTorch.

    >>> import tinygrad_edu.nn as nn
    >>> net = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1))
    >>> list(net.state_dict())
    ['0.weight', '0.bias', '2.weight', '2.bias']
    """

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], dict):
            for name, module in modules[0].items():
                self.add_module(str(name), _check_module(module, "Sequential"))
        else:
            for module in modules:
                self.append(module)

    @classmethod
    def _from_list(cls, modules: list[Module]) -> "Sequential":
        return cls(*modules)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x


class ModuleList(_ModuleSequence):
    """A list of modules whose parameters are registered ("0.weight", "1.weight", ...)."""

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    @classmethod
    def _from_list(cls, modules: list[Module]) -> "ModuleList":
        return cls(modules)

    def extend(self, modules: Iterable[Module]) -> "ModuleList":
        for module in modules:
            self.append(module)
        return self

    def __setitem__(self, index: int, module: Module) -> None:
        i = _list_index(index, len(self._modules), "ModuleList")
        self.add_module(str(i), _check_module(module, "ModuleList"))

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ModuleList has no forward(): iterate over it and call its modules")


def _check_module(module, container: str) -> Module:
    if not isinstance(module, Module):
        raise TypeError(f"{container}: expected Modules, got {type(module).__name__}")
    return module


def _list_index(index: int, length: int, container: str) -> int:
    if not isinstance(index, (int, np.integer)) or isinstance(index, bool):
        raise TypeError(f"{container}: indices must be ints or slices, got {type(index).__name__}")
    if not -length <= index < length:
        raise IndexError(f"{container}: index {index} is out of range for {length} modules")
    return int(index) % length
