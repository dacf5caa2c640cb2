"""Run many generated programs, keep every difference, group them into distinct kinds, and
shrink one example of each kind to a small reproducer."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace

from hypothesis import HealthCheck, Phase, given, seed, settings

from . import execute
from .compare import Difference, check, sides
from .program import Input, Program, programs
from .torch_side import float64_default

KEEP_PER_KIND = 4   # the smallest programs of each kind are kept, to shrink the smallest


@dataclass
class Results:
    programs: int = 0
    differing: int = 0          # programs with a difference that is neither known nor a warning
    warning_only: int = 0
    known_only: int = 0
    kinds: dict = field(default_factory=dict)     # key -> [Difference] (smallest first)
    counts: dict = field(default_factory=dict)    # key -> number of programs
    seconds: float = 0.0

    def add(self, program: Program, diffs: list[Difference]) -> None:
        self.programs += 1
        real = [d for d in diffs if d.category != "warning" and d.reason_known is None]
        if real:
            self.differing += 1
        elif any(d.category == "warning" for d in diffs):
            self.warning_only += 1
        elif diffs:
            self.known_only += 1
        for d in diffs:
            self.counts[d.key] = self.counts.get(d.key, 0) + 1
            kept = self.kinds.setdefault(d.key, [])
            kept.append(d)
            kept.sort(key=lambda x: x.program.size())
            del kept[KEEP_PER_KIND:]

    def real_kinds(self) -> list[tuple]:
        return [k for k, ds in self.kinds.items() if ds[0].category != "warning" and ds[0].reason_known is None]


def collect(examples: int, max_steps: int = 5, random_seed: int | None = None,
            progress=None) -> Results:
    """Run `examples` generated programs (derandomized unless `random_seed` is given)."""
    results = Results()
    start = time.perf_counter()

    @settings(max_examples=examples, derandomize=random_seed is None, database=None, deadline=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(programs(max_steps))
    def one(program: Program) -> None:
        try:
            diffs = check(program)
        except Exception as err:  # noqa: BLE001 -- a bug of the harness must not end the run
            diffs = [Difference("harness", "harness", type(err).__name__, program, repr(err)[:300], "")]
        results.add(program, diffs)
        if progress is not None:
            progress(results)

    if random_seed is not None:
        one = seed(random_seed)(one)
    with float64_default():  # program generation runs each line in PyTorch
        one()
    results.seconds = time.perf_counter() - start
    return results


# ---- shrinking one example of a kind ----------------------------------------------------------
def _same_kind(program: Program, key: tuple) -> Difference | None:
    try:
        for d in check(program):
            if d.key == key:
                return d
    except Exception:  # noqa: BLE001 -- a candidate the harness cannot run is just not smaller
        return None
    return None


VALUE_NAME = re.compile(r"\bv\d+(?:\[\d+\])?")


def _cut(program: Program) -> Program | None:
    """The last line alone, with the values it reads made into inputs (PyTorch's values)."""
    last = program.steps[-1]
    names = sorted(set(VALUE_NAME.findall(last.line)) - {last.target if last.names else ""})
    if not names or len(program.steps) < 2:
        return None
    with float64_default():
        run = execute.run_forward(program.prefix(len(program.steps) - 1), sides()[1])
    if run.input_error is not None or any(s.error for s in run.steps):
        return None
    inputs, line = list(program.inputs), last.line
    for name in names:
        snap = run.steps[-1].pool.get(name)
        if snap is None or snap.kind != "tensor":
            return None
        fresh = 1 + max(int(i.name[1:]) for i in inputs)
        new = Input(f"x{fresh}", snap.array, snap.requires_grad and snap.dtype.startswith("float"))
        inputs.append(new)
        line = re.sub(rf"{re.escape(name)}(?![\d\[])", new.name, line)
    return Program(tuple(inputs), (replace(last, line=line),), program.second_order)


def _candidates(program: Program, category: str):
    steps = program.steps
    cut = _cut(program)
    if cut is not None:
        yield cut
    for i in reversed(range(len(steps))):
        yield replace(program, steps=steps[:i] + steps[i + 1:])
    text = "\n".join(s.line for s in steps)
    for i, inp in enumerate(program.inputs):
        if not re.search(rf"\b{inp.name}\b", text):
            yield replace(program, inputs=program.inputs[:i] + program.inputs[i + 1:])
    if program.second_order and not category.startswith("grad2"):
        yield replace(program, second_order=False)
    for i, inp in enumerate(program.inputs):
        if inp.requires_grad:
            yield _with_input(program, i, replace(inp, requires_grad=False))
    for i, inp in enumerate(program.inputs):
        simple = {"b": True, "i": 1, "u": 1}.get(inp.array.dtype.kind, 1.0)
        flat = inp.array.reshape(-1)
        for j in range(flat.size):
            if flat[j] != simple and not (inp.array.dtype.kind == "f" and flat[j] == 0.0 and j % 2):
                array = flat.copy()
                array[j] = simple
                yield _with_input(program, i, replace(inp, array=array.reshape(inp.array.shape)))


def _with_input(program: Program, i: int, inp) -> Program:
    return replace(program, inputs=program.inputs[:i] + (inp,) + program.inputs[i + 1:])


def shrink(diff: Difference, budget: int = 300) -> Difference:
    """A smaller program that shows the same kind of difference (greedy, within `budget` runs)."""
    best = diff
    tries = 0
    improved = True
    while improved and tries < budget:
        improved = False
        for candidate in _candidates(best.program, best.category):
            tries += 1
            if tries > budget:
                break
            found = _same_kind(candidate, diff.key)
            if found is not None and found.program.size() <= best.program.size():
                best, improved = found, True
                break
    return best


# ---- a reproducer as source text -------------------------------------------------------------
HEADER = ("import numpy as np\nimport tinygrad_edu as tg                 # torch: import torch as tg; "
          "torch.set_default_dtype(torch.float64)\nimport tinygrad_edu.nn.functional as F  "
          "# torch: import torch.nn.functional as F")


def reproducer(diff: Difference) -> str:
    """Code that shows the difference: the program, and for gradients the loss and backward."""
    program = diff.program
    lines = [HEADER, program.source()]
    if diff.category.startswith("grad"):
        with float64_default():
            run = execute.run_forward(program, sides()[1])
        pool = run.steps[-1].pool
        names = execute.differentiable(pool)
        leaves = [i.name for i in program.inputs if i.requires_grad]
        lines.append(execute.loss_line(pool, names))
        if diff.category.startswith("grad2"):
            lines.append("grad = tg.grad                          # torch: grad = torch.autograd.grad")
            lines.append(execute.second_order_source(run.env, leaves))
            lines.append("print(hs)")
        else:
            lines.append("loss.backward()")
            lines.append(f"print({', '.join(n + '.grad' for n in leaves)})")
    elif diff.step is not None:
        lines.append(f"print({program.steps[diff.step].target})")
    return "\n".join(lines)

