"""Checking and normalizing `dim` arguments, with errors that name the op."""
from __future__ import annotations

from ..errors import ArgumentValueError


def normalize_dim(dim: int, ndim: int, op: str, new_axis: bool = False) -> int:
    """A possibly negative axis as a non-negative one; IndexError if it does not exist.
    With `new_axis` (unsqueeze, stack) `dim` is where an axis is inserted: ndim + 1 places."""
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"{op}: dim must be an int, got {type(dim).__name__}")
    places = ndim + 1 if new_axis else ndim
    low, high = -max(places, 1), max(places, 1) - 1
    if not low <= dim <= high:
        raise IndexError(
            f"{op}: dim {dim} is out of range for a tensor with {ndim} dimension"
            f"{'s' if ndim != 1 else ''} (expected a dim from {low} to {high})"
        )
    return dim % places if places else 0


def normalize_dims(dim, ndim: int, op: str) -> tuple[int, ...]:
    """`dim` (None = all axes, an int, or a tuple/list of ints) as a sorted tuple of axes."""
    if dim is None:
        return tuple(range(ndim))
    if ndim == 0:  # a 0-d tensor has one "dim" (0 or -1) to reduce, over nothing: as PyTorch
        for d in dim if isinstance(dim, (tuple, list)) else (dim,):
            normalize_dim(d, 0, op)
        return ()
    if isinstance(dim, (tuple, list)):
        axes = tuple(sorted({normalize_dim(d, ndim, op) for d in dim}))
        if len(axes) != len(dim):
            raise ArgumentValueError(f"{op}: dim {tuple(dim)} names an axis twice")
        return axes
    return (normalize_dim(dim, ndim, op),)


def kept_shape(shape: tuple, axes: tuple) -> tuple:
    """The shape after reducing `axes` with keepdim=True (reduced axes become 1)."""
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


# ---- what a reduction's backward needs to spread its gradient back (Sum, Mean, Prod, Norm...) ----
def remember_axes(ctx, x, axes, keepdim) -> None:
    """Note on ctx the input shape, the reduced axes and keepdim, and the output shape with the
    reduced axes kept as 1 (what the gradient is reshaped to before it is broadcast back)."""
    ctx.in_shape, ctx.keepdim, ctx.axes = x.data.shape, keepdim, axes
    ctx.kept = kept_shape(x.data.shape, axes)


def spread(xp, grad, ctx):
    """The output gradient, broadcast back to the input shape (reduced axes restored as 1)."""
    if not ctx.keepdim:
        grad = grad.reshape(ctx.kept)  # (an array's or a Tensor's method: cheaper than np.reshape's wrapper)
    return xp.broadcast_to(grad, ctx.in_shape)
