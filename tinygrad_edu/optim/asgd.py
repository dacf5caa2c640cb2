"""ASGD: averaged stochastic gradient descent, in PyTorch's form."""
from __future__ import annotations

from typing import Iterable

import numpy as np

from .optimizer import Optimizer, advance_step, as_state, check_kernel_options, scalar_dtype, scalar_state


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

    # the 0-d state entries (see Optimizer._load_state_value)
    _scalar_state_keys = ("step", "eta", "mu")

    def __init__(self, params: Iterable, lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        # foreach/capturable choose PyTorch's kernels and devices (same numbers): accepted, no effect here
        check_kernel_options("ASGD", foreach=foreach, differentiable=differentiable)
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def _update(self, param, grad, state, group) -> None:
        lr, lambd = group["lr"], group["lambd"]
        if not state:
            dtype = scalar_dtype()
            state["step"] = scalar_state(0.0, dtype)
            state["eta"] = scalar_state(lr, dtype)
            state["mu"] = scalar_state(1.0, dtype)
            state["ax"] = as_state(np.zeros_like(param))
        t = advance_step(state)
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        # η and μ live in 0-d arrays of the scalar dtype, so they are rounded as PyTorch's
        eta_array, mu_array, ax = state["eta"].data, state["mu"].data, state["ax"].data
        eta, mu = eta_array.item(), mu_array.item()
        param *= 1 - lambd * eta
        param -= eta * grad
        if mu != 1:
            ax += (param - ax) * mu
        else:
            ax[...] = param
        eta_array[...] = lr / ((1 + lambd * lr * t) ** group["alpha"])
        mu_array[...] = 1 / max(1, t - group["t0"])
