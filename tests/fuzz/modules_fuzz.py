"""Differential fuzz of nn modules' configurations against PyTorch.

A seed draws a configuration of one module (or functional op) and its inputs and writes it as a
short snippet that runs with `tg` bound to either library (see `modules_cases*.py`). The snippet
runs in both, in float64, once in train mode and once in eval mode; every parameter and the
BatchNorm running statistics are drawn from the same numpy generator (matched by name, so both
get the same numbers). Compared: the outputs (values, shape, dtype, requires_grad), the gradient
of every input and parameter after backward of Σ w·out (fixed random w), and the parameters and
buffers afterwards (running stats, num_batches_tracked, an Embedding renormalised by max_norm).
Where PyTorch raises, ours must raise too (any exception type); configurations PyTorch refuses
are otherwise skipped.

    python -m tests.fuzz.modules_fuzz --examples 2000 --seed 0 [--only Conv]

groups differences by (case kind, what differed) and prints one reproducer for each kind: the
shortest snippet of that kind, runnable as it is with `import torch as tg` or
`import tinygrad_edu as tg`.
"""
from __future__ import annotations

import argparse
import contextlib
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from tests.fuzz.modules_cases import CASES as _CASES_A
from tests.fuzz.modules_cases_losses import CASES as _CASES_C
from tests.fuzz.modules_cases_more import CASES as _CASES_B
from tests.fuzz.modules_cases_resampling import ANTIALIAS_WIDTH_1, BICUBIC_COPY
from tests.fuzz.modules_cases_resampling import CASES as _CASES_D
from tests.fuzz.sides import quiet_side

#: every case generator: name -> function(random.Random) -> snippet (str)
CASES = {**_CASES_A, **_CASES_B, **_CASES_C, **_CASES_D}

RTOL = ATOL = 1e-10

HEADER = '''import numpy as np
import {lib} as tg
nn, F = tg.nn, tg.nn.functional
tg.set_default_dtype(tg.float64)
R = np.random.default_rng({seed})
TRAIN = {train}
LEAVES = []

def x_(*shape, lo=-1.0, hi=1.0, grad=True):
    """A float64 input drawn from R; a leaf that requires grad unless grad=False."""
    t = tg.tensor(R.uniform(lo, hi, shape), requires_grad=grad)
    if grad:
        LEAVES.append(t)
    return t

def i_(lo, hi, *shape):
    """An int64 input drawn from R in [lo, hi)."""
    return tg.tensor(R.integers(lo, hi, shape))

def b_(p, *shape):
    """A bool input, True with probability p."""
    return tg.tensor(R.random(shape) < p)

def init_(m):
    """The same parameters and running stats in both libraries (drawn by sorted name)."""
    with tg.no_grad():
        for name, p in sorted(m.named_parameters()):
            p.copy_(tg.tensor(R.uniform(-1, 1, tuple(p.shape))))
        for name, b in sorted(m.named_buffers()):
            if name.endswith("running_mean"):
                b.copy_(tg.tensor(R.uniform(-1, 1, tuple(b.shape))))
            if name.endswith("running_var"):
                b.copy_(tg.tensor(R.uniform(0.5, 2, tuple(b.shape))))
    return m.train(TRAIN)

'''

FOOTER = '''

def flat_(o):
    if o is None:
        return []
    if isinstance(o, (tuple, list)):
        return [t for e in o for t in flat_(e)]
    return [o]

OUTS = flat_(out)
W = np.random.default_rng(1)
loss = sum((o * tg.tensor(W.uniform(-1, 1, tuple(o.shape)))).sum() for o in OUTS
           if o.requires_grad)
if not isinstance(loss, int):
    loss.backward()
MODULE = globals().get("m")
'''

REPRO_FOOTER = '''
print("outputs:", OUTS)
print("input grads:", [t.grad for t in LEAVES])
if MODULE is not None:
    print("param grads:", {n: p.grad for n, p in MODULE.named_parameters()})
    print("buffers:", dict(MODULE.named_buffers()))
'''


def script(snippet: str, lib: str, seed: int, train: bool) -> str:
    """The whole program for one library."""
    return HEADER.format(lib=lib, seed=seed, train=train) + snippet + FOOTER


# ---------------------------------------------------------------------------------------------
# running one side


@dataclass
class Outcome:
    error: str | None = None                    # "TypeName: message" where it raised
    values: dict = field(default_factory=dict)  # key -> (meta, array or None)


def _array(t) -> np.ndarray:
    if hasattr(t, "detach"):
        t = t.detach()
    if hasattr(t, "numpy"):
        return np.asarray(t.numpy())
    return np.asarray(t)


def _dtype(t) -> str:
    return str(t.dtype).replace("torch.", "")


def _snapshot(ns: dict) -> dict:
    vals: dict = {}
    for i, o in enumerate(ns["OUTS"]):
        if hasattr(o, "shape"):
            vals[f"out[{i}]"] = ((tuple(o.shape), _dtype(o), bool(o.requires_grad)), _array(o))
        else:
            vals[f"out[{i}]"] = (("python", type(o).__name__, False), np.asarray(o))
    for i, t in enumerate(ns["LEAVES"]):
        vals[f"grad input[{i}]"] = (None, None if t.grad is None else _array(t.grad))
    m = ns["MODULE"]
    if m is not None and hasattr(m, "named_parameters"):
        names = sorted((n, tuple(p.shape)) for n, p in m.named_parameters())
        bufs = sorted((n, tuple(b.shape)) for n, b in m.named_buffers() if b is not None)
        vals["parameter names"] = (tuple(names), None)
        vals["buffer names"] = (tuple(bufs), None)
        for n, p in m.named_parameters():
            vals[f"grad {n}"] = (None, None if p.grad is None else _array(p.grad))
            vals[f"param after {n}"] = (None, _array(p))
        for n, b in m.named_buffers():
            if b is not None:
                vals[f"buffer {n}"] = ((tuple(b.shape), _dtype(b)), _array(b))
    return vals


def run_side(snippet: str, lib: str, seed: int, train: bool) -> Outcome:
    """Run the snippet with `tg` bound to `lib` ("torch" or "tinygrad_edu")."""
    code = script(snippet, lib, seed, train)
    ns: dict = {"__name__": "__fuzz__"}
    try:
        with quiet_side(lib):
            exec(compile(code, f"<{lib} seed {seed}>", "exec"), ns)
            return Outcome(values=_snapshot(ns))
    except Exception as err:  # noqa: BLE001 -- any exception is an outcome to compare
        return Outcome(error=f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"[:200])


# ---------------------------------------------------------------------------------------------
# comparing


def _category(key: str) -> str:
    """What differed, without the index or parameter name that made it unique."""
    key = re.sub(r"\[\d+\]", "", key)
    key = re.sub(r"_l\d+(_reverse)?", "", key)
    return key


def compare(ref: Outcome, ours: Outcome) -> list[tuple[str, str]]:
    """Differences as (what, detail); ref is PyTorch's outcome."""
    if ref.error is not None:
        return [] if ours.error is not None else [("no error", f"torch: {ref.error}")]
    if ours.error is not None:
        if ours.error.startswith("NotImplementedError"):
            return [("not implemented here", ours.error)]
        return [("raises", ours.error)]
    diffs = []
    for key in ref.values.keys() | ours.values.keys():
        if key not in ours.values or key not in ref.values:
            diffs.append((f"{_category(key)}: missing", f"{key} only in {'torch' if key in ref.values else 'tg'}"))
            continue
        (rm, ra), (om, oa) = ref.values[key], ours.values[key]
        if rm != om:
            diffs.append((f"{_category(key)}: meta", f"{key}: torch {rm} tg {om}"))
            continue
        if ra is None or oa is None:
            if (ra is None) != (oa is None):
                diffs.append((f"{_category(key)}: None", f"{key}: torch {'None' if ra is None else 'set'}"))
            continue
        if ra.shape != oa.shape:
            diffs.append((f"{_category(key)}: shape", f"{key}: torch {ra.shape} tg {oa.shape}"))
            continue
        if ra.dtype.kind in "fc":
            ok = np.allclose(oa, ra, rtol=RTOL, atol=ATOL, equal_nan=True)
        else:
            ok = np.array_equal(oa, ra)
        if not ok:
            with np.errstate(all="ignore"):
                gap = np.abs(oa.astype(float) - ra.astype(float))
            err = float(np.nanmax(gap)) if ra.size and not np.isnan(gap).all() else float("nan")
            nan_note = " (torch nan where tg finite)" if (np.isnan(ra) & ~np.isnan(oa)).any() else ""
            diffs.append((f"{_category(key)}: value", f"{key}: max |diff| {err:.3g}{nan_note}"))
    return sorted(diffs)


# ---------------------------------------------------------------------------------------------
# drawing and running many


@dataclass
class Finding:
    kind: str
    what: str
    detail: str
    seed: int
    train: bool
    snippet: str


def draw(seed: int, only: str = "") -> tuple[str, str]:
    """The case kind and snippet for one seed."""
    r = random.Random(seed)
    kind = r.choice(sorted(n for n in CASES if only in n))
    return make(kind, r)


def make(kind: str, r: random.Random) -> tuple[str, str]:
    """The refined kind and the snippet of one configuration drawn by the generator `kind`."""
    snippet = CASES[kind](r)
    # the kind, refined by the first module or function the snippet calls ("conv/ConvTranspose2d")
    called = re.search(r"\b(?:nn|F)\.(\w+)\(", snippet)
    return (f"{kind}/{called.group(1)}" if called else kind), snippet


# Deliberate, documented differences (docs/from-pytorch.md): (kind prefix, what, detail substring, reason).
KNOWN = [
    ("ctc_loss", "grad input: value", "torch nan where tg finite",
     "an impossible CTC target (loss inf, zero_infinity=False): its gradient is 0 here, nan in PyTorch "
     "(documented with F.ctc_loss in docs/from-pytorch.md)"),
    ("interpolate", "grad input: value", BICUBIC_COPY,
     "PyTorch's bicubic backward (align_corners=False) copies the gradient through a dim whose output "
     "size equals the input's even when the scale factor is not 1 (the forward does interpolate): its "
     "gradient fails torch.autograd.gradcheck there, ours passes (docs/from-pytorch.md)"),
    ("interpolate", "", ANTIALIAS_WIDTH_1,
     "PyTorch's antialiased bilinear/bicubic resize to an output width of 1 with the height changed "
     "gives every row the first row's value; ours resamples the height (docs/from-pytorch.md)"),
]


def known(f: Finding) -> str | None:
    """The reason a finding is a deliberate difference, or None."""
    for kind, what, detail, reason in KNOWN:
        if f.kind.startswith(kind) and what in f.what and (detail in f.detail or detail in f.snippet):
            return reason
    return None


def failures(findings: list[Finding]) -> list[Finding]:
    """The findings that are bugs: not documented differences, not features missing here (a
    NotImplementedError that names what is missing is a gap to list, not a wrong value)."""
    return [f for f in findings if known(f) is None and f.what != "not implemented here"]


def check(kind: str, snippet: str, seed: int) -> tuple[list[Finding], bool]:
    """Run one snippet in both libraries, train then eval mode: the differences, and whether
    PyTorch accepted the configuration (in train mode)."""
    found, accepted = [], True
    for train in (True, False):
        ref = run_side(snippet, "torch", seed, train)
        ours = run_side(snippet, "tinygrad_edu", seed, train)
        for what, detail in compare(ref, ours):
            found.append(Finding(kind, what, detail, seed, train, snippet))
        if ref.error is not None:
            accepted = accepted and not train
            break
    return found, accepted


def run(examples: int, seed: int = 0, only: str = "") -> tuple[list[Finding], int]:
    """Every finding of `examples` drawn configurations, and how many of them PyTorch accepted."""
    findings, accepted = [], 0
    for s in range(seed, seed + examples):
        kind, snippet = draw(s, only)
        found, ok = check(kind, snippet, s)
        findings += found
        accepted += ok
    return findings, accepted


def reproducer(f: Finding) -> str:
    """A script that shows the difference: run it with either import."""
    return (HEADER.format(lib="torch", seed=f.seed, train=f.train).replace(
        "import torch as tg", "import torch as tg  # or: import tinygrad_edu as tg")
        + f.snippet + FOOTER + REPRO_FOOTER)


def group(findings: list[Finding]) -> dict[tuple[str, str], list[Finding]]:
    kinds: dict = defaultdict(list)
    for f in findings:
        kinds[(f.kind, f.what)].append(f)
    return dict(kinds)


def report(findings: list[Finding], out=sys.stdout) -> None:
    skipped = [f for f in findings if known(f) is not None]
    if skipped:
        print(f"{len({f.seed for f in skipped})} configurations with documented differences (not shown):",
              file=out)
        for reason in sorted({known(f) for f in skipped}):
            print(f"  - {reason}", file=out)
    kinds = group([f for f in findings if known(f) is None])
    print(f"{len(kinds)} kinds of difference", file=out)
    for (kind, what), fs in sorted(kinds.items()):
        print(f"  {kind:28s} {what:40s} {len({f.seed for f in fs}):5d} configs  e.g. {fs[0].detail}", file=out)
    for (kind, what), fs in sorted(kinds.items()):
        best = min(fs, key=lambda f: (len(f.snippet), f.seed))
        print(f"\n### {kind}: {what} ({best.detail}; seed {best.seed}, train={best.train})\n", file=out)
        print(reproducer(best), file=out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", default="", help="only case kinds whose name contains this")
    args = ap.parse_args(argv)
    start = time.time()
    findings, accepted = run(args.examples, args.seed, args.only)
    print(f"{args.examples} configurations ({accepted} accepted by PyTorch) in {time.time() - start:.0f} s")
    report(findings)
    return 1 if failures(findings) else 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
