"""Running one case in both libraries, for the case-by-case comparisons with PyTorch
(tests/test_module_vs_torch.py, tests/test_utils_vs_torch.py)."""
from __future__ import annotations

import tinygrad_edu as tg


def run_both(run, fn, torch) -> tuple:
    """(run(fn, tinygrad_edu), run(fn, torch)), PyTorch with our default float dtype, float64,
    while it runs (the suite's fixture would restore it anyway)."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        return run(fn, tg), run(fn, torch)
    finally:
        torch.set_default_dtype(previous)
