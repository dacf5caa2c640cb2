"""Adadelta, in PyTorch's form (a learning rate on top of Zeiler's unit-correcting ratio)."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from .optimizer import Optimizer, advance_step, as_state, check_kernel_options, check_number, scalar_dtype, scalar_state


class Adadelta(Optimizer):
    """Adadelta (Zeiler, "ADADELTA: An Adaptive Learning Rate Method", 2012), PyTorch's form:

        g ← ∇p + weight_decay · p                   (g ← -g first if maximize)
        v ← ρ v + (1 - ρ) g²                        (running mean of g², "square_avg")
        Δ ← √(u + eps) / √(v + eps) · g             (u: running mean of Δ², "acc_delta")
        u ← ρ u + (1 - ρ) Δ²
        p ← p - lr · Δ

    Zeiler's method is lr = 1 (the default): the ratio of the two root-mean-squares gives the
    step its units, so no learning rate needs tuning.
    """

    _scalar_state_keys = ("step",)  # (see Optimizer._load_state_value)

    def __init__(self, params: Iterable, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False) -> None:
        # foreach/capturable choose PyTorch's kernels and devices (same numbers): accepted, no effect here
        check_kernel_options("Adadelta", foreach=foreach, differentiable=differentiable)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      capturable=capturable, foreach=foreach, differentiable=differentiable))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        check_number("Adadelta", "rho", group["rho"])
        if group["rho"] > 1:
            raise ValueError(f"Adadelta: Invalid rho value: {group['rho']} (rho must be in [0, 1])")
        check_number("Adadelta", "eps", group["eps"], what="epsilon value")

    def _update(self, param, grad, state, group) -> None:
        rho, eps = group["rho"], group["eps"]
        if not state:
            state["step"] = scalar_state(0.0, scalar_dtype())
            state["square_avg"] = as_state(np.zeros_like(param))
            state["acc_delta"] = as_state(np.zeros_like(param))
        advance_step(state)
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        square_avg, acc_delta = state["square_avg"].data, state["acc_delta"].data
        square_avg *= rho
        square_avg += (1 - rho) * grad * grad
        std = np.sqrt(square_avg + eps)
        delta = np.sqrt(acc_delta + eps) / std * grad
        acc_delta *= rho
        acc_delta += (1 - rho) * delta * delta
        param -= group["lr"] * delta
