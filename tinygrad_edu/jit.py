"""PyTorch's TorchScript entry points (`torch.jit`), accepted so that programs written with them
run: every function and module runs eagerly here, as Python, exactly as it would without them.

TorchScript compiles a function or an `nn.Module` to a program that runs without Python, to
deploy it or to fuse its ops. tinygrad_edu runs every op with numpy as it is called, so there is
nothing to compile: `tg.jit.script(m)` and `tg.jit.trace(m, example)` return `m` itself (as
`tg.compile` does), the decorators return what they decorate, and `is_scripting()` /
`is_tracing()` are False -- so code that branches on them takes its eager path, as it does in
PyTorch outside TorchScript. Only saving a compiled program (`tg.jit.save` / `load`) has no
counterpart: it raises and names `tg.save(model.state_dict(), path)` instead.

>>> import tinygrad_edu as tg
>>> model = tg.nn.Linear(2, 1)
>>> tg.jit.script(model) is model
True
>>> @tg.jit.script
... def gelu_tanh(x):
...     return 0.5 * x * (1 + tg.tanh(0.7978845608 * (x + 0.044715 * x ** 3)))
>>> gelu_tanh(tg.tensor([0.0]))
tensor([0.])
"""
from __future__ import annotations

import typing
from typing import Any, Callable

__all__ = ["Final", "Future", "ScriptFunction", "ScriptModule", "annotate", "export", "fork", "freeze", "ignore",
           "interface", "is_scripting", "is_tracing", "load", "optimize_for_inference", "save", "script",
           "trace", "trace_module", "unused", "wait"]

Final = typing.Final  # (torch.jit.Final marks a constant attribute of a scripted module)


class ScriptModule:
    """The type of PyTorch's scripted modules. Nothing is scripted here, so no object is one:
    `isinstance(m, tg.jit.ScriptModule)` is False, as for an unscripted module in PyTorch."""


class ScriptFunction:
    """The type of PyTorch's scripted functions; as `ScriptModule`, nothing here is one."""


def _callable(obj: Any, op: str) -> Any:
    if not callable(obj):
        raise RuntimeError(f"jit.{op}: expected a function or an nn.Module, got {type(obj).__name__}")
    return obj


def script(obj: Any = None, optimize: Any = None, _frames_up: int = 0, _rcb: Any = None,
           example_inputs: Any = None) -> Any:
    """`obj` (a function or an nn.Module) itself: it runs eagerly, with the same results PyTorch's
    TorchScript gives. Also a decorator (`@tg.jit.script`)."""
    return _callable(obj, "script")


def trace(func: Any, example_inputs: Any = None, optimize: Any = None, check_trace: bool = True,
          check_inputs: Any = None, check_tolerance: float = 1e-5, strict: bool = True,
          _force_outplace: bool = False, _module_class: Any = None, _compilation_unit: Any = None,
          example_kwarg_inputs: Any = None, _store_inputs: bool = True) -> Any:
    """`func` itself. PyTorch runs it once on `example_inputs` and records the ops it ran, so a
    traced function ignores later changes of control flow; here it stays Python, so it follows
    its `if`s on every call (the result is the same wherever the trace was valid)."""
    return _callable(func, "trace")


def trace_module(mod: Any, inputs: Any = None, optimize: Any = None, check_trace: bool = True,
                 check_inputs: Any = None, check_tolerance: float = 1e-5, strict: bool = True,
                 _force_outplace: bool = False, _module_class: Any = None, _compilation_unit: Any = None,
                 example_inputs_is_kwarg: bool = False, _store_inputs: bool = True) -> Any:
    """`mod` itself (see `trace`)."""
    return _callable(mod, "trace_module")


def ignore(drop: Any = False, **kwargs: Any) -> Any:
    """`@tg.jit.ignore` or `@tg.jit.ignore(drop=True)`: in PyTorch the function is left to
    Python when its caller is scripted; everything is Python here, so it is returned unchanged."""
    if callable(drop):  # @tg.jit.ignore
        return drop
    return lambda fn: _callable(fn, "ignore")  # @tg.jit.ignore(drop=True)


def unused(fn: Callable) -> Callable:
    """`@tg.jit.unused`: returned unchanged (in PyTorch, replaced by a raise in scripted code)."""
    return _callable(fn, "unused")


def export(fn: Callable) -> Callable:
    """`@tg.jit.export`: a method PyTorch compiles too; returned unchanged."""
    return _callable(fn, "export")


def interface(obj: Any) -> Any:
    """`@tg.jit.interface`: declares a TorchScript interface type; returned unchanged."""
    return obj


def is_scripting() -> bool:
    """False: no code runs as TorchScript here (so `if not torch.jit.is_scripting():` branches
    take their Python path, as in PyTorch's eager mode)."""
    return False


def is_tracing() -> bool:
    """False: nothing is being traced here."""
    return False


def annotate(the_type: Any, the_value: Any) -> Any:
    """`the_value` (PyTorch uses `the_type` only while compiling)."""
    return the_value


def freeze(mod: Any, preserved_attrs: Any = None, optimize_numerics: bool = True) -> Any:
    """`mod` itself (PyTorch inlines a scripted module's parameters as constants)."""
    return mod


def optimize_for_inference(mod: Any, other_methods: Any = None) -> Any:
    """`mod` itself (PyTorch freezes it and fuses ops for inference)."""
    return mod


class Future:
    """The result of `fork`: the call already ran (there is no parallel TorchScript interpreter
    here), and `wait()` returns its value."""

    def __init__(self, value: Any) -> None:
        self._value = value

    def wait(self) -> Any:
        return self._value

    def done(self) -> bool:
        return True


def fork(func: Callable, *args: Any, **kwargs: Any) -> Future:
    """Run `func(*args, **kwargs)` now and return a `Future` holding its result (PyTorch may run
    it in parallel with the caller; the result is the same)."""
    return Future(_callable(func, "fork")(*args, **kwargs))


def wait(future: Future) -> Any:
    """The value of a `Future` from `fork`."""
    return future.wait()


def save(m: Any, f: Any, _extra_files: Any = None) -> None:
    """No TorchScript archive can be written: nothing is compiled here."""
    raise NotImplementedError(
        "jit.save: tinygrad_edu compiles nothing, so there is no TorchScript program to save; save the "
        "weights with tg.save(model.state_dict(), path) and load them into a new model with "
        "model.load_state_dict(tg.load(path))")


def load(f: Any, map_location: Any = None, _extra_files: Any = None, _restore_shapes: bool = False) -> Any:
    """No TorchScript archive can be read (see `save`)."""
    raise NotImplementedError(
        "jit.load: tinygrad_edu cannot run a TorchScript archive (a program compiled by PyTorch); "
        "build the model in Python and load its weights with model.load_state_dict(tg.load(path))")
