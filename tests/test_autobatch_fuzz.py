"""Differential fuzz of tg.autobatch() against the same code run eagerly: random per-example
programs (shared weights and modules, per-example inputs with different row counts, elementwise
ops, products, reductions, shape ops, indexing, losses, lookups, the fused cells, ops without a
batching rule, control flow that reads values, in-place changes) run for several examples one at a
time and inside one autobatch block; values, requires_grad, every gradient (1e-12) and exceptions
must agree. No PyTorch needed. A few hundred derandomized programs in the normal suite; more with
TINYGRAD_EDU_AUTOBATCH_FUZZ_EXAMPLES=5000 (and TINYGRAD_EDU_AUTOBATCH_FUZZ_SEED=N for other
programs), or `make fuzz`. The harness is tests/fuzz/autobatch_fuzz.py (see tests/fuzz/README.md)."""
import os

import numpy as np
import pytest

from tests.fuzz.autobatch_fuzz import check, collect, generate, hand_written, report

EXAMPLES = int(os.environ.get("TINYGRAD_EDU_AUTOBATCH_FUZZ_EXAMPLES", "300"))
FIRST_SEED = int(os.environ.get("TINYGRAD_EDU_AUTOBATCH_FUZZ_SEED", "0"))

ROWS = [np.array([[0.5, -1.0, 2.0]]), np.array([[1.5, 0.25, -0.5], [0.1, 0.2, 0.3]]), np.array([[-2.0, 1.0, 0.0]])]
WEIGHT = {"w0": np.array([[0.3, -0.2], [0.1, 0.4], [-0.5, 0.6]])}


def _examples():
    return [{"x0": x} for x in ROWS]


def test_the_harness_sees_agreement_and_batches():
    """A program on which both runs agree gives no difference, and it did run in batches."""
    program = hand_written(["v1 = (x0 @ w0).tanh()", "v2 = v1.sum(1) * x0[:, 0]"], _examples(), WEIGHT)
    assert check(program) == []


AUTOBATCH = "tg.is_autobatch_enabled()"  # true only in the batched run


@pytest.mark.parametrize("line, category", [
    (f"v1 = x0 * (2.0 if {AUTOBATCH} else 1.0)", "value"),
    (f"v1 = x0 + (1 / 0 if {AUTOBATCH} else 0)", "raises"),
    (f"v1 = x0 + (0 if {AUTOBATCH} else 1 / 0)", "no error"),
    (f"v1 = x0.detach() if {AUTOBATCH} else x0 * 1.0", "requires_grad"),
    (f"v1 = (x0 @ w0) * 1.0 if {AUTOBATCH} else (x0 @ w0.detach()) * 1.0", "grad"),
])
def test_the_harness_sees_each_kind_of_difference(line, category):
    """The comparison can fail: a line written to differ is reported with the right kind."""
    program = hand_written([line], _examples(), WEIGHT)
    assert category in {d.category for d in check(program)}


def test_programs_are_varied():
    """The generator writes what per-example code uses: most kinds of line, examples with
    different row counts, several examples per program."""
    programs = [generate(seed) for seed in range(200)]
    ops = {op for p in programs for op, _ in p.lines}
    assert {"matmul", "linear", "reduce", "index", "loss", "lstm cell", "tree lstm cell", "embedding",
            "no rule", "control flow", "cat/stack", "split/chunk"} <= ops
    ragged = [p for p in programs if len({e[0].value.shape for e in p.examples if e}) > 1]
    assert len(ragged) > 40 and sum(len(p.examples) > 1 for p in programs) > 150


def test_autobatch_agrees_with_eager_on_generated_programs():
    """Every generated program gives the same values, requires_grad, gradients and exceptions
    with and without tg.autobatch() (apart from the documented limitations listed in
    tests/fuzz/autobatch_fuzz.py)."""
    results = collect(EXAMPLES, FIRST_SEED)
    assert results.batched > 10 * results.programs  # (the programs do batch)
    assert not results.kinds, report(results)
