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

import warnings
from collections import OrderedDict, namedtuple
from typing import Any, Callable, Iterable, Iterator, Mapping

import numpy as np

from .. import devices as _devices
from ..arrays import typename  # (as PyTorch's messages name a type: torch.typename)
from ..autograd.grad_mode import _state as _grad_state
from ..tensor import Tensor
from . import backward_hooks
from .module_hooks import RemovableHandle, add_hook, call_with_hooks, insert_hook
from .parameter import Parameter, is_lazy, mark_as_parameter


class _IncompatibleKeys(namedtuple("_IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What `load_state_dict` returns: `(missing_keys, unexpected_keys)`, printed as PyTorch's."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


IncompatibleKeys = _IncompatibleKeys
_EXTRA_STATE_KEY = "_extra_state"


class _BufferMeta(type):
    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj.__dict__.get("_is_buffer", False)


class Buffer(metaclass=_BufferMeta):
    """A tensor marked to become a buffer when assigned to a Module attribute (as
    `register_buffer` does), in `state_dict()` unless `persistent=False`. Returns a detached
    Tensor (`type(b) is tg.Tensor`), as PyTorch's `nn.Buffer` returns a tensor.

    >>> import tinygrad_edu as tg
    >>> from tinygrad_edu.nn.module import Buffer, Module
    >>> m = Module()
    >>> m.steps = Buffer(tg.zeros(1))
    >>> list(m.state_dict()), [name for name, _ in m.named_buffers()]
    (['steps'], ['steps'])
    """

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True) -> Tensor:  # type: ignore[misc]
        if data is None:
            data = Tensor._make(np.empty((0,)), None, False)
        tensor = data.detach().requires_grad_(data.requires_grad)
        tensor.persistent = persistent
        tensor._is_buffer = True
        return tensor


class Module:
    """Base class of layers and models: subclass it, assign parameters and sub-modules in
    `__init__` (after `super().__init__()`), and define `forward`. Call the module to run it."""

    training: bool
    # The version of the module's state-dict layout, saved in `state_dict()._metadata` and given
    # to load hooks (PyTorch's attribute: a layer whose saved keys change bumps it).
    _version: int = 1

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} has no forward(); define it in the subclass")

    def __call__(self, *args, **kwargs):
        if "_forward_hooks" in self.__dict__:  # made at the first hook registration (module_hooks.py)
            return call_with_hooks(self, args, kwargs)
        if _grad_state.batching is not None:  # inside tg.autobatch() (autobatch/recorder.py)
            return _grad_state.batching.call_module(self, args, kwargs)
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

    def register_full_backward_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """Call `hook(module, grad_output)` when the gradients with respect to the module's outputs
        have been computed (a tuple, one per output); a returned tuple replaces grad_output."""
        return backward_hooks.register(self, "_backward_pre_hooks", hook, prepend, full=True)

    def register_full_backward_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """Call `hook(module, grad_input, grad_output)` when the gradients with respect to the
        module's positional inputs have been computed: one entry per positional argument (None
        for a non-Tensor, zeros for a Tensor that does not require grad, as in PyTorch); a returned
        tuple replaces grad_input. If no input requires grad, the hook runs as soon as grad_output
        is known, with grad_input all None. The hook must not change its arguments in place
        (see backward_hooks.py)."""
        return backward_hooks.register(self, "_backward_hooks", hook, prepend, full=True)

    def register_backward_hook(self, hook: Callable) -> RemovableHandle:
        """Deprecated in PyTorch (its grad_input was that of the last op inside forward, not of the
        module): here it behaves as `register_full_backward_hook`, and warns."""
        warnings.warn("register_backward_hook is deprecated: use register_full_backward_hook. Here it behaves "
                      "like register_full_backward_hook (grad_input is the gradient with respect to the "
                      "module's inputs)", FutureWarning, stacklevel=2)
        return backward_hooks.register(self, "_backward_hooks", hook, False, full=False)

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
        """PyTorch's rules: a Parameter, a Module or an nn.Buffer is registered under `name`
        (leaving the registry it was in); a name that is a parameter takes only a Parameter or
        None, a sub-module only a Module or None, a buffer only a Tensor or None (TypeError
        otherwise); anything else is a plain attribute, also before `Module.__init__`."""
        params = self.__dict__.get("_parameters")
        if params is None:  # (before Module.__init__: only plain attributes, as in PyTorch)
            if isinstance(value, (Parameter, Module, Buffer)):
                self._registries(name)
            object.__setattr__(self, name, value)
            return
        modules, buffers = self._modules, self._buffers
        if isinstance(value, Parameter):
            modules.pop(name, None)
            buffers.pop(name, None)
            self._non_persistent.discard(name)
            params[name] = value
        elif name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{typename(value)}' as parameter '{name}' (nn.Parameter or None "
                                f"expected): wrap it in nn.Parameter(...) or assign None")
            params[name] = None
        elif isinstance(value, Module):
            buffers.pop(name, None)
            self._non_persistent.discard(name)
            modules[name] = value
        elif name in modules:
            if value is not None:
                raise TypeError(f"cannot assign '{typename(value)}' as child module '{name}' (nn.Module or None "
                                f"expected)")
            modules[name] = None
        elif name in buffers or isinstance(value, Buffer):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{typename(value)}' as buffer '{name}' (nn.Buffer, Tensor or None "
                                f"expected)")
            buffers[name] = value
            if isinstance(value, Buffer):  # nn.Buffer(t, persistent=...) says whether it is saved
                (self._non_persistent.discard if value.persistent else self._non_persistent.add)(name)
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        """Only called when ordinary lookup fails: a parameter, buffer or sub-module put straight
        into `_parameters`, `_buffers` or `_modules` (as some PyTorch code does) is still found."""
        state = object.__getattribute__(self, "__dict__")
        for registry in ("_parameters", "_buffers", "_modules"):
            if name in state.get(registry, ()):
                return state[registry][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __dir__(self) -> list:
        """As PyTorch's: the class's and the instance's attributes, sorted, without names that
        start with a digit (a Sequential's "0", "1", ...)."""
        keys = set(dir(type(self))) | set(self.__dict__)
        return sorted(key for key in keys if not key[:1].isdigit())

    def __delattr__(self, name: str) -> None:
        registered = False
        for registry in (self._parameters, self._modules, self._buffers):
            registered = registry.pop(name, registry) is not registry or registered
        self._non_persistent.discard(name)
        if name in self.__dict__ or not registered:  # (a registry entry may have no attribute: see __getattr__)
            object.__delattr__(self, name)

    def _check_new_name(self, name: Any, kind: str, registry: str) -> None:
        """PyTorch's checks of a name given to register_parameter / register_buffer / add_module
        (`registry` is where it goes): a str, without '.', not empty, and not an attribute that
        is something else already."""
        self._registries(name)
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {typename(name)}")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain "."' + (f", got: {name}" if kind == "module" else ""))
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')
        if name not in self.__dict__[registry] and hasattr(self, name) and not self._left_behind(name):
            raise KeyError(f"attribute '{name}' already exists")

    def _left_behind(self, name: str) -> bool:
        """True if the attribute `name` is a Parameter or Module that is in no registry: it was
        taken out of `_parameters` / `_modules` directly (`del module._parameters[name]`, as
        PyTorch code such as pruning does), which leaves the attribute here (they live in
        `__dict__` too) but not in PyTorch. Assigning never leaves one: it registers them."""
        value = self.__dict__.get(name)
        return (isinstance(value, (Parameter, Module)) and name not in self._parameters
                and name not in self._modules and name not in self._buffers)

    def register_parameter(self, name: str, param: Tensor | None) -> None:
        """Register `param` (a Parameter, or None for an absent one such as `bias=False`).
        KeyError for a name with '.', an empty name, or one that is another attribute already."""
        self._check_new_name(name, "parameter", "_parameters")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{typename(param)}' object to parameter '{name}' "
                            f"(nn.Parameter or None required)")
        self._parameters[name] = param
        object.__setattr__(self, name, param)

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """A tensor that belongs to the module's state but is not trained (e.g. running stats);
        it is in `state_dict()` unless `persistent=False`. Names are checked as in
        register_parameter."""
        self._check_new_name(name, "buffer", "_buffers")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{typename(tensor)}' object to buffer '{name}' "
                            f"(Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)
        object.__setattr__(self, name, tensor)

    def add_module(self, name: str, module: "Module | None") -> None:
        """Register `module` (or None) as the child `name`; the name is checked as in
        register_parameter."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{typename(module)} is not a Module subclass")
        self._check_new_name(name, "module", "_modules")
        self._modules[name] = module
        object.__setattr__(self, name, module)

    register_module = add_module

    # ---- walking the tree ---------------------------------------------------------------
    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, "Module"]]:
        """This module and every module inside it with dotted names ('' for self); a module that
        appears twice is listed once, unless `remove_duplicate=False`. `memo`: the set of modules
        already listed (it is filled in)."""
        if memo is None:
            memo = set()
        if self in memo:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, f"{prefix}.{name}" if prefix else name, remove_duplicate)

    def modules(self, remove_duplicate: bool = True) -> Iterator["Module"]:
        """This module and every module inside it (`named_modules` without the names)."""
        for _, module in self.named_modules(remove_duplicate=remove_duplicate):
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

    def _named_members(self, registry: str, prefix: str, recurse: bool,
                       remove_duplicate: bool) -> Iterator[tuple[str, Tensor]]:
        seen = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, tensor in getattr(module, registry).items():
                if tensor is None or id(tensor) in seen:
                    continue
                if remove_duplicate:
                    seen.add(id(tensor))
                yield (f"{module_prefix}.{name}" if module_prefix else name), tensor

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, parameter) pairs, e.g. ('fc1.weight', ...); a parameter shared by two
        modules is listed once, under the first name (under each with `remove_duplicate=False`).
        `recurse=False`: this module's own parameters only."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, buffer) pairs, persistent or not; duplicates as in named_parameters."""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    # ---- finding things by dotted name ---------------------------------------------------
    def get_submodule(self, target: str) -> "Module":
        """The sub-module at the dotted path `target` ('' is self), e.g. "encoder.layers.0";
        AttributeError naming the first part of the path that is missing or not a Module."""
        if target == "":
            return self
        module = self
        for item in target.split("."):
            if not hasattr(module, item):
                raise AttributeError(type(module).__name__ + " has no attribute `" + item + "`")
            module = getattr(module, item)
            if not isinstance(module, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
        return module

    def set_submodule(self, target: str, module: "Module", strict: bool = False) -> None:
        """Put `module` at the dotted path `target`, replacing the module there or (unless
        `strict`) adding it to the existing parent module."""
        if target == "":
            raise ValueError("Cannot set the submodule without a target name!")
        if not isinstance(module, Module):
            raise ValueError(f"`module` is not an nn.Module, found {type(module)}")
        parent_path, _, name = target.rpartition(".")
        parent = self.get_submodule(parent_path)
        if strict and not hasattr(parent, name):
            raise AttributeError(type(parent).__name__ + " has no attribute `" + name + "`")
        if hasattr(parent, name) and not isinstance(getattr(parent, name), Module):
            raise AttributeError("`" + name + "` is not an nn.Module")
        setattr(parent, name, module)

    def get_parameter(self, target: str) -> Tensor:
        """The parameter at the dotted path `target`, e.g. "fc1.weight" (AttributeError if the
        path is missing or does not end at a Parameter)."""
        module, name = _owner_and_name(self, target)
        param = getattr(module, name)
        if not isinstance(param, Parameter):
            raise AttributeError("`" + name + "` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at the dotted path `target`, e.g. "bn.running_mean" (AttributeError if the
        path is missing or does not end at a buffer)."""
        module, name = _owner_and_name(self, target)
        if name not in module._buffers:
            raise AttributeError("`" + name + "` is not a buffer")
        return getattr(module, name)

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
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:  # in place, as PyTorch: who holds the gradient tensor sees the zeros
                if param.grad.grad_fn is not None:
                    param.grad = param.grad.detach()
                param.grad.requires_grad_(False)
                param.grad.zero_()

    def train(self, mode: bool = True) -> "Module":
        """Set training mode (Dropout drops) on this module and all inside it; returns self."""
        if not isinstance(mode, bool):
            raise ValueError(f"train: training mode is expected to be boolean (mode must be a bool), got "
                             f"{type(mode).__name__}")  # (PyTorch's type and words)
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> "Module":
        """Evaluation mode (Dropout passes its input through); returns self."""
        return self.train(False)

    def to(self, *args, dtype=None, device=None, non_blocking: bool = False, memory_format=None) -> "Module":
        """Convert every floating point parameter and buffer (and gradient) to a dtype, in place,
        as PyTorch's `Module.to`: `model.to(tg.float64)`, `model.to("cpu")`, `model.to(device,
        dtype)`, `model.to(tensor)`. The tensors stay the same objects, their arrays are replaced;
        returns self. Create optimizers after converting. `model.to(memory_format=tg.channels_last)`
        lays out every 4-D parameter and buffer (a Conv2d's weight) in that format (5-D ones for
        channels_last_3d; see tg.memory_format); the others stay as they are.

        The only device with values is the CPU (cuda and the others raise RuntimeError).
        `model.to("meta")` keeps every parameter's and buffer's shape, dtype and requires_grad but
        drops its values (see `devices.MetaArray`): the model is then a template, e.g. for
        `tg.func.functional_call` with parameters of its own; computing with the dropped values
        raises RuntimeError. Back to real tensors with `to_empty(device="cpu")` (`to("cpu")`
        raises NotImplementedError, as in PyTorch: there are no values to copy).

        >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
        >>> template = nn.Linear(3, 2).to("meta")
        >>> template.weight.shape, template.weight.requires_grad
        ((2, 3), True)
        >>> out = tg.func.functional_call(template, {"weight": tg.ones(2, 3), "bias": tg.zeros(2)}, tg.ones(1, 3))
        >>> out.tolist()
        [[3.0, 3.0]]
        """
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg.dtype
                device = _devices.META if isinstance(arg.data, _devices.MetaArray) else None
            elif isinstance(arg, (str, _devices.device)) or (isinstance(arg, int) and not isinstance(arg, bool)):
                device = arg
            elif isinstance(arg, bool):
                continue  # non_blocking given positionally
            else:
                dtype = arg
        if dtype is not None:
            dtype = np.dtype(dtype)
            if dtype.kind != "f":
                raise TypeError(f"nn.Module.to only accepts floating point or complex dtypes, but got desired "
                                f"dtype={dtype} (to: parameters must stay floating point)")
        if _devices.is_meta(device):
            self._to_meta()
        else:
            _devices.check_device(device, "Module.to")
            if device is not None:
                self._refuse_meta_copy()
        if dtype is not None:
            self._cast_in_place(dtype, only_floating=True)
        if memory_format is not None:
            from ..memory_formats import as_format

            as_format(memory_format, "Module.to")
            for t in self._tensors():
                if t.ndim in (4, 5):  # (PyTorch's rule: the others keep their layout)
                    laid_out = t.detach().to(memory_format=memory_format).data
                    if laid_out is not t.data:
                        t.data = laid_out
                        t._version += 1
                    if t.grad is not None:
                        t.grad = t.grad.to(memory_format=memory_format)
        return self

    def _tensors(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every parameter and buffer (of the sub-modules too, if `recurse`), for to / to_empty."""
        for module in self.modules() if recurse else (self,):
            for t in list(module._parameters.values()) + list(module._buffers.values()):
                if t is not None:
                    yield t

    def _to_meta(self, recurse: bool = True) -> None:
        """For to('meta'): each parameter, buffer and gradient keeps its shape and dtype, loses
        its values (a MetaArray of one element's memory replaces the array)."""
        for t in self._tensors(recurse):
            t.data = _devices.meta_array(t.shape, t.dtype)
            t._version += 1
            if t.grad is not None:
                t.grad = Tensor._make(_devices.meta_array(t.grad.shape, t.grad.dtype), None, False)

    def _refuse_meta_copy(self) -> None:
        if any(isinstance(t.data, _devices.MetaArray) for t in self._tensors()):
            raise NotImplementedError("Cannot copy out of meta tensor; no data! Please use Module.to_empty() "
                                      "instead of Module.to() when moving module from meta to a different device.")

    def cpu(self) -> "Module":
        """Returns self: everything is on the CPU already (NotImplementedError for a module on
        the 'meta' device, as in PyTorch: use `to_empty(device="cpu")`)."""
        self._refuse_meta_copy()
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

    def compile(self, *args, **kwargs) -> None:
        """PyTorch compiles the module's forward with `torch.compile`; here (see `tg.compile`)
        nothing is compiled: the arguments are checked and the module runs eagerly. Returns
        None, as PyTorch's."""
        from ..compiling import compile as _compile

        _compile(self, *args, **kwargs)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        """Freeze (False) or unfreeze all parameters; returns self."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def to_empty(self, *, device, recurse: bool = True) -> "Module":
        """PyTorch moves the parameters and buffers to `device` without copying their values
        (they become uninitialised memory, to be filled by an initialiser or load_state_dict).
        Here: on the CPU, tensors on the 'meta' device get arrays of their shape and dtype (zeros;
        PyTorch's are uninitialised) and the others keep their values; `device="meta"` drops the
        values as `to("meta")`. Only the module's own tensors unless `recurse`. Returns self."""
        if _devices.is_meta(device):
            self._to_meta(recurse)
            return self
        _devices.check_device(device, "Module.to_empty")
        for t in self._tensors(recurse):
            if isinstance(t.data, _devices.MetaArray):
                t.data = np.zeros(t.shape, t.dtype)
                t._version += 1
                if t.grad is not None:
                    t.grad = None
        return self

    def share_memory(self) -> "Module":
        """Move every parameter and buffer (and gradient, if any) to shared memory with
        `share_memory_()`, so that processes forked afterwards, or sent the module through
        `tg.multiprocessing`, train the same numbers (Hogwild). Returns self."""
        from ..tensor_sharing import share_memory_together

        tensors = list(self._tensors())
        share_memory_together(tensors + [t.grad for t in tensors if t.grad is not None])
        return self

    def type(self, dst_type) -> "Module":
        """Cast every parameter and buffer, floating point or not, to `dst_type` (a dtype, a legacy
        type such as `tg.DoubleTensor`, or its name), in place; returns self. A parameter that
        requires grad cannot become an integer (RuntimeError, as in PyTorch)."""
        dtype = Tensor._make(np.empty((0,)), None, False).type(dst_type).dtype
        self._cast_in_place(dtype, only_floating=False)
        return self

    def _cast_in_place(self, dtype: np.dtype, only_floating: bool) -> None:
        """For `to` and `type`: every parameter and buffer (the floating point ones only, if
        `only_floating`) and its gradient get arrays of `dtype`; the tensors stay the same objects."""
        for module in self.modules():
            for t in list(module._parameters.values()) + list(module._buffers.values()):
                if t is None or t.data.dtype == dtype or (only_floating and t.data.dtype.kind != "f"):
                    continue
                if t.requires_grad and dtype.kind != "f":
                    raise RuntimeError(f"Module.type: a parameter that requires gradients must stay floating "
                                       f"point, cannot become {dtype}")
                t.data = t.data.astype(dtype)
                t._version += 1  # like an in-place change: graphs that saved the old value notice
                if t.grad is not None:
                    t.grad = Tensor._make(t.grad.data.astype(dtype), None, False)

    # ---- state ---------------------------------------------------------------------------
    def get_extra_state(self) -> Any:
        """Override, with `set_extra_state`, to save more than tensors: what it returns is put
        under the key `_extra_state` of `state_dict()` and given to `set_extra_state` by
        `load_state_dict` (as in PyTorch). Not called unless the class defines it."""
        raise RuntimeError(f"{type(self).__name__}.get_extra_state: define get_extra_state (and "
                           f"set_extra_state) in the class to save extra state")

    def set_extra_state(self, state: Any) -> None:
        """Receives, from `load_state_dict`, what `get_extra_state` returned (see there)."""
        raise RuntimeError(f"{type(self).__name__}.set_extra_state: define set_extra_state (and "
                           f"get_extra_state) in the class to load extra state")

    def _defines(self, method: str) -> bool:
        return getattr(type(self), method) is not getattr(Module, method)

    def register_state_dict_pre_hook(self, hook: Callable) -> RemovableHandle:
        """Call `hook(module, prefix, keep_vars)` each time `state_dict()` is about to save this
        module."""
        return insert_hook(self, "_state_dict_pre_hooks", hook)

    def register_state_dict_post_hook(self, hook: Callable) -> RemovableHandle:
        """Call `hook(module, state_dict, prefix, local_metadata)` after `state_dict()` saved this
        module and those inside it; it may change state_dict in place and must return None."""
        return insert_hook(self, "_state_dict_post_hooks", hook)

    def _register_state_dict_hook(self, hook: Callable) -> RemovableHandle:
        """PyTorch's older, private form of register_state_dict_post_hook, still used by
        libraries: `hook(module, state_dict, prefix, local_metadata)` may also return a new
        state dict, which `state_dict()` then returns instead."""
        private = self.__dict__.setdefault("_state_dict_hooks_may_return", set())
        handle = insert_hook(self, "_state_dict_post_hooks", hook, False, private)
        private.add(handle.id)
        return handle

    def register_load_state_dict_pre_hook(self, hook: Callable) -> RemovableHandle:
        """Call `hook(module, state_dict, prefix, local_metadata, strict, missing_keys,
        unexpected_keys, error_msgs)` before `load_state_dict` loads this module: it may change
        state_dict (a copy of the caller's) in place, e.g. rename old keys; a message appended to
        error_msgs makes loading fail."""
        return insert_hook(self, "_load_state_dict_pre_hooks", hook)

    def register_load_state_dict_post_hook(self, hook: Callable) -> RemovableHandle:
        """Call `hook(module, incompatible_keys)` after `load_state_dict` loaded this module and
        those inside it; it may change `incompatible_keys.missing_keys` / `.unexpected_keys` in
        place (strict loading then judges what is left) and must return None."""
        return insert_hook(self, "_load_state_dict_post_hooks", hook)

    def state_dict(self, *args, destination: dict | None = None, prefix: str = "",
                   keep_vars: bool = False) -> dict[str, Any]:
        """Every parameter and persistent buffer by dotted name, in registration order (and
        `_extra_state` of modules that define get_extra_state): the same keys and shapes as the
        equivalent PyTorch model, in an OrderedDict. The values share memory with the model: they
        are detached, unless `keep_vars=True` gives the parameters themselves. `destination`: a
        dict to fill (and return) instead; `prefix` goes before every key."""
        if args:
            warnings.warn("state_dict: positional args are being deprecated, use kwargs instead "
                          "(destination=, prefix=, keep_vars=)", FutureWarning, stacklevel=2)
            destination = args[0] if destination is None else destination
            prefix = args[1] if len(args) > 1 and prefix == "" else prefix
            keep_vars = args[2] if len(args) > 2 and keep_vars is False else keep_vars
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()  # module path -> {"version": module._version}, as PyTorch's
        local_metadata = {"version": self._version}
        if hasattr(destination, "_metadata"):
            destination._metadata[prefix[:-1]] = local_metadata
        hooks = self.__dict__
        for hook in hooks.get("_state_dict_pre_hooks", {}).values():
            hook(self, prefix, keep_vars)
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent:
                destination[prefix + name] = buf if keep_vars else buf.detach()
        if self._defines("get_extra_state"):
            destination[prefix + _EXTRA_STATE_KEY] = self.get_extra_state()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=f"{prefix}{name}.", keep_vars=keep_vars)
        may_return = hooks.get("_state_dict_hooks_may_return", ())
        for hook_id, hook in list(hooks.get("_state_dict_post_hooks", {}).items()):
            result = hook(self, destination, prefix, local_metadata)
            if result is not None:
                if hook_id not in may_return:
                    raise RuntimeError("state_dict post-hook must return None")
                destination = result
        return destination

    def _walk(self) -> Iterator[tuple[str, "Module"]]:
        """(key prefix, module) for self ('') and every module inside ('fc1.'), parents first, a
        shared module under each of its names (how state dicts are saved and loaded)."""
        for name, module in self.named_modules(remove_duplicate=False):
            yield (f"{name}." if name else ""), module

    def load_state_dict(self, state_dict: dict, strict: bool = True, assign: bool = False) -> IncompatibleKeys:
        """Copy values (arrays, Tensors or nested lists) into the existing parameters and buffers,
        in place, so optimizers that hold them keep working; with `assign=True` the state dict's
        tensors become the module's (as new Parameters where they were parameters, keeping
        requires_grad; create optimizers afterwards). Modules that define set_extra_state get
        their `_extra_state`.

        A shape mismatch, or a value that is not an array (such as a ragged nested list), always
        raises `RuntimeError` naming the key, and nothing is changed. Missing or unexpected keys
        raise it too when `strict` (the default); with `strict=False` they are returned as
        `(missing_keys, unexpected_keys)`. Load hooks (register_load_state_dict_pre_hook /
        _post_hook) run as in PyTorch.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}. (load_state_dict: "
                            f"expected a dict of name -> array)")
        metadata = getattr(state_dict, "_metadata", {})  # (what state_dict() saved: each module's version)
        state_dict = dict(state_dict)  # the pre-hooks may change this copy, never the caller's dict
        missing, unexpected, hook_errors = [], [], []
        walk = list(self._walk())
        for prefix, module in walk:
            for hook in module.__dict__.get("_load_state_dict_pre_hooks", {}).values():
                hook(module, state_dict, prefix, metadata.get(prefix[:-1], {}), strict, missing, unexpected,
                     hook_errors)
        targets, extra = {}, {}  # key -> (module, name, tensor); key -> module with set_extra_state
        for prefix, module in walk:
            for name, param in module._parameters.items():
                if param is not None:
                    targets[prefix + name] = (module, name, param)
            for name, buf in module._buffers.items():
                if buf is not None and name not in module._non_persistent:
                    targets[prefix + name] = (module, name, buf)
            if module._defines("set_extra_state"):
                extra[prefix + _EXTRA_STATE_KEY] = module
        missing += [key for key in list(targets) + list(extra) if key not in state_dict]
        unexpected += [key for key in state_dict if key not in targets and key not in extra]
        values, mismatched = {}, []
        for key, (_, _, target) in targets.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            if is_lazy(value) and is_lazy(target):  # a lazy module's placeholders into another's: nothing to copy
                continue
            try:
                array = value.data if isinstance(value, Tensor) else np.asarray(value)
            except (ValueError, TypeError) as err:  # e.g. a ragged nested list: rows of different lengths
                mismatched.append(f"While copying the parameter named \"{key}\", the value is not an array of "
                                  f"numbers ({err})")
                continue
            if array.shape != target.data.shape:
                mismatched.append(f"size mismatch for {key}: copying a param with shape {array.shape} from "
                                  f"checkpoint, the shape in current model is {target.data.shape}.")
            elif array.dtype.kind not in "biuf":
                mismatched.append(f"While copying the parameter named \"{key}\", the state dict holds "
                                  f"non-numeric data of dtype {array.dtype}")
            else:
                values[key] = value if assign and isinstance(value, Tensor) else array
        post_hooks = [(module, hook) for _, module in reversed(walk)  # (children before their parent)
                      for hook in module.__dict__.get("_load_state_dict_post_hooks", {}).values()]
        problems = list(hook_errors) + mismatched
        if problems or (strict and (missing or unexpected) and not post_hooks):
            raise RuntimeError(self._load_error(problems, missing if strict else [], unexpected if strict else []))
        for key, value in values.items():
            module, name, target = targets[key]
            if assign:
                _assign_loaded(module, name, target, value)
            else:
                np.copyto(target.data, value, casting="unsafe")
                target._version += 1  # like an in-place copy: graphs that saved the old value notice
        for key, module in extra.items():
            if key in state_dict:
                module.set_extra_state(state_dict[key])
        keys = IncompatibleKeys(missing, unexpected)
        for module, hook in post_hooks:
            if hook(module, keys) is not None:
                raise AssertionError("Hooks registered with ``register_load_state_dict_post_hook`` are not expected "
                                     "to return new values, if incompatible_keys need to be modified, it should be "
                                     "done inplace.")
        if strict and (missing or unexpected):  # (only reached with post-hooks: the values are loaded, as PyTorch)
            raise RuntimeError(self._load_error([], missing, unexpected, loaded=True))
        return keys

    def _load_error(self, problems: list, missing: list, unexpected: list, loaded: bool = False) -> str:
        """PyTorch's message (missing keys: in the model, not in the state dict; unexpected: the
        other way round), and whether anything was loaded."""
        if unexpected:
            problems.insert(0, "Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected) + ". ")
        if missing:
            problems.insert(0, "Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ". ")
        done = "the values that were there are loaded" if loaded else "nothing was changed"
        return (f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + "\n\t".join(problems)
                + f"\n({done})")

    # ---- printing ------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's repr (override in layers)."""
        return ""

    def __repr__(self) -> str:
        """PyTorch's layout: `Name(extra)` for a leaf, else one indented line per line of
        extra_repr() and per child, `(name): repr(child)`."""
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({name}): {_indented(repr(module))}" for name, module in self._modules.items()]
        if len(extra_lines) == 1 and not child_lines:
            return f"{type(self).__name__}({extra})"
        return _block(type(self).__name__, extra_lines + child_lines)


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
        if isinstance(index, slice):
            return self._sliced(index)
        items = list(self._modules.values())
        return items[_list_index(index, len(items), type(self).__name__)]

    def _sliced(self, index: slice):
        raise NotImplementedError

    def __delitem__(self, index: int | slice) -> None:
        """Remove children; the rest are numbered again from "0", as in PyTorch."""
        keys = list(self._modules)
        if isinstance(index, slice):
            doomed = keys[index]
        else:
            doomed = [keys[_list_index(index, len(keys), type(self).__name__)]]
        for key in doomed:
            delattr(self, key)
        self._renumber(list(self._modules.values()))

    def _renumber(self, modules: list) -> None:
        for key in list(self._modules):
            delattr(self, key)
        for i, module in enumerate(modules):
            self.add_module(str(i), module)

    def insert(self, index: int, module: Module):
        """Put `module` before position `index` (a negative index counts from the end, as for a
        list); the children after it move up one number."""
        n = len(self._modules)
        if not -n <= index <= n:
            raise IndexError(f"{type(self).__name__}.insert: index {index} is out of range for {n} modules")
        modules = list(self._modules.values())
        modules.insert(index + n if index < 0 else index, _check_module(module, type(self).__name__))
        self._renumber(modules)
        return self

    def pop(self, index: int | slice):
        """Remove and return the child (or a container of the children) at `index`."""
        module = self[index]
        del self[index]
        return module

    def extend(self, modules: Iterable[Module]):
        """Append each module of `modules` (an iterable); returns self."""
        if not isinstance(modules, Iterable):
            raise TypeError(f"{type(self).__name__}.extend should be called with an iterable, but got "
                            f"{type(modules).__name__}")
        for module in modules:
            self.append(module)
        return self

    def __setitem__(self, index: int, module: Module) -> None:
        """Replace the child at `index` (negative counts from the end); it keeps its name."""
        key = list(self._modules)[_list_index(index, len(self._modules), type(self).__name__)]
        setattr(self, key, module)  # (a non-Module raises TypeError there, naming the child)


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

    def _sliced(self, index: slice) -> "Sequential":
        """A Sequential of those children under their own names (net[:2].conv_1 still works)."""
        return type(self)(dict(list(self._modules.items())[index]))

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x

    def __add__(self, other: "Sequential") -> "Sequential":
        """A new Sequential of self's modules and then other's (the same module objects)."""
        return Sequential(*self, *_sequential_operand(other))

    def __iadd__(self, other: "Sequential") -> "Sequential":
        return self.extend(_sequential_operand(other))

    def __mul__(self, times: int) -> "Sequential":
        """A new Sequential of self's modules `times` over (the same module objects: repeated
        layers share their parameters, as in PyTorch)."""
        return Sequential(*(list(self) * _repeat_count(self, times)))

    __rmul__ = __mul__

    def __imul__(self, times: int) -> "Sequential":
        return self.extend(list(self) * (_repeat_count(self, times) - 1))


class ModuleList(_ModuleSequence):
    """A list of modules whose parameters are registered ("0.weight", "1.weight", ...)."""

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _sliced(self, index: slice) -> "ModuleList":
        """A ModuleList of those children, numbered again from "0" (as PyTorch's)."""
        return type(self)(list(self._modules.values())[index])

    def insert(self, index: int, module: Module) -> None:  # (returns None, as PyTorch's ModuleList.insert)
        """Put `module` before position `index`, as list.insert (PyTorch's own does not check
        the index; here it is a list index, negative counting from the end)."""
        super().insert(index, module)

    def __iadd__(self, modules: Iterable[Module]) -> "ModuleList":
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> "ModuleList":
        """A new ModuleList of self's modules and then those of `other` (any iterable)."""
        return ModuleList([*self, *other])

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ModuleList has no forward(): iterate over it and call its modules")

    def __repr__(self) -> str:
        """As PyTorch's: consecutive children with the same repr are shown once, as
        `(0-2): 3 x Linear(...)` -- a stack of identical layers reads as one line."""
        groups: list[list] = []  # [first index, last index, repr]
        for i, module in enumerate(self._modules.values()):
            text = repr(module)
            if groups and groups[-1][2] == text:
                groups[-1][1] = i
            else:
                groups.append([i, i, text])
        lines = [_indented(f"({first}): {text}" if first == last else f"({first}-{last}): {last - first + 1} x {text}")
                 for first, last, text in groups]
        return _block(type(self).__name__, lines)


def _sequential_operand(other) -> "Sequential":
    if not isinstance(other, Sequential):
        raise ValueError(f"add operator supports only objects of Sequential class, but {type(other)} is given.")
    return other


def _repeat_count(seq: Sequential, times) -> int:
    if not isinstance(times, int) or isinstance(times, bool):
        raise TypeError(f"unsupported operand type(s) for *: {type(seq)} and {type(times)}")
    if times <= 0:
        raise ValueError(f"Non-positive multiplication factor {times} for {type(seq)}")
    return times


def _owner_and_name(root: Module, target: str) -> tuple[Module, str]:
    """For get_parameter and get_buffer: the sub-module that holds the last name of the dotted
    path `target` ("fc1.weight": root.fc1 and "weight"), and that name; AttributeError if the
    path is missing."""
    module_path, _, name = target.rpartition(".")
    module = root.get_submodule(module_path)
    if not hasattr(module, name):
        raise AttributeError(type(module).__name__ + " has no attribute `" + name + "`")
    return module, name


def _indented(text: str) -> str:
    """Every line of a child's repr but the first indented by 2, blank lines left empty (PyTorch's)."""
    first, *rest = text.split("\n")
    return "\n".join([first] + [("  " + line) if line.strip() else "" for line in rest])


def _block(name: str, lines: list[str]) -> str:
    """`Name(` + one indented line each + `)`, or `Name()` without lines."""
    if not lines:
        return f"{name}()"
    return f"{name}(\n  " + "\n  ".join(lines) + "\n)"


def _check_module(module, container: str) -> Module:
    if not isinstance(module, Module):
        raise TypeError(f"{container}: expected Modules, got {type(module).__name__} "
                        f"({typename(module)} is not a Module subclass)")
    return module




def _list_index(index: int, length: int, container: str) -> int:
    if not isinstance(index, (int, np.integer)) or isinstance(index, bool):
        raise TypeError(f"{container}: indices must be ints or slices, got {type(index).__name__}")
    if not -length <= index < length:
        raise IndexError(f"{container}: index {index} is out of range for {length} modules")
    return int(index) % length


def _assign_loaded(module: Module, name: str, target: Tensor, value) -> None:
    """load_state_dict(assign=True): the state dict's tensor becomes the module's (a Parameter
    where there was one, keeping its requires_grad)."""
    if isinstance(target, Parameter):
        array = value.data if isinstance(value, Tensor) else value
        setattr(module, name, Parameter(array, requires_grad=target.requires_grad))
    else:
        setattr(module, name, value if isinstance(value, Tensor) else Tensor._make(value, None, False))
