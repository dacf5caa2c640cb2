"""Every differentiable public op passes gradcheck and gradgradcheck in float64, on every case
of its registry entry; and no public op is missing from the registry."""
import inspect

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor

from .registry import NOT_DIFFERENTIABLE, load_all

REGISTRY = load_all()
CASES = [(name, i) for name, entry in REGISTRY.items() for i in range(len(entry.cases))]


def _inputs(name: str, i: int):
    rng = np.random.default_rng(abs(hash((name, i))) % 2**32)
    return [spec.make(rng) for spec in REGISTRY[name].cases[i]]


@pytest.mark.parametrize("name,i", CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_gradcheck(name, i):
    entry = REGISTRY[name]
    assert tg.gradcheck(entry.fn, _inputs(name, i), eps=entry.eps, atol=entry.atol, rtol=entry.rtol)


@pytest.mark.parametrize("name,i", CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_gradgradcheck(name, i):
    entry = REGISTRY[name]
    assert tg.gradgradcheck(entry.fn, _inputs(name, i), eps=entry.eps, atol=entry.atol, rtol=entry.rtol)


def _public_names() -> set[str]:
    names = {f"tg.{n}" for n, obj in vars(tg).items()
             if not n.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj))}
    for n, obj in vars(Tensor).items():
        if callable(obj) or isinstance(obj, property) and n == "T":
            if not n.startswith("_") or n in _DUNDER_OPS:
                names.add(f"Tensor.{n}")
    try:
        import tinygrad_edu.nn.functional as F
    except ImportError:
        F = None
    if F is not None:
        names |= {f"F.{n}" for n, obj in vars(F).items()
                  if not n.startswith("_") and inspect.isfunction(obj) and obj.__module__.startswith("tinygrad_edu")}
    return names


_DUNDER_OPS = {
    "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__",
    "__pow__", "__rpow__", "__neg__", "__pos__", "__matmul__", "__rmatmul__", "__getitem__",
    "__setitem__", "__iter__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__",
    "__invert__", "__and__", "__or__", "__iadd__", "__isub__", "__imul__", "__itruediv__",
    "__len__", "__bool__", "__float__", "__int__", "__index__", "__array__",
}


def test_every_public_op_is_registered_or_marked():
    covered = {name.split("(")[0] for name in REGISTRY} | set(NOT_DIFFERENTIABLE)
    modules_and_helpers = {f"tg.{n}" for n, obj in vars(tg).items() if inspect.ismodule(obj)}
    missing = sorted(_public_names() - covered - modules_and_helpers)
    assert not missing, (
        "these public ops are neither in the gradcheck registry (tests/registry/) nor marked "
        f"not differentiable: {missing}"
    )


def test_registry_names_exist():
    """A registry entry for a name that no longer exists is stale."""
    public = _public_names()
    stale = sorted({n.split("(")[0] for n in REGISTRY} - public)
    assert not stale, f"registered but not public: {stale}"
