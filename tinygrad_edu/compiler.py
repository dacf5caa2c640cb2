"""`tg.compiler`: PyTorch's `torch.compiler`, the functions that steer `torch.compile`, accepted
so that code written for it runs unchanged.

`tg.compile` compiles nothing (it returns the function or module itself, see compiling.py), so
nothing here has anything to steer: `disable` and the other decorators return the function they
are given, `is_compiling()` is always False (code that branches on it takes its eager path),
`set_stance` only records the stance, and `list_backends` names PyTorch's backends, every one of
which `tg.compile` accepts and runs eagerly.

>>> import tinygrad_edu as tg
>>> @tg.compiler.disable
... def log_stats(x):
...     return float(x.mean())
>>> log_stats(tg.tensor([1.0, 3.0])), tg.compiler.is_compiling()
(2.0, False)
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

from .compiling import compile
from .func._tree import flatten, unflatten
from .tensor import Tensor

__all__ = ["compile", "disable", "is_compiling", "is_dynamo_compiling", "is_exporting", "reset", "allow_in_graph",
           "assume_constant_result", "list_backends", "cudagraph_mark_step_begin", "set_stance",
           "get_default_backend", "set_default_backend", "wrap_numpy", "nested_compile_region",
           "substitute_in_graph", "save_cache_artifacts", "load_cache_artifacts"]

# torch.compile's registered backends in PyTorch 2.13 and their tags (list_backends leaves out the
# "debug" and "experimental" ones unless asked)
_BACKENDS = {
    "cudagraphs": (), "inductor": (), "openxla": (), "tvm": (),
    "openxla_eval": ("experimental",),
    **{name: ("debug",) for name in (
        "aot_eager", "aot_eager_decomp_partition", "aot_eager_decomp_partition_crossref",
        "aot_eager_decomp_partition_with_mode", "aot_eager_default_partitioner", "aot_ts",
        "dynamo_accuracy_minifier_backend", "dynamo_minifier_backend", "eager", "eager_debug", "eager_noexcept",
        "invoke_subgraph", "non_leaf_compile_error_TESTING_ONLY", "pre_dispatch_eager",
        "relu_accuracy_error_TESTING_ONLY", "relu_compile_error_TESTING_ONLY", "relu_runtime_error_TESTING_ONLY",
        "ts")},
}
_STANCES = ("default", "force_eager", "eager_on_recompile", "fail_on_recompile", "eager_then_compile",
            "aot_eager_then_compile")
_DEFAULT_BACKEND = "inductor"
_default_backend: str | Callable = _DEFAULT_BACKEND


def _check_callable(fn, what: str) -> None:
    if not callable(fn):
        raise AssertionError(f"{what} expects a callable (a function or a module), got {type(fn).__name__} {fn!r}")


def is_compiling() -> bool:
    """False: code here never runs inside a compiled region."""
    return False


def is_dynamo_compiling() -> bool:
    """False, as `is_compiling`."""
    return False


def is_exporting() -> bool:
    """False: nothing is exported (traced by torch.export) here."""
    return False


def disable(fn: Callable | None = None, recursive: bool = True, *, reason: str | None = None):
    """Mark `fn` to run without compiling: `fn` itself comes back (it runs eagerly, as
    everything does here). Without `fn`, a decorator: `@tg.compiler.disable(reason="logging")`.
    A non-callable `fn` raises AssertionError, as in PyTorch."""
    if fn is None:
        return functools.partial(disable, recursive=recursive, reason=reason)
    _check_callable(fn, "disable")
    return fn


def allow_in_graph(fn):
    """Let `fn` (or each function of a list) be called from compiled code as is: returned
    unchanged."""
    if isinstance(fn, (list, tuple)):
        return [allow_in_graph(f) for f in fn]
    _check_callable(fn, "allow_in_graph")
    return fn


def assume_constant_result(fn):
    """Let the compiler treat `fn`'s result as a constant: returned unchanged."""
    _check_callable(fn, "assume_constant_result")
    return fn


def nested_compile_region(fn: Callable | None = None, *, options: Any = None, max_reuse_entries: int = 8,
                          reuse_hash_fn: Callable | None = None):
    """Mark `fn` as a region to compile once and reuse: returned unchanged (or, without `fn`, a
    decorator that returns its function)."""
    if fn is None:
        return nested_compile_region
    _check_callable(fn, "nested_compile_region")
    return fn


def substitute_in_graph(original_fn: Callable, *, can_constant_fold_through: bool = False,
                        skip_signature_check: bool = False) -> Callable[[Callable], Callable]:
    """A decorator registering a replacement of `original_fn` for compiled code; outside
    compiled code (always, here) the replacement is called as written."""
    _check_callable(original_fn, "substitute_in_graph")
    return lambda fn: fn


def wrap_numpy(fn: Callable) -> Callable:
    """`fn`, a function of numpy arrays, as a function of Tensors: Tensor arguments (also inside
    lists, tuples and dicts) become their arrays, and arrays in the result become Tensors. (The
    arrays are outside autograd: no gradient flows through `fn`.)

    >>> import numpy as np, tinygrad_edu as tg
    >>> tg.compiler.wrap_numpy(np.add)(tg.tensor([1.0]), tg.tensor([2.0]))
    tensor([3.])
    """
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        leaves, spec = flatten((args, kwargs))
        args, kwargs = unflatten([leaf.numpy() if isinstance(leaf, Tensor) else leaf for leaf in leaves], spec)
        leaves, spec = flatten(fn(*args, **kwargs))
        return unflatten([Tensor(leaf) if isinstance(leaf, np.ndarray) else leaf for leaf in leaves], spec)

    return wrapper


def list_backends(exclude_tags: tuple[str, ...] | None = ("debug", "experimental")) -> list[str]:
    """The names `torch.compile(backend=...)` knows, sorted, without those tagged with one of
    `exclude_tags` (None or () for all). `tg.compile` accepts each and runs eagerly."""
    excluded = set(exclude_tags or ())
    return sorted(name for name, tags in _BACKENDS.items() if not excluded.intersection(tags))


def get_default_backend() -> str | Callable:
    """The backend `tg.compile` would use when given none ("inductor" unless set)."""
    return _default_backend


def set_default_backend(backend: str | Callable | None) -> None:
    """Record the backend `compile` uses when given none (None: back to "inductor")."""
    global _default_backend
    _default_backend = _DEFAULT_BACKEND if backend is None else backend


def reset() -> None:
    """Forget all compiled code: there is none here, so nothing happens."""


def cudagraph_mark_step_begin() -> None:
    """Mark the start of a training step for CUDA graphs: nothing to do here."""


def save_cache_artifacts() -> None:
    """None: nothing has been compiled, so there is nothing to save (PyTorch returns None too)."""
    return None


def load_cache_artifacts(serialized_artifacts: bytes) -> None:
    """Nothing to load into: compiled artifacts are ignored here; returns None."""
    return None


_stance = "default"


class set_stance:  # noqa: N801 (PyTorch's name)
    """Set how `compile` behaves: "default", "force_eager", "eager_on_recompile",
    "fail_on_recompile", "eager_then_compile" or "aot_eager_then_compile". As in PyTorch, a call
    sets it, and it also works as a `with` block and a decorator (restoring the previous stance
    afterwards). Here every stance runs eagerly, so it is only recorded; an unknown stance
    raises RuntimeError (PyTorch fails later, when compiled code runs), and `force_backend` goes
    only with "default"."""

    def __init__(self, stance: str = "default", *, skip_guard_eval_unsafe: bool = False,
                 force_backend: str | Callable | None = None) -> None:
        global _stance
        if force_backend is not None and stance != "default":
            raise RuntimeError("non-default stance cannot have force_backend set")
        if stance not in _STANCES:
            raise RuntimeError(f"set_stance: unknown stance {stance!r}; the stances are {', '.join(_STANCES)}")
        self.stance = stance
        self.skip_guard_eval_unsafe = skip_guard_eval_unsafe
        self.force_backend = force_backend
        self.prev, _stance = _stance, stance

    def __enter__(self) -> None:
        global _stance
        _stance = self.stance

    def __exit__(self, exc_type, exc, tb) -> None:
        global _stance
        _stance = self.prev

    def __call__(self, fn: Callable) -> Callable:
        global _stance
        _stance = self.prev  # (as a decorator it sets the stance only while fn runs)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)

        return wrapper
