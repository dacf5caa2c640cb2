"""Running a program in one library ("side") and taking snapshots of its values.

A side is tinygrad_edu or PyTorch: the program's lines run in a namespace where `tg`, `F` and
`grad` name that library's module, functional module and `autograd.grad`. After every line the
value it made and every other value of the program are copied out as `Snap`s (numpy arrays), so
that a value changed later through a view is compared as well.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import numpy as np

from .program import Program
from .values import array_source, loss_weights


@dataclass(frozen=True)
class Snap:
    """A copy of one value: a tensor, a tuple of values, None, or something else (by repr)."""
    kind: str                       # "tensor" | "tuple" | "none" | "other"
    array: np.ndarray | None = None
    dtype: str = ""
    requires_grad: bool = False
    items: tuple = ()
    text: str = ""

    @property
    def shape(self) -> tuple:
        return tuple(self.array.shape)

    def describe(self) -> str:
        if self.kind == "tensor":
            body = np.array2string(self.array, threshold=30, precision=10, separator=", ")
            grad = ", requires_grad=True" if self.requires_grad else ""
            return f"tensor({body}, dtype={self.dtype}{grad})" if self.array.ndim else \
                f"tensor({self.array.item()!r}, dtype={self.dtype}{grad})"
        if self.kind == "tuple":
            return "(" + ", ".join(i.describe() for i in self.items) + ")"
        return "None" if self.kind == "none" else self.text


@dataclass
class Side:
    name: str
    module: object
    functional: object
    grad: object
    tensor_type: type
    dtype_name: object              # tensor -> numpy dtype name
    to_numpy: object                # tensor -> ndarray copy

    def namespace(self) -> dict:
        return {"tg": self.module, "F": self.functional, "np": np, "grad": self.grad}

    def snap(self, value) -> Snap:
        if isinstance(value, self.tensor_type):
            return Snap("tensor", self.to_numpy(value), self.dtype_name(value), bool(value.requires_grad))
        if isinstance(value, (tuple, list)):
            return Snap("tuple", items=tuple(self.snap(v) for v in value))
        if value is None:
            return Snap("none")
        return Snap("other", text=f"{type(value).__name__}: {value!r}"[:200])


def tinygrad_side() -> Side:
    import tinygrad_edu as tg
    import tinygrad_edu.nn.functional as F
    return Side("tinygrad_edu", tg, F, tg.grad, tg.Tensor, lambda t: str(t.dtype),
                lambda t: np.array(t.data, copy=True))


def torch_side() -> Side:
    import torch

    from .torch_side import grad_function, numpy_dtype, to_numpy
    return Side("torch", torch, torch.nn.functional, grad_function, torch.Tensor,
                lambda t: numpy_dtype(t.dtype), to_numpy)


@dataclass
class StepRun:
    error: BaseException | None = None
    warnings: list = field(default_factory=list)   # (category name, message)
    out: Snap | None = None
    pool: dict = field(default_factory=dict)       # name -> Snap after this line


@dataclass
class Run:
    env: dict
    input_error: BaseException | None = None
    steps: list = field(default_factory=list)


def run_line(line: str, env: dict) -> tuple[BaseException | None, list]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(line, env)
            error = None
        except Exception as err:  # noqa: BLE001 -- any exception is an outcome to compare
            error = err
    return error, [(w.category.__name__, str(w.message)) for w in caught]


def run_forward(program: Program, side: Side) -> Run:
    """Every line of `program`, stopping at the first one that raises."""
    run = Run(side.namespace())
    for inp in program.inputs:
        error, _ = run_line(inp.source(), run.env)
        if error is not None:
            run.input_error = error
            return run
    for k, step in enumerate(program.steps):
        error, caught = run_line(step.line, run.env)
        result = StepRun(error, caught)
        run.steps.append(result)
        if error is not None:
            break
        result.out = _snap_name(side, step.target, run.env)
        for name in program.names_before(k + 1):
            result.pool[name] = _snap_name(side, name, run.env)
    return run


def _snap_name(side: Side, name: str, env: dict) -> Snap:
    """The value `name` ("v3" or "v3[0]") names, or what went wrong looking it up (when this
    side made something else than the other, e.g. a tensor instead of a tuple)."""
    try:
        return side.snap(eval(name, env))
    except Exception as err:  # noqa: BLE001
        return Snap("other", text=f"cannot read {name}: {type(err).__name__}")


# ---- the scalar loss and its derivatives -----------------------------------------------------
def weighted_term(name: str, snap: Snap, salt: int) -> str:
    w = loss_weights(snap.shape, salt).astype(snap.dtype)
    return f"({name} * tg.tensor({array_source(w)})).sum()"


def loss_line(pool: dict, names: list[str]) -> str:
    """`loss = Σ (v * w).sum()` over the float values that require grad (w fixed, varied)."""
    terms = [weighted_term(n, pool[n], i) for i, n in enumerate(names)]
    return "loss = " + " + ".join(terms)


def differentiable(pool: dict) -> list[str]:
    """Names of values (not inputs) that are float tensors requiring grad."""
    return [n for n, s in pool.items() if s.kind == "tensor" and s.requires_grad
            and s.dtype.startswith("float") and not re.fullmatch(r"x\d+", n)]


@dataclass
class GradRun:
    error: BaseException | None = None
    grads: dict = field(default_factory=dict)      # input name -> Snap


def run_backward(env: dict, side: Side, loss: str, leaves: list[str]) -> GradRun:
    """`loss.backward()`, then the `.grad` of each leaf."""
    error, _ = run_line(loss + "\nloss.backward()", env)
    if error is not None:
        return GradRun(error)
    return GradRun(None, {name: side.snap(env[name].grad) for name in leaves})


SECOND_ORDER_SOURCE = """\
gs = grad(loss, [{leaves}], create_graph=True, allow_unused=True)
s = sum((g * tg.tensor(w)).sum() for g, w in zip(gs, weights) if g is not None and g.requires_grad)
hs = grad(s, [{leaves}], allow_unused=True) if not isinstance(s, int) else [None] * len(gs)"""


def second_order_source(env: dict, leaves: list[str]) -> str:
    weights = [loss_weights(tuple(env[n].shape), 7 + i) for i, n in enumerate(leaves)]
    return "weights = [" + ", ".join(array_source(w) for w in weights) + "]\n" + \
        SECOND_ORDER_SOURCE.format(leaves=", ".join(leaves))


def run_second_order(env: dict, side: Side, loss: str, leaves: list[str]) -> GradRun:
    """Gradient of Σ w'·(∂loss/∂leaf) with respect to the leaves (None counts as zeros: whether a
    linear op's gradient carries a graph is not part of the contract)."""
    error, _ = run_line(loss + "\n" + second_order_source(env, leaves), env)
    if error is not None:
        return GradRun(error)
    grads = {}
    for name, h in zip(leaves, env["hs"]):
        if h is None:
            leaf = side.snap(env[name])
            grads[name] = Snap("tensor", np.zeros_like(leaf.array), leaf.dtype)
        else:
            grads[name] = side.snap(h)
    return GradRun(None, grads)
