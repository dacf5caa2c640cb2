"""Matrix product."""
from __future__ import annotations

from ..errors import ShapeError
from .op import Op


class MatMul(Op):
    """A @ B for A (..., n, k), B (..., k, m);  ∂/∂A = G Bᵀ,  ∂/∂B = Aᵀ G.

    Batch axes broadcast like numpy; the engine sums the gradient back over them.
    1-D arguments are turned into matrices by `Tensor.matmul` before they get here.
    """

    @staticmethod
    def node_name(ctx) -> str:
        """PyTorch's MmBackward0 for a product of two matrices (BmmBackward0 for stacks of them)."""
        shapes = [s for s in ctx.input_shapes if s.__class__ is tuple]
        if ctx._saved:  # (a constant operand's shape is known only if it was saved; one a saved-tensor
            # hook packed is not looked at)
            shapes += [t.shape for t in ctx._saved if getattr(t, "shape", None) is not None]
        if shapes and all(len(s) == 2 for s in shapes):
            return "MmBackward0"
        return "BmmBackward0" if shapes and all(len(s) == 3 for s in shapes) else "MatMulBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if b.requires_grad else None, b if a.requires_grad else None)
        try:
            return a.data @ b.data
        except ValueError:
            if a.data.shape[-1] != b.data.shape[-2]:
                raise ShapeError(
                    f"matmul: shapes {a.shape} and {b.shape} are not aligned "
                    f"({a.shape[-1]} != {b.shape[-2]}: the last axis of the first must equal the "
                    f"second-to-last axis of the second)"
                ) from None
            raise ShapeError(
                f"matmul: the batch axes of shapes {a.shape} and {b.shape} cannot be broadcast "
                f"together (all axes but the last two must be equal, or one of them 1)"
            ) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        xp = ctx.xp
        grad_a = grad @ xp.matrix_transpose(b) if need_a else None
        grad_b = None
        if need_b:
            grad_b = xp.transposed_times(a, grad)  # (kept as factors when a has few rows: deferred.py)
        return grad_a, grad_b
