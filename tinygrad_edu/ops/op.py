"""The base of the built-in ops."""
from ..autograd.function import Function


class Op(Function):
    """A built-in operation: exactly a user's `Function`, except that its forward computes with
    numpy only (so `apply` need not switch grad mode off around it), and its backward is one
    formula written against `ctx.xp` (numpy arrays, or Tensor ops under create_graph)."""

    forward_records = False
    xp_backward = True
    fresh_gradients = True
