"""Rprop: resilient backpropagation, steps from the signs of the gradients only, in PyTorch's form."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from .optimizer import Optimizer, advance_step, as_state, check_kernel_options, scalar_dtype, scalar_state


class Rprop(Optimizer):
    """Rprop (Riedmiller & Braun, "A Direct Adaptive Method for Faster Backpropagation Learning:
    The RPROP Algorithm", 1993), PyTorch's form. Each element has its own step size η (starting
    at lr); only the sign of the gradient is used:

        s = sign(g · g_prev)                                 (g ← -g first if maximize)
        η ← clamp(η · etaplus, *step_sizes)     where s > 0  (same direction: speed up)
        η ← clamp(η · etaminus, *step_sizes)    where s < 0  (overshot: slow down, and
                                                              g ← 0 there, so no step and no
                                                              sign change is seen next time)
        p ← p - sign(g) · η,      g_prev ← g

    Meant for full-batch training: with mini-batches the signs are noisy.
    """

    _scalar_state_keys = ("step",)  # (see Optimizer._load_state_value)

    def __init__(self, params: Iterable, lr: float = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        # foreach/capturable choose PyTorch's kernels and devices (same numbers): accepted, no effect here
        check_kernel_options("Rprop", foreach=foreach, differentiable=differentiable)
        super().__init__(params, dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes), foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, capturable=capturable))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        etas = group["etas"] = tuple(group["etas"])
        group["step_sizes"] = tuple(group["step_sizes"])
        if len(etas) != 2 or not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Rprop: Invalid eta values: {', '.join(map(str, etas))} (etas = (etaminus, etaplus) "
                             f"needs 0 < etaminus < 1 < etaplus)")
        if len(group["step_sizes"]) != 2:
            raise ValueError(f"Rprop: step_sizes must be two numbers (smallest, largest), got {group['step_sizes']!r}")

    def _update(self, param, grad, state, group) -> None:
        etaminus, etaplus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]
        if not state:
            state["step"] = scalar_state(0.0, scalar_dtype())
            state["prev"] = as_state(np.zeros_like(param))
            state["step_size"] = as_state(np.full_like(param, group["lr"]))
        advance_step(state)
        prev, step_size = state["prev"].data, state["step_size"].data
        sign = np.sign(grad * prev)
        factor = np.where(sign > 0, etaplus, np.where(sign < 0, etaminus, 1.0)).astype(param.dtype)
        step_size *= factor
        np.clip(step_size, step_size_min, step_size_max, out=step_size)
        grad = np.where(sign < 0, 0, grad).astype(param.dtype)
        param -= np.sign(grad) * step_size
        prev[...] = grad
