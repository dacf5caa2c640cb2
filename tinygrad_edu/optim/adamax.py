"""Adamax: Adam with the infinity norm in place of the root-mean-square, in PyTorch's form."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from .adam import check_betas_and_eps, lerp_
from .optimizer import Optimizer, advance_step, as_state, check_kernel_options, scalar_dtype, scalar_state


class Adamax(Optimizer):
    """Adamax (Kingma & Ba, "Adam: A Method for Stochastic Optimization", 2015, section 7.1),
    PyTorch's form; t counts this parameter's steps:

        g ← ∇p + weight_decay · p                   (g ← -g first if maximize)
        m ← β₁ m + (1 - β₁) g                       ("exp_avg")
        u ← max(β₂ u, |g| + eps)                    ("exp_inf", an exponentially weighted ∞-norm)
        p ← p - lr / (1 - β₁ᵗ) · m / u
    """

    _scalar_state_keys = ("step",)  # (see Optimizer._load_state_value)

    def __init__(self, params: Iterable, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, capturable: bool = False) -> None:
        # foreach/capturable choose PyTorch's kernels and devices (same numbers): accepted, no effect here
        check_kernel_options("Adamax", foreach=foreach, differentiable=differentiable)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        check_betas_and_eps("Adamax", group)

    def _update(self, param, grad, state, group) -> None:
        beta1, beta2 = group["betas"]
        if not state:
            state["step"] = scalar_state(0.0, scalar_dtype())
            state["exp_avg"] = as_state(np.zeros_like(param))
            state["exp_inf"] = as_state(np.zeros_like(param))
        t = advance_step(state)
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        exp_avg, exp_inf = state["exp_avg"].data, state["exp_inf"].data
        lerp_(exp_avg, grad, 1 - beta1)
        exp_inf *= beta2
        np.maximum(exp_inf, np.abs(grad) + group["eps"], out=exp_inf)
        step_size = group["lr"] / (1 - beta1 ** t)
        param -= step_size * (exp_avg / exp_inf)
