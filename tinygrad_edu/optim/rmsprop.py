"""RMSprop, in PyTorch's form (optionally centered, with momentum and weight decay)."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from .adam import lerp_
from .optimizer import Optimizer, check_number


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

    def __init__(self, params: Iterable, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False) -> None:
        # foreach is PyTorch's choice of kernel (the numbers are the same): accepted, no effect here
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                      weight_decay=weight_decay, foreach=foreach, maximize=maximize))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        check_number("RMSprop", "eps", group["eps"], what="epsilon value")
        check_number("RMSprop", "momentum", group["momentum"])
        check_number("RMSprop", "alpha", group["alpha"])

    def _update(self, param, grad, state, group) -> None:
        alpha, momentum = group["alpha"], group["momentum"]
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(param)
            if momentum > 0:
                state["momentum_buffer"] = np.zeros_like(param)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(param)
        state["step"] += 1
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        square_avg = state["square_avg"]
        square_avg *= alpha
        square_avg += (1 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = state.get("grad_avg")
            if grad_avg is None:  # (centered switched on after the first step)
                grad_avg = state["grad_avg"] = np.zeros_like(param)
            lerp_(grad_avg, grad, 1 - alpha)
            avg = np.sqrt(square_avg - grad_avg * grad_avg)
        else:
            avg = np.sqrt(square_avg)
        avg += group["eps"]
        if momentum > 0:
            buf = state.get("momentum_buffer")
            if buf is None:  # (momentum switched on after the first step)
                buf = state["momentum_buffer"] = np.zeros_like(param)
            buf *= momentum
            buf += grad / avg
            param -= group["lr"] * buf
        else:
            param -= group["lr"] * (grad / avg)
