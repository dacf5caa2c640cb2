"""Run one program in tinygrad_edu and in PyTorch and list how the two differ.

Compared, in order (the first difference in the forward pass ends the comparison, since later
ones would only be its echoes):
  1. names that tinygrad_edu lacks ("missing"),
  2. each line: exception or not, and the exception type ("raises", "no error", "error type"),
     the result (structure, shape, dtype, requires_grad, values: "nan/inf" pattern, "value"),
     every other value of the program (a change through a view must reach its base: "aliasing"),
     and warnings that only tinygrad_edu gives ("warning", which does not stop the comparison),
  3. `.grad` of every input after `loss.backward()` ("grad: ..."), where loss = Σ w·v over the
     values that require grad; a gradient difference is blamed on the first line whose program
     prefix shows it,
  4. on some programs, second derivatives through `grad(..., create_graph=True)` ("grad2: ...").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from . import execute
from .execute import Snap
from .known import known_reason
from .program import Program
from .torch_side import float64_default

RTOL = {"float64": 1e-7, "float32": 1e-5, "float16": 1e-3}
ATOL = {"float64": 1e-12, "float32": 1e-6, "float16": 1e-3}  # times the program's largest |value|


@dataclass(frozen=True)
class Difference:
    category: str
    op: str
    detail: str
    program: Program
    ours: str
    theirs: str
    step: int | None = None     # the line (0-based) where it showed, None for gradients of all

    @property
    def key(self) -> tuple:
        return (self.op, self.category, self.detail)

    @property
    def reason_known(self) -> str | None:
        return known_reason(self.op, self.category, self.detail, self.ours + " " + self.theirs)


_OURS = None
_THEIRS = None


def sides():
    global _OURS, _THEIRS
    if _OURS is None:
        _OURS, _THEIRS = execute.tinygrad_side(), execute.torch_side()
    return _OURS, _THEIRS


# ---- what tinygrad_edu lacks ----------------------------------------------------------------
MODULE_ATTR = re.compile(r"(?<![\w.])(tg|F)\.(\w+)")
METHOD_ATTR = re.compile(r"(?:\]|\)|\b[vx]\d+)\.(\w+)")


def missing_names(line: str) -> list[str]:
    import tinygrad_edu as tg
    import tinygrad_edu.nn.functional as F
    missing = [f"{mod}.{name}" for mod, name in MODULE_ATTR.findall(line)
               if not hasattr({"tg": tg, "F": F}[mod], name)]
    missing += [f"Tensor.{name}" for name in METHOD_ATTR.findall(line) if not hasattr(tg.Tensor, name)]
    return missing


# ---- comparing values ------------------------------------------------------------------------
def error_text(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}"[:300]


def reference_type(err: BaseException) -> type:
    """The built-in exception class a PyTorch error is (its own subclasses count as their base)."""
    for cls in type(err).__mro__:
        if cls.__module__ == "builtins":
            return RuntimeError if cls is NotImplementedError else cls
    return Exception


def largest(snaps) -> float:
    """The largest finite |value| among float tensors (the scale for absolute tolerances)."""
    best = 1.0
    for s in snaps:
        if s is None:
            continue
        if s.kind == "tuple":
            best = max(best, largest(s.items))
        elif s.kind == "tensor" and s.dtype.startswith("float") and s.array.size:
            finite = np.abs(s.array[np.isfinite(s.array)])
            if finite.size:
                best = max(best, float(finite.max()))
    return best


def loosest(snaps) -> str:
    """The least precise float dtype among the program's tensors: a float64 result computed from
    float32 values carries their rounding (numpy's and PyTorch's float32 sin differ in the last
    bit), so it is compared with float32's tolerance."""
    found = "float64"
    for s in snaps:
        if s is None:
            continue
        dtype = loosest(s.items) if s.kind == "tuple" else s.dtype if s.kind == "tensor" else None
        if dtype in RTOL and RTOL[dtype] > RTOL[found]:
            found = dtype
    return found


def compare_snaps(ours: Snap, theirs: Snap, scale: float, check_requires_grad: bool = True,
                  precision: str = "float64"):
    """(category, detail) of the first way `ours` differs from `theirs`, or None. Floats are
    compared with the tolerance of their dtype or of `precision`, whichever is looser."""
    if ours.kind != theirs.kind:
        return "structure", f"tg gives {ours.kind}, torch gives {theirs.kind}"
    if ours.kind == "tuple":
        if len(ours.items) != len(theirs.items):
            return "structure", f"tuple of {len(ours.items)} vs {len(theirs.items)}"
        for i, (a, b) in enumerate(zip(ours.items, theirs.items)):
            found = compare_snaps(a, b, scale, check_requires_grad, precision)
            if found:
                return found[0], f"item {i}: {found[1]}"
        return None
    if ours.kind != "tensor":
        return ("structure", "different values") if ours.text != theirs.text else None
    if ours.shape != theirs.shape:
        return "shape", ""
    if ours.dtype != theirs.dtype:
        return "dtype", f"tg {ours.dtype}, torch {theirs.dtype}"
    if check_requires_grad and ours.requires_grad != theirs.requires_grad:
        return "requires_grad", f"tg {ours.requires_grad}, torch {theirs.requires_grad}"
    a, b = ours.array, theirs.array
    if not ours.dtype.startswith("float"):
        return None if np.array_equal(a, b) else ("value", "")
    if not (np.array_equal(np.isnan(a), np.isnan(b)) and np.array_equal(np.isposinf(a), np.isposinf(b))
            and np.array_equal(np.isneginf(a), np.isneginf(b))):
        return "nan/inf", _nonfinite_detail(a, b)
    finite = np.isfinite(b)
    tolerance = precision if RTOL.get(precision, 0) > RTOL.get(ours.dtype, 1e-7) else ours.dtype
    close = np.isclose(a[finite].astype(np.float64), b[finite].astype(np.float64), rtol=RTOL.get(tolerance, 1e-7),
                       atol=ATOL.get(tolerance, 1e-12) * scale)
    return None if close.all() else ("value", "")


def _nonfinite_detail(a: np.ndarray, b: np.ndarray) -> str:
    def kind(x):
        return "nan" if np.isnan(x) else "inf" if np.isinf(x) else "finite"
    for x, y in zip(a.reshape(-1), b.reshape(-1)):
        if kind(x) != kind(y):
            return f"tg {kind(x)} where torch {kind(y)}"
    return ""


NUMBER = re.compile(r"\b\d[\d.e+-]*")


def warning_detail(caught) -> str:
    category, message = caught
    return f"{category}: {NUMBER.sub('N', message)[:60]}"


# ---- one program ----------------------------------------------------------------------------
def check(program: Program) -> list[Difference]:
    """All differences of `program` (known, documented ones included: see Difference.reason_known)."""
    with float64_default():
        return _check(program)


def _check(program: Program) -> list[Difference]:
    diffs: list[Difference] = []
    for k, step in enumerate(program.steps):
        missing = missing_names(step.line)
        if missing:
            diffs.append(Difference("missing", missing[0], "", program.prefix(k + 1),
                                    f"AttributeError: no {missing[0]}", "exists", k))
            program = program.prefix(k)
            break
    ours_side, torch_side = sides()
    ours, theirs = execute.run_forward(program, ours_side), execute.run_forward(program, torch_side)
    if theirs.input_error is not None:
        return diffs  # cannot happen for generated programs; nothing to compare
    if ours.input_error is not None:
        return diffs + [Difference("raises", "tensor", type(ours.input_error).__name__, program,
                                   error_text(ours.input_error), "ok")]
    forward = _compare_forward(program, ours, theirs)
    diffs += forward
    if any(d.category != "warning" for d in forward):
        return diffs
    done = len(theirs.steps) - (1 if theirs.steps and theirs.steps[-1].error else 0)
    diffs += _compare_gradients(program, done, ours, theirs)
    return diffs


def _compare_forward(program: Program, ours, theirs) -> list[Difference]:
    diffs: list[Difference] = []
    scale_snaps: list = []
    for k, (step, o, t) in enumerate(zip(program.steps, ours.steps, theirs.steps)):
        where = program.prefix(k + 1)
        if o.error is not None or t.error is not None:
            if t.error is None:
                return diffs + [Difference("raises", step.op, type(o.error).__name__, where,
                                           error_text(o.error), t.out.describe(), k)]
            if o.error is None:
                return diffs + [Difference("no error", step.op, type(t.error).__name__, where,
                                           o.out.describe(), error_text(t.error), k)]
            expected = reference_type(t.error)
            if not isinstance(o.error, expected):
                diffs.append(Difference("error type", step.op,
                                        f"tg {type(o.error).__name__}, torch {expected.__name__}",
                                        where, error_text(o.error), error_text(t.error), k))
            return diffs
        torch_warned = {c for c, _ in t.warnings}
        for caught in o.warnings:
            if caught[0] not in torch_warned:
                diffs.append(Difference("warning", step.op, warning_detail(caught), where,
                                        f"{caught[0]}: {caught[1]}", "no warning", k))
                break
        scale_snaps += list(t.pool.values())
        scale, precision = largest(scale_snaps), loosest(scale_snaps)
        found = compare_snaps(o.out, t.out, scale, precision=precision)
        if found:
            detail = found[1] + (f" (operands {step.signature})" if found[0] == "dtype" else "")
            return diffs + [Difference(found[0], step.op, detail, where, o.out.describe(),
                                       t.out.describe(), k)]
        for name, snap in t.pool.items():
            if name == step.target or name not in o.pool:
                continue
            found = compare_snaps(o.pool[name], snap, scale, precision=precision)
            if found:
                return diffs + [Difference("aliasing", step.op, f"another value: {found[0]}", where,
                                           f"{name} = {o.pool[name].describe()}",
                                           f"{name} = {snap.describe()}", k)]
    return diffs


def _compare_gradients(program: Program, done: int, ours, theirs) -> list[Difference]:
    """Gradient differences of the first `done` lines, blamed on the line that introduces them."""
    if not done:
        return []
    found = _gradient_difference(program.prefix(done), ours.env, theirs.env, theirs.steps[done - 1].pool,
                                 second=False)
    if found is None and program.second_order:
        found = _gradient_difference(program.prefix(done), None, None, theirs.steps[done - 1].pool,
                                     second=True)
    if found is None:
        return []
    for j in range(1, done):  # the shortest prefix that shows a difference of the same kind
        shorter = _gradient_difference(program.prefix(j), None, None, None, second=found.category.startswith("grad2"))
        if shorter is not None:
            return [shorter]
    return [found]


def _gradient_difference(program: Program, ours_env, torch_env, pool, second: bool):
    """Run (or reuse) the forward pass of `program`, then compare first or second derivatives."""
    ours_side, torch_side = sides()
    if ours_env is None:
        ours_run, torch_run = execute.run_forward(program, ours_side), execute.run_forward(program, torch_side)
        if any(s.error for s in ours_run.steps + torch_run.steps) or not torch_run.steps:
            return None
        ours_env, torch_env, pool = ours_run.env, torch_run.env, torch_run.steps[-1].pool
    names = execute.differentiable(pool)
    leaves = [i.name for i in program.inputs if i.requires_grad]
    if not names or not leaves:
        return None
    loss = execute.loss_line(pool, names)
    run = execute.run_second_order if second else execute.run_backward
    o, t = run(ours_env, ours_side, loss, leaves), run(torch_env, torch_side, loss, leaves)
    prefix = "grad2" if second else "grad"
    op = program.steps[-1].op
    snippet_program = program
    if o.error is not None or t.error is not None:
        if o.error is not None and t.error is not None:
            if isinstance(o.error, reference_type(t.error)):
                return None
            return Difference(f"{prefix}: error type", op,
                              f"tg {type(o.error).__name__}, torch {reference_type(t.error).__name__}",
                              snippet_program, error_text(o.error), error_text(t.error))
        if o.error is not None:
            return Difference(f"{prefix}: raises", op, type(o.error).__name__, snippet_program,
                              error_text(o.error), "ok")
        return Difference(f"{prefix}: no error", op, type(t.error).__name__, snippet_program, "ok",
                          error_text(t.error))
    scale = largest(list(pool.values()) + list(t.grads.values()))
    precision = loosest(list(pool.values()) + list(t.grads.values()))
    for name in leaves:
        a, b = o.grads[name], t.grads[name]
        if (a.kind == "none") != (b.kind == "none"):
            return Difference(f"{prefix}: None", op, f"tg {a.kind}, torch {b.kind}", snippet_program,
                              f"{name}.grad = {a.describe()}", f"{name}.grad = {b.describe()}")
        found = compare_snaps(a, b, scale, check_requires_grad=False, precision=precision)
        if found:
            return Difference(f"{prefix}: {found[0]}", op, found[1], snippet_program,
                              f"{name}.grad = {a.describe()}", f"{name}.grad = {b.describe()}")
    return None

