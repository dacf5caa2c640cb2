"""x·log y as one op (PyTorch's xlogy), so that its gradient can be PyTorch's where a term is
masked out: a log-probability of -inf that `where` drops gets a gradient of 0, not 0·(-inf)."""
from __future__ import annotations

import numpy as np

from .op import Op


class XLogY(Op):
    """x·log y, and 0 where x = 0 (unless y is nan): the entropy term p·log p is 0 at p = 0.

        ∂/∂x = log y, as PyTorch's xlogy(grad, y): 0 where the incoming gradient is 0 (log y = -inf
               at y = 0 included; nan stays nan) and where x = 0 and y ≤ 0;
        ∂/∂y = x / y, and 0 where x = y = 0 (PyTorch's 0/0 gives nan there).
    """

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        a, b = x.data, y.data
        zero = a == 0
        with np.errstate(divide="ignore", invalid="ignore"):  # (log 0 = -inf; 0·inf is replaced below)
            out = a * np.log(np.where(zero & (b <= 0), 1, b))
        return np.where(zero & ~np.isnan(b), 0, out).astype(out.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        xp = ctx.xp
        need_x, need_y = ctx.needs_input_grad
        a, b = xp.values(x), xp.values(y)
        dx = dy = None
        if need_x:
            off = ((a == 0) & (b <= 0)) | ((xp.values(grad) == 0) & ~np.isnan(b))  # (xlogy(0, nan) is nan)
            dx = xp.where(off, 0, grad * xp.log(xp.where(off, 1, y)))
        if need_y:
            both_zero = (a == 0) & (b == 0)
            dy = xp.where(both_zero, 0, grad * x / xp.where(both_zero, 1, y))
        return dx, dy
