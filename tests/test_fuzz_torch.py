"""Differential fuzz against PyTorch: hypothesis writes short programs over the public ops
(values, gradients, second derivatives, dtypes, exception or not) and each runs here and in
PyTorch. A few hundred derandomized programs in the normal suite; more with
TINYGRAD_EDU_FUZZ_EXAMPLES=5000 (or `make fuzz`). Skipped when torch is not installed.
The harness is in tests/fuzz/ (see its README.md, also for the standalone runner)."""
import os

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("hypothesis")

from tests.fuzz.collect import collect, reproducer  # noqa: E402
from tests.fuzz.compare import check  # noqa: E402
from tests.fuzz.program import Input, Program, Step  # noqa: E402

EXAMPLES = int(os.environ.get("TINYGRAD_EDU_FUZZ_EXAMPLES", "300"))


def _program(lines, *inputs):
    """A hand-written program: inputs as (array, requires_grad), lines `vN = ...`."""
    ins = tuple(Input(f"x{i}", np.asarray(a), g) for i, (a, g) in enumerate(inputs))
    steps = tuple(Step("hand", line, line.split(" = ")[0], (line.split(" = ")[0],)) for line in lines)
    return Program(ins, steps, second_order=True)


def test_the_harness_sees_agreement():
    """A program on which both libraries agree gives no difference (values, grads, 2nd order)."""
    program = _program(["v1 = (x0 * x0).sum()", "v2 = v1.exp() + x0.tanh()"],
                       (np.array([0.5, -1.0, 2.0]), True))
    assert check(program) == []


ONLY_HERE = "tg.__name__ != 'torch'"  # true when the line runs in tinygrad_edu


@pytest.mark.parametrize("line, category", [
    (f"v1 = x0 * (2.0 if {ONLY_HERE} else 1.0)", "value"),
    (f"v1 = x0 * (float('nan') if {ONLY_HERE} else 1.0)", "nan/inf"),
    (f"v1 = x0.double() if {ONLY_HERE} else x0.float()", "dtype"),
    (f"v1 = x0 + (1 / 0 if {ONLY_HERE} else 0)", "raises"),
    (f"v1 = x0 + (0 if {ONLY_HERE} else 1 / 0)", "no error"),
    (f"v1 = x0.not_a_method_anywhere() if {ONLY_HERE} else x0", "missing"),
    (f"v1 = x0 * 3 - x0.detach() if {ONLY_HERE} else x0 * 2", "grad: value"),
    (f"v1 = x0 * x0 + (x0 - x0.detach()) ** 2 if {ONLY_HERE} else x0 * x0", "grad2: value"),
])
def test_the_harness_sees_each_kind_of_difference(line, category):
    """The comparison can fail: a line written to differ is reported with the right kind."""
    program = _program([line], (np.array([0.5, -1.0, 2.0], dtype=np.float32), True))
    assert [d.category for d in check(program)] == [category]


def test_float64_results_of_float32_values_get_float32_tolerance():
    """A float64 result computed from float32 values carries float32 rounding (numpy's and
    PyTorch's float32 sin differ in the last bit): a difference of that size is not reported,
    one of a float32 ulp in a pure float64 program is."""
    one_ulp = f"(1 + 1e-6 if {ONLY_HERE} else 1.0)"  # (within float32 tolerance, not float64)
    from_float32 = _program([f"v1 = x0.sin().double() * {one_ulp}"], (np.array([-2.6], dtype=np.float32), False))
    assert check(from_float32) == []
    pure = _program([f"v1 = x0.sin() * {one_ulp}"], (np.array([-2.6]), False))
    assert [d.category for d in check(pure)] == ["value"]


def test_fuzz_against_torch():
    """Every difference from PyTorch in the generated programs is fixed or a documented,
    deliberate one (tests/fuzz/known.py, docs/from-pytorch.md)."""
    results = collect(EXAMPLES)
    lines = []
    for key in results.real_kinds():
        diff = results.kinds[key][0]
        lines.append(f"--- {key} in {results.counts[key]} programs\n{reproducer(diff)}\n"
                     f"tinygrad_edu: {diff.ours[:300]}\ntorch: {diff.theirs[:300]}")
    assert not lines, (f"{results.differing} of {results.programs} programs differ from PyTorch, "
                       f"in {len(lines)} ways:\n" + "\n".join(lines))
