"""Exception types of tinygrad_edu."""


class ShapeError(ValueError, RuntimeError):
    """Tensor shapes that do not fit an op (cannot broadcast, misaligned matmul, bad reshape...).

    It is a `ValueError` (a bad argument) and also a `RuntimeError` (what PyTorch raises for the
    same mistakes), so code written either way catches it.
    """
