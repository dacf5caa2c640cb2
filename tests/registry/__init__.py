"""The gradcheck registry: every differentiable public op, with input shapes to check it on.

Each family of ops registers itself in a module of this package (core.py for Tensor and `tg.`
ops, nn.py for `nn.functional`, ...). tests/test_registry.py gradchecks and gradgradchecks every
entry in float64 and fails if a public op is neither registered nor listed as not differentiable.

    register("Tensor.mul", lambda a, b: a * b, [(3, 4), (4,)], [(2, 1), (1, 3)], [(), (5,)])

A case is a list of input specs, one per tensor argument of `fn`: a shape tuple (standard normal
values) or a `Spec` for a restricted domain (`positive(shape)`, `unit(shape)`, `distinct(shape)`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

import tinygrad_edu as tg


@dataclass(frozen=True)
class Spec:
    shape: tuple
    kind: str = "normal"  # normal | positive | unit | distinct
    requires_grad: bool = True

    def make(self, rng: np.random.Generator) -> tg.Tensor:
        n = int(np.prod(self.shape))
        if self.kind == "positive":
            data = rng.uniform(0.5, 2.0, self.shape)
        elif self.kind == "unit":
            data = rng.uniform(-0.9, 0.9, self.shape)
        elif self.kind == "distinct":  # well separated values: no ties for max/min/sort-like ops
            data = rng.permutation(n).reshape(self.shape) * 0.5 + rng.uniform(-0.1, 0.1, self.shape)
        else:
            data = rng.standard_normal(self.shape)
        return tg.tensor(np.asarray(data, dtype=np.float64), requires_grad=self.requires_grad)


def positive(*shape) -> Spec:
    return Spec(tuple(shape), "positive")


def unit(*shape) -> Spec:
    return Spec(tuple(shape), "unit")


def distinct(*shape) -> Spec:
    return Spec(tuple(shape), "distinct")


def constant(*shape) -> Spec:
    """An input that does not require grad (e.g. a target)."""
    return Spec(tuple(shape), "normal", requires_grad=False)


@dataclass
class Entry:
    name: str
    fn: Callable
    cases: list[list[Spec]] = field(default_factory=list)
    atol: float = 1e-5
    rtol: float = 1e-3
    eps: float = 1e-6


REGISTRY: dict[str, Entry] = {}

# Public names that are deliberately not in the registry, each with the reason.
NOT_DIFFERENTIABLE: dict[str, str] = {}


def register(name: str, fn: Callable, *cases, atol: float = 1e-5, rtol: float = 1e-3,
             eps: float = 1e-6) -> None:
    if name in REGISTRY:
        raise ValueError(f"registry: {name} registered twice")
    specs = [[c if isinstance(c, Spec) else Spec(tuple(c)) for c in case] for case in cases]
    if len(specs) < 3:
        raise ValueError(f"registry: {name} needs at least three cases (broadcasting, size 1, ...)")
    REGISTRY[name] = Entry(name, fn, specs, atol, rtol, eps)


def not_differentiable(reason: str, *names: str) -> None:
    for name in names:
        NOT_DIFFERENTIABLE[name] = reason


def load_all() -> dict[str, Entry]:
    """Import every registry module (each registers its ops on import)."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return REGISTRY
