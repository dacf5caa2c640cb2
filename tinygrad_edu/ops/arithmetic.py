"""+ - * / ** and negation. Broadcasting is undone by the engine, so each backward is the
textbook formula, written once against `ctx.xp` (numpy arrays, or Tensors under create_graph)."""
from __future__ import annotations

import numpy as np

from ..errors import ArgumentValueError, ShapeError
from .op import Op


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
        # keep only what a gradient needs: in y = x * 2, x itself is not needed
        ctx.save_for_backward(a if b.requires_grad else None, b if a.requires_grad else None)
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
    """a / b;  ∂/∂a = 1/b, ∂/∂b = -a/b² = -(a/b)/b"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if b.requires_grad else None, b)
        try:
            return a.data / b.data
        except ValueError:
            raise broadcast_error("div", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        # -(a/b)/b, not -a/(b·b): b·b overflows (float32: b = 1e-20) where the quotient does not
        return (grad / b if need_a else None), (-(grad * (a / b)) / b if need_b else None)


def _negative_integer_power() -> ArgumentValueError:
    return ArgumentValueError("pow: integers cannot be raised to negative integer powers (as in PyTorch); "
                              "use a float base, e.g. t.double() ** -1")


class Pow(Op):
    """a ** b;  ∂/∂a = b·a^(b-1),  ∂/∂b = a^b·ln a  (0 where a = 0 and b ≥ 0, nan for a < 0, as PyTorch)"""

    @staticmethod
    def node_name(ctx) -> str:
        """PyTorch's: PowBackward0 for a number exponent (x ** 2), PowBackward1 for a tensor one."""
        saved = ctx._saved
        return "PowBackward1" if saved and saved[1].__class__ is not np.ndarray else "PowBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if a.data.dtype.kind in "iu" and b.data.dtype.kind in "iu" and b.data.ndim == 0 and b.data < 0:
            raise _negative_integer_power()  # (also for an empty tensor, where numpy would not notice)
        try:
            return a.data ** b.data
        except ValueError:
            try:
                np.broadcast_shapes(a.data.shape, b.data.shape)
            except ValueError:
                raise broadcast_error("pow", a, b) from None
            # the shapes fit, so numpy refused an integer to a negative integer power
            raise _negative_integer_power() from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        xp = ctx.xp
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad_b = None
        with np.errstate(divide="ignore", invalid="ignore"):  # 0^-1 and log of a negative base
            if need_a:
                base = a
                if not b.all():  # d/da a⁰ = 0 everywhere (PyTorch too), but b·a^(b-1) at a = 0 is 0·inf
                    base = xp.where((a == 0) & (b == 0), 1.0, a)
                grad_a = xp.where(b == 0, 0.0, grad * b * base ** (b - 1))  # d/da a⁰ = 0, also at a = inf or nan
            if need_b:
                # PyTorch's convention: 0 where a = 0 and b ≥ 0 (0^b does not change with b there);
                # a negative base has no real logarithm, so its gradient is nan.
                flat = (a == 0) & (b >= 0)
                grad_b = xp.where(flat, 0.0, grad * a ** b * xp.log(xp.where(flat, 1.0, a)))
        return grad_a, grad_b


class Neg(Op):
    """-a;  ∂/∂a = -1"""

    @staticmethod
    def forward(ctx, a):
        return -a.data

    @staticmethod
    def backward(ctx, grad):
        return -grad
