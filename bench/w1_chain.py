"""The W1 chain of bench/ops.py and its hand-written numpy version, in a module of their own that
needs only numpy (so that bench/instructions.py can count numpy's run without importing
tinygrad_edu under valgrind).

The chain: 100 ops on a float32 tensor of shape (4,), alternating add, mul and a nonlinearity
(sigmoid, then tanh), then backward from the end of the chain.
"""
from __future__ import annotations

import numpy as np

N_OPS = 100
SHAPE = (4,)


def kinds() -> list[str]:
    """add, mul, sigmoid, add, mul, tanh, ... (100 ops)."""
    nonlinear = ["sigmoid", "tanh"]
    return [("add", "mul", nonlinear[(i // 3) % 2])[i % 3] for i in range(N_OPS)]


def chain_numpy(x0: np.ndarray, c: np.ndarray) -> np.ndarray:
    """The same chain with the chain rule written by hand: the cost of the math alone."""
    saved = []
    y = x0
    for kind in KINDS:
        if kind == "add":
            y = y + c
            saved.append(None)
        elif kind == "mul":
            saved.append(None)
            y = y * c
        elif kind == "sigmoid":
            y = 1 / (1 + np.exp(-y))
            saved.append(y)
        else:
            y = np.tanh(y)
            saved.append(y)
    grad = np.ones_like(x0)
    for kind, s in zip(reversed(KINDS), reversed(saved)):
        if kind == "mul":
            grad = grad * c
        elif kind == "sigmoid":
            grad = grad * (s * (1 - s))
        elif kind == "tanh":
            grad = grad * (1 - s * s)
    return grad


KINDS = kinds()


def inputs() -> tuple[np.ndarray, np.ndarray]:
    """The chain's start x0 and its constant c (float32, fixed seed)."""
    rng = np.random.default_rng(0)
    return rng.standard_normal(SHAPE).astype(np.float32), rng.uniform(0.5, 1.0, SHAPE).astype(np.float32)
