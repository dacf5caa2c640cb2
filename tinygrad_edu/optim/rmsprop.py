"""RMSprop, in PyTorch's form (optionally centered, with momentum and weight decay)."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from .adam import lerp_
from .optimizer import Optimizer, advance_step, as_state, check_kernel_options, check_number, scalar_dtype, scalar_state


class RMSprop(Optimizer):
    """RMSprop (Hinton, "Neural Networks for Machine Learning", lecture 6e, 2012; the centered
    form from Graves, "Generating Sequences With Recurrent Neural Networks", 2013), PyTorch's form:

        g ← ∇p + weight_decay · p                   (g ← -g first if maximize)
        v ← α v + (1 - α) g²                        (running mean of g²)
        a ← √v + eps, or, if centered:
            ḡ ← α ḡ + (1 - α) g,  a ← √(v - ḡ²) + eps   (running variance instead)
        b ← momentum · b + g / a,  p ← p - lr · b   if momentum > 0
        p ← p - lr · g / a                          otherwise
    """

    _scalar_state_keys = ("step",)  # (see Optimizer._load_state_value)

    def __init__(self, params: Iterable, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        # foreach/capturable choose PyTorch's kernels and devices (the numbers are the same): accepted,
        # no effect here
        check_kernel_options("RMSprop", foreach=foreach, differentiable=differentiable)
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                      weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        check_number("RMSprop", "eps", group["eps"], what="epsilon value")
        check_number("RMSprop", "momentum", group["momentum"])
        check_number("RMSprop", "alpha", group["alpha"])

    def _update(self, param, grad, state, group) -> None:
        alpha, momentum = group["alpha"], group["momentum"]
        if not state:
            state["step"] = scalar_state(0.0, scalar_dtype())
            state["square_avg"] = as_state(np.zeros_like(param))
            if momentum > 0:
                state["momentum_buffer"] = as_state(np.zeros_like(param))
            if group["centered"]:
                state["grad_avg"] = as_state(np.zeros_like(param))
        advance_step(state)
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        square_avg = state["square_avg"].data
        square_avg *= alpha
        square_avg += (1 - alpha) * grad * grad
        if group["centered"]:
            if "grad_avg" not in state:  # (centered switched on after the first step)
                state["grad_avg"] = as_state(np.zeros_like(param))
            grad_avg = state["grad_avg"].data
            lerp_(grad_avg, grad, 1 - alpha)
            avg = np.sqrt(square_avg - grad_avg * grad_avg)
        else:
            avg = np.sqrt(square_avg)
        avg += group["eps"]
        if momentum > 0:
            if "momentum_buffer" not in state:  # (momentum switched on after the first step)
                state["momentum_buffer"] = as_state(np.zeros_like(param))
            buf = state["momentum_buffer"].data
            buf *= momentum
            buf += grad / avg
            param -= group["lr"] * buf
        else:
            param -= group["lr"] * (grad / avg)
