"""Running one case in both libraries, for the case-by-case comparisons with PyTorch
(tests/test_module_vs_torch.py, tests/test_utils_vs_torch.py, tests/test_creation_vs_torch.py)."""
from __future__ import annotations

import warnings

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


def outcome(fn, lib, simple) -> tuple:
    """(simple(fn(lib)), or the type of the exception fn raised; the categories of the warnings it gave)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = simple(fn(lib))
        except Exception as e:  # noqa: BLE001  (the exception type is the result)
            result = type(e)
    return result, sorted({w.category.__name__ for w in caught})


def assert_expected(name: str, result, expected, close) -> None:
    """A case's result against its hand-written expectation: an exception type it must be (or
    subclass), or a value `close` accepts."""
    if isinstance(expected, type) and issubclass(expected, BaseException):
        assert isinstance(result, type) and issubclass(result, expected), \
            f"{name}: expected {expected.__name__}, got {result}"
    else:
        assert close(result, expected), f"{name}:\n  got      {result}\n  expected {expected}"
