"""PyTorch's structured control-flow operators, `tg.cond` and `tg.while_loop`, run eagerly.

PyTorch offers them so that `torch.compile`/`torch.export` can keep a data-dependent `if` or
`while` in one graph. There is no compiler here, so they are what their documentation says they
are equivalent to: a Python `if` and a Python `while`, with PyTorch's checks of the arguments.
The branch and the loop body are ordinary ops, so gradients flow through them.

What PyTorch checks only while compiling is not checked here: that both branches of `cond`
return the same shapes and dtypes (only the chosen branch runs), and that no output is an
input returned unchanged.
"""
from __future__ import annotations

from typing import Any, Callable

from .tensor import Tensor


def _leaves(tree) -> list:
    """The non-container values of nested tuples, lists and dicts, in order."""
    if isinstance(tree, (tuple, list)):
        return [leaf for item in tree for leaf in _leaves(item)]
    if isinstance(tree, dict):
        return [leaf for key in tree for leaf in _leaves(tree[key])]
    return [tree]


def cond(pred: bool | int | float | Tensor, true_fn: Callable, false_fn: Callable,
         operands: tuple | list = ()) -> Any:
    """`true_fn(*operands)` if `pred` holds, else `false_fn(*operands)`.

    `pred` is a Python bool/number or a one-element tensor; `operands` a tuple or list of
    tensors (possibly nested in tuples, lists and dicts). As `torch.cond`.

    >>> import tinygrad_edu as tg
    >>> x = tg.tensor([1.0, -2.0], requires_grad=True)
    >>> y = tg.cond(x.sum() > 0, lambda t: t * 2, lambda t: t.abs(), (x,))
    >>> y
    tensor([1., 2.], grad_fn=<AbsBackward0>)
    """
    if isinstance(pred, (bool, int, float)):  # PyTorch: a constant picks the branch, no further checks
        return true_fn(*operands) if pred else false_fn(*operands)
    if not isinstance(pred, Tensor):
        raise RuntimeError(f"cond: expected pred to be bool or tensor, but got {pred!r} "
                           f"({type(pred).__name__}).")
    if pred.numel() != 1:
        raise RuntimeError(f"cond: expected pred to be bool or single-element tensor, but got a tensor of "
                           f"shape {tuple(pred.shape)}.")
    if not callable(true_fn) or not callable(false_fn):
        raise RuntimeError("cond: expect both branches (true_fn and false_fn) to be callable.")
    if not isinstance(operands, (tuple, list)) or not all(isinstance(t, Tensor) for t in _leaves(operands)):
        raise RuntimeError("cond: expect operands to be a tuple of possibly nested dict/list/tuple that only "
                           f"consists of tensor leaves, but got {type(operands).__name__} {operands!r}.")
    return true_fn(*operands) if bool(pred.item()) else false_fn(*operands)


def _check_carried(values, what: str) -> None:
    for value in _leaves(values):
        if not isinstance(value, (Tensor, int)) or isinstance(value, bool):
            raise AssertionError(f"while_loop: {what} can only be tensors or ints, but got "
                                 f"{type(value).__name__} {value!r}")


def _should_loop(cond_fn: Callable, carried) -> bool:
    pred = cond_fn(*carried)
    if isinstance(pred, bool):
        return pred
    if isinstance(pred, Tensor) and pred.shape == () and pred.dtype == bool:
        return bool(pred.item())
    shape = f"a tensor of shape {tuple(pred.shape)} and dtype {pred.dtype}" if isinstance(pred, Tensor) \
        else repr(pred)
    raise RuntimeError(f"while_loop: cond_fn must return a boolean scalar tensor or a boolean but got {shape}")


def _same_metadata(new, old) -> None:
    """The body's outputs must look like the carried inputs: same count, shapes and dtypes."""
    new_leaves, old_leaves = _leaves(new), _leaves(old)
    if len(new_leaves) != len(old_leaves):
        raise RuntimeError(f"while_loop: expected body_fn's outputs and carried_inputs to have the same number of "
                           f"elements, but got {len(new_leaves)} and {len(old_leaves)}")
    for i, (a, b) in enumerate(zip(new_leaves, old_leaves)):
        if isinstance(a, Tensor) != isinstance(b, Tensor):
            raise RuntimeError(f"while_loop: output {i} of body_fn is a {type(a).__name__} but carried input {i} is "
                               f"a {type(b).__name__}")
        if isinstance(a, Tensor) and (a.shape != b.shape or a.dtype != b.dtype):
            raise RuntimeError(f"while_loop: expected body_fn's outputs and carried_inputs to have the same metadata, "
                               f"but output {i} has shape {tuple(a.shape)} and dtype {a.dtype}, carried input {i} "
                               f"shape {tuple(b.shape)} and dtype {b.dtype}")


def while_loop(cond_fn: Callable, body_fn: Callable, carried_inputs: tuple | list) -> tuple:
    """Run `carried = body_fn(*carried)` while `cond_fn(*carried)` is True (a bool, or a one-element
    bool tensor); returns the last `carried` as a tuple (copies of the inputs when the body never
    runs). `body_fn` must return as many tensors/ints as it gets, with the same shapes and
    dtypes. As `torch.while_loop` (PyTorch's prototype, which does not support training yet; here
    gradients flow through the body's ops).

    >>> import tinygrad_edu as tg
    >>> tg.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2), (tg.tensor(0), tg.tensor([1.0])))
    (tensor(3), tensor([8.]))
    """
    if not callable(cond_fn) or not callable(body_fn):
        raise RuntimeError("while_loop: expect cond_fn and body_fn to be callable.")
    if not isinstance(carried_inputs, (tuple, list)):
        raise RuntimeError(f"while_loop: carried_inputs must be a tuple or list but got "
                           f"{type(carried_inputs).__name__}")
    _check_carried(carried_inputs, "carried_inputs")
    carried = tuple(carried_inputs)
    if not _should_loop(cond_fn, carried):
        return tuple(v.clone() if isinstance(v, Tensor) else v for v in carried)
    while True:
        out = body_fn(*carried)
        if isinstance(out, list):
            out = tuple(out)
        elif not isinstance(out, tuple):
            out = (out,)  # one carried value may come back alone (PyTorch accepts that too)
        _same_metadata(out, carried)
        carried = out
        if not _should_loop(cond_fn, carried):
            return carried
