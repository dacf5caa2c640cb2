"""RAdam: Adam with the variance of its adaptive learning rate rectified, in PyTorch's form."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from .adam import check_betas_and_eps, moments_step
from .optimizer import Optimizer, check_kernel_options


class RAdam(Optimizer):
    """RAdam (Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond", 2020),
    PyTorch's form; t counts this parameter's steps:

        g ← ∇p (+ weight_decay · p, unless decoupled)       (g ← -g first if maximize)
        p ← p · (1 - lr · weight_decay)                     (only if decoupled_weight_decay)
        m ← β₁ m + (1 - β₁) g,        v ← β₂ v + (1 - β₂) g²,      m̂ = m / (1 - β₁ᵗ)
        ρ∞ = 2 / (1 - β₂) - 1,        ρₜ = ρ∞ - 2 t β₂ᵗ / (1 - β₂ᵗ)
        if ρₜ > 5:  r = √((ρₜ - 4)(ρₜ - 2) ρ∞ / ((ρ∞ - 4)(ρ∞ - 2) ρₜ))
                    p ← p - lr · m̂ · √(1 - β₂ᵗ) / (√v + eps) · r
        else:       p ← p - lr · m̂                           (SGD with momentum while v is unreliable)
    """

    _scalar_state_keys = ("step",)  # (see Optimizer._load_state_value)

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        # foreach/capturable choose PyTorch's kernels and devices (same numbers): accepted, no effect here
        check_kernel_options("RAdam", foreach=foreach, differentiable=differentiable)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        check_betas_and_eps("RAdam", group)

    def _update(self, param, grad, state, group) -> None:
        beta1, beta2 = group["betas"]
        lr = group["lr"]
        t, grad = moments_step(param, grad, state, group)
        exp_avg, exp_avg_sq = state["exp_avg"].data, state["exp_avg_sq"].data
        bias_correction2 = 1 - beta2 ** t
        bias_corrected_exp_avg = exp_avg / (1 - beta1 ** t)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * beta2 ** t / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive_lr = bias_correction2 ** 0.5 / (np.sqrt(exp_avg_sq) + group["eps"])
            param -= bias_corrected_exp_avg * lr * adaptive_lr * rect
        else:
            param -= bias_corrected_exp_avg * lr
