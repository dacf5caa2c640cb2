"""The matrix exponential e^A = Σ Aᵏ/k! (tg.linalg.matrix_exp, tg.matrix_exp)."""
from __future__ import annotations

from ..ops.op import Op
from ..tensor import Tensor
from . import arrays
from .checks import as_tensor, check_square


class MatrixExp(Op):
    """e^A;  ∂L/∂A = the upper right block of exp([[Aᵀ, G], [0, Aᵀ]])

    (the Fréchet derivative of exp in direction G at Aᵀ, read off a block triangular matrix:
    R. Mathias, "A chain rule for matrix functions and applications", 1996; I. Najfeld and
    T. Havel, "Derivatives of the matrix exponential and their computation", 1995). Backward
    calls xp.matrix_exp, which is this op again when recorded: every order differentiates."""

    @staticmethod
    def forward(ctx, A):
        ctx.save_for_backward(A)
        return arrays.matrix_exp(A.data)

    @staticmethod
    def backward(ctx, grad):
        A, = ctx.saved_tensors
        xp = ctx.xp
        n = A.shape[-1]
        At = xp.broadcast_to(xp.matrix_transpose(A), grad.shape)
        block = xp.concatenate([xp.concatenate([At, grad], -1),
                                xp.concatenate([xp.zeros_like(At), At], -1)], -2)
        return xp.matrix_exp(block)[..., :n, n:]


def matrix_exp(A) -> Tensor:
    """e^A = I + A + A²/2! + ... for each square matrix of A (..., n, n): scaling and squaring
    with a Padé approximant (N. Higham, 2005). For a diagonal A it is the elementwise exp of
    the diagonal; e^(A+B) = e^A e^B only when AB = BA."""
    A = as_tensor(A)
    check_square("linalg.matrix_exp", A)
    return MatrixExp.apply(A)
