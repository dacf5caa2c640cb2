"""Results that PyTorch computes but cannot differentiate (ldl_factor, ldl_solve, geqrf, a
failed cholesky_ex): as in PyTorch they require grad when an input does, and a backward through
them raises, naming the op -- rather than silently treating them as constants."""
from __future__ import annotations

import numpy as np

from ..ops.op import Op


class NoDerivative(Op):
    """Passes forward's precomputed results through; backward raises `error(message)`."""

    @staticmethod
    def forward(ctx, results, error, message, *inputs):
        ctx.error, ctx.message = error, message
        return results

    @staticmethod
    def backward(ctx, *grads):
        raise ctx.error(ctx.message)


def without_derivative(results: tuple, inputs: tuple, error: type, message: str):
    """`results` (a tuple of arrays) as tensors; the float ones require grad when one of `inputs`
    does, and differentiating them raises error(message). One result comes back as a Tensor."""
    results = tuple(np.asarray(r) for r in results)
    return NoDerivative.apply(results if len(results) > 1 else results[0], error, message, *inputs)
