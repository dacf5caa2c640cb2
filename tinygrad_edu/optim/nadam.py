"""NAdam: Adam with Nesterov momentum and a momentum schedule, in PyTorch's form."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from .adam import check_betas_and_eps, moments_step
from .optimizer import Optimizer, check_kernel_options, check_number


class NAdam(Optimizer):
    """NAdam (Dozat, "Incorporating Nesterov Momentum into Adam", 2016), PyTorch's form; t counts
    this parameter's steps and ψ is `momentum_decay`:

        g ← ∇p (+ weight_decay · p, unless decoupled)       (g ← -g first if maximize)
        p ← p · (1 - lr · weight_decay)                     (only if decoupled_weight_decay)
        μₜ = β₁ (1 - ½ · 0.96^(t ψ)),  μₜ₊₁ = β₁ (1 - ½ · 0.96^((t + 1) ψ))
        Πₜ = μ₁ μ₂ ⋯ μₜ                                     ("mu_product")
        m ← β₁ m + (1 - β₁) g,        v ← β₂ v + (1 - β₂) g²
        d = √(v / (1 - β₂ᵗ)) + eps
        p ← p - lr (1 - μₜ) / (1 - Πₜ) · g / d - lr μₜ₊₁ / (1 - Πₜ μₜ₊₁) · m / d
    """

    # the 0-d state entries (see Optimizer._load_state_value)
    _scalar_state_keys = ("step", "mu_product")

    def __init__(self, params: Iterable, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False) -> None:
        # foreach/capturable choose PyTorch's kernels and devices (same numbers): accepted, no effect here
        check_kernel_options("NAdam", foreach=foreach, differentiable=differentiable)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        check_betas_and_eps("NAdam", group)
        check_number("NAdam", "momentum_decay", group["momentum_decay"])

    def _update(self, param, grad, state, group) -> None:
        beta1, beta2 = group["betas"]
        lr, psi = group["lr"], group["momentum_decay"]
        t, grad = moments_step(param, grad, state, group, mu_product=1.0)
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        product = state["mu_product"].data  # a 0-d array of the scalar dtype, rounded as PyTorch's
        product *= mu
        mu_product = product.item()
        exp_avg, exp_avg_sq = state["exp_avg"].data, state["exp_avg_sq"].data
        denom = np.sqrt(exp_avg_sq / (1 - beta2 ** t)) + group["eps"]
        param += (-lr * (1.0 - mu) / (1.0 - mu_product)) * (grad / denom)
        param += (-lr * mu_next / (1.0 - mu_product * mu_next)) * (exp_avg / denom)
