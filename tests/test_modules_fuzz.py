"""nn modules and their functional forms against PyTorch, configuration by configuration.

Each generator of tests/fuzz/modules_fuzz.py (convolutions, pools, norms, recurrent layers,
embeddings, attention, losses, resampling) draws a few configurations from fixed seeds; each runs
in both libraries with the same weights, in train and in eval mode, and outputs, gradients and
buffers must agree to 1e-10. Skipped without PyTorch. More configurations:
TINYGRAD_EDU_MODULES_FUZZ_EXAMPLES=5000 pytest tests/test_modules_fuzz.py (or `make fuzz`).
"""
from __future__ import annotations

import io
import os
import random

import pytest

pytest.importorskip("torch")

from tests.fuzz import modules_fuzz as mf  # noqa: E402

EXAMPLES = int(os.environ.get("TINYGRAD_EDU_MODULES_FUZZ_EXAMPLES", "200"))
KINDS = sorted(mf.CASES)


@pytest.mark.parametrize("kind", KINDS)
def test_module_configurations_agree_with_pytorch(kind: str) -> None:
    findings = []
    for seed in range(max(1, EXAMPLES // len(KINDS))):
        label, snippet = mf.make(kind, random.Random(seed))
        findings += mf.check(label, snippet, seed)[0]
    bad = mf.failures(findings)
    if bad:
        out = io.StringIO()
        mf.report(bad, out)
        pytest.fail(out.getvalue()[:6000])


def test_the_fuzz_sees_a_wrong_gradient() -> None:
    """The comparison itself: a snippet whose gradient differs between the libraries is reported."""
    snippet = "x = x_(3)\nout = x * 2 if tg.__name__ == 'torch' else x * 2 + (x * x - x * x) * x"
    assert not mf.failures(mf.check("probe", snippet, 0)[0])   # the same function: no finding
    snippet = "x = x_(3)\nout = x * 2 if tg.__name__ == 'torch' else x.detach() + x"
    found = mf.failures(mf.check("probe", snippet, 0)[0])
    assert {f.what for f in found} == {"grad input: value"}
