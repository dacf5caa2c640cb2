"""Adam and AdamW, in PyTorch's form (moments, bias correction, AMSGrad, coupled or decoupled
weight decay)."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, advance_step, as_state, check_kernel_options, check_number, scalar_dtype, scalar_state


def lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """start ← start + weight · (end - start), in place, rounded as PyTorch's `lerp_`
    (which switches formula at weight 0.5 to stay exact at weight 1)."""
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1 - weight)


def check_betas_and_eps(name: str, group: dict[str, Any]) -> None:
    """The checks PyTorch makes on the options of the Adam family: 0 <= eps, 0 <= β₁, β₂ < 1."""
    check_number(name, "eps", group["eps"], what="epsilon value")
    betas = group["betas"] = tuple(group["betas"])
    if len(betas) != 2:
        raise ValueError(f"{name}: betas must be two numbers (β₁, β₂), got {betas!r}")
    for i, beta in enumerate(betas):
        check_number(name, f"betas[{i}]", beta, high=1.0, what=f"beta parameter at index {i}")


def moments_step(param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any],
                 **scalars: float) -> tuple[float, np.ndarray]:
    """The start of a step that Adam, NAdam and RAdam share (written once, so the three stay the
    same); returns the step's number t (1.0 at the first) and the gradient used:

    - at the first step the state is made, in PyTorch's key order: "step", any `scalars` (NAdam's
      "mu_product") as 0-d Tensors, then the moving averages "exp_avg" (m) and "exp_avg_sq" (v)
      at zero;
    - weight decay, decoupled (AdamW: the weights shrink, in place) or not (Adam: an L2 penalty
      folded into the gradient);
    - m ← β₁ m + (1 - β₁) g and v ← β₂ v + (1 - β₂) g², in place, rounded as PyTorch's.
    """
    if not state:
        dtype = scalar_dtype(group.get("fused"))
        state["step"] = scalar_state(0.0, dtype)
        for key, value in scalars.items():
            state[key] = scalar_state(value, dtype)
        state["exp_avg"] = as_state(np.zeros_like(param))
        state["exp_avg_sq"] = as_state(np.zeros_like(param))
    t = advance_step(state)
    lr, weight_decay = group["lr"], group["weight_decay"]
    if weight_decay:
        if group["decoupled_weight_decay"]:
            param *= 1 - lr * weight_decay      # AdamW: decay the weights, not the gradient
        else:
            grad = grad + weight_decay * param  # Adam: L2 penalty folded into the gradient
    beta1, beta2 = group["betas"]
    m, v = state["exp_avg"].data, state["exp_avg_sq"].data
    lerp_(m, grad, 1 - beta1)
    v *= beta2
    v += (1 - beta2) * grad * grad  # in the order of PyTorch's addcmul
    return t, grad


class Adam(Optimizer):
    """Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", 2015), PyTorch's form;
    t counts this parameter's steps:

        g ← ∇p (+ weight_decay · p, unless decoupled)      (g ← -g first if maximize)
        p ← p · (1 - lr · weight_decay)                    (only if decoupled, i.e. AdamW)
        m ← β₁ m + (1 - β₁) g,        v ← β₂ v + (1 - β₂) g²
        v̂max ← max(v̂max, v)          (only with amsgrad; then v̂max replaces v below)
        p ← p - lr / (1 - β₁ᵗ) · m / (√v / √(1 - β₂ᵗ) + eps)

    which is p ← p - lr · m̂ / (√v̂ + eps) with m̂ = m / (1 - β₁ᵗ), v̂ = v / (1 - β₂ᵗ). AMSGrad is
    from Reddi et al., "On the Convergence of Adam and Beyond", 2018.
    """

    _scalar_state_keys = ("step",)  # (see Optimizer._load_state_value)

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None,
                 decoupled_weight_decay: bool = False) -> None:
        # foreach/capturable/fused choose PyTorch's kernels and devices (the numbers are the same):
        # accepted, no effect here
        check_kernel_options(type(self).__name__, foreach=foreach, differentiable=differentiable, fused=fused)
        if isinstance(lr, Tensor) and foreach and not capturable:  # (PyTorch's foreach kernel takes a number)
            raise ValueError(f"{type(self).__name__}: lr as a Tensor is not supported for capturable=False and "
                             f"foreach=True (pass foreach=False, or lr as a number)")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable, fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        check_betas_and_eps(type(self).__name__, group)

    def step(self, closure=None):
        # PyTorch checks every group at each step (its constructor checked only its own arguments)
        for group in self.param_groups:
            if isinstance(group["lr"], Tensor) and group["foreach"] and not group["capturable"]:
                raise RuntimeError(f"{type(self).__name__}.step: lr as a Tensor is not supported for "
                                   f"capturable=False and foreach=True (a parameter group has both)")
        return super().step(closure)

    def _update(self, param, grad, state, group) -> None:
        beta1, beta2 = group["betas"]
        lr = group["lr"]
        t, grad = moments_step(param, grad, state, group)
        m, v = state["exp_avg"].data, state["exp_avg_sq"].data
        if group["amsgrad"]:
            if "max_exp_avg_sq" not in state:  # made at the first amsgrad step (also when switched on later)
                state["max_exp_avg_sq"] = as_state(np.zeros_like(param))
            v_max = state["max_exp_avg_sq"].data
            np.maximum(v_max, v, out=v_max)
            v = v_max
        step_size = lr / (1 - beta1 ** t)
        denom = np.sqrt(v) / (1 - beta2 ** t) ** 0.5 + group["eps"]
        param -= step_size * (m / denom)


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", 2019): Adam whose
    weight decay shrinks the weights directly, p ← p · (1 - lr · weight_decay), instead of
    adding weight_decay · p to the gradient (where Adam's scaling would weaken it).
    The default weight_decay is 1e-2, as in PyTorch."""

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)
