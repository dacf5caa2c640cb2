"""The autograd API (hooks, retain_grad, backward and tg.autograd.grad with their options, .grad,
in-place changes and version counters, grad modes, saved-tensor hooks, custom Functions) against
PyTorch, program by program.

tests/fuzz/autograd_api_fuzz.py draws random programs over these and runs each step by step in
both libraries; exceptions, warnings, every tensor's flags, values and .grad, and what hooks and
custom Functions saw must agree, up to the documented differences in its KNOWN list. Skipped
without PyTorch. More programs: TINYGRAD_EDU_AUTOGRAD_API_FUZZ_EXAMPLES=3000 pytest
tests/test_autograd_api_fuzz.py, or python -m tests.fuzz.autograd_api_fuzz --examples 3000 for the
report with shrunk reproducers.
"""
from __future__ import annotations

import io
import os

import pytest

pytest.importorskip("torch")

from tests.fuzz import autograd_api_fuzz as af  # noqa: E402
from tests.fuzz.autograd_api_cases import Program, Step, draw  # noqa: E402

EXAMPLES = int(os.environ.get("TINYGRAD_EDU_AUTOGRAD_API_FUZZ_EXAMPLES", "150"))
SEED = int(os.environ.get("TINYGRAD_EDU_AUTOGRAD_API_FUZZ_SEED", "0"))


def test_autograd_api_agrees_with_pytorch() -> None:
    findings, _ = af.run(EXAMPLES, SEED)
    bad = af.failures(findings)
    if bad:
        out = io.StringIO()
        af.report(bad, out, shrink_budget=40)
        pytest.fail(out.getvalue()[:8000])


def _program(*lines: str) -> Program:
    p = Program(0)
    for line in lines:
        name = line.split(" = ")[0] if " = " in line and "(" not in line.split(" = ")[0] else None
        p.steps.append(Step(line, "test", (name,) if name else ()))
        if name:
            p.family[name] = name
    return p


def test_the_fuzz_sees_a_wrong_gradient_a_missing_error_and_a_hook_call() -> None:
    """The comparison itself: programs made to differ between the libraries are reported."""
    same = _program("a = x_(3, grad=True)", "v = a.sin()", "loss_(v).backward()")
    assert not af.failures(af.check(same))
    wrong = _program("a = x_(3, grad=True)", "v = a * (2 if tg.__name__ == 'torch' else 3)", "loss_(v).backward()")
    assert {f.what for f in af.failures(af.check(wrong))} == {"value of a non-leaf"}
    grad = _program("a = x_(3, grad=True)", "v = a * 2", "loss_(v).backward()",
                    "a.grad.mul_(1 if tg.__name__ == 'torch' else 1.5)")
    assert {f.what for f in af.failures(af.check(grad))} == {".grad value of a leaf"}
    raises = _program("a = x_(3, grad=True)", "v = a * 2", "loss_(v).backward()",
                      "loss_(v).backward() if tg.__name__ == 'torch' else None")
    assert {f.what for f in af.failures(af.check(raises))} == {"no error"}
    hook = _program("a = x_(3, grad=True)", "v = a * 2",
                    "h0 = v.register_hook(hook_('v#h0') if tg.__name__ == 'torch' else lambda g: None)",
                    "loss_(v).backward()")
    assert {f.what for f in af.failures(af.check(hook))} == {"log: h calls"}


def test_a_shrunk_reproducer_runs_with_either_import() -> None:
    """A difference is shrunk to the steps that matter, and its script names both imports."""
    p = _program("a = x_(3, grad=True)", "b = x_(2, grad=True)", "u = b.exp()",
                 "v = a * (2 if tg.__name__ == 'torch' else 3)", "w = u.sum()")
    found = af.failures(af.check(p))
    small = af.shrink(found[0])
    assert [s.code for s in small.program.steps] == ["a = x_(3, grad=True)", p.steps[3].code]
    text = af.reproducer(small)
    assert "import torch as tg  # or: import tinygrad_edu as tg" in text
    compile(text, "<reproducer>", "exec")


def test_drawing_is_repeatable() -> None:
    assert draw(7).text() == draw(7).text()
