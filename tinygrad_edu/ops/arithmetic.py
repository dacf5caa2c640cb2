"""+ - * / ** and negation. Broadcasting is undone by the engine, so each backward is the
textbook formula."""
from __future__ import annotations

import numpy as np

from ..errors import ShapeError
from .op import Op
from .select import where


def broadcast_error(op: str, a, b) -> ValueError:
    return ShapeError(
        f"{op}: shapes {a.shape} and {b.shape} cannot be broadcast together "
        f"(axes must be equal, or one of them 1, counting from the right)"
    )


class Add(Op):
    """a + b;  ∂/∂a = 1, ∂/∂b = 1"""

    @staticmethod
    def forward(ctx, a, b):
        try:
            return a.data + b.data
        except ValueError:
            raise broadcast_error("add", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


class Sub(Op):
    """a - b;  ∂/∂a = 1, ∂/∂b = -1"""

    @staticmethod
    def forward(ctx, a, b):
        try:
            return a.data - b.data
        except ValueError:
            raise broadcast_error("sub", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        return grad, (-grad if ctx.needs_input_grad[1] else None)


class Mul(Op):
    """a * b;  ∂/∂a = b, ∂/∂b = a"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        try:
            return a.data * b.data
        except ValueError:
            raise broadcast_error("mul", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad * b if need_a else None), (grad * a if need_b else None)


class Div(Op):
    """a / b;  ∂/∂a = 1/b, ∂/∂b = -a/b²"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        try:
            return a.data / b.data
        except ValueError:
            raise broadcast_error("div", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad / b if need_a else None), (-grad * a / (b * b) if need_b else None)


class Pow(Op):
    """a ** b;  ∂/∂a = b·a^(b-1),  ∂/∂b = a^b·ln a  (0 where a = 0 and b ≥ 0, nan for a < 0, as PyTorch)"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        try:
            return a.data ** b.data
        except ValueError:
            try:
                np.broadcast_shapes(a.data.shape, b.data.shape)
            except ValueError:
                raise broadcast_error("pow", a, b) from None
            # the shapes fit, so numpy refused an integer to a negative integer power
            raise ValueError(
                "pow: integers cannot be raised to negative integer powers (as in PyTorch); "
                "use a float base, e.g. t.double() ** -1"
            ) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = None
        if need_a:
            base = a
            if not b.data.all():  # d/da a⁰ = 0 everywhere (PyTorch too), but b·a^(b-1) at a = 0 is 0·inf
                base = where((a.data == 0) & (b.data == 0), 1.0, a)
            grad_a = grad * b * base ** (b - 1)
        grad_b = None
        if need_b:
            # PyTorch's convention: 0 where a = 0 and b ≥ 0 (0^b does not change with b there);
            # a negative base has no real logarithm, so its gradient is nan.
            flat = (a.data == 0) & (b.data >= 0)
            safe_a = where(flat, 1.0, a)
            grad_b = where(flat, 0.0, grad * a ** b * safe_a.log())
        return grad_a, grad_b


class Neg(Op):
    """-a;  ∂/∂a = -1"""

    @staticmethod
    def forward(ctx, a):
        return -a.data

    @staticmethod
    def backward(ctx, grad):
        return -grad
