"""The base of the built-in ops."""
from ..autograd.function import Function


class Op(Function):
    """A built-in operation: exactly a user's `Function`, except that its forward computes with
    numpy only, so `apply` need not switch grad mode off around it."""

    forward_records = False
