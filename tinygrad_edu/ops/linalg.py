"""Matrix product."""
from __future__ import annotations

from ..errors import ShapeError
from .op import Op


class MatMul(Op):
    """A @ B for A (..., n, k), B (..., k, m);  ∂/∂A = G Bᵀ,  ∂/∂B = Aᵀ G.

    Batch axes broadcast like numpy; the engine sums the gradient back over them.
    A 1-D operand follows numpy's rule (and PyTorch's): a vector a (k,) first is the row
    a[None, :], a vector b (k,) second is the column b[:, None], and that axis is dropped from
    the result. `Tensor.matmul` sends A @ v (PyTorch's mv: MvBackward0) and u @ v (dot:
    DotBackward0) here as they are; the backward puts the dropped axes back into G, uses the
    formula above, and drops them again: for A @ v, ∂/∂A = G vᵀ (an outer product), ∂/∂v = Aᵀ G.
    """

    @staticmethod
    def node_name(ctx) -> str:
        """PyTorch's MmBackward0 for a product of two matrices (BmmBackward0 for stacks of them)."""
        shapes = [s for s in ctx.input_shapes if s.__class__ is tuple]
        if ctx._saved:  # (a constant operand's shape is known only if it was saved; one a saved-tensor
            # hook packed is not looked at)
            shapes += [t.shape for t in ctx._saved if getattr(t, "shape", None) is not None]
        vectors = getattr(ctx, "vectors", None)
        if vectors is not None and all(len(s) <= 2 for s in shapes):
            return {(False, True): "MvBackward0", (True, True): "DotBackward0"}.get(vectors, "MatMulBackward0")
        if shapes and all(len(s) == 2 for s in shapes):
            return "MmBackward0"
        return "BmmBackward0" if shapes and all(len(s) == 3 for s in shapes) else "MatMulBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if b.requires_grad else None, b if a.requires_grad else None)
        if a.data.ndim == 1 or b.data.ndim == 1:
            ctx.vectors = (a.data.ndim == 1, b.data.ndim == 1)
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
        vectors = getattr(ctx, "vectors", None)
        if vectors is not None:
            return _vector_grads(xp, grad, a, b, need_a, need_b, *vectors)
        grad_a = grad @ xp.matrix_transpose(b) if need_a else None
        grad_b = None
        if need_b:
            grad_b = xp.transposed_times(a, grad)  # (kept as factors when a has few rows: deferred.py)
        return grad_a, grad_b


def _vector_grads(xp, grad, a, b, need_a: bool, need_b: bool, vector_a: bool, vector_b: bool) -> tuple:
    """MatMul's formula with a 1-D operand: back to matrices (a row a[None, :], a column
    b[:, None], and G with the axes they lost), G Bᵀ and Aᵀ G, then the added axis dropped."""
    if vector_b:
        grad = grad[..., None]  # (..., n) -> (..., n, 1)
    if vector_a:
        grad = grad[..., None, :]  # (..., m) -> (..., 1, m)
    grad_a = grad_b = None
    if need_a:
        grad_a = grad @ xp.matrix_transpose(b[:, None] if vector_b else b)
        if vector_a:
            grad_a = grad_a[..., 0, :]
    if need_b:
        grad_b = xp.matrix_transpose(a[None, :] if vector_a else a) @ grad
        if vector_b:
            grad_b = grad_b[..., 0]
    return grad_a, grad_b
