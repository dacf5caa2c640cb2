"""Ops that pick between values: where, maximum, minimum, clamp. Their gradients flow to
whichever input was picked."""
from __future__ import annotations

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from .op import Op


def _constant(array: np.ndarray) -> Tensor:
    return Tensor._make(array, None, False)


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
        _, need_a, need_b = ctx.needs_input_grad
        zero = _constant(np.zeros((), grad.dtype))
        return (
            None,
            Where.apply(cond, grad, zero) if need_a else None,
            Where.apply(cond, zero, grad) if need_b else None,
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
        cond = _constant(cond.data.astype(bool))
    a = a if isinstance(a, Tensor) else (b._lift(a) if isinstance(b, Tensor) else Tensor(a))
    b = b if isinstance(b, Tensor) else a._lift(b)
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
        share_a = (cls.wins(a.data, b.data) + 0.5 * (a.data == b.data)).astype(grad.dtype)  # float32 stays
        return grad * _constant(share_a), grad * _constant(1.0 - share_a)


class Minimum(Maximum):
    """min(a, b) elementwise; the gradient goes to the smaller input, half to each on a tie"""

    pick, wins = staticmethod(np.minimum), staticmethod(np.less)


class Clamp(Op):
    """x limited to [min, max];  d/dx = 1 where min ≤ x ≤ max, else 0 (PyTorch's convention)"""

    @staticmethod
    def forward(ctx, x, low, high):
        if low is None and high is None:
            raise ValueError("clamp: give at least one of min and max")
        ctx.save_for_backward(x)
        ctx.low, ctx.high = low, high
        return np.clip(x.data, low, high)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        inside = np.ones(x.shape, dtype=bool)
        if ctx.low is not None:
            inside &= x.data >= ctx.low
        if ctx.high is not None:
            inside &= x.data <= ctx.high
        return grad * _constant(inside)
