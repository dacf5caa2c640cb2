"""SGD: stochastic gradient descent with momentum, dampening, weight decay and Nesterov
momentum, in PyTorch's form."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from .optimizer import Optimizer, as_state, check_kernel_options, check_number


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (PyTorch's form; Nesterov momentum
    as in Sutskever et al., "On the importance of initialization and momentum in deep
    learning", 2013):

        g ← ∇p + weight_decay · p               (g ← -g first if maximize)
        b ← g                                   (first step)
        b ← momentum · b + (1 - dampening) · g  (later steps)
        g ← g + momentum · b  if nesterov, else  g ← b
        p ← p - lr · g

    >>> opt = SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True)   # doctest: +SKIP
    """

    def __init__(self, params: Iterable, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False, fused: bool | None = None) -> None:
        # foreach/fused choose PyTorch's kernels (the numbers are the same): accepted, no effect here
        check_kernel_options("SGD", foreach=foreach, differentiable=differentiable, fused=fused)
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        check_number("SGD", "momentum", group["momentum"])
        check_number("SGD", "dampening", group["dampening"], low=-np.inf)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(f"SGD: Nesterov momentum requires a momentum and zero dampening (got momentum="
                             f"{group['momentum']}, dampening={group['dampening']}): nesterov needs momentum > 0 "
                             f"and dampening = 0")

    def _update(self, param, grad, state, group) -> None:
        weight_decay, momentum = group["weight_decay"], group["momentum"]
        if weight_decay:
            grad = grad + weight_decay * param
        if momentum:
            buffer = state.get("momentum_buffer")
            if buffer is None:
                buf = np.array(grad, dtype=param.dtype)  # (a copy)
                state["momentum_buffer"] = as_state(buf)
            else:
                buf = buffer.data
                buf *= momentum
                buf += (1 - group["dampening"]) * grad
            grad = grad + momentum * buf if group["nesterov"] else buf
        param -= group["lr"] * grad
