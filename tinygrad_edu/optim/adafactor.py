"""Adafactor: Adam-like steps with a factored second moment (a row and a column average instead
of one number per weight), in PyTorch's form."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from .adam import lerp_
from .optimizer import Closure, Optimizer, advance_step, as_state, check_number, scalar_dtype, scalar_state


def rms(array: np.ndarray) -> float:
    """Root mean square, √(Σx² / n), as PyTorch's Adafactor computes it (`norm / √numel`)."""
    return float(np.linalg.norm(array.reshape(-1))) / array.size ** 0.5


class Adafactor(Optimizer):
    """Adafactor (Shazeer & Stern, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost",
    2018), PyTorch's form; t counts this parameter's steps, G is its gradient (G ← -G first if
    maximize):

        β̂₂ = 1 - t^beta2_decay                  (the average forgets less as t grows)
        ρ = min(lr, 1/√t)                        (relative step size)
        α = max(eps2, RMS(p)) · ρ                (steps scale with the parameter)
        p ← p · (1 - lr · weight_decay)          (decoupled weight decay)
        for a matrix (≥ 2-D: the last two dims are factored, the others are a batch):
            R ← β̂₂ R + (1 - β̂₂) mean(G², last dim)        ("row_var", shape (..., n, 1))
            C ← β̂₂ C + (1 - β̂₂) mean(G², dim -2)          ("col_var", shape (..., 1, m))
            V̂ = R C / max(mean(R), eps1)                   (a rank-1 estimate of E[G²])
        for a vector (or a 0-d parameter):
            V̂ ← β̂₂ V̂ + (1 - β̂₂) G²                         ("variance")
        U = G / √max(V̂, eps1²),    Û = U / max(1, RMS(U) / d)   (update clipping)
        p ← p - α Û

    So a (n, m) matrix keeps n + m numbers of state instead of n·m. As in PyTorch, `lr` is
    only the ceiling of ρ and the weight-decay factor (the paper uses 0.01 for the ceiling), and
    eps1=None means the machine epsilon of the parameters' dtype.

    >>> opt = Adafactor(model.parameters())   # doctest: +SKIP
    """

    _scalar_state_keys = ("step",)  # (see Optimizer._load_state_value)
    _state_has_param_shape = False  # row_var and col_var are not; _load_state_value checks them

    def __init__(self, params: Iterable, lr: float = 1e-2, beta2_decay: float = -0.8,
                 eps: tuple[float | None, float] = (None, 1e-3), d: float = 1.0, weight_decay: float = 0.0, *,
                 foreach: bool | None = None, maximize: bool = False) -> None:
        # foreach chooses PyTorch's kernel (the same numbers): accepted, no effect here
        super().__init__(params, dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        check_number("Adafactor", "beta2_decay", group["beta2_decay"], low=-np.inf)
        if not group["beta2_decay"] <= 0:
            raise ValueError(f"Adafactor: Invalid beta2_decay value: {group['beta2_decay']} (beta2_decay must be "
                             f"<= 0, so that β̂₂ = 1 - t^beta2_decay grows towards 1)")
        eps = group["eps"]
        if not isinstance(eps, (tuple, list)) or len(eps) != 2:
            raise TypeError(f"Adafactor: eps must be a pair (eps1, eps2) with eps1 a number or None, got {eps!r}")
        group["eps"] = eps = tuple(eps)
        if eps[0] is not None:
            check_number("Adafactor", "eps[0]", eps[0], what="epsilon1 value")
        check_number("Adafactor", "eps[1]", eps[1], what="epsilon2 value")
        check_number("Adafactor", "d", group["d"], low=1.0, what="clipping threshold d")

    def step(self, closure: Closure | None = None):
        # PyTorch fills in eps1=None once per group and step, from the dtype of the group's
        # first parameter that has a gradient; _update reads it from here
        self._machine_eps: dict[int, float] = {}
        return super().step(closure)

    def _update(self, param, grad, state, group) -> None:
        if param.size == 0:
            raise ZeroDivisionError(f"Adafactor: cannot update a parameter with no elements (shape {param.shape}): "
                                    f"its RMS is 0/0 (PyTorch fails on it too)")
        if not state:
            state["step"] = scalar_state(0.0, scalar_dtype())
            if grad.ndim > 1:
                state["row_var"] = as_state(np.zeros(grad.shape[:-1] + (1,), dtype=param.dtype))
                state["col_var"] = as_state(np.zeros(grad.shape[:-2] + (1,) + grad.shape[-1:], dtype=param.dtype))
            else:
                state["variance"] = as_state(np.zeros_like(param))
        eps1, eps2 = group["eps"]
        if eps1 is None:
            eps1 = self._machine_eps.setdefault(id(group["params"]), float(np.finfo(param.dtype).eps))
        lr, d = group["lr"], group["d"]
        t = advance_step(state)
        one_minus_beta2 = t ** group["beta2_decay"]
        rho = min(lr, 1 / t ** 0.5)
        alpha = max(eps2, rms(param)) * rho
        if group["weight_decay"]:
            param *= 1 - lr * group["weight_decay"]
        if grad.ndim > 1:
            row_var, col_var = state["row_var"].data, state["col_var"].data
            lerp_(row_var, np.mean(grad * grad, axis=-1, keepdims=True), one_minus_beta2)
            lerp_(col_var, np.mean(grad * grad, axis=-2, keepdims=True), one_minus_beta2)
            # R C is the outer product of the row and column averages (batched over leading dims)
            variance = row_var @ col_var / np.maximum(row_var.mean(axis=-2, keepdims=True), eps1)
        else:
            lerp_(state["variance"].data, grad * grad, one_minus_beta2)
            variance = state["variance"].data
        update = 1 / np.sqrt(np.maximum(variance, eps1 * eps1)) * grad  # (eps1² under the root: eps1 after it)
        clip = max(1.0, rms(update) / d)
        param -= (alpha / clip) * update

    def _load_state_value(self, p, index, key, value, fused=None):
        loaded = super()._load_state_value(p, index, key, value, fused)
        expected = {"variance": p.shape, "row_var": p.shape[:-1] + (1,),
                    "col_var": p.shape[:-2] + (1,) + p.shape[-1:]}.get(key)
        if expected is not None and loaded.shape != expected:
            raise ValueError(f"Adafactor.load_state_dict: {key!r} of parameter {index} has shape {loaded.shape}, "
                             f"a parameter of shape {p.shape} needs {expected}")
        return loaded
