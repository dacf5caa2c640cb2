"""Einstein summation: `einsum("ij,jk->ik", a, b)` is a @ b, "ii->" the trace, "bi,bj->bij" a
batch of outer products.

The gradient of an einsum with respect to one operand is another einsum: the output gradient
contracted with the other operands, written onto that operand's subscripts,

    out = einsum("ij,jk->ik", a, b)   =>   ∂L/∂a = einsum("ik,jk->ij", g, b)

Two cases need care. A subscript repeated in one operand ("ii") reads a diagonal, so its
gradient lands on the diagonal only: the second i is renamed and tied to the first by an identity
matrix (a Kronecker delta). A subscript that appears in that operand alone is summed over, so its
gradient is the same along it: it is left out of the einsum and broadcast afterwards.
A size-1 dim that broadcasts against a longer one of the same subscript is summed back to size 1.
"""
from __future__ import annotations

import string

import numpy as np

from ..errors import ShapeError
from .op import Op

LETTERS = string.ascii_letters


def parse_equation(equation: str, shapes: list[tuple]) -> tuple[list[str], str]:
    """The subscripts of each operand and of the output, letters only: '...' becomes letters
    (aligned from the right, as broadcasting does), an implicit output ('ij,jk') becomes the
    subscripts seen once, in alphabetical order, after the '...' ones (numpy's and PyTorch's rule)."""
    if not isinstance(equation, str):
        raise TypeError(f"einsum: the equation must be a string, got {type(equation).__name__}")
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(shapes):
        many = "more" if len(shapes) > len(inputs) else "fewer"
        raise ShapeError(f"einsum: {many} operands ({len(shapes)}) were given than the equation "
                         f"{equation!r} names ({len(inputs)})")
    bad = sorted(set(eq) - set(LETTERS) - set(",->."))
    if bad:
        raise ShapeError(f"einsum: subscripts must be letters a-z, A-Z; got {bad} in {equation!r}")
    unused = [c for c in LETTERS if c not in eq]
    dots = 0  # how many dims '...' stands for: the most any operand gives it
    for sub, shape in zip(inputs, shapes):
        explicit = len(sub.replace("...", ""))
        if ("..." in sub and explicit > len(shape)) or ("..." not in sub and explicit != len(shape)):
            raise ShapeError(f"einsum: subscripts {sub!r} do not fit an operand with {len(shape)} "
                             f"dims (shape {shape}) in {equation!r}")
        if "..." in sub:
            dots = max(dots, len(shape) - explicit)
    ellipsis = "".join(unused[:dots])
    inputs = [sub.replace("...", ellipsis[dots - (len(shape) - len(sub) + 3):] if dots else "")
              if "..." in sub else sub for sub, shape in zip(inputs, shapes)]
    if arrow:
        output = rhs.replace("...", ellipsis)
    else:
        counts = "".join(inputs)
        output = ellipsis + "".join(sorted(c for c in set(counts) if counts.count(c) == 1 and c not in ellipsis))
    for c in output:
        if output.count(c) > 1:
            raise ShapeError(f"einsum: output subscript {c!r} appears more than once in {equation!r}")
        if not any(c in sub for sub in inputs):
            raise ShapeError(f"einsum: output subscript {c!r} appears in no operand in {equation!r}")
    return inputs, output


def run_einsum(equation: str, *arrays: np.ndarray) -> np.ndarray:
    try:
        return np.asarray(np.einsum(equation, *arrays, optimize=len(arrays) > 2))
    except ValueError as err:
        shapes = ", ".join(str(a.shape) for a in arrays)
        raise ShapeError(f"einsum: {equation!r} does not fit operands of shapes {shapes}: {err}") from None


class Einsum(Op):
    """einsum(equation, x₁, …, xₙ);  ∂L/∂xₖ = einsum of the gradient with the other operands
    onto xₖ's subscripts (see the module docstring)"""

    @staticmethod
    def forward(ctx, equation, *operands):
        ctx.inputs, ctx.output = equation.split("->")[0].split(","), equation.split("->")[1]
        ctx.shapes = [x.data.shape for x in operands]
        ctx.save_for_backward(*operands)
        return run_einsum(equation, *[x.data for x in operands])

    @staticmethod
    def backward(ctx, grad):
        operands = ctx.saved_tensors
        needs = ctx.needs_input_grad
        return (None,) + tuple(
            _operand_gradient(ctx, grad, operands, k) if needs[k + 1] else None
            for k in range(len(operands)))


def _operand_gradient(ctx, grad, operands, k: int):
    xp = ctx.xp
    sub, shape = ctx.inputs[k], ctx.shapes[k]
    fresh = [c for c in LETTERS if c not in "".join(ctx.inputs)]
    target, deltas, seen = [], [], set()
    for c, n in zip(sub, shape):
        if c in seen:  # a diagonal: a new letter, tied to c by an identity matrix
            f = fresh.pop()
            deltas.append((c + f, np.eye(n, dtype=np.result_type(grad.dtype))))
            target.append(f)
        else:
            seen.add(c)
            target.append(c)
    subs = [ctx.output] + [s for j, s in enumerate(ctx.inputs) if j != k] + [d[0] for d in deltas]
    present = set("".join(subs))
    kept = "".join(c for c in target if c in present)
    others = [x for j, x in enumerate(operands) if j != k]
    out = xp.einsum(",".join(subs) + "->" + kept, grad, *others, *[d[1] for d in deltas])
    if len(kept) < len(target):  # summed in this operand alone: the gradient is constant along it
        out = xp.reshape(out, tuple(n if c in present else 1 for c, n in zip(target, shape)))
    return _fit_broadcast(xp, out, shape)


def _fit_broadcast(xp, grad, shape: tuple):
    """A size-1 dim broadcasts against the other operands (as in PyTorch's einsum), so the
    gradient einsum can come back n long where this operand has 1 (its entries all multiplied
    the one element: sum them) or 1 long where it has n (the others were constant along it: the
    same gradient for every position)."""
    summed = tuple(a for a, (m, n) in enumerate(zip(grad.shape, shape)) if n == 1 and m != 1)
    if summed:
        grad = xp.sum(grad, summed, keepdims=True)
    return grad if tuple(grad.shape) == tuple(shape) else xp.broadcast_to(grad, shape)
