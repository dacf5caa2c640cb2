"""Differential fuzz of the autograd API against PyTorch: the graph machinery, not the ops.

A seed draws a program (tests/fuzz/autograd_api_cases.py): a few leaves, lines of ops and views,
and a random selection of hooks (on tensors, on nodes, after accumulation; removed again),
retain_grad, backward (twice, retain_graph, gradient=, inputs=), tg.autograd.grad (allow_unused,
materialize_grads, grad_outputs, create_graph with a second derivative, is_grads_batched), .grad
changes, in-place changes (version counters), detach_/requires_grad_, grad-mode blocks,
saved-tensors hooks and custom Functions. The program runs step by step with `tg` bound to
PyTorch and to tinygrad_edu, in float64, with the same numbers; after each step are compared:
whether it raised (and the exception type: ours may be a subclass of PyTorch's), the warnings'
classes, and for every tensor of the program its shape, dtype, requires_grad, is_leaf, whether it
has a grad_fn, its value and its .grad (1e-10; the warning on reading .grad of a non-leaf), and
what the hooks and custom Functions logged (how often each was called and the gradients it saw).
The first step where the two differ is reported, grouped by (what the step does, what differed),
shrunk to the fewest steps, and printed as a script that runs with either import.

    python -m tests.fuzz.autograd_api_fuzz --examples 3000 --seed 0

Deliberate, documented differences are in KNOWN below, with their reasons; entries marked OPEN are
differences whose fix belongs in autograd/function.py and is not made yet.
"""
from __future__ import annotations

import argparse
import contextlib
import re
import sys
import time
import warnings
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from tests.fuzz.autograd_api_cases import HEADER, Program, draw
from tests.fuzz.sides import documented

RTOL = ATOL = 1e-10


# =============================================================================================
# running one side


@dataclass
class StepOutcome:
    error: tuple | None            # (type name, names of its classes) or None
    warnings: tuple                # sorted class names of the warnings the step gave
    tensors: dict                  # name -> record (see _record), or None for a None in a tuple
    log: dict                      # tag -> list of payloads (arrays, None or plain values)


@dataclass
class Outcome:
    steps: list = field(default_factory=list)
    setup_error: str | None = None


def _is_tensor(o) -> bool:
    return type(o).__name__ in ("Tensor", "Parameter")


def _attr(t, get):
    """An attribute, or ("raises", type) where reading it raises (PyTorch's grad_fn of a view
    whose base was changed in place in another grad mode)."""
    try:
        return get(t)
    except Exception as err:  # noqa: BLE001
        return ("raises", type(err).__name__)


def _array(t, lib: str):
    try:
        return _numbers(t, lib)
    except Exception as err:  # noqa: BLE001 -- (PyTorch: a batched tensor that escaped vmap)
        return ("unreadable", type(err).__name__)


def _numbers(t, lib: str) -> np.ndarray:
    if lib == "torch":
        import torch
        if torch._is_zerotensor(t):
            return np.zeros(tuple(t.shape))
        return np.array(t.detach().numpy(force=True), copy=True)
    return np.array(np.asarray(t.detach().numpy()), copy=True)


def _record(t, lib: str) -> dict:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = t.grad
    return {"shape": tuple(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
            "requires_grad": _attr(t, lambda t: bool(t.requires_grad)), "is_leaf": _attr(t, lambda t: bool(t.is_leaf)),
            "grad_fn": _attr(t, lambda t: t.grad_fn is not None), "value": _array(t, lib),
            "grad": None if g is None else _array(g, lib),
            "grad_warning": tuple(sorted({w.category.__name__ for w in caught}))}


def _snapshot(ns: dict, names: list[str], lib: str) -> dict:
    out = {}
    for name in names:
        if name not in ns:
            continue
        value = ns[name]
        if _is_tensor(value):
            out[name] = _record(value, lib)
        elif isinstance(value, (tuple, list)):
            for i, v in enumerate(value):
                out[f"{name}[{i}]"] = _record(v, lib) if _is_tensor(v) else None
    return out


def _log(ns: dict, lib: str) -> dict:
    grouped: dict = defaultdict(list)
    for tag, payload in ns["LOG"]:
        grouped[tag].append(_array(payload, lib) if _is_tensor(payload) else payload)
    return dict(grouped)


def _names(program: Program) -> list[str]:
    return list(program.family)


def run_side(program: Program, lib: str) -> Outcome:
    ns: dict = {"__name__": "__fuzz__"}
    outcome = Outcome()
    restore = None
    if lib == "torch":
        import torch
        restore = torch.get_default_dtype()
    names = _names(program)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                exec(HEADER.format(lib=lib, seed=program.seed), ns)
            except Exception as err:  # noqa: BLE001
                outcome.setup_error = f"{type(err).__name__}: {err}"
                return outcome
            for step in program.steps:
                error = None
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    try:
                        exec(step.code, ns)
                    except Exception as err:  # noqa: BLE001 -- an outcome to compare
                        error = (type(err).__name__, tuple(c.__name__ for c in type(err).__mro__),
                                 str(err).strip().split("\n")[0][:200])
                warned = tuple(sorted({w.category.__name__ for w in caught}))
                outcome.steps.append(StepOutcome(error, warned, _snapshot(ns, names, lib), _log(ns, lib)))
    finally:
        if restore is not None:
            import torch
            torch.set_default_dtype(restore)
    return outcome


# =============================================================================================
# comparing


@dataclass
class Finding:
    kind: str          # what the step does
    what: str          # what differed
    detail: str
    seed: int
    step: int          # index of the first step where the two differ
    name: str = ""     # the tensor (or log tag) concerned
    program: Program | None = None
    torch_error: str = ""   # the exceptions the step raised, if any
    tg_error: str = ""
    raised_before: bool = False  # a backward pass raised on both sides at an earlier step

    @property
    def key(self) -> tuple:
        return (self.kind, self.what)


def _role(rec: dict | None, name: str) -> str:
    if name.startswith("g"):
        return "a result of autograd.grad"
    if rec is None:
        return "a tensor"
    return "a leaf" if rec["is_leaf"] else "a non-leaf"


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return a.shape == b.shape and np.allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return False
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 -- (values that do not compare)
        return False


def _one_line(x) -> str:
    text = np.array2string(x, precision=4, separator=", ") if isinstance(x, np.ndarray) else repr(x)
    return " ".join(text.split())[:200]


def _gap(a, b) -> str:
    if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
        return f"torch {_one_line(a)} tg {_one_line(b)}"
    if a.shape != b.shape:
        return f"shape {a.shape} vs {b.shape}"
    with np.errstate(all="ignore"):
        return f"max |diff| {float(np.nanmax(np.abs(a - b))) if a.size else 0:.3g}"


def compare_step(ref: StepOutcome, ours: StepOutcome) -> list[tuple[str, str, str]]:
    """(what, detail, name) for each difference at one step; ref is PyTorch's."""
    diffs = []
    if ref.error is not None and ours.error is None:
        diffs.append(("no error", f"torch: {ref.error[0]}: {ref.error[2]}", ""))
    elif ref.error is None and ours.error is not None:
        diffs.append(("raises", f"tg: {ours.error[0]}: {ours.error[2]}", ""))
    elif ref.error is not None and ref.error[0] not in ours.error[1]:
        both = f"torch: {ref.error[0]}: {ref.error[2]} | tg: {ours.error[0]}: {ours.error[2]}"
        diffs.append(("error type", both, ""))
    if ref.warnings != ours.warnings:
        diffs.append(("warnings", f"torch {list(ref.warnings)} tg {list(ours.warnings)}", ""))
    for name in sorted(ref.tensors.keys() | ours.tensors.keys()):
        if name not in ours.tensors or name not in ref.tensors:
            diffs.append(("defined", f"{name} only in {'torch' if name in ref.tensors else 'tg'}", name))
            continue
        r, o = ref.tensors[name], ours.tensors[name]
        if r is None or o is None:
            if (r is None) != (o is None):
                diffs.append(("None in result", f"{name}: torch {'None' if r is None else 'a tensor'}", name))
            continue
        role = _role(r, name)
        for attr in ("shape", "dtype", "requires_grad", "is_leaf", "grad_fn"):
            if r[attr] != o[attr]:
                diffs.append((f"{attr} of {role}", f"{name}.{attr}: torch {r[attr]} tg {o[attr]}", name))
        if r["shape"] == o["shape"] and not _close(r["value"], o["value"]):
            diffs.append((f"value of {role}", f"{name}: {_gap(r['value'], o['value'])}", name))
        if (r["grad"] is None) != (o["grad"] is None):
            diffs.append((f".grad None of {role}", f"{name}.grad: torch {'None' if r['grad'] is None else 'set'} "
                          f"tg {'None' if o['grad'] is None else 'set'}", name))
        elif r["grad"] is not None and not _close(r["grad"], o["grad"]):
            diffs.append((f".grad value of {role}", f"{name}.grad: {_gap(r['grad'], o['grad'])}", name))
        if r["grad_warning"] != o["grad_warning"]:
            diffs.append((f".grad warning of {role}", f"{name}.grad: torch warns {list(r['grad_warning'])} "
                          f"tg {list(o['grad_warning'])}", name))
    for tag in sorted(ref.log.keys() | ours.log.keys()):
        r, o = ref.log.get(tag, []), ours.log.get(tag, [])
        what = "log: " + (tag.split("#")[1].rstrip("0123456789") + tag.split("#")[1].lstrip("h0123456789")
                          if "#" in tag else tag.split(".")[0])
        if len(r) != len(o):
            with_none = len([x for x in r if x is not None]) == len(o) and len(r) > len(o)
            diffs.append((f"{what} calls" + (" with None" if with_none else ""),
                          f"{tag}: torch {len(r)} calls, tg {len(o)}", tag))
            continue
        for i, (a, b) in enumerate(zip(r, o)):
            if not _close(a, b):
                gap = _gap(a, b)
                diffs.append((f"{what} value", f"{tag} call {i}: {gap}", tag))
                break
    return diffs


def compare(program: Program, ref: Outcome, ours: Outcome) -> list[Finding]:
    """The differences at the first step where the two runs differ."""
    if ref.setup_error or ours.setup_error:
        return [Finding("setup", "raises", f"torch {ref.setup_error} tg {ours.setup_error}", program.seed, 0,
                        program=program)]
    raised = False
    for i, (r, o) in enumerate(zip(ref.steps, ours.steps)):
        diffs = compare_step(r, o)
        if diffs:
            kind = program.steps[i].kind
            errors = [f"{e[0]}: {e[2]}" if e else "" for e in (r.error, o.error)]
            return [Finding(kind, what, detail, program.seed, i, name, program, *errors, raised)
                    for what, detail, name in diffs]
        code = program.steps[i].code
        raised |= bool(r.error and o.error and ("backward" in code or "autograd.grad" in code))
    return []


def check(program: Program) -> list[Finding]:
    return compare(program, run_side(program, "torch"), run_side(program, "tinygrad_edu"))


# =============================================================================================
# documented differences


def _tensor_name(f: Finding) -> str:
    """The tensor a finding is about: `v3` of `v3`, `g0[1]`, or of a hook's tag `v3#h0.out0`."""
    return f.name.split("#")[0].split("[")[0]


def _view_of_changed_base(f: Finding) -> bool:
    """The tensor is one of several views of a storage that was changed in place (through
    another of them) at or before this step."""
    p, name = f.program, _tensor_name(f)
    fam = p.family.get(name)
    return any(i <= f.step and changed != name for i, changed in p.inplace.get(fam, ()))


def _node_hook_then_inplace(f: Finding) -> bool:
    """A hook on the grad_fn of a tensor that shares its storage with others, then an in-place
    change of that storage (so the hooked node is the old history of a view or of its base)."""
    p = f.program
    for i, step in enumerate(p.steps[:f.step + 1]):
        if ".grad_fn.register_" in step.code:
            name = step.code.split(" = ", 1)[-1].split(".grad_fn.")[0]
            fam = p.family.get(name)
            views = [n for n, fm in p.family.items() if fm == fam]
            if len(views) > 1 and any(i < j <= f.step for j, _ in p.inplace.get(fam, ())):
                return True
    return False


def _target(f: Finding) -> str:
    """The tensor a step changes or calls a method of: v2 in `v2.zero_()`, `v2[0] = ...`, `v2 += 1`."""
    code = _step_text(f).split(":\n")[-1].strip()
    match = re.match(r"(\w+)", code)
    return match.group(1) if match else ""


def _defined_by(f: Finding, name: str) -> str:
    for step in f.program.steps:
        if name in step.defines:
            return step.code
    return ""


def _hook_given_none(f: Finding) -> bool:
    """PyTorch called a tensor hook with None (and the hook failed on it, or was counted)."""
    return f.what.endswith("calls with None") or ("'NoneType'" in f.torch_error and "hook_(" in f.program.text())


def _mark_dirty_on_viewed(f: Finding) -> bool:
    p = f.program
    for step in p.steps[:f.step + 1]:
        if "AddOne.apply(" in step.code:
            arg = step.code.split("AddOne.apply(")[1].split(")")[0]
            fam = p.family.get(arg)
            if sum(1 for fm in p.family.values() if fm == fam) > 1:
                return True
    return False


def _in_place_chain(f: Finding) -> bool:
    """PyTorch refused a result that an in-place op of the program saved and a later one changed."""
    if "modified by an inplace operation" not in f.torch_error or f.tg_error:
        return False
    op = f.torch_error.split("which is output 0 of ")[-1].split(",")[0].strip().lower()
    return bool(op) and f"{op}_(" in f.program.text()


def _view_of_view_after_in_place(f: Finding) -> bool:
    """A tensor named in the step (or the finding's tensor) shares its storage with another that
    was changed in place at or before this step (a view whose history is taken again, or a base
    changed through its view)."""
    p = f.program
    names = set(re.findall(r"\bv\d+\b", _step_text(f))) | {_tensor_name(f)}
    for name in names:
        fam = p.family.get(name)
        if fam is None:
            continue
        changes = [(i, changed) for i, changed in p.inplace.get(fam, ()) if i <= f.step]
        if changes and (fam != name or any(changed != name for _, changed in changes)):
            return True
    return False


def _changed_in_place(f: Finding) -> bool:
    """A tensor of the program was changed in place before this step."""
    return any(i < f.step for changes in f.program.inplace.values() for i, _ in changes)


def _hook_adds_a_constant_again(f: Finding) -> bool:
    """A second derivative in a program with a hook that adds a constant to its gradient (not linear
    in it) and an in-place change: the second backward passes the hooked tensor again here (through
    the zero gradient of the overwritten value, where(False, g, 0)), not in PyTorch, and the hook adds
    its constant again."""
    text = f.program.text()
    return f.kind.startswith("second derivative") and "'new'))" in text and f.program.inplace != {}


def _constant_derivative_calls(f: Finding) -> bool:
    """A second derivative where PyTorch runs more of the first backward's graph: the graph it
    recorded through a 0/1 mask (abs', relu's, clamp's) reaches nodes that ours does not."""
    return f.kind.startswith("second derivative") and f.what.startswith("log:") and any(
        op in f.program.text() for op in (".abs()", ".relu()", ".clamp("))


def _leaf_output_hook(f: Finding) -> bool:
    """tg.autograd.grad(leaf, ...) where the leaf (the only output) has hooks."""
    name = _tensor_name(f)
    return name.startswith("a") and f"tg.autograd.grad({name}, " in _step_text(f)


def _step_text(f: Finding) -> str:
    return f.program.steps[f.step].code


def _hooked_nonleaf_input(f: Finding) -> bool:
    """The differing result of autograd.grad is the gradient of a non-leaf input that has a hook
    which changes its gradient."""
    if not (f.name.startswith("g") and "[" in f.name):
        return False
    code = _step_text(f)
    if "[" not in code.split("autograd.grad(", 1)[-1]:
        return False
    inputs = code.split("autograd.grad(", 1)[1].split("[", 1)[1].split("]", 1)[0].split(", ")
    i = int(f.name.split("[")[1].rstrip("]"))
    name = inputs[i] if i < len(inputs) else ""
    text = f.program.text()
    return name.startswith("v") and any(f"{name}.register_hook(hook_('{name}#" in line and
                                        ("'scale'" in line or "'new'" in line) for line in text.split("\n"))


def _constant_derivative(f: Finding) -> bool:
    """requires_grad (and with it grad_fn, is_leaf, the .grad warning) of a create_graph result:
    PyTorch True, here False."""
    flags = ("torch True tg False", "torch False tg True", "warns ['UserWarning'] tg []", "warns [] tg ['UserWarning']")
    return "create_graph=True" in _step_text(f) and f.name.startswith("g") and any(x in f.detail for x in flags)


def _view_requires_grad(f: Finding) -> bool:
    """requires_grad of a view (made without recording): PyTorch True, here False."""
    name = f.name.split("[")[0]
    return "torch True tg False" in f.detail and f.program.family.get(name, name) != name


OPEN = "OPEN (a fix in autograd/function.py or an op, not made yet): "

# (kind prefix, what prefix, test, reason). Each is a row of docs/from-pytorch.md, or OPEN.
KNOWN: list[tuple[str, str, object, str]] = [
    ("", "value of a result of autograd.grad", _hooked_nonleaf_input,
     "PyTorch bug: tg.autograd.grad's result for a non-leaf input whose node is also on the path to another "
     "input is the gradient before the input's hooks (without that other input, after them); here always "
     "after them (docs/from-pytorch.md, 'Edge cases that differ on purpose')"),
    ("autograd.grad", "", _constant_derivative,
     "a derivative that is constant (abs', relu's, clamp's: a 0/1 mask times a constant; zero_'s: 0): "
     "PyTorch's backward formula records a graph through the mask (but not zero_'s), so the result of "
     "create_graph=True requires grad; here the mask selects without a graph (and zero_'s where(False, g, 0) "
     "keeps one) (docs/from-pytorch.md, the requires_grad row of 'Edge cases that differ on purpose')"),
    ("", "requires_grad of a leaf", _view_requires_grad,
     "a view made without recording (under no_grad, set_grad_enabled(False), inference_mode; or of a tensor "
     "that was made to require grad later): PyTorch says requires_grad=True (a view shares its base's flag, "
     "though no gradient reaches the base through it), here False: nothing was recorded "
     "(docs/from-pytorch.md, 'Edge cases that differ on purpose')"),
    ("", "value of", lambda f: "Inplace update to inference tensor" in f.torch_error and bool(f.tg_error),
     "PyTorch bug: an in-place op on an inference tensor outside inference mode raises after it has changed "
     "the tensor; here it raises before (docs/from-pytorch.md, 'Edge cases that differ on purpose')"),
    ("", "", _node_hook_then_inplace,
     "an in-place change of a view (or of its base) computes the new value through the view's old node "
     "here, so a hook on that node still sees the gradient; PyTorch's CopySlices bypasses it. The same "
     "values and gradients without such hooks (docs/from-pytorch.md, 'Edge cases that differ on purpose')"),
    ("", "", _hook_given_none,
     "a tensor hook on an output of a multi-output op that received no gradient: PyTorch calls it with None "
     "(a hook that computes with its argument fails), here it is not called (docs/from-pytorch.md)"),
    ("autograd.grad", "log: h", _leaf_output_hook,
     "PyTorch quirk: tg.autograd.grad(leaf, inputs) calls the leaf's hooks when the leaf is the only output "
     "(its graph root is then the leaf's accumulator) and not when it is one of several; here never "
     "(docs/from-pytorch.md)"),
    ("", "", lambda f: "output 0 of Relu" in f.torch_error and not f.tg_error,
     "relu keeps its input for backward, PyTorch its output: changing relu's output in place afterwards is an "
     "error there, not here (docs/from-pytorch.md, 'Edge cases that differ on purpose')"),
    ("", "", lambda f: bool(f.torch_error) and bool(f.tg_error) and (f.what.startswith((".grad", "log:"))) and (
        "backward" in _step_text(f) or "autograd.grad" in _step_text(f)),
     "a backward pass that raises (a freed graph, an in-place change): PyTorch has already written the .grad "
     "of the leaves (and run the hooks and custom backwards) its scheduler reached before the error; here no "
     ".grad changes (and other hooks may have run); do not use .grad after a backward that raised "
     "(docs/from-pytorch.md)"),
    ("", "", lambda f: "'unreadable'" in f.detail,
     "PyTorch bug: after tg.autograd.grad(..., is_grads_batched=True) a retained .grad (or a hook's gradient) is "
     "a tensor of vmap's internals that cannot be read ('Batching rule not implemented for aten::detach')"),
    ("", "", lambda f: "INTERNAL ASSERT FAILED" in f.torch_error,
     "PyTorch bug: an internal assertion (e.g. an in-place op on a custom Function's output after "
     "backward(inputs=...) made it retain its gradient); here the program runs"),
    ("autograd.grad is_grads_batched", "", lambda f: "Batching rule not implemented" in f.torch_error,
     "PyTorch limitation: is_grads_batched runs backward under vmap, which fails in a custom Function's backward "
     "(detach, clone); here one backward pass per row (docs/from-pytorch.md, tg.autograd row)"),
    ("backward(inputs=)", "", lambda f: ("second time" in f.tg_error) != ("second time" in f.torch_error),
     "backward(inputs=[t]) after the graph was freed: t's own node runs (PyTorch's rule), "
     "and where one library records the op as several nodes whose last saves nothing (PyTorch's batched matmul: "
     "view, mm, view; ours of a stack of matrices and a vector: unsqueeze, matmul, squeeze) only the other "
     "raises that saved values were freed"),
    ("", "", lambda f: f.raised_before and ("second time" in f.tg_error) != ("second time" in f.torch_error),
     "after a backward pass that raised part way, which nodes had already run (and freed what they saved) "
     "depends on the order of the pass: PyTorch's scheduler and ours differ (docs/from-pytorch.md, the row "
     "on a backward that raises)"),
    ("", "", lambda f: bool(f.tg_error) and not f.torch_error and ".expand(" in _defined_by(f, _target(f)),
     "in-place on a view made by expand: refused here (numpy's broadcast views are read-only), PyTorch writes "
     "(docs/from-pytorch.md, 'Edge cases that differ on purpose')"),
    ("", "", _hook_adds_a_constant_again,
     "a tensor hook that adds a constant to its gradient, on a tensor that is then overwritten in place: a "
     "second derivative passes that tensor again here (the overwritten value's zero gradient is where(False, "
     "g, 0), a graph), so the hook adds its constant again; PyTorch's zero gradient has no graph (a hook should "
     "be linear in its gradient for second derivatives to mean anything)"),
    ("", "", _constant_derivative_calls,
     "a derivative that is constant (abs', relu's, clamp's): PyTorch records a graph through the mask, so a "
     "second derivative also runs the nodes behind it (their hooks, custom backwards); here not (the "
     "requires_grad row of docs/from-pytorch.md)"),
    ("autograd.grad is_grads_batched", "log:", lambda f: "calls" in f.what,
     "is_grads_batched runs one backward pass per row here (docs/from-pytorch.md, tg.autograd row), so hooks "
     "and custom backwards are called once per row; PyTorch calls them once under vmap"),
    ("", "", lambda f: "second time" in f.torch_error and not f.tg_error and (
        "saved_tensors_hooks" in f.program.text() or "save_on_cpu" in f.program.text() or _changed_in_place(f)),
     "a second backward through a part of the graph whose nodes here saved nothing that backward needs (a "
     "mean under saved-tensors hooks, an in-place change): PyTorch's nodes for the same code (CopySlices, ...) "
     "saved something, so it raises that the values were freed; here they are still there and the gradient "
     "is computed"),
    ("", "", lambda f: "modified by an in-place operation" in f.tg_error and not f.torch_error,
     "ops that keep more for backward than PyTorch's (relu its input, not its output): changing that tensor in "
     "place afterwards is refused here (docs/from-pytorch.md, 'Edge cases that differ on purpose')"),
    ("", "", _mark_dirty_on_viewed,
     OPEN + "ctx.mark_dirty on a tensor that has views: PyTorch keeps the views' recorded history, here a view "
     "takes its history again when next used (function.py bumps the version as for any in-place change)"),
    ("", "", _in_place_chain,
     "in-place ops whose backward needs their result (exp_ twice): PyTorch refuses, since the first result was "
     "overwritten; here each in-place op keeps its own copy, and the gradient is right (docs/from-pytorch.md)"),
    ("", "", _view_of_view_after_in_place,
     "a view of a view, after an in-place change of their storage: PyTorch takes its history again from the "
     "base of all (as_strided), here from the view it was taken of, so that view is on the path (its retained "
     ".grad, tg.autograd.grad by it, hooks on it) (docs/from-pytorch.md, 'Edge cases that differ on purpose')"),
    ("", "", lambda f: f.what.split(" of ")[0] in ("requires_grad", "grad_fn", "is_leaf") and _view_of_changed_base(f),
     "after a base changes in place, another view of it shows its new requires_grad/grad_fn only once it is "
     "used again (docs/from-pytorch.md, 'Edge cases that differ on purpose'); values and gradients agree"),
    ("", "log: ", _view_of_changed_base,
     "after a base changes in place, another view of it takes its new grad_fn only once it is used again: a "
     "node hook registered on view.grad_fn in between is on the old node (docs/from-pytorch.md, 'Edge cases "
     "that differ on purpose')"),
]


def known(f: Finding) -> str | None:
    return documented(f, KNOWN)


def failures(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if known(f) is None]


# =============================================================================================
# shrinking and printing


def _same_kind(program: Program, key: tuple) -> Finding | None:
    for f in check(program):
        if f.key == key:
            return f
    return None


def shrink(f: Finding, budget: int = 80) -> Finding:
    """Drop steps (after the differing one, then one at a time before it) while the same kind of
    difference stays the first."""
    p = f.program
    best = f
    steps = p.steps[:f.step + 1]
    cut = Program(p.seed, list(steps), dict(p.family), p.inplace)
    again = _same_kind(cut, f.key)
    if again is None:
        return f
    best = again
    changed = True
    while changed and budget > 0:
        changed = False
        for i in range(len(best.program.steps) - 2, -1, -1):
            if budget <= 0:
                break
            budget -= 1
            steps = best.program.steps[:i] + best.program.steps[i + 1:]
            trial = Program(p.seed, steps, dict(p.family), _inplace_of(p, steps))
            found = _same_kind(trial, f.key)
            if found is not None:
                best, changed = found, True
                best.program.steps = best.program.steps[:best.step + 1]
    return best


def _inplace_of(p: Program, steps: list) -> dict:
    """The in-place record of program `p` (family -> [(step index, name)]) for some of its steps."""
    where = {id(step): k for k, step in enumerate(steps)}
    return {fam: [(where[id(p.steps[i])], name) for i, name in changes if id(p.steps[i]) in where]
            for fam, changes in p.inplace.items()}


def header(seed) -> str:
    return HEADER.format(lib="torch", seed=seed).replace(
        "import torch as tg", "import torch as tg  # or: import tinygrad_edu as tg")


def reproducer(f: Finding, with_header: bool = True) -> str:
    """A script that runs with `import torch as tg` or `import tinygrad_edu as tg` (each step in a
    try, so that a step that raises on one side only is seen, and the program goes on)."""
    head = header(f.seed) if with_header else ""
    body = []
    for step in f.program.steps:
        body.append("try:\n" + "".join("    " + line + "\n" for line in step.code.split("\n"))
                    + "except Exception as err:\n    print(type(err).__name__, err)\n")
    show = []
    name = f.name.split("[")[0]
    if f.what.startswith("log"):
        show.append("print(LOG)")
    elif name:
        show.append(f"show_({f.name!r}, {f.name})")
    return head + "".join(body) + "\n".join(show) + "\n"


def run(examples: int, seed: int = 0, progress=None) -> tuple[list[Finding], int]:
    findings = []
    start = time.time()
    for s in range(seed, seed + examples):
        findings += check(draw(s))
        if progress is not None and time.time() - start > 10:
            start = time.time()
            progress(s - seed + 1, findings)
    return findings, examples


def report(findings: list[Finding], out=sys.stdout, show: int = 1, shrink_budget: int = 80) -> None:
    skipped = [f for f in findings if known(f) is not None]
    if skipped:
        print(f"{len({f.seed for f in skipped})} programs with documented differences (not shown):", file=out)
        for reason in sorted({known(f) for f in skipped}):
            n = len({f.seed for f in skipped if known(f) == reason})
            print(f"  - ({n}) {reason}", file=out)
    kinds: dict = defaultdict(list)
    for f in findings:
        if known(f) is None:
            kinds[f.key].append(f)
    print(f"{len(kinds)} kinds of difference", file=out)
    for (kind, what), fs in sorted(kinds.items()):
        print(f"  {kind[:44]:44s} {what[:40]:40s} {len({f.seed for f in fs}):5d} programs  e.g. {fs[0].detail[:120]}",
              file=out)
    for (kind, what), fs in sorted(kinds.items()):
        for f in sorted(fs, key=lambda f: (f.step, len(f.program.text()), f.seed))[:show]:
            small = shrink(f, shrink_budget)
            print(f"\n### {kind}: {what} (seed {f.seed}; {small.detail[:300]})\n", file=out)
            print(reproducer(small, with_header=False), file=out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--show", type=int, default=1, help="reproducers shown per kind of difference")
    ap.add_argument("--repro", type=int, default=None, help="print the shrunk reproducer of this seed's first "
                    "difference (a whole script) and stop")
    args = ap.parse_args(argv)
    if args.repro is not None:
        found = check(draw(args.repro))
        if found:
            print(reproducer(shrink(found[0], 200)))
            print("# " + found[0].kind + ": " + found[0].what + " -- " + found[0].detail)
        return 1 if found else 0
    start = time.time()

    def progress(n, findings):
        print(f"  {n} programs, {len(failures(findings))} differences", file=sys.stderr)

    findings, n = run(args.examples, args.seed, progress)
    print(f"{n} programs in {time.time() - start:.0f} s")
    bad = failures(findings)
    if bad:
        print("(each reproducer below runs after this header, with SEED its seed, with either import:)\n"
              + header("SEED"))
    report(findings, show=args.show)
    return 1 if bad else 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
