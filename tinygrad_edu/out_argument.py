"""PyTorch's `out=` argument of the function forms: `tg.add(a, b, out=c)` computes a + b, writes
it into the existing tensor `c` in place and returns `c`.

The rules are PyTorch's (ATen's `resize_output` and its TensorIterator casting checks):

- shape: when out's shape is not the result's, out is resized first. Resizing an out that
  already has elements warns: PyTorch deprecates it (an out of zero elements is resized quietly).
- dtype: most elementwise ops and reductions store the result in out's dtype when the cast keeps
  the kind of number (`can_cast`: a float may become float64 or float16, an int a float, a bool
  anything -- but a float never becomes an integer or a bool, nor an integer a bool). Other ops
  (matmul, mm, abs, clamp, where, softmax, gather, ...) need out to have exactly the result's
  dtype; their function forms say `same_dtype=True`.
- autograd: a write into out is never recorded. With grad mode on, a differentiable op whose
  inputs or out require grad raises RuntimeError (compute without out=, or under tg.no_grad()).
- the write is an in-place change of out (`Tensor._in_place`): its version counter goes up, so a
  node that saved out notices, and every view of out sees the new numbers.

Ops that return several tensors (`max(x, dim)`, `sort`, ...) take a tuple of outs, one per result,
each of exactly its result's dtype.
"""
from __future__ import annotations

import warnings

import numpy as np

from .autograd.grad_mode import is_grad_enabled, no_grad
from .dtype import can_cast
from .tensor import Tensor


def dtype_for_out(dtype, out):
    """The dtype a reduction computes in (`sum`, `prod`, `cumsum`): the one asked for, else out's
    (torch.sum(x, 0, out=long_tensor) sums x converted to int64, as with dtype=torch.long)."""
    return out.dtype if dtype is None and isinstance(out, Tensor) else dtype


def written_to(out, op: str, result, *, same_dtype: bool = False, cast_error: type = RuntimeError):
    """`result` itself when `out` is None; otherwise result written into `out`, which is returned.

    `same_dtype=True`: out must have exactly result's dtype (matmul, abs, where, ...); otherwise
    result is converted to out's dtype when `can_cast` allows it, else `cast_error` is raised.
    A tuple of results goes into a tuple of outs (the same kind of named tuple is returned)."""
    if out is None:
        return result
    if isinstance(result, tuple):
        outs = _outs_for(out, op, result)
        for one_out, one_result in zip(outs, result):
            _check(op, one_result, one_out, True, cast_error)
        written = [_write(op, r, o) for o, r in zip(outs, result)]
        return type(result)(*written) if hasattr(result, "_fields") else tuple(written)
    if not isinstance(out, Tensor):
        raise TypeError(f"{op}(): argument 'out' must be a Tensor, not {type(out).__name__}")
    _check(op, result, out, same_dtype, cast_error)
    return _write(op, result, out)


def _outs_for(out, op: str, results: tuple) -> tuple:
    if not isinstance(out, (tuple, list)) or len(out) != len(results) or not all(
            isinstance(o, Tensor) for o in out):
        names = getattr(results, "_fields", None) or [f"result {i}" for i in range(len(results))]
        raise TypeError(f"{op}(): out= must be a tuple of {len(results)} tensors ({', '.join(names)}), "
                        f"got {type(out).__name__}")
    return tuple(out)


def _check(op: str, result: Tensor, out: Tensor, same_dtype: bool, cast_error: type) -> None:
    # the autograd check comes first, as in PyTorch (its VariableType layer runs before the kernel)
    if is_grad_enabled() and (result.requires_grad or (out.requires_grad and result.dtype.kind == "f")):
        raise RuntimeError(
            f"{op}(): functions with out=... arguments don't support automatic differentiation, but one "
            f"of the arguments requires grad. Compute without out= to record the op, or write into out "
            f"inside tg.no_grad()")
    if same_dtype and out.dtype != result.dtype:
        raise RuntimeError(f"{op}(): expected out tensor to have dtype {result.dtype}, but got {out.dtype} "
                           f"instead (for {op}, out= must have exactly the result's dtype)")
    if not can_cast(result.dtype, out.dtype):
        raise cast_error(f"{op}(): result type {result.dtype} can't be cast to the desired output type "
                         f"{out.dtype} (a float result cannot be stored in an integer or bool out, nor an "
                         f"integer result in a bool out)")


def _write(op: str, result: Tensor, out: Tensor) -> Tensor:
    if out.shape != result.shape:
        _resize(op, out, result.shape)
    value = Tensor._make(np.asarray(result.data).astype(out.dtype, copy=False), None, False)
    with no_grad():  # (the write is never recorded: out keeps its own history, as in PyTorch)
        out._in_place(op, lambda old: value)
    return out


def _resize(op: str, out: Tensor, shape: tuple) -> None:
    """Give `out` new memory of `shape` (its version goes up once, with the write that follows)."""
    if out.numel():
        warnings.warn(
            f"{op}(): An output with one or more elements was resized since it had shape {list(out.shape)}, "
            f"which does not match the required output shape {list(shape)}. This behavior is deprecated, "
            f"and in a future PyTorch release outputs will not be resized unless they have zero elements. "
            f"You can explicitly reuse an out tensor t by resizing it, inplace, to zero elements with "
            f"t.resize_(0).", UserWarning, stacklevel=5)
    out.data = np.empty(shape, dtype=out.dtype)
    out._view_of = None  # (it no longer shares a base's memory)
