"""Differential fuzz of `tg.autobatch()` against the same code run eagerly.

A program is per-example model code: shared inputs (one Tensor object used by every example, like a
weight; shared modules such as an nn.LSTMCell), per-example inputs (a fresh Tensor, or a Python
number, per example; examples may differ in their row counts) and a few lines over them, written by
the op table in autobatch_ops.py. Each program runs twice:

    eager      for each example, run the lines; loss = Σ over examples and values of Σ w·v
    batched    the same, every example inside one `with tg.autobatch():` block, the loss computed
               inside; backward outside the block (or inside it, on some programs)

and everything is compared: exception or not (and its type), every value of every example
(shape, dtype, requires_grad, numbers to 1e-12) and every input's `.grad`. No PyTorch needed.

    python -m tests.fuzz.autobatch_fuzz --examples 3000 --seed 0     # a report, shrunk reproducers
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import math
import random
import re
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

from .autobatch_ops import OPS

recorder_module = importlib.import_module("tinygrad_edu.autobatch.recorder")

TOL = 1e-12          # float64: values and gradients, absolute and relative
ERROR_RATE = 8       # percent: a line that fails on some example is kept (as the last one) this often
MAX_LINES = 8


# ---- a program ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Input:
    name: str
    value: object        # an array, or a float (a per-example Python number)
    requires_grad: bool = False

    def make(self):
        if isinstance(self.value, float):
            return self.value
        return tg.tensor(self.value, requires_grad=self.requires_grad)

    def source(self) -> str:
        if isinstance(self.value, float):
            return repr(self.value)
        a = self.value
        body = f"np.array({a.reshape(-1).tolist()!r}, dtype=np.{a.dtype})"
        if a.ndim != 1:
            body += f".reshape({tuple(a.shape)})"
        return f"tg.tensor({body}{', requires_grad=True' if self.requires_grad else ''})"


@dataclass(frozen=True)
class Module:
    name: str
    code: str            # e.g. "nn.LSTMCell(3, 4, dtype=np.float64)", built after tg.manual_seed(seed)
    seed: int


@dataclass(frozen=True)
class Program:
    shared: tuple        # Inputs: the same Tensor object in every example
    modules: tuple       # Modules, shared too
    examples: tuple      # per example, a tuple of Inputs (the same names, their own values)
    lines: tuple         # (op, "vN = ...")
    strategy: str = "depth"
    backward_inside: bool = False
    lockstep: bool = False   # line 1 of every example, then line 2 of every example, ... (else one by one)
    in_loss: tuple | None = None  # the examples whose values the loss uses (None: all)

    def statements(self, envs: list):
        """(env, line) in the order the program runs them."""
        if self.lockstep:
            return [(env, line) for _, line in self.lines for env in envs]
        return [(env, line) for env in envs for _, line in self.lines]

    def targets(self) -> list[str]:
        return [line.split(" = ", 1)[0] for _, line in self.lines]

    def namespaces(self) -> tuple[list[dict], list]:
        """One namespace per example (shared objects are the same in all), and the leaves whose
        gradients are compared, as (label, tensor)."""
        base = {"tg": tg, "F": F, "nn": nn, "np": np}
        leaves = []
        for i in self.shared:
            base[i.name] = i.make()
            if i.requires_grad:
                leaves.append((i.name, base[i.name]))
        for m in self.modules:
            tg.manual_seed(m.seed)
            base[m.name] = eval(m.code, base)
            leaves.extend((f"{m.name}.{p}", t) for p, t in base[m.name].named_parameters())
        envs = []
        for k, inputs in enumerate(self.examples):
            env = dict(base)
            for i in inputs:
                env[i.name] = i.make()
                if i.requires_grad:
                    leaves.append((f"example {k}: {i.name}", env[i.name]))
            envs.append(env)
        return envs, leaves

    def used(self, name: str) -> bool:
        return any(re.search(rf"\b{name}\b", line) for _, line in self.lines)

    def source(self) -> str:
        """A script that runs the program both ways and prints what differs."""
        out = ["import numpy as np", "import tinygrad_edu as tg", "import tinygrad_edu.nn as nn",
               "import tinygrad_edu.nn.functional as F", ""]
        out += [f"{i.name} = {i.source()}" for i in self.shared if self.used(i.name)]
        out += [f"tg.manual_seed({m.seed}); {m.name} = {m.code}" for m in self.modules if self.used(m.name)]
        names = [i.name for i in self.examples[0] if self.used(i.name)] if self.examples else []
        out.append("examples = [")
        for inputs in self.examples:
            out.append("    dict(" + ", ".join(f"{i.name}={i.source()}" for i in inputs if i.name in names) + "),")
        out += ["]", "", f"def example({', '.join(names)}):"]
        out += [f"    {line}" for _, line in self.lines]
        out.append(f"    return [{', '.join(self.targets())}]")
        if self.lockstep or self.in_loss is not None:
            out.append(f"# (the fuzz ran the examples {'line by line' if self.lockstep else 'one by one'}"
                       f"{'' if self.in_loss is None else f', the loss used examples {self.in_loss} only'})")
        out += ["", "eager = [example(**e) for e in examples]",
                f"with tg.autobatch({self.strategy!r}):",
                "    batched = [example(**e) for e in examples]",
                "for k, (e, b) in enumerate(zip(eager, batched)):",
                "    for n, (x, y) in enumerate(zip(e, b)):",
                "        print(k, n, x, y, sep='\\n')"]
        return "\n".join(out)


def hand_written(lines: list[str], examples: list[dict], shared: dict | None = None, **options) -> Program:
    """A program written by hand: `examples` maps names to arrays (per example; float arrays
    require grad), `shared` names to arrays (one tensor for all, requiring grad)."""
    def inputs(named: dict) -> tuple:
        return tuple(Input(n, np.asarray(a), np.asarray(a).dtype.kind == "f") for n, a in named.items())

    return Program(inputs(shared or {}), (), tuple(inputs(e) for e in examples),
                   tuple(("hand", line) for line in lines), **options)


# ---- writing one ----------------------------------------------------------------------------------
@dataclass
class Meta:
    """What the op table sees of a value: its shape in each example, dtype, shared or not."""
    shapes: tuple
    dtype: np.dtype
    shared: bool = False
    owns_memory: bool = False   # in every example: not a view of another tensor (eagerly)

    @property
    def shape(self) -> tuple:
        return self.shapes[0]

    @property
    def ndim(self) -> int:
        return len(self.shapes[0])

    @property
    def ragged(self) -> bool:
        return len(set(self.shapes)) > 1

    @property
    def sizes(self) -> list[int]:
        return [math.prod(s) for s in self.shapes]


def _meta(values: list, shared: bool = False) -> Meta | None:
    if not all(isinstance(v, tg.Tensor) for v in values) or len({v.ndim for v in values}) > 1:
        return None  # (not a tensor in every example, or of different ranks: not an operand)
    owns = all(v.data.base is None and getattr(v, "_view_of", None) is None for v in values)
    return Meta(tuple(tuple(v.shape) for v in values), np.dtype(values[0].dtype), shared, owns)


@dataclass
class Builder:
    """Writes a program line by line; each line runs eagerly on every example before the next is
    drawn, so lines fit the shapes that really exist (in every example)."""
    seed: int
    rnd: random.Random = None
    rng: np.random.Generator = None
    B: int = 0
    rows: list = field(default_factory=list)
    shared_inputs: list = field(default_factory=list)
    modules: list = field(default_factory=list)
    example_inputs: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    names: list = field(default_factory=list)
    envs: list = field(default_factory=list)
    ended: bool = False

    def __post_init__(self) -> None:
        self.rnd = random.Random(self.seed)
        self.rng = np.random.default_rng(self.seed)
        self.B = self.rnd.choice([1, 2, 2, 3, 3, 4, 4, 5, 6])
        base = self.rnd.randint(1, 4)
        ragged = self.rnd.random() < 0.5  # examples with different row counts
        self.rows = [self.rnd.randint(1, 4) if ragged else base for _ in range(self.B)]
        self.example_inputs = [[] for _ in range(self.B)]
        self.envs = [{"tg": tg, "F": F, "nn": nn, "np": np} for _ in range(self.B)]

    # ---- inputs ----------------------------------------------------------------------------------
    def _array(self, shape: tuple, kind: str) -> np.ndarray:
        if kind == "positive":
            return self.rng.uniform(0.5, 2.0, shape)
        if kind == "prob":
            return self.rng.uniform(0.05, 0.95, shape)
        return self.rng.standard_normal(shape)

    def _name(self, prefix: str) -> str:
        taken = {i.name for i in self.shared_inputs} | {i.name for i in self.example_inputs[0]}
        taken |= {m.name for m in self.modules}
        return f"{prefix}{sum(1 for t in taken if t.startswith(prefix))}"

    def _add_shared(self, inp: Input, meta: Meta | None) -> str:
        self.shared_inputs.append(inp)
        obj = inp.make()
        for env in self.envs:
            env[inp.name] = obj  # the same object in every example
        if meta is not None:
            self.meta[inp.name] = meta
            self.names.append(inp.name)
        return inp.name

    def _add_example(self, prefix: str, values: list, requires_grad: bool, track: bool = True) -> str:
        name = self._name(prefix)
        made = []
        for k, value in enumerate(values):
            inp = Input(name, value, requires_grad)
            self.example_inputs[k].append(inp)
            self.envs[k][name] = inp.make()
            made.append(self.envs[k][name])
        if track:
            self.meta[name] = _meta(made)
            self.names.append(name)
        return name

    def shared(self, shape: tuple, kind: str = "normal", grad: bool = True) -> str:
        """A new shared float tensor (a weight when it requires grad)."""
        name = self._name("w")
        return self._add_shared(Input(name, self._array(tuple(shape), kind), grad),
                                Meta((tuple(shape),) * self.B, np.dtype(np.float64), True))

    def shared_index(self, shape: tuple, high: int) -> str:
        """A new shared integer tensor with values in [0, high)."""
        return self._add_shared(Input(self._name("j"), self.rng.integers(0, high, shape)), None)

    def example(self, shape_of, kind: str = "normal", grad: bool = True) -> str:
        """A new per-example float input; `shape_of(k)` is example k's shape."""
        return self._add_example("x", [self._array(shape_of(k), kind) for k in range(self.B)], grad)

    def example_like(self, name: str, transform, kind: str = "normal", grad: bool = True) -> str:
        shapes = self.meta[name].shapes
        return self.example(lambda k: tuple(transform(shapes[k])), kind, grad)

    def example_index(self, count, high_of, like: str | None = None) -> str:
        """A new per-example integer tensor with values in [0, high_of(k)): `count` items, one row's
        worth ("rows"), one per row of `like` ("like"), or a 0-d one (None)."""
        def shape(k):
            if count is None:
                return ()
            if count == "rows":
                return (self.rows[k],)
            if count == "like":
                return (self.meta[like].shapes[k][0],)
            return (count,)
        values = [self.rng.integers(0, max(high_of(k), 1), shape(k)) for k in range(self.B)]
        return self._add_example("i", values, False, track=False)

    def scalar(self) -> str:
        """A per-example Python number (a different float in every example)."""
        values = [float(round(self.rng.uniform(-2, 2), 2)) for _ in range(self.B)]
        return self._add_example("c", values, False, track=False)

    def module(self, code: str) -> str:
        """A shared module (reused when one of the same construction exists, most of the time)."""
        for m in self.modules:
            if m.code == code and self.rnd.random() < 0.6:
                return m.name
        m = Module(self._name("m"), code, self.seed * 100 + len(self.modules))
        tg.manual_seed(m.seed)
        obj = eval(code, dict(self.envs[0]))  # (before it is kept: a size of 0 raises here)
        self.modules.append(m)
        for env in self.envs:
            env[m.name] = obj
        return m.name

    def aliased(self, name: str) -> bool:
        """Does another value share memory with this one (a view of it, eagerly) in some example?"""
        for env in self.envs:
            value = eval(name, env)
            for other in env.values():
                for t in (other if isinstance(other, (tuple, list)) else (other,)):
                    if isinstance(t, tg.Tensor) and t is not value and np.shares_memory(t.data, value.data):
                        return True
        return False

    # ---- lines -------------------------------------------------------------------------------------
    def pick(self, accept=lambda m: True, recent: bool = True) -> str | None:
        names = [n for n in self.names if accept(self.meta[n])]
        if not names:
            return None
        if recent and self.rnd.random() < 0.6:
            return names[-1]
        return names[self.rnd.randrange(len(names))]

    def add(self, op: str, code: str) -> bool:
        """Run `vN = code` on every example; keep it if it runs on all (or, now and then, keep a
        failing line as the program's last, to compare errors)."""
        target = f"v{len(self.lines) + 1}"
        line = f"{target} = {code}"
        try:
            for env in self.envs:
                exec(line, env)
        except Exception:
            for env in self.envs:
                env.pop(target, None)
            if self.rnd.randrange(100) < ERROR_RATE:
                self.lines.append((op, line))
                self.ended = True
            return False
        self.lines.append((op, line))
        for name, values in _flatten(target, [env[target] for env in self.envs]):
            meta = _meta(values)
            if meta is not None and len({v.dtype for v in values}) == 1:
                self.meta[name] = meta
                self.names.append(name)
        return True

    def program(self) -> Program:
        in_loss = None
        if self.B > 1 and self.rnd.random() < 0.15:  # some examples' values unused by the loss
            in_loss = tuple(k for k in range(self.B) if self.rnd.random() < 0.5)
        return Program(tuple(self.shared_inputs), tuple(self.modules), tuple(map(tuple, self.example_inputs)),
                       tuple(self.lines), self.rnd.choice(["depth", "agenda"]), self.rnd.random() < 0.3,
                       self.rnd.random() < 0.3, in_loss)


def _flatten(name: str, values: list):
    """(name, [value in each example]) for a value, or for each item of a tuple of values (as many
    as every example has)."""
    if all(isinstance(v, (tuple, list)) for v in values):
        for i in range(min(len(v) for v in values)):
            yield from _flatten(f"{name}[{i}]", [v[i] for v in values])
    else:
        yield name, values


def generate(seed: int) -> Program:
    """The program of this seed: a per-example input or two (rows per example), then 1-8 lines."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        b = Builder(seed)
        for _ in range(b.rnd.choice([1, 1, 2])):
            tail = tuple(b.rnd.choice([1, 2, 3, 4]) for _ in range(b.rnd.choice([0, 1, 1, 1, 2])))
            b.example(lambda k, tail=tail: (b.rows[k],) + tail, grad=b.rnd.random() < 0.8)
        for _ in range(b.rnd.randint(1, MAX_LINES)):
            for _attempt in range(8):
                name, generate_line = b.rnd.choice(OPS)
                before = len(b.lines)
                try:
                    generate_line(b, name)
                except (IndexError, ValueError, KeyError):  # (no operands of the kind it needs)
                    continue
                if len(b.lines) > before:
                    break
            if b.ended:
                break
        return b.program()


# ---- running it --------------------------------------------------------------------------------
def loss_weights(shape: tuple, salt: int) -> np.ndarray:
    """Fixed, varied weights: Σ w·v tells apart gradients that a plain sum would not."""
    return np.cos(np.arange(math.prod(shape)) * 1.3 + salt).reshape(shape)


@dataclass
class Outcome:
    error: BaseException | None = None
    values: list = field(default_factory=list)   # (label, array, requires_grad)
    grads: list = field(default_factory=list)    # (label, array or None)
    batched: int = 0                             # calls that ran in batches (autobatch only)


def run(program: Program, batched: bool) -> Outcome:
    """Run every example (eagerly, or all inside one autobatch block); the values and grads."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        envs, leaves = program.namespaces()
    targets = program.targets()
    block = tg.autobatch(program.strategy) if batched else contextlib.nullcontext()
    strict = recorder_module.STRICT
    recorder_module.STRICT = True  # a batched call that fails is a bug, not a reason to go one by one
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with block:
                for env, line in program.statements(envs):
                    exec(line, env)
                used = envs if program.in_loss is None else [envs[k] for k in program.in_loss]
                terms = [(v * tg.tensor(loss_weights(v.shape, salt))).sum()
                         for env in used for salt, (_, v) in enumerate(_values(env, targets))
                         if v.dtype.kind == "f" and v.requires_grad]
                loss = tg.stack(terms).sum() if terms else None
                if loss is not None and program.backward_inside:
                    loss.backward()
            if loss is not None and not program.backward_inside:
                loss.backward()
        out = Outcome(batched=block.recorder.batched_ops if batched else 0)
        for k, env in enumerate(envs):  # (reading a value may raise too: one never computed)
            out.values += [(f"example {k}: {name}", v.numpy().copy(), v.requires_grad)
                           for name, v in _values(env, targets)]
        out.grads = [(label, None if t.grad is None else t.grad.numpy().copy()) for label, t in leaves]
    except Exception as error:
        return Outcome(error)
    finally:
        recorder_module.STRICT = strict
    return out


def _values(env: dict, targets: list):
    for target in targets:
        for name, (value,) in _flatten(target, [env[target]]):
            if isinstance(value, tg.Tensor):
                yield name, value


# ---- comparing -----------------------------------------------------------------------------------
# Documented limitations of autobatch (docs/autobatch.md, section 5, numbered as there), not reported:
#  1. Views made inside a block are copies (a change in place does not show through them): the op
#     table never changes a value in place that has views (autobatch_ops.py, in_place_later).
#  2. A tensor read by a batched call and changed in place afterwards: the batch read a copy (the
#     stacked input), so backward computes the gradient of the numbers from before the change;
#     eagerly the op saved the tensor itself, and backward raises (MulBackward0: "... was modified
#     by an in-place operation after it was saved").
#  3. An inf or NaN in the input of an example that the loss does not use, where a batched call
#     multiplies it into a shared weight's gradient (0·∞): the op table's inputs are finite.
#  4. view() of a value computed inside the block never refuses: a pending value has no memory
#     layout yet, and the batched result is cut into contiguous pieces; eagerly, view() of a
#     tensor whose memory is not in that order (after a transpose or an index) raises.
_LENIENT = ("was modified by an in-place operation after it was saved",  # 2: eager raises, autobatch not
            "cannot be viewed as shape")                                  # 4

@dataclass(frozen=True)
class Difference:
    category: str   # raises, no error, error type, structure, shape, dtype, requires_grad, value, grad
    op: str         # the op-table entry of the line that made the differing value (or "-")
    detail: str

    @property
    def kind(self) -> tuple:
        return self.category, self.op


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    if a.dtype.kind not in "fc":
        return np.array_equal(a, b)
    return bool(np.allclose(b, a, rtol=TOL, atol=TOL, equal_nan=True))


def _op_of(program: Program, label: str) -> str:
    found = re.search(r"\bv\d+", label)
    ops = {target: op for target, (op, _) in zip(program.targets(), program.lines)}
    return ops.get(found.group(0), "-") if found else "-"


def compare(program: Program, eager: Outcome, batched: Outcome, inexact: Counter | None = None) -> list:
    """The differences between the two runs (the first few); `inexact` counts, per op, values that
    agree to 1e-12 but not bit for bit."""
    if eager.error is not None or batched.error is not None:
        if batched.error is None and any(known in str(eager.error) for known in _LENIENT):
            return []  # documented limitations 2 and 4 (docs/autobatch.md, section 5): see above
        if batched.error is None:
            return [Difference("no error", "-", f"eager raised {eager.error!r}")]
        if eager.error is None:
            return [Difference("raises", "-", f"autobatch raised {batched.error!r}")]
        if type(eager.error) is not type(batched.error):
            return [Difference("error type", "-", f"eager {eager.error!r}, autobatch {batched.error!r}")]
        return []
    if [v[0] for v in eager.values] != [v[0] for v in batched.values]:
        return [Difference("structure", "-", "the programs made different values")]
    found = []
    for (label, a, grad_a), (_, b, grad_b) in zip(eager.values, batched.values):
        op = _op_of(program, label)
        if a.shape != b.shape:
            found.append(Difference("shape", op, f"{label}: {a.shape} eager, {b.shape} autobatch"))
        elif a.dtype != b.dtype:
            found.append(Difference("dtype", op, f"{label}: {a.dtype} eager, {b.dtype} autobatch"))
        elif grad_a != grad_b:
            found.append(Difference("requires_grad", op, f"{label}: {grad_a} eager, {grad_b} autobatch"))
        elif not _close(a, b):
            found.append(Difference("value", op, f"{label}:\neager {a!r}\nautobatch {b!r}"))
        elif inexact is not None and not np.array_equal(a, b, equal_nan=a.dtype.kind == "f"):
            inexact[op] += 1
    for (label, g), (_, h) in zip(eager.grads, batched.grads):
        if (g is None) != (h is None):
            found.append(Difference("grad", "-", f"{label}: {'None' if g is None else 'a value'} eager, "
                                                  f"{'None' if h is None else 'a value'} autobatch"))
        elif g is not None and (g.shape != h.shape or not _close(g, h)):
            found.append(Difference("grad", "-", f"{label}:\neager {g!r}\nautobatch {h!r}"))
    return found[:5]


def check(program: Program, inexact: Counter | None = None) -> list:
    return compare(program, run(program, False), run(program, True), inexact)


# ---- shrinking ------------------------------------------------------------------------------------
def shrink(program: Program, category: str) -> Program:
    """A smaller program that still differs in the same way: fewer lines, fewer examples, backward
    outside the block, the default strategy."""
    def still(p: Program) -> bool:
        return any(d.category == category for d in check(p))

    changed = True
    while changed:
        changed = False
        candidates = [replace(program, lines=program.lines[:i] + program.lines[i + 1:])
                      for i in reversed(range(len(program.lines)))]
        candidates += [_without_example(program, k)
                       for k in reversed(range(len(program.examples))) if len(program.examples) > 1]
        if program.backward_inside:
            candidates.append(replace(program, backward_inside=False))
        if program.lockstep:
            candidates.append(replace(program, lockstep=False))
        if program.in_loss is not None:
            candidates.append(replace(program, in_loss=None))
        if program.strategy != "depth":
            candidates.append(replace(program, strategy="depth"))
        for candidate in candidates:
            if still(candidate):
                program, changed = candidate, True
                break
    return program


def _without_example(program: Program, k: int) -> Program:
    in_loss = program.in_loss
    if in_loss is not None:
        in_loss = tuple(j - (j > k) for j in in_loss if j != k)
    return replace(program, examples=program.examples[:k] + program.examples[k + 1:], in_loss=in_loss)


# ---- many programs ------------------------------------------------------------------------------
@dataclass
class Results:
    programs: int = 0
    differing: int = 0
    errors: int = 0                                   # programs whose eager run raised
    batched: int = 0                                  # calls that ran in batches, all programs
    kinds: dict = field(default_factory=dict)         # kind -> (seed, program, first Difference)
    counts: Counter = field(default_factory=Counter)  # kind -> programs
    inexact: Counter = field(default_factory=Counter)
    ops: Counter = field(default_factory=Counter)     # lines per op


def collect(count: int, first_seed: int = 0) -> Results:
    results = Results()
    for seed in range(first_seed, first_seed + count):
        program = generate(seed)
        eager, batched = run(program, False), run(program, True)
        found = compare(program, eager, batched, results.inexact)
        results.batched += batched.batched
        results.programs += 1
        results.errors += eager.error is not None
        results.ops.update(op for op, _ in program.lines)
        if found:
            results.differing += 1
        for kind in {d.kind for d in found}:
            results.counts[kind] += 1
            if kind not in results.kinds:
                results.kinds[kind] = (seed, program, next(d for d in found if d.kind == kind))
    return results


def report(results: Results, shrink_them: bool = True) -> str:
    lines = [f"{results.programs} programs ({results.batched} calls ran in batches), {results.errors} of them "
             f"raise eagerly, {results.differing} differ under autobatch"]
    for kind, (seed, program, diff) in results.kinds.items():
        small = shrink(program, diff.category) if shrink_them else program
        lines += [f"--- {kind} in {results.counts[kind]} programs (first: seed {seed})", diff.detail[:600],
                  small.source(), ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0, help="the first program's seed")
    parser.add_argument("--no-shrink", action="store_true")
    args = parser.parse_args(argv)
    start = time.time()
    results = collect(args.examples, args.seed)
    print(report(results, not args.no_shrink))
    print(f"lines per op: {dict(results.ops.most_common())}")
    print(f"values equal to 1e-12 but not bit for bit, per op: {dict(results.inexact.most_common())}")
    print(f"{time.time() - start:.1f} s")
    return 1 if results.kinds else 0


if __name__ == "__main__":
    raise SystemExit(main())
