"""ASGD: averaged stochastic gradient descent, in PyTorch's form."""
from __future__ import annotations

from typing import Iterable

import numpy as np

from .optimizer import Optimizer, reject_differentiable


class ASGD(Optimizer):
    """Averaged SGD (Polyak & Juditsky, "Acceleration of Stochastic Approximation by Averaging",
    1992), PyTorch's form; t counts this parameter's steps, η starts at lr and μ at 1:

        g ← ∇p + weight_decay · p                   (g ← -g first if maximize)
        p ← p · (1 - λ η) - η g                     (SGD with a decay term)
        ax ← ax + μ (p - ax)                        (ax ← p while μ = 1)
        η ← lr / (1 + λ lr t)^α,    μ ← 1 / max(1, t - t0)

    The parameters themselves follow plain SGD; `optimizer.state[p]["ax"]` holds the average,
    which starts at step t0 (1e6 by default, so set t0 to use it).
    """

    def __init__(self, params: Iterable, lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0.0, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        # foreach/capturable choose PyTorch's kernels and devices (same numbers): accepted, no effect here
        reject_differentiable("ASGD", differentiable)
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def _load_state_value(self, p, index, key: str, value):
        """As the base class, but the scalar state entries (PyTorch keeps 0-d tensors) become floats."""
        if key in ("eta", "mu"):
            return float(value)  # (a number, a 0-d array, or a one-element tensor of ours or PyTorch's)
        return super()._load_state_value(p, index, key, value)

    def _update(self, param, grad, state, group) -> None:
        lr, lambd = group["lr"], group["lambd"]
        if not state:
            state["step"] = 0
            state["eta"] = float(lr)
            state["mu"] = 1.0
            state["ax"] = np.zeros_like(param)
        state["step"] += 1
        t = state["step"]
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        eta = state["eta"]
        param *= 1 - lambd * eta
        param -= eta * grad
        if state["mu"] != 1:
            state["ax"] += (param - state["ax"]) * state["mu"]
        else:
            state["ax"][...] = param
        state["eta"] = lr / ((1 + lambd * lr * t) ** group["alpha"])
        state["mu"] = 1 / max(1, t - group["t0"])
