"""Ops that pick between values: where, maximum, minimum, clamp. Their gradients flow to
whichever input was picked -- selected with `where`, never multiplied by a 0/1 mask, so that an
inf arriving from above stays where it belongs instead of becoming inf·0 = nan elsewhere."""
from __future__ import annotations

import numpy as np

from ..errors import ArgumentValueError, ShapeError
from ..tensor import Tensor
from .op import Op


class Where(Op):
    """cond ? a : b;  the gradient goes to a where cond holds, to b elsewhere"""

    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.save_for_backward(cond)
        try:
            return np.where(cond.data, a.data, b.data)
        except ValueError:
            raise ShapeError(
                f"where: shapes {cond.shape} (condition), {a.shape} and {b.shape} cannot be "
                f"broadcast together"
            ) from None

    @staticmethod
    def backward(ctx, grad):
        cond, = ctx.saved_tensors
        xp = ctx.xp
        _, need_a, need_b = ctx.needs_input_grad
        return (
            None,
            xp.where(cond, grad, 0.0) if need_a else None,
            xp.where(cond, 0.0, grad) if need_b else None,
        )


def where(cond, a, b) -> Tensor:
    """Elementwise `a if cond else b`, broadcasting all three; differentiable in `a` and `b`.

    >>> import tinygrad_edu as tg
    >>> x = tg.tensor([-1.0, 2.0])
    >>> tg.where(x > 0, x, 0.0)
    tensor([0., 2.])
    """
    cond = cond if isinstance(cond, Tensor) else Tensor(cond)
    if cond.dtype != np.bool_:
        cond = Tensor._make(cond.data.astype(bool), None, False)
    a = a if isinstance(a, Tensor) else (b._lift(a) if isinstance(b, Tensor) else Tensor(a))
    a, b = a._promoted_with(b)  # PyTorch's type promotion
    return Where.apply(cond, a, b)


class Maximum(Op):
    """max(a, b) elementwise; the gradient goes to the larger input, half to each on a tie"""

    pick, wins = staticmethod(np.maximum), staticmethod(np.greater)

    @classmethod
    def forward(cls, ctx, a, b):
        ctx.save_for_backward(a, b)
        try:
            return cls.pick(a.data, b.data)
        except ValueError:
            raise ShapeError(f"{cls.__name__.lower()}: shapes {a.shape} and {b.shape} cannot be "
                             f"broadcast together") from None

    @classmethod
    def backward(cls, ctx, grad):
        a, b = ctx.saved_tensors
        xp = ctx.xp
        a_wins = cls.wins(ctx.xp.values(a), ctx.xp.values(b))
        tie = ctx.xp.values(a) == ctx.xp.values(b)
        shared = xp.where(tie, grad / 2, 0.0)  # a tie gives half to each, as in PyTorch
        return xp.where(a_wins, grad, shared), xp.where(a_wins | tie, shared, grad)


class Minimum(Maximum):
    """min(a, b) elementwise; the gradient goes to the smaller input, half to each on a tie"""

    pick, wins = staticmethod(np.minimum), staticmethod(np.less)


class Clamp(Op):
    """x limited to [min, max];  d/dx = 1 where min ≤ x ≤ max, else 0 (PyTorch's convention)"""

    node_name = "ClampBackward1"  # (PyTorch's name for clamp with number bounds)

    @staticmethod
    def forward(ctx, x, low, high):
        if low is None and high is None:
            raise ArgumentValueError("clamp: give at least one of min and max")
        ctx.save_for_backward(x)
        ctx.low, ctx.high = low, high
        return np.clip(x.data, low, high)

    @staticmethod
    def backward(ctx, grad):
        x = ctx.xp.values(ctx.saved_tensors[0])
        inside = np.ones(x.shape, dtype=bool)
        if ctx.low is not None:
            inside &= x >= ctx.low
        if ctx.high is not None:
            inside &= x <= ctx.high
        return ctx.xp.where(inside, grad, 0.0)
