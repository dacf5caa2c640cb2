"""Exception types of tinygrad_edu."""


class ShapeError(ValueError, RuntimeError):
    """Tensor shapes that do not fit an op (cannot broadcast, misaligned matmul, bad reshape...).

    It is a `ValueError` (a bad argument) and also a `RuntimeError` (what PyTorch raises for the
    same mistakes), so code written either way catches it.
    """


class ArgumentValueError(ValueError, RuntimeError):
    """An argument with a value the operation cannot use (clamp with neither bound, a dim named
    twice, an unknown mode...). A `ValueError`, and a `RuntimeError` as in PyTorch."""


class ArgumentDtypeError(TypeError, RuntimeError):
    """A tensor whose dtype the operation cannot use (the mean of integers, a float result stored
    in place into an integer tensor). A `TypeError`, and a `RuntimeError` as in PyTorch."""


class EmptyReductionError(IndexError, RuntimeError):
    """A max/min/argmax over an empty dimension: there is no largest element of nothing. An
    `IndexError` (PyTorch's type when a dim is given) and a `RuntimeError` (its type without one)."""


class NotImplementedForDtype(NotImplementedError):
    """An op PyTorch does not define for this dtype either (`|` of floats, abs or ** of bools);
    NotImplementedError is a RuntimeError, as in PyTorch."""
