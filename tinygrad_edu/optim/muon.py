"""Muon: momentum whose update matrix is orthogonalized by a Newton–Schulz iteration, in
PyTorch's form (for the 2-D weights of hidden layers)."""
from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

from .adam import lerp_
from .optimizer import Optimizer, as_state, check_number

# Keller Jordan's quintic coefficients ("Muon: An optimizer for hidden layers in neural networks", 2024)
NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)
ADJUST_LR_FNS = ("original", "match_rms_adamw")


def zeropower_via_newtonschulz(matrix: np.ndarray, ns_coefficients: tuple[float, float, float], ns_steps: int,
                               eps: float) -> np.ndarray:
    """An approximately orthogonal matrix with the singular vectors of `matrix` (≈ U Vᵀ for
    matrix = U S Vᵀ), by `ns_steps` steps of the quintic Newton–Schulz iteration

        X ← X / max(‖X‖_F, eps)        (all singular values ≤ 1)
        A = X Xᵀ,   X ← a X + (b A + c A²) X

    which maps each singular value σ to aσ + bσ³ + cσ⁵. The default coefficients make the slope
    at 0 large, so small singular values grow fast; after 5 steps every σ in [0.01, 1] ends
    between about 0.7 and 1.15, not exactly at 1, which is enough for the optimizer. A wide
    matrix keeps X Xᵀ small; a tall one is transposed first.

    PyTorch computes this in bfloat16 (for speed on GPUs); numpy has no bfloat16, so here it is
    computed in the matrix's own dtype: the result is what PyTorch's would be without that
    rounding (they differ by about 1% of the update)."""
    a, b, c = ns_coefficients
    tall = matrix.shape[0] > matrix.shape[1]
    x = matrix.T if tall else matrix
    x = x / max(float(np.linalg.norm(x)), eps)
    for _ in range(ns_steps):
        gram = x @ x.T
        x = a * x + (b * gram + c * (gram @ gram)) @ x
    return x.T if tall else x


def adjust_lr(lr: float, adjust_lr_fn: str | None, shape: tuple[int, ...]) -> float:
    """The learning rate for an (A, B) matrix, so that updates of different shapes have a
    similar size: "original" (None) scales by √max(1, A/B) (Jordan et al., 2024),
    "match_rms_adamw" by 0.2·√max(A, B), which gives AdamW's update RMS (Liu et al., "Muon is
    Scalable for LLM Training", 2025), so AdamW's lr and weight decay carry over."""
    rows, cols = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        if cols == 0:
            raise ZeroDivisionError(f"Muon: a parameter of shape {shape} has no columns, so the learning-rate "
                                    f"scale √max(1, A/B) divides by zero (PyTorch fails on it too)")
        return lr * math.sqrt(max(1, rows / cols))
    return lr * 0.2 * math.sqrt(max(rows, cols))


class Muon(Optimizer):
    """Muon ("MomentUm Orthogonalized by Newton–Schulz"; Jordan et al., "Muon: An optimizer for
    hidden layers in neural networks", 2024), PyTorch's form, for 2-D parameters only (use AdamW
    for biases, embeddings and the output layer):

        B ← B + (1 - μ)(G - B)              ("momentum_buffer", an exponential average of G)
        M = G + μ(B - G)  if nesterov, else  M = B
        O = NewtonSchulz(M)                 (≈ U Vᵀ for M = U S Vᵀ: every direction the same size)
        p ← p · (1 - lr · weight_decay)     (decoupled weight decay)
        p ← p - adjust_lr(lr, shape) · O

    The Newton–Schulz iteration runs in the parameter's dtype here (PyTorch's in bfloat16: see
    `zeropower_via_newtonschulz`). Unlike the other optimizers, Muon has no `maximize`.

    >>> opt = Muon([model.hidden.weight], lr=0.02)   # doctest: +SKIP
    """

    def __init__(self, params: Iterable, lr: float = 1e-3, weight_decay: float = 0.1, momentum: float = 0.95,
                 nesterov: bool = True, ns_coefficients: tuple[float, float, float] = NS_COEFFICIENTS,
                 eps: float = 1e-7, ns_steps: int = 5, adjust_lr_fn: str | None = None) -> None:
        super().__init__(params, dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                                      ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps,
                                      adjust_lr_fn=adjust_lr_fn))

    def _check_options(self, group: dict[str, Any]) -> None:
        # (PyTorch checks ns_steps and ns_coefficients at the first step; the same errors, earlier)
        super()._check_options(group)
        check_number("Muon", "momentum", group["momentum"])
        if group["adjust_lr_fn"] is not None and group["adjust_lr_fn"] not in ADJUST_LR_FNS:
            raise ValueError(f"Muon: Adjust learning rate function {group['adjust_lr_fn']!r} is not supported "
                             f"(use None, 'original' or 'match_rms_adamw')")
        if not group["ns_steps"] < 100:
            raise ValueError(f"Muon: ns_steps={group['ns_steps']}: the number of Newton–Schulz steps must be less "
                             f"than 100 for computational efficiency (5 is the default)")
        if len(group["ns_coefficients"]) != 3:
            raise ValueError(f"Muon: ns_coefficients must be a tuple of exactly 3 values (a, b, c), got "
                             f"{group['ns_coefficients']!r}")
        for i, p in enumerate(group["params"]):
            if p.ndim != 2:
                raise ValueError(f"Muon only supports 2D parameters, but parameter {i} has shape {p.shape}: "
                                 f"optimize biases and other non-matrix parameters with e.g. AdamW")

    def _update(self, param, grad, state, group) -> None:
        momentum = group["momentum"]
        if "momentum_buffer" not in state:
            state["momentum_buffer"] = as_state(np.zeros_like(param))
        buf = state["momentum_buffer"].data
        lerp_(buf, grad, 1 - momentum)
        if group["nesterov"]:
            update = np.array(grad, dtype=param.dtype)  # (a copy: lerp_ writes into it)
            lerp_(update, buf, momentum)
        else:
            update = buf
        update = zeropower_via_newtonschulz(update, group["ns_coefficients"], group["ns_steps"], group["eps"])
        lr = adjust_lr(group["lr"], group["adjust_lr_fn"], param.shape)
        param *= 1 - group["lr"] * group["weight_decay"]
        param -= lr * update
