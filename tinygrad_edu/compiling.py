"""PyTorch's speed switches, accepted so that training scripts run unchanged: `tg.compile` and
`tg.set_float32_matmul_precision` / `tg.get_float32_matmul_precision`.

tinygrad_edu runs every op eagerly with numpy and compiles nothing: `tg.compile(model)` returns
`model` itself, like PyTorch's `torch.compile(model, backend="eager")` in effect (same results,
no speed-up), and the matmul precision is only recorded (numpy always multiplies float32
matrices in float32).

>>> import tinygrad_edu as tg
>>> model = tg.nn.Linear(2, 1)
>>> tg.compile(model) is model
True
>>> @tg.compile(mode="max-autotune")
... def double(x):
...     return 2 * x
>>> double(tg.tensor([1.0, 2.0]))
tensor([2., 4.])
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

__all__ = ["compile", "get_float32_matmul_precision", "set_float32_matmul_precision"]

# The modes torch.compile knows (it raises RuntimeError for others).
MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")


def _check_mode(mode: str | None, options: dict | None) -> None:
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if mode is not None and mode not in MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(MODES)}")


def compile(model: Callable | None = None, *, fullgraph: bool = False, dynamic: bool | None = None,  # noqa: A001
            backend: str | Callable | None = None, mode: str | None = None, options: dict | None = None,
            name: str | None = None, disable: bool = False, recompile_limit: int | None = None,
            isolate_recompiles: bool = False, shapes_spec: Any = None) -> Callable:
    """`model` (a function or an nn.Module) returned unchanged: nothing is compiled here, every op
    runs eagerly as it would without `tg.compile` (PyTorch's backend="eager" gives the same
    numbers). Also a decorator: `@tg.compile` and `@tg.compile(mode=...)`. `mode` is checked as
    in PyTorch (RuntimeError for an unknown mode, or for `mode` and `options` together); the other
    arguments are accepted and ignored.

    One difference on purpose: PyTorch wraps a Module in an `OptimizedModule`, whose
    `state_dict()` keys start with `_orig_mod.` (e.g. `_orig_mod.weight`), so a checkpoint saved
    from the compiled model does not load into an uncompiled one. Here the module itself comes
    back, so its keys are the plain ones (`weight`) -- the keys PyTorch users get by saving
    `model._orig_mod.state_dict()` or the original model's `state_dict()`, as PyTorch's
    documentation recommends.
    """
    if model is None:  # @tg.compile(...) with arguments: the decorator (it checks `mode`, as PyTorch's)
        def decorate(fn: Callable) -> Callable:
            return compile(fn, backend=backend, mode=mode, options=options)  # (the others are ignored)
        return decorate
    _check_mode(mode, options)
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    if isinstance(backend, str):
        from .compiler import list_backends

        if backend not in list_backends(exclude_tags=()):
            raise InvalidBackend(f"Invalid backend: {backend!r}, see `tg.compiler.list_backends()` for "
                                 f"available backends.")
    return model


class InvalidBackend(RuntimeError):
    """`tg.compile(model, backend=name)` with a name PyTorch's compiler does not know (PyTorch's
    torch._dynamo.exc.InvalidBackend, also a RuntimeError)."""


_PRECISIONS = ("highest", "high", "medium")
_matmul_precision = "highest"


def set_float32_matmul_precision(precision: str) -> None:
    """Record the float32 matmul precision ("highest", "high" or "medium"), as PyTorch's switch
    for TF32/bfloat16 matmuls on GPUs. Nothing changes here: numpy computes float32 matmuls in
    float32. An unknown string warns and changes nothing (as PyTorch); a non-string raises
    RuntimeError.

    >>> import tinygrad_edu as tg
    >>> tg.set_float32_matmul_precision("high"); tg.get_float32_matmul_precision()
    'high'
    >>> tg.set_float32_matmul_precision("highest")
    """
    global _matmul_precision
    if not isinstance(precision, str):
        raise RuntimeError(f"set_float32_matmul_precision expects a str, but got {type(precision).__name__}")
    if precision not in _PRECISIONS:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      "set_float32_matmul_precision call has no effect.", UserWarning, stacklevel=2)
        return
    _matmul_precision = precision


def get_float32_matmul_precision() -> str:
    """The value last given to `set_float32_matmul_precision` ("highest" at the start)."""
    return _matmul_precision
