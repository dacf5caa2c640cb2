"""tg.func, tg.autograd.functional and forward AD against PyTorch, case by case.

tests/fuzz/func_fuzz.py draws small random functions and transforms around them (vmap with in_dims
and out_dims, grad with argnums and has_aux, jacrev, jacfwd, hessian, jvp, vjp, linearize, nested
up to three deep; autograd.functional with create_graph/strict/vectorize/strategy; dual numbers;
invalid uses); each case runs in both libraries and results, structures, requires_grad, second
derivatives and exception types must agree. Skipped without PyTorch. More cases:
TINYGRAD_EDU_FUNC_FUZZ_EXAMPLES=5000 pytest tests/test_func_fuzz.py, or
python -m tests.fuzz.func_fuzz --examples 5000 --seed 0 for the report.
"""
from __future__ import annotations

import io
import os

import pytest

pytest.importorskip("torch")

from tests.fuzz import func_fuzz as ff  # noqa: E402

EXAMPLES = int(os.environ.get("TINYGRAD_EDU_FUNC_FUZZ_EXAMPLES", "150"))
SEED = int(os.environ.get("TINYGRAD_EDU_FUNC_FUZZ_SEED", "0"))


def test_function_transforms_agree_with_pytorch() -> None:
    findings, counts = ff.run(EXAMPLES, SEED)
    assert len(counts) == len(ff.GENERATORS)   # every kind of case was drawn
    bad = ff.failures(findings)
    if bad:
        out = io.StringIO()
        ff.report(bad, out)
        pytest.fail(out.getvalue()[:6000])


def test_the_fuzz_sees_a_wrong_value_and_a_missing_error() -> None:
    """The comparison itself: a snippet whose result differs between the libraries is reported."""
    same = "x = x_(3)\nout = func.grad(lambda t: (t ** 2).sum())(x)\n"
    assert not ff.failures(ff.check("transforms", same, 0))
    wrong = "x = x_(3)\nout = func.grad(lambda t: (t ** 2).sum() * (2 if tg.__name__ == 'torch' else 3))(x)\n"
    assert {f.what for f in ff.failures(ff.check("transforms", wrong, 0))} == {"out: value"}
    raises = "x = x_(3)\nout = func.grad(lambda t: t * 2 if tg.__name__ == 'torch' else (t * 2).sum())(x)\n"
    assert {f.what for f in ff.failures(ff.check("error", raises, 0))} == {"no error"}
