"""Adagrad, in PyTorch's form (learning-rate decay, weight decay, initial accumulator)."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from .optimizer import Optimizer, advance_step, as_state, check_kernel_options, check_number, scalar_dtype, scalar_state


class Adagrad(Optimizer):
    """Adagrad (Duchi, Hazan & Singer, "Adaptive Subgradient Methods for Online Learning and
    Stochastic Optimization", 2011), PyTorch's form; t counts this parameter's steps:

        g ← ∇p + weight_decay · p                  (g ← -g first if maximize)
        lr_t = lr / (1 + (t - 1) · lr_decay)
        s ← s + g²                                 (s starts at initial_accumulator_value)
        p ← p - lr_t · g / (√s + eps)
    """

    _scalar_state_keys = ("step",)  # (see Optimizer._load_state_value)

    def __init__(self, params: Iterable, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, fused: bool | None = None) -> None:
        # foreach/fused choose PyTorch's kernels (the numbers are the same): accepted, no effect here
        check_kernel_options("Adagrad", foreach=foreach, differentiable=differentiable, fused=fused)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))
        # PyTorch makes the state at construction, so a state_dict lists it before any step
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p.data, self.state[p], group)

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        check_number("Adagrad", "lr_decay", group["lr_decay"])
        check_number("Adagrad", "initial_accumulator_value", group["initial_accumulator_value"])
        check_number("Adagrad", "eps", group["eps"], what="epsilon value")

    @staticmethod
    def _init_state(param: np.ndarray, state: dict, group: dict) -> None:
        state["step"] = scalar_state(0.0, scalar_dtype(group["fused"]))
        state["sum"] = as_state(np.full_like(param, group["initial_accumulator_value"]))

    def _update(self, param, grad, state, group) -> None:
        if not state:  # a parameter added later with add_param_group
            self._init_state(param, state, group)
        t = advance_step(state)
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        lr_t = group["lr"] / (1 + (t - 1) * group["lr_decay"])
        state_sum = state["sum"].data
        state_sum += grad * grad
        std = np.sqrt(state_sum)
        std += group["eps"]
        param -= lr_t * (grad / std)
