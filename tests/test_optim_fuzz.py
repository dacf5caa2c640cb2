"""The optimizer/scheduler differential fuzz (tests/fuzz/optim_fuzz.py) in the normal suite: 150
random configurations with a fixed seed must agree with PyTorch, apart from the documented,
deliberate differences in its KNOWN list. More: `python -m tests.fuzz.optim_fuzz --examples 5000`."""
from __future__ import annotations

import os

import pytest

pytest.importorskip("torch")

from tests.fuzz.optim_cases import draw_config  # noqa: E402
from tests.fuzz.optim_fuzz import describe, fuzz, run_config, torch_float64  # noqa: E402

EXAMPLES = int(os.environ.get("TINYGRAD_EDU_OPTIM_FUZZ_EXAMPLES", "150"))


def test_optimizers_and_schedulers_agree_with_torch():
    differences, count, _ = fuzz(EXAMPLES, seed=20250601)
    report = [f"{' | '.join(kind)}: {len(cases)} (e.g. --seed 20250601 --show {cases[0][0]}, at {cases[0][1]['event']})"
              for kind, cases in differences.items()]
    assert not differences, f"{len(report)} kinds of difference in {count} configurations:\n" + "\n".join(report)


def test_the_fuzz_can_find_a_difference(monkeypatch):
    # the comparison is live: a wrong SGD update in our library is reported
    import numpy as np

    import tinygrad_edu.optim.sgd as sgd
    cfg = draw_config(np.random.default_rng(7), "SGD")
    cfg["invalid"] = None
    cfg["defaults"] = {"lr": 0.1}
    cfg["lr_tensor"] = False
    original = sgd.SGD._update
    monkeypatch.setattr(sgd.SGD, "_update", lambda self, param, grad, state, group: original(
        self, param, grad * 1.0000001, state, group))
    with torch_float64():
        found = run_config(cfg)
    assert found is not None and found["kind"][1] == "param", describe(cfg)
