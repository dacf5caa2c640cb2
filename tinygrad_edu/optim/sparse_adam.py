"""SparseAdam: Adam that touches only the rows a step's gradient reaches ("lazy" Adam).

PyTorch pairs it with `nn.Embedding(..., sparse=True)`, whose gradient lists only the looked-up
rows. Gradients are dense arrays here, so the rows a gradient reaches are those where it is not
zero. Each such row gets Adam's update with its own moments; every other row, and its moments,
stay as they are (plain Adam would also decay their moments and keep moving them).

    m_r ← β₁ m_r + (1 - β₁) g_r         v_r ← β₂ v_r + (1 - β₂) g_r²     (rows r with g_r ≠ 0)
    p_r ← p_r - lr · √(1 - β₂ᵗ) / (1 - β₁ᵗ) · m_r / (√v_r + eps)

t counts this parameter's steps (all of them, as in PyTorch).
"""
from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

from .adam import check_betas_and_eps
from .optimizer import Optimizer, as_state


class SparseAdam(Optimizer):
    """`SparseAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False)`, PyTorch's
    lazy Adam; see the module docstring for the rows it updates.

    >>> import tinygrad_edu as tg
    >>> emb = tg.nn.Embedding(4, 2, sparse=True)
    >>> opt = tg.optim.SparseAdam(emb.parameters(), lr=0.1)
    >>> before = emb.weight.detach().clone()
    >>> emb(tg.tensor([1])).sum().backward(); opt.step()
    >>> (emb.weight != before).any(dim=1).tolist()      # only the row that was looked up moved
    [False, True, False, False]
    """

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, maximize=maximize))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        check_betas_and_eps("SparseAdam", group)
        if not group["eps"] > 0:  # (PyTorch's SparseAdam, unlike Adam, refuses eps = 0)
            raise ValueError(f"SparseAdam: Invalid epsilon value: {group['eps']} (eps must be > 0)")

    def _update(self, param, grad, state, group) -> None:
        if not state:
            state["step"] = 0  # (an int, as PyTorch's SparseAdam keeps it)
            state["exp_avg"] = as_state(np.zeros_like(param))
            state["exp_avg_sq"] = as_state(np.zeros_like(param))
        state["step"] += 1
        t = state["step"]
        rows = np.flatnonzero(grad.reshape(grad.shape[0], -1).any(axis=1)) if grad.ndim else np.array([0])
        if rows.size == 0:
            return
        beta1, beta2 = group["betas"]
        m, v = state["exp_avg"].data, state["exp_avg_sq"].data
        g = grad[rows] if grad.ndim else grad
        m_old = m[rows] if grad.ndim else m.copy()
        v_old = v[rows] if grad.ndim else v.copy()
        # in PyTorch's form (and rounding): m + (g - m)(1 - β₁), v + (g² - v)(1 - β₂)
        m_rows = (g - m_old) * (1 - beta1) + m_old
        v_rows = (g * g - v_old) * (1 - beta2) + v_old
        step_size = group["lr"] * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
        change = step_size * (m_rows / (np.sqrt(v_rows) + group["eps"]))
        if grad.ndim:
            m[rows], v[rows] = m_rows, v_rows
            param[rows] -= change
        else:
            m[...], v[...] = m_rows, v_rows
            param -= change
